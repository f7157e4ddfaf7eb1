from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from server.settings import AppSection, KnowledgeSection, PiiSection, RasaSection, Settings
from tests.stack import stack  # noqa: F401  (the real system, for tests marked rasa)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of a throw-away installation: its own var dir, SQLite file and key."""
    return Settings(
        app=AppSection(var_dir=tmp_path / "var", public_url="http://testserver"),
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
