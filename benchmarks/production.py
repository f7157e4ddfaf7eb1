"""The production shape, measured: chat latency through nginx → app → Rasa against Rasa's own
REST channel, LLM throughput through the app against llama.cpp's server, memory of every process.

    .venv/bin/python -m benchmarks.production [--levels 1,10,50,100] [--think 1.0]
        [--citizen-levels 10,50,100] [--citizen-think 8.0]

Starts the topology (deploy/topology.py) on free loopback ports. For each number of concurrent
conversations, simulated citizens (benchmarks/load.py) file a general petition in English
through nginx; right after, the messages they sent are replayed with the same concurrency and
pauses straight to one Rasa server's REST channel (the same bot: its actions and texts still
come from the app; no app in front, no proxy). Side by side in one run, so that the ratio holds
on a noisy machine. Turns need no LLM. Two paces: the stress pace (a message every 0.5–1.5 s,
which saturates two cores from about 12 turns/s) and the citizen pace (4–12 s to read a
reply and type the next answer: a name, a phone number, an address). Then questions are asked
through the app (/api/knowledge/ask via nginx) and the same prompts sent to the llama.cpp
server directly.
Writes benchmarks/results/production.json and prints the README table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import percentile, rasa_direct, run_load, server_timing, summary
from deploy.topology import Ports, Topology

RESULTS = Path(__file__).parent / "results" / "production.json"
QUESTIONS = [
    ("How much is a seal certificate at the counter?", "en"),
    ("인감증명서 발급 수수료는 얼마예요?", "ko"),
    ("How long do I have to report a move-in?", "en"),
    ("Who can get my family relation certificate for me?", "en"),
    ("Can a proxy get a resident registration copy?", "en"),
    ("外国人住址变更要在几天内申报？", "zh"),
    ("Giấy chứng nhận con dấu giá bao nhiêu?", "vi"),
    ("ขอสำเนาทะเบียนผู้พำนักต้องใช้อะไรบ้าง", "th"),
]


def latency(
    topology: Topology, levels: list[int], think: float, least: int = 20, rounds: int = 3
) -> list[dict[str, Any]]:
    """Per level, the two sides take turns: ``level`` citizens file petitions through the app,
    then their messages are replayed to Rasa with the same concurrency — ``rounds`` times below
    50 concurrent, and more while fewer than ``least`` conversations were had (so a p95 at one
    concurrent rests on a few hundred turns, and a slow minute of the machine falls on both
    sides); once from 50 up."""
    rows = []
    for level in levels:
        batches = 1 if level >= 50 else max(rounds, -(-least // level))
        conversations, turns = [], []
        app_seconds = rasa_seconds = 0.0
        for _ in range(batches):
            started = time.monotonic()
            batch = asyncio.run(
                run_load(
                    topology.url,
                    concurrency=level,
                    count=level,
                    seconds=600,
                    think=think,
                    petitions=("general_petition",),
                    languages=("en",),
                )
            )
            app_seconds += time.monotonic() - started
            conversations += batch
            scripts = [c.sent for c in batch if c.receipt_no]
            started = time.monotonic()
            direct = asyncio.run(
                rasa_direct(topology.rasa_urls[0], scripts, concurrency=level, think=think)
            )
            rasa_seconds += time.monotonic() - started
            turns += [t for times in direct for t in times]
        app = summary(conversations)
        row = {
            "concurrent": level,
            "conversations": len(conversations),
            "completed": app["completed"],
            "app_turns": app["turns"],
            "app_p50_ms": app["turn_p50_ms"],
            "app_p95_ms": app["turn_p95_ms"],
            # The app's own work in a turn (database, scrubbing; its Server-Timing "app" step).
            "app_work_p50_ms": app.get("app_work_p50_ms"),
            "app_work_p95_ms": app.get("app_work_p95_ms"),
            "rasa_turns": len(turns),
            "rasa_p50_ms": round(1000 * percentile(turns, 0.5), 1),
            "rasa_p95_ms": round(1000 * percentile(turns, 0.95), 1),
            "app_run_s": round(app_seconds, 1),
            "rasa_run_s": round(rasa_seconds, 1),
        }
        row["ratio_p50"] = round(row["app_p50_ms"] / row["rasa_p50_ms"], 2)
        row["ratio_p95"] = round(row["app_p95_ms"] / row["rasa_p95_ms"], 2)
        print(row, flush=True)
        rows.append(row)
    return rows


def llm_throughput(topology: Topology) -> dict[str, Any]:
    """Tokens per second of the model as the app uses it, against llama.cpp's server given the
    same prompt by hand (temperature 0: the same tokens both ways).

    The app's side is its own call: the ``llm`` step of its Server-Timing header, with the token
    counts llama.cpp reported to it. Before each call the server's prompt cache is moved to an
    unrelated prompt, so both sides read the prompt from scratch (llama.cpp reuses the longest
    common prefix of the previous prompt, which made a second identical call look fast)."""
    from knowledge.compose import completion_prompt, stops
    from knowledge.guard import guard
    from server.knowledge import KnowledgeService
    from server.settings import Settings

    env = topology.app_environment()
    settings = Settings()
    k = settings.knowledge
    k.chroma_url, k.records_url = env["MINWON_KNOWLEDGE__CHROMA_URL"], env["MINWON_DATABASE__URL"]
    k.llm, k.warm_up = "none", False
    settings.app.var_dir = topology.var
    local = KnowledgeService(settings, lambda language: "")
    llm = httpx.Client(base_url=env["MINWON_KNOWLEDGE__LLM"], timeout=120)
    app = httpx.Client(base_url=topology.url, timeout=120)

    def forget_prompt() -> None:
        llm.post("/completions", json={"prompt": "0", "max_tokens": 1, "temperature": 0.0})

    rows = []
    for port in topology.ports.apps:  # every replica loads its models and tokenizers first
        for question, language in QUESTIONS:
            httpx.post(
                f"http://127.0.0.1:{port}/api/knowledge/ask",
                json={"question": question, "language": language},
                timeout=120,
            )
    for question, language in QUESTIONS:
        forget_prompt()
        reply = app.post("/api/knowledge/ask", json={"question": question, "language": language})
        timing = server_timing(reply.headers.get("server-timing", ""))
        if "llm" not in timing:  # refused before the model
            continue
        found = local.answerer.retriever.search(guard(question).text, language, None)
        body = {
            "prompt": completion_prompt(guard(question).text, language, found.hits),
            "max_tokens": k.max_tokens,
            "stop": stops(language),
            "temperature": 0.0,
            "repeat_penalty": 1.1,
        }
        forget_prompt()
        t = time.perf_counter()
        out = llm.post("/completions", json=body).json()
        direct_seconds = time.perf_counter() - t
        rows.append(
            {
                "question": question,
                "app_prompt_tokens": timing["llm_prompt_tokens"],
                "app_tokens": timing["llm_tokens"],
                "app_llm_s": round(timing["llm"], 3),
                "direct_prompt_tokens": int(out["usage"]["prompt_tokens"]),
                "direct_tokens": int(out["usage"]["completion_tokens"]),
                "direct_s": round(direct_seconds, 3),
            }
        )
    same = [
        r
        for r in rows
        if (r["app_prompt_tokens"], r["app_tokens"])
        == (r["direct_prompt_tokens"], r["direct_tokens"])
    ]
    app_rate = sum(r["app_tokens"] for r in same) / sum(r["app_llm_s"] for r in same)
    direct_rate = sum(r["direct_tokens"] for r in same) / sum(r["direct_s"] for r in same)
    return {
        "questions": len(rows),
        # Compared only where both sides read and wrote the same number of tokens.
        "same_tokens_both_ways": len(same),
        "generated_tokens": sum(r["app_tokens"] for r in same),
        "prompt_tokens": sum(r["app_prompt_tokens"] for r in same),
        # The model as the app sees it (its client, HTTP to llama.cpp, parsing)...
        "app_tokens_per_s": round(app_rate, 1),
        "llama_cpp_tokens_per_s": round(direct_rate, 1),
        "ratio": round(app_rate / direct_rate, 3),
        "threads": topology.llm_threads,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.production", description=__doc__)
    parser.add_argument("--levels", default="1,10,50,100")
    parser.add_argument(
        "--think", type=float, default=1.0, help="stress pace: mean pause before a message (s)"
    )
    parser.add_argument(
        "--citizen-think",
        type=float,
        default=8.0,
        help="citizen pace: mean pause to read a reply and type the next answer (s)",
    )
    parser.add_argument("--citizen-levels", default="10,50,100")
    parser.add_argument("--model", default=os.environ.get("MINWON_RASA_MODEL", ""))
    parser.add_argument("--llm-threads", type=int, default=2)
    args = parser.parse_args()
    if not args.model:
        parser.error("--model or MINWON_RASA_MODEL (scripts/train.sh prints it)")
    var = Path(tempfile.mkdtemp(prefix="minwon-bench-"))
    var.chmod(0o711)
    started = time.monotonic()
    topology = Topology(
        var,
        args.model,
        Ports.free(),
        llm_threads=args.llm_threads,
        app_env={"MINWON_CHAT__RATE_PER_CLIENT": "1000000"},
    )
    topology.start()
    start_seconds = time.monotonic() - started
    try:
        memory_idle = topology.memory()
        rows = latency(topology, [int(x) for x in args.levels.split(",")], args.think)
        memory_loaded = topology.memory()
        citizen_levels = [int(x) for x in args.citizen_levels.split(",") if x]
        citizen_rows = latency(topology, citizen_levels, args.citizen_think, least=10, rounds=1)
        llm = llm_throughput(topology)
        print({k: v for k, v in llm.items() if k != "rows"}, flush=True)
    finally:
        topology.stop()
    result = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "topology_start_s": round(start_seconds, 1),
        "think_s": args.think,
        "chat_latency": rows,
        "citizen_think_s": args.citizen_think,
        "chat_latency_citizen_pace": citizen_rows,
        "llm": llm,
        "memory_mb": {"after_start": memory_idle, "after_load": memory_loaded},
    }
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(table(result))


def table(result: dict[str, Any]) -> str:
    lines = [
        "| pause before a message | concurrent | app p50 / p95 ms | Rasa REST p50 / p95 ms "
        "| ratio p50 / p95 | app's own work p50 / p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    paces = [("chat_latency", "think_s"), ("chat_latency_citizen_pace", "citizen_think_s")]
    for key, think in paces:
        for r in result.get(key, []):
            lines.append(
                f"| {0.5 * result[think]:g}–{1.5 * result[think]:g} s | {r['concurrent']} "
                f"| {r['app_p50_ms']} / {r['app_p95_ms']} "
                f"| {r['rasa_p50_ms']} / {r['rasa_p95_ms']} | {r['ratio_p50']} / {r['ratio_p95']} "
                f"| {r.get('app_work_p50_ms')} / {r.get('app_work_p95_ms')} |"
            )
    llm = result["llm"]
    lines.append(
        f"\nLLM: app {llm['app_tokens_per_s']} tokens/s, llama.cpp {llm['llama_cpp_tokens_per_s']} "
        f"tokens/s (ratio {llm['ratio']}; {llm['same_tokens_both_ways']}/{llm['questions']} "
        "questions with the same tokens both ways)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
