"""Knowledge evaluation: retrieval and answers on the QA set, every candidate in one table.

    .venv/bin/python -m benchmarks.knowledge_eval [--quick]

1. Every retrieval candidate (USE-M, MiniLM, BM25, hybrids) answers every question extractively
   with no refusal threshold; the "I don't know" threshold is then calibrated per candidate
   (the one that gets most questions right: facts stated or correctly refused).
2. The default retrieval, at its threshold, answers again with each LLM (Gemma 3 270M base,
   SmolLM2 135M Instruct) — the real GGUF models on this machine's cores.
Writes benchmarks/results/knowledge.json and prints the README table.
"""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from knowledge.answer import Answer
from knowledge.corpus import load_guides
from knowledge.evaluation import QAItem, Scores, load_qa
from server.knowledge import KnowledgeService
from server.settings import Settings

RESULTS = Path(__file__).parent / "results" / "knowledge.json"
CACHE = Path.home() / ".cache" / "minwon" / "eval"

RETRIEVERS = {
    "USE-M dense": ("use-m", 1.0, 0.0),
    "MiniLM dense": ("minilm", 1.0, 0.0),
    "BM25 (Kiwi/char n-grams)": ("hashing", 0.0, 1.0),
    "USE-M + BM25 hybrid": ("use-m", 0.5, 0.5),
    "MiniLM + BM25 hybrid": ("minilm", 0.5, 0.5),
}
DEFAULT_RETRIEVER = "USE-M + BM25 hybrid"
LLMS = {"Gemma 3 270M (base)": "gemma3-270m", "SmolLM2 135M Instruct": "smollm2-135m"}
DONT_KNOW = "DONT_KNOW"


def service(embedder: str, dense: float, lexical: float, llm: str, threshold: float):  # type: ignore[no-untyped-def]
    settings = Settings()
    settings.app.var_dir = CACHE
    k = settings.knowledge
    k.embedder, k.dense_weight, k.lexical_weight = embedder, dense, lexical
    k.llm, k.min_confidence = llm, threshold
    k.persist_dir = CACHE / "knowledge"
    svc = KnowledgeService(settings, lambda language: DONT_KNOW)
    svc.ingest()
    return svc


def source_texts(guides: dict[tuple[str, str], str], answer: Answer) -> str:
    return "\n".join(guides.get((s.id, answer.language), "") for s in answer.sources)


def run(svc: KnowledgeService, items: list[QAItem]) -> list[Answer]:
    return [svc.ask(item.question, item.language, None) for item in items]


def score(items: list[QAItem], answers: list[Answer], guides, threshold: float) -> Scores:  # type: ignore[no-untyped-def]
    scores = Scores()
    for item, answer in zip(items, answers, strict=True):
        if answer.mode != "dont_know" and answer.trace.get("confidence", 0.0) < threshold:
            answer = replace(answer, answer=DONT_KNOW, sources=[], grounded=False, mode="dont_know")
        scores.add(item, answer, answer.trace.get("retrieved", []), source_texts(guides, answer))
    return scores


def calibrate(items: list[QAItem], answers: list[Answer], guides) -> float:  # type: ignore[no-untyped-def]
    candidates = sorted({round(a.trace.get("confidence", 0.0), 4) for a in answers})

    def right(t: float) -> int:
        s = score(items, answers, guides, t)
        return s.correct + s.refused_out

    return max(candidates, key=lambda t: (right(t), -t))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="default retriever, no LLMs")
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads")
    args = parser.parse_args()
    items = load_qa()
    guides = {(g.id, g.language): g.body for g in load_guides()}
    rows: list[dict[str, object]] = []
    per_language: dict[str, dict[str, object]] = {}
    thresholds: dict[str, float] = {}
    names = [DEFAULT_RETRIEVER] if args.quick else list(RETRIEVERS)
    for name in names:
        embedder, dense, lexical = RETRIEVERS[name]
        svc = service(embedder, dense, lexical, "none", -1.0)
        answers = run(svc, items)
        threshold = calibrate(items, answers, guides)
        thresholds[name] = threshold
        report = score(items, answers, guides, threshold).report()
        rows.append({"retrieval": name, "answer": "extractive", "threshold": threshold, **report})
        print(rows[-1], flush=True)
        if name == DEFAULT_RETRIEVER:
            for language in sorted({i.language for i in items}):
                chosen = [
                    (i, a) for i, a in zip(items, answers, strict=True) if i.language == language
                ]
                per_language[language] = score(
                    [i for i, _ in chosen], [a for _, a in chosen], guides, threshold
                ).report()
    if not args.quick:
        embedder, dense, lexical = RETRIEVERS[DEFAULT_RETRIEVER]
        threshold = thresholds[DEFAULT_RETRIEVER]
        for name, spec in LLMS.items():
            svc = service(embedder, dense, lexical, spec, threshold)
            svc.settings.knowledge.llm_threads = args.threads
            answers = run(svc, items)
            report = score(items, answers, guides, threshold).report()
            rows.append(
                {"retrieval": DEFAULT_RETRIEVER, "answer": name, "threshold": threshold, **report}
            )
            print(rows[-1], flush=True)
    result = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "questions": {
            "in_scope": sum(i.in_scope for i in items),
            "out_of_scope": sum(not i.in_scope for i in items),
        },
        "llm_threads": args.threads,
        "rows": rows,
        "default_per_language": per_language,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    if not args.quick:
        RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(table(rows))


def table(rows: list[dict[str, object]]) -> str:
    head = (
        "| retrieval | answer | hit@1 | hit@3 | correct | ungrounded | refusal P | refusal R "
        "| p50 s | p95 s |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r['retrieval']} | {r['answer']} | {r['hit@1']} | {r['hit@3']} | {r['correctness']} "
        f"| {r['ungrounded']} | {r['refusal_precision']} | {r['refusal_recall']} | {r['p50_s']} "
        f"| {r['p95_s']} |"
        for r in rows
    ]
    return "\n".join([head, *lines])


if __name__ == "__main__":
    main()
