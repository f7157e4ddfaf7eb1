"""The app database on a real PostgreSQL server (the production database): the migrations build
the models' schema, replicas starting together migrate safely, and workers on several
connections never claim the same queue row twice. The whole fast suite also runs on PostgreSQL
(`pytest --database=postgresql`, part of `make test`)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from deploy.processes import Postgres
from server.dispatch import Backoff, DurableQueue
from server.store.db import Database
from server.store.models import Base, Delivery

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def fresh(postgres: Postgres, name: str) -> Database:
    postgres.drop_database(name)
    return Database(postgres.create_database(name))


def test_replicas_migrating_together_build_exactly_the_models_schema(postgres: Postgres):
    databases = [fresh(postgres, "migrate_race")] + [
        Database(postgres.url("migrate_race")) for _ in range(3)
    ]
    errors: list[BaseException] = []

    def migrate(db: Database) -> None:
        try:
            db.create_schema()
        except BaseException as error:  # collected: the assertion below names it
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with databases[0].engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    for db in databases:
        db.engine.dispose()


def test_workers_on_their_own_connections_claim_each_row_exactly_once(postgres: Postgres):
    db = fresh(postgres, "claims")
    db.create_schema()
    with db.session() as session:
        session.add_all(
            Delivery(receipt_no=f"MW-{n}", event="approved", target="erp", next_attempt_at=NOW)
            for n in range(60)
        )
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker() -> None:
        queue = DurableQueue(
            Database(postgres.url("claims")), Delivery, Backoff(), lease=timedelta(minutes=5)
        )
        start.wait()
        for _ in range(10):
            ids = queue.claim(NOW, limit=7)
            with lock:
                claimed.extend(ids)
        queue.db.engine.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed))  # nobody claimed a row another one holds
    assert len(claimed) == 60
    with db.session() as session:
        assert session.scalar(select(func.max(Delivery.attempts))) == 1
    db.engine.dispose()
