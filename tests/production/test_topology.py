"""The production shape, for real: nginx → two apps → two Rasa servers on PostgreSQL with a
Redis lock store, Chroma and llama.cpp as servers. Simulated citizens file petitions through
nginx while one Rasa server and one app server are killed: every conversation completes, and
every submission is stored exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import threading
import time

import httpx
import psycopg
from sqlalchemy import func, select

from benchmarks.load import run_load, summary
from deploy.topology import Topology
from server.store.db import Database
from server.store.models import Submission
from tests.citizen import Citizen

RESULTS = "benchmarks/results/production_faults.json"


def test_nginx_serves_the_app_and_hides_rasas_callbacks(topology: Topology):
    health = httpx.get(f"{topology.url}/healthz").json()
    assert health == {"status": "ok", "database": "ok", "rasa": "ok"}
    for internal in ("/webhook", "/nlg"):
        assert httpx.post(f"{topology.url}{internal}", json={}).status_code == 404
    assert httpx.get(f"{topology.url}/kiosk").status_code == 200


def test_conversations_live_in_postgresql_and_turns_take_redis_locks(topology: Topology):
    redis_calls_before = _redis_lock_calls(topology)
    citizen = Citizen(topology.url, "vi")
    citizen.say("tôi muốn gửi kiến nghị lên thành phố")
    assert citizen.state["active_form"] == "general_petition"
    with psycopg.connect(topology.database_url("rasa").replace("+psycopg", "")) as connection:
        events = connection.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (citizen.id,)
        ).fetchone()
    assert events is not None and events[0] > 3
    assert _redis_lock_calls(topology) > redis_calls_before
    reply = httpx.post(
        f"{topology.url}/api/knowledge/ask",
        json={"question": "How much is a seal certificate at the counter?", "language": "en"},
        timeout=120,
    )
    answer = reply.json()
    assert "600" in answer["answer"] and answer["sources"]
    # The model behind llama.cpp's server wrote the draft (its token counts came back).
    generated = re.search(r"(\d+) prompt \+ (\d+) generated", reply.headers["server-timing"])
    assert generated and int(generated[1]) > 50 and int(generated[2]) > 0


def _redis_lock_calls(topology: Topology) -> int:
    """Commands Redis has served (Rasa's lock store is its only client)."""
    assert topology.redis is not None
    stats = subprocess.run(
        ["redis-cli", "-p", str(topology.redis.port), "--no-auth-warning", "INFO", "commandstats"],
        env={**os.environ, "REDISCLI_AUTH": topology.redis.password},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    calls = re.findall(r"^cmdstat_(\w+):calls=(\d+)", stats, re.MULTILINE)
    return sum(int(n) for command, n in calls if command not in ("info", "auth"))


def test_killing_a_rasa_and_an_app_mid_run_loses_no_conversation(topology: Topology):
    started = time.monotonic()
    killed: dict[str, float] = {}

    def kill_later() -> None:
        time.sleep(5)
        topology.kill("rasa-1")
        killed["rasa-1"] = round(time.monotonic() - started, 1)
        time.sleep(4)
        topology.kill("app-1")
        killed["app-1"] = round(time.monotonic() - started, 1)

    killer = threading.Thread(target=kill_later)
    killer.start()
    # In a thread of its own: another test (Playwright's sync API) may hold this thread's loop.
    outcome: dict[str, list] = {}
    loader = threading.Thread(
        target=lambda: outcome.update(
            done=asyncio.run(run_load(topology.url, concurrency=6, count=18, seconds=90))
        )
    )
    loader.start()
    loader.join()
    conversations = outcome["done"]
    killer.join()
    report = summary(conversations)
    report["killed_at_s"] = killed
    report["seconds"] = round(time.monotonic() - started, 1)
    receipts = [c.receipt_no for c in conversations if c.receipt_no]
    db = Database(topology.database_url("minwon"))
    with db.session() as session:
        stored = session.execute(
            select(Submission.receipt_no, Submission.conversation_id).where(
                Submission.receipt_no.in_(receipts)
            )
        ).all()
        per_conversation = session.execute(
            select(Submission.conversation_id, func.count())
            .group_by(Submission.conversation_id)
            .having(func.count() > 1)
        ).all()
    db.engine.dispose()
    report["stored"] = len(stored)
    report["conversations_with_two_submissions"] = len(per_conversation)
    with open(RESULTS, "w") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    # Both kills happened while citizens were still talking.
    assert set(killed) == {"rasa-1", "app-1"} and report["seconds"] > killed["app-1"]
    assert report["failed"] == [], report
    assert report["completed"] == 18, report
    assert report["duplicate_receipts"] == 0
    assert len(stored) == 18 and per_conversation == []
    for name in ("rasa-1", "app-1"):  # back for the other tests
        topology.restart(name)
