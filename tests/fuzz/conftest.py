"""The fuzz run's counters: every request sent, by status, generation mode and operation;
written to benchmarks/results/fuzz.json once a whole run has passed."""

from __future__ import annotations

import json
import os
import platform
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import hypothesis
import pytest
import schemathesis

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "fuzz.json"


@dataclass
class FuzzStats:
    """What the fuzz tests sent, per identity (anonymous, staff) and operation."""

    operations: dict[str, set[str]] = field(default_factory=dict)
    cases: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    by_mode: Counter[str] = field(default_factory=Counter)
    by_operation: dict[str, Counter[str]] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    # Set by the last test once both passes have reached every operation without a 5xx.
    finished: bool = False

    def record(self, identity: str, operation: str, status: int, mode: str) -> None:
        self.operations.setdefault(identity, set()).add(operation)
        self.cases[identity] += 1
        self.by_status[str(status)] += 1
        self.by_mode[mode] += 1
        self.by_operation.setdefault(f"{identity}: {operation}", Counter())[str(status)] += 1
        if status >= 500:
            self.server_errors.append(f"{identity}: {operation} -> {status}")

    def report(self) -> dict[str, object]:
        every: set[str] = set().union(*self.operations.values())
        return {
            "operations": len(every),
            "cases": sum(self.cases.values()),
            "runs": {
                identity: {"operations": len(operations), "cases": self.cases[identity]}
                for identity, operations in sorted(self.operations.items())
            },
            "by_status": dict(sorted(self.by_status.items())),
            "by_mode": dict(sorted(self.by_mode.items())),
            "server_errors": len(self.server_errors),
            "seconds": round(time.perf_counter() - self.started, 1),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "schemathesis": schemathesis.__version__,
            "hypothesis": hypothesis.__version__,
            "date": date.today().isoformat(),
            "by_operation": {
                label: dict(sorted(statuses.items()))
                for label, statuses in sorted(self.by_operation.items())
            },
        }


@pytest.fixture(scope="session")
def fuzz_stats() -> Iterator[FuzzStats]:
    stats = FuzzStats()
    yield stats
    # Only a whole run replaces the report: not a deselected or failed part of it.
    if stats.finished:
        RESULTS.write_text(json.dumps(stats.report(), indent=2) + "\n", encoding="utf-8")
