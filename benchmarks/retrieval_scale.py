"""Retrieval latency as the store grows: the real corpus, about 1,000 and about 10,000 chunks.

    .venv/bin/python -m benchmarks.retrieval_scale [--sizes real,1000,10000] [--quick] [--profile]

Only the retrieval step the app runs per question is timed: ``Retriever.search`` of the default
settings (USE-M + BM25 hybrid, in the question's language), on the question as the guard leaves
it. The bigger corpora are the real guides (``knowledge/documents/<topic>/<lang>.md``) plus
copies of them, each with its own id, title and petition and small deterministic variations
(sentence order shuffled, numbers changed), added guide by guide until the chunk count is
closest to the size asked for. Each corpus is ingested once with the app's own ingestion
(``KnowledgeService.ingest``, the real USE-M model) into an embedded Chroma under
``~/.cache/minwon/bench/retrieval-scale/``, keyed by size and a hash of the documents and of
this builder; later runs reuse it.

Every size is built and measured in fresh processes, so the cold first query and the RSS are
those of a process that loaded that store only. The retriever builds a language's index (its
chunks and vectors from Chroma, BM25) on the first question in that language: the first
question of the run is the cold one (``cold_ms``: it also loads the USE-M weights and, for
Korean, Kiwi), the first question of each language is reported in ``cold_by_language_ms``, and
the timed passes over every QA question (benchmarks/knowledge_qa/*.yml; ``--repeat``, 3 by
default) start once each language has had one warm-up question. ``--profile`` adds one more
pass under cProfile (not timed) and writes its statistics next to the cached store; that
happens anyway when a size's p95 is over 200 ms.

Writes benchmarks/results/retrieval_scale.json (not with --quick) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import yaml

from knowledge import corpus
from knowledge.corpus import DOCUMENTS_DIR, Guide, chunks, load_guides, parse

RESULTS = Path(__file__).parent / "results" / "retrieval_scale.json"
BENCH = Path.home() / ".cache" / "minwon" / "bench" / "retrieval-scale"
# Bump when the corpus builder changes: cached stores of an older builder are not reused.
BUILDER_VERSION = 1
DEFAULT_SIZES = "real,1000,10000"
SLOW_P95_MS = 200.0

_NUMBER = re.compile(r"\d+")
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*\s*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_COPY = re.compile(r"_v\d{3}$")  # a copy's id is the guide's with _v001, _v002, …


# --- the corpus ---------------------------------------------------------------------------


def _renumber(line: str, copy: int) -> str:
    """Every number in the line moved by ``copy`` (keeping its width: 09 → 12, not 12 → 15)."""
    return _NUMBER.sub(lambda m: str(int(m.group()) + copy).zfill(len(m.group())), line)


def _shuffled_paragraph(lines: list[str], rng: random.Random, language: str) -> list[str]:
    if len(lines) > 1 or _LIST_ITEM.match(lines[0]):
        lines = lines[:]
        rng.shuffle(lines)  # a list's items (or a paragraph's lines) in another order
        return lines
    sentences = [s.strip() for s in _SENTENCE.findall(lines[0]) if s.strip()]
    if len(sentences) < 2:
        return lines
    rng.shuffle(sentences)
    return [("" if language == "zh" else " ").join(sentences)]


def vary_body(body: str, copy: int, language: str, seed: str) -> str:
    """The body with each paragraph's sentences (or a list's items) shuffled and every number
    moved; headings stay where they are, so the copy splits into the same sections."""
    rng = random.Random(seed)
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.extend(
                _renumber(line, copy) for line in _shuffled_paragraph(paragraph, rng, language)
            )
            paragraph.clear()

    for line in body.split("\n"):
        if line.startswith("#"):
            flush()
            out.append(f"{line} #{copy}" if line.startswith("# ") else line)
        elif not line.strip():
            flush()
            out.append(line)
        else:
            paragraph.append(line)
    flush()
    return "\n".join(out)


def variant_text(guide: Guide, copy: int) -> str:
    """A copy of the guide as a document file: its own id, title and petition, varied text."""
    meta = {
        "id": f"{guide.id}_v{copy:03d}",
        "title": f"{guide.title} #{copy}",
        "topic": guide.topic,
        "petition": f"{guide.petition}_v{copy:03d}" if guide.petition else None,
        "language": guide.language,
        "source_url": guide.source_url,
        "last_reviewed": guide.last_reviewed,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    body = vary_body(guide.body, copy, guide.language, f"{guide.key}/{copy}")
    return f"---\n{front}\n---\n\n{body}\n"


def build_corpus(target: int | None, out: Path, source: Path = DOCUMENTS_DIR) -> int:
    """Writes the real guides and as many varied copies as bring the chunk count closest to
    ``target`` (None: the real guides only) into ``out``; returns the number of chunks."""
    guides = sorted(load_guides(source), key=lambda g: (g.id, g.language))
    total = 0
    for guide in guides:
        path = out / guide.id / f"{guide.language}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(guide.path, path)
        total += len(chunks(parse(path)))
    if target is not None and target < total:
        raise ValueError(f"the real corpus alone has {total} chunks, more than {target}")
    copy = 0
    while target is not None and total < target:
        copy += 1
        for guide in guides:
            path = out / f"{guide.id}_v{copy:03d}" / f"{guide.language}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(variant_text(guide, copy), encoding="utf-8")
            added = len(chunks(parse(path)))
            if total + added - target > target - total:  # farther past than short of it
                path.unlink()
                if not any(path.parent.iterdir()):
                    path.parent.rmdir()
                return total
            total += added
            if total >= target:
                return total
    return total


def corpus_key(target: int | None, source: Path = DOCUMENTS_DIR) -> str:
    """Names a built store: the size asked for and a hash of the documents, of the chunker
    (knowledge/corpus.py) and of the builder version."""
    digest = hashlib.sha256(f"builder {BUILDER_VERSION}\n".encode())
    for path in sorted(source.glob("*/*.md")):
        digest.update(str(path.relative_to(source)).encode() + b"\0" + path.read_bytes())
    digest.update(Path(corpus.__file__).read_bytes())
    return f"{target or 'real'}-{digest.hexdigest()[:12]}"


# --- ingestion and measurement (each in a fresh process) -------------------------------------


def bench_settings(root: Path, embedder: str = "use-m") -> Any:
    """The default knowledge settings with the corpus and store under ``root``; no LLM (only
    retrieval is measured) and nothing under the repository's var/."""
    from server.settings import AppSection, KnowledgeSection, Settings

    return Settings(
        app=AppSection(var_dir=root / "var"),
        knowledge=KnowledgeSection(
            documents_dir=root / "documents",
            persist_dir=root / "knowledge",
            embedder=embedder,
            llm="none",
            warm_up=False,
        ),
    )


def _service(root: Path, embedder: str) -> Any:
    from server.knowledge import KnowledgeService

    return KnowledgeService(bench_settings(root, embedder), lambda language: "DONT_KNOW")


def build_store(target: int | None, root: Path, embedder: str = "use-m") -> dict[str, Any]:
    """Writes the corpus under ``root`` and ingests it the way the app does."""
    chunk_count = build_corpus(target, root / "documents")
    started = time.perf_counter()
    report = _service(root, embedder).ingest(progress=True)
    ingest_s = round(time.perf_counter() - started, 1)
    if report.chunks != chunk_count:
        raise RuntimeError(f"built {chunk_count} chunks but ingested {report.summary()}")
    built = {"chunks": report.chunks, "ingest_s": ingest_s, "embedder": embedder}
    built["built_at"] = datetime.now().isoformat(timespec="seconds")
    (root / "built.json").write_text(json.dumps(built, indent=2) + "\n")
    return built


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    root: Path, embedder: str = "use-m", repeat: int = 1, profile: Path | None = None
) -> dict[str, Any]:
    """Loads the store under ``root`` as the app does and times retrieval for the QA set."""
    import psutil

    from knowledge.evaluation import load_qa
    from knowledge.guard import guard

    started = time.perf_counter()
    svc = _service(root, embedder)
    retriever = svc.answerer.retriever  # the embedding model, the store, the retriever
    load_s = time.perf_counter() - started
    stored = svc.store.count()

    items = [(item, guard(item.question)) for item in load_qa()]
    questions = [(item, g.text) for item, g in items if not g.empty]

    def timed(text: str, language: str) -> tuple[float, Any]:
        t = time.perf_counter()
        found = retriever.search(text, language, None)
        return time.perf_counter() - t, found

    # The first question loads the model's weights, Kiwi (Korean) and its language's index;
    # the first of every other language builds that language's index.
    cold_by_language: dict[str, float] = {}
    for item, text in questions:
        if item.language not in cold_by_language:
            cold_by_language[item.language] = _ms(timed(text, item.language)[0])
    cold_ms = next(iter(cold_by_language.values()))
    rss_mb = round(psutil.Process().memory_info().rss / 2**20)

    seconds: list[float] = []
    by_language: dict[str, list[float]] = {language: [] for language in cold_by_language}
    top1_right = in_scope = 0
    for _ in range(repeat):
        for item, text in questions:
            took, found = timed(text, item.language)
            seconds.append(took)
            by_language[item.language].append(took * 1000)
            if item.in_scope:
                in_scope += 1
                # A copy of the right guide counts too (its id is the guide's with _vNNN).
                top = _COPY.sub("", found.hits[0].doc_id) if found.hits else ""
                top1_right += top in item.sources
    if profile:  # one more pass under the profiler, not counted in the timings
        profiler = cProfile.Profile()
        profiler.enable()
        for item, text in questions:
            retriever.search(text, item.language, None)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        profile.write_text(out.getvalue())
    ms = [s * 1000 for s in seconds]
    return {
        "chunks": stored,
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_p95(ms), 1),
        "max_ms": round(max(ms), 1),
        "cold_ms": cold_ms,
        "rss_mb": rss_mb,
        "questions": len(questions),
        "timed": len(ms),
        "cold_by_language_ms": cold_by_language,
        "p50_p95_by_language_ms": {
            language: [round(statistics.median(values), 1), round(_p95(values), 1)]
            for language, values in by_language.items()
        },
        "load_s": round(load_s, 2),
        "hit1_any_copy": round(top1_right / max(1, in_scope), 3),
    }


def _in_fresh_process(function: Any, *args: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def store_for(target: int | None, embedder: str = "use-m") -> tuple[Path, float | None]:
    """The cached store of that size, built (in a fresh process) when missing; and the
    ingestion time if it was built now."""
    BENCH.mkdir(parents=True, exist_ok=True)
    final = BENCH / corpus_key(target)
    if (final / "built.json").exists():
        return final, None
    building = Path(tempfile.mkdtemp(prefix=f".building-{final.name}-", dir=BENCH))
    try:
        built = _in_fresh_process(build_store, target, building, embedder)
        if final.exists():  # a half-built leftover without built.json
            shutil.rmtree(final)
        building.rename(final)
    finally:
        if building.exists():
            shutil.rmtree(building)
    return final, built["ingest_s"]


# --- the report ------------------------------------------------------------------------------


def _ingest(row: dict[str, Any]) -> str:
    if row["ingest_s"] is not None:
        return str(row["ingest_s"])
    return f"cached ({row['built']['ingest_s']} when built)" if row.get("built") else "cached"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| chunks | p50 ms | p95 ms | max ms | cold ms | RSS MB | ingest s |\n"
        "|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [
        f"| {r['chunks']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['cold_ms']} "
        f"| {r['rss_mb']} | {_ingest(r)} |"
        for r in rows
    ]
    return "\n".join([head, *lines])


def _sizes(text: str) -> list[int | None]:
    return [None if s.strip() == "real" else int(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"chunk counts to measure, 'real' for the real corpus (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--quick", action="store_true", help="1000 chunks only; writes no JSON")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the QA set")
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"cProfile one more pass of every size (always when p95 > {SLOW_P95_MS:.0f} ms)",
    )
    args = parser.parse_args()
    sizes = _sizes("1000" if args.quick else args.sizes)
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        root, ingest_s = store_for(size)
        profile = root / "profile.txt" if args.profile else None
        load_1m = round(os.getloadavg()[0], 2)
        row = _in_fresh_process(measure, root, "use-m", args.repeat, profile)
        if row["p95_ms"] > SLOW_P95_MS and profile is None:
            profile = root / "profile.txt"
            _in_fresh_process(measure, root, "use-m", 1, profile)
        built = json.loads((root / "built.json").read_text())
        rows.append(
            {
                "target": size or "real",
                **row,
                "ingest_s": ingest_s,
                # How long the cached store took to ingest when it was built (an earlier run).
                "built": {"ingest_s": built["ingest_s"], "at": built["built_at"]},
                "load_1m_before": load_1m,
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        if profile:
            print(f"profile: {profile}", flush=True)
    after = os.getloadavg()
    result = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": {
            "before": [round(x, 2) for x in load],
            "after": [round(x, 2) for x in after],
        },
        "retrieval": "USE-M + BM25 hybrid (default settings), Retriever.search per question",
        "rows": rows,
    }
    if not args.quick:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
