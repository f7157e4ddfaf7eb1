"""Alembic environment: the app's schema is the metadata of server/store/models.py.

The app migrates itself at start-up (``Database.create_schema``); by hand:
``.venv/bin/alembic upgrade head`` (URL from the settings), and after a model change
``.venv/bin/alembic revision --autogenerate -m "what changed"``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from server.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    from server.settings import get_settings

    engine = create_engine(get_settings().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
