"""Render time of every petition's official document, HTML and PDF (median over a batch).

    .venv/bin/python -m benchmarks.render [--html-runs 50] [--pdf-runs 10]

Writes benchmarks/results/render.json and prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import datetime
from pathlib import Path

from forms.catalog import default_catalog
from forms.document import DocumentMeta, render_html, render_pdf
from tests.fixtures.petitions import example_values

RESULTS = Path(__file__).parent / "results" / "render.json"


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--html-runs", type=int, default=50)
    parser.add_argument("--pdf-runs", type=int, default=10)
    args = parser.parse_args()
    meta = DocumentMeta("MW-20261121-BENCH1", datetime(2026, 11, 21, 10, 0), "web", "ko")
    rows = []
    for petition in default_catalog().petitions.values():
        values = example_values(petition)
        render_pdf(petition, values, meta, "staff")  # warm-up: fonts, imports
        rows.append(
            {
                "petition": petition.id,
                "html_ms": median_ms(
                    lambda p=petition, v=values: render_html(p, v, meta, "staff"), args.html_runs
                ),
                "pdf_ms": median_ms(
                    lambda p=petition, v=values: render_pdf(p, v, meta, "staff"), args.pdf_runs
                ),
            }
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now().isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
                "html_runs": args.html_runs,
                "pdf_runs": args.pdf_runs,
                "results": rows,
            },
            indent=2,
        )
    )
    print("| petition | HTML median (ms) | PDF median (ms) |\n|---|---|---|")
    for row in rows:
        print(f"| {row['petition']} | {row['html_ms']} | {row['pdf_ms']} |")


if __name__ == "__main__":
    main()
