from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from server.settings import (
    AppSection,
    DatabaseSection,
    KnowledgeSection,
    PiiSection,
    RasaSection,
    Settings,
)
from tests.stack import stack  # noqa: F401  (the real system, for tests marked rasa)

# A real PostgreSQL server for the session (tests/servers.py).
pytest_plugins = ["tests.servers"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the app database of the tests' settings: a SQLite file per test (default), or a "
        "fresh database per test on a real PostgreSQL server started for the session",
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings of a throw-away installation: its own var dir, database and key."""
    return Settings(
        app=AppSection(var_dir=tmp_path / "var", public_url="http://testserver"),
        database=DatabaseSection(url=database_url),
        pii=PiiSection(key=base64.b64encode(os.urandom(32)).decode()),
        rasa=RasaSection(url="http://127.0.0.1:9", token="test-token"),
        # Model-free embeddings and extractive answers: fast; the real models have their own tests.
        knowledge=KnowledgeSection(embedder="hashing", llm="none", warm_up=False),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the real system are marked ``rasa`` (select or skip with -m)."""
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.rasa)
