"""A real PostgreSQL server for the tests, started once per test session on a free loopback
port (``deploy/processes.py``), never a mock; Redis runs in the production topology's tests.

``pytest --database=postgresql`` gives every test that uses the ``settings`` fixture a fresh
database on the session's PostgreSQL, cloned from a migrated template (fast: no migration per
test); the default is a SQLite file per test.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.processes import Postgres, free_port

TEMPLATE = "minwon_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    directory = Path(tempfile.mkdtemp(prefix="minwon-test-pg-"))
    directory.chmod(0o711)  # the postgres user must reach its data directory below
    server = Postgres(directory / "pg", free_port(), secrets.token_hex(12), durable=False)
    server.start()
    try:
        yield server
    finally:
        server.remove()
        directory.rmdir()


@pytest.fixture(scope="session")
def _migrated_template(request: pytest.FixtureRequest) -> str | None:
    if request.config.getoption("--database") != "postgresql":
        return None
    from server.store.db import Database

    server: Postgres = request.getfixturevalue("postgres")
    database = Database(server.create_database(TEMPLATE))
    database.create_schema()
    database.engine.dispose()  # a template must have no connections when it is cloned
    return TEMPLATE


@pytest.fixture
def database_url(request: pytest.FixtureRequest, _migrated_template: str | None) -> Iterator[str]:
    """The app database for one test: '' (= SQLite under the test's var dir) or a new
    PostgreSQL database."""
    if _migrated_template is None:
        yield ""
        return
    server: Postgres = request.getfixturevalue("postgres")
    name = f"t_{secrets.token_hex(6)}"
    server.create_database(name, template=_migrated_template)
    yield server.url(name)
    server.drop_database(name)
