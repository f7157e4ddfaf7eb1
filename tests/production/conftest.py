"""The production topology (deploy/topology.py) on free loopback ports, once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deploy.topology import Ports, Topology
from tests.stack import trained_model


@pytest.fixture(scope="session")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    var = tmp_path_factory.mktemp("minwon-prod")
    var.chmod(0o711)
    topology = Topology(
        var,
        trained_model(),
        Ports.free(),
        durable=False,
        # Every simulated citizen comes from 127.0.0.1: the per-client flood limit would trip.
        app_env={"MINWON_CHAT__RATE_PER_CLIENT": "100000"},
    )
    topology.start()
    try:
        yield topology
    finally:
        topology.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "topology" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.production)
