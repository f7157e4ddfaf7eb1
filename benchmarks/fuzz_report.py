"""The API fuzz run's counts as Markdown for the README, from benchmarks/results/fuzz.json.

.venv/bin/pytest -q tests/fuzz          # runs the fuzzer and writes the JSON
.venv/bin/python -m benchmarks.fuzz_report
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "fuzz.json"


def markdown(report: dict[str, Any]) -> str:
    runs = report["runs"]
    modes = report.get("by_mode", {})
    lines = [
        f"{report['cases']} fuzz cases over the {report['operations']} operations of the OpenAPI "
        f"schema ({runs['anonymous']['cases']} anonymous, {runs['staff']['cases']} signed in as "
        f"staff; {modes.get('negative', 0)} of them invalid data), "
        f"{report['server_errors']} server errors "
        f"(schemathesis {report['schemathesis']}, {report['seconds']} s, {report['date']}).",
        "",
        "| status | " + " | ".join(report["by_status"]) + " |",
        "| --- | " + " | ".join("---:" for _ in report["by_status"]) + " |",
        "| answers | " + " | ".join(str(n) for n in report["by_status"].values()) + " |",
    ]
    return "\n".join(lines)


def main() -> None:
    print(markdown(json.loads(RESULTS.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
