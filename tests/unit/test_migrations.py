"""The migrations build exactly the schema the models describe: a model change without its
migration (`alembic revision --autogenerate`) fails here."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.store.db import Database
from server.store.models import Base


def test_migrations_match_the_models(tmp_path: Path):
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.create_schema()
    db.create_schema()  # idempotent: a restart migrates nothing
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
