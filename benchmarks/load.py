"""Simulated citizens who file petitions through the chat API, many at a time.

    .venv/bin/python -m benchmarks.load http://127.0.0.1:8080 --concurrency 10 --count 40

Each citizen opens a conversation in a language, asks for a petition in words, answers every
field the bot asks for with the catalog's example answers (buttons for closed choices), confirms,
and keeps the receipt number. Like the web widget, a citizen whose message got no answer (a
dropped connection, 502/503/429) waits and sends the same message again. Bounded: at most
``count`` conversations, ``concurrency`` at once, and nothing new starts after ``seconds``.
Loopback only: the target must be 127.0.0.1/localhost.

Also the yardstick of the latency benchmark: ``rasa_direct`` replays the same messages straight
to Rasa's REST channel (no app, no proxy).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx

from forms.catalog import default_catalog
from tests.conversations.phrases import APPLY
from tests.fixtures.petitions import EXAMPLES

LANGUAGES = ("ko", "en", "zh", "vi", "th")
# Petitions a citizen completes by chat alone (the reports need photos from a camera).
PETITIONS = (
    "resident_registration_copy",
    "family_relation_certificate",
    "seal_certificate",
    "move_in_report",
    "foreigner_address_change",
    "general_petition",
)
RETRYABLE = {429, 502, 503, 504}


@dataclass
class Conversation:
    petition: str
    language: str
    receipt_no: str | None = None
    turns: list[float] = field(default_factory=list)  # seconds per message turn
    # The app's own share of each turn (its Server-Timing "app" step): all but the wait on Rasa.
    app_work: list[float] = field(default_factory=list)
    retries: int = 0
    error: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)  # bodies that got an answer


def loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load {host}: loopback addresses only")


class Citizen:
    def __init__(self, http: httpx.AsyncClient, petition: str, language: str, think: float):
        self.http = http
        self.record = Conversation(petition, language)
        self.think = think
        self.state: dict[str, Any] = {}
        self.messages: list[dict[str, Any]] = []
        self.id = ""

    async def _send(self, method: str, url: str, body: dict[str, Any], give_up: float) -> Any:
        """One request, sent again until answered (as the widget's outbox does)."""
        delay = 0.5
        while True:
            try:
                started = time.perf_counter()
                response = await self.http.request(method, url, json=body)
                if response.status_code not in RETRYABLE:
                    response.raise_for_status()
                    seconds = time.perf_counter() - started
                    steps = server_timing(response.headers.get("server-timing", ""))
                    return seconds, response.json(), steps
                reason = f"HTTP {response.status_code}"
            except (httpx.TransportError, httpx.RemoteProtocolError) as error:
                reason = type(error).__name__
            if time.monotonic() > give_up:
                raise RuntimeError(f"no answer to {url} before the deadline ({reason})")
            self.record.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def run(self, give_up: float) -> Conversation:
        r = self.record
        try:
            _, body, _ = await self._send(
                "POST", "/api/conversations", {"language": r.language, "channel": "web"}, give_up
            )
            self.id, self.messages, self.state = (
                body["conversation_id"],
                body["messages"],
                body["state"],
            )
            await self.post({"text": APPLY[r.petition][r.language]}, give_up)
            if self.state.get("active_form") != r.petition:
                raise RuntimeError(f"the bot did not start {r.petition}: {self.where()}")
            fields = default_catalog().petition(r.petition)
            for _ in range(40):
                slot = self.state.get("requested_slot")
                if slot == "confirmation":
                    await self.post({"payload": "/affirm"}, give_up)
                    break
                if slot is None:
                    raise RuntimeError(f"the form ended without a summary: {self.where()}")
                spec = fields.field(slot)
                value = EXAMPLES[r.petition][slot]
                if spec.type == "choice":
                    await self.post({"payload": "/inform" + json.dumps({slot: value})}, give_up)
                else:
                    await self.post({"text": str(value)}, give_up)
            r.receipt_no = self.state.get("receipt_no")
            if not r.receipt_no:
                raise RuntimeError(f"no receipt: {self.where()}")
        except Exception as error:
            r.error = f"{type(error).__name__}: {error}"[:500]
        return r

    async def post(self, body: dict[str, Any], give_up: float) -> None:
        if self.think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.think)
        seconds, data, steps = await self._send(
            "POST", f"/api/conversations/{self.id}/messages", body, give_up
        )
        self.record.turns.append(seconds)
        if "app" in steps:
            self.record.app_work.append(steps["app"])
        self.record.sent.append(body)
        self.messages, self.state = data["messages"], data["state"]

    def where(self) -> str:
        """Where the conversation stands, for a failure report: the form and the field asked
        for, never the bot's words (a summary repeats the citizen's answers)."""
        return f"form={self.state.get('active_form')} asking={self.state.get('requested_slot')}"


async def run_load(
    base_url: str,
    concurrency: int,
    count: int,
    seconds: float,
    think: float = 0.0,
    petitions: tuple[str, ...] = PETITIONS,
    languages: tuple[str, ...] = LANGUAGES,
    seed: int = 7,
) -> list[Conversation]:
    """``count`` conversations, ``concurrency`` at a time, none started after ``seconds``."""
    loopback_only(base_url)
    rng = random.Random(seed)
    plan = [(rng.choice(petitions), languages[i % len(languages)]) for i in range(count)]
    deadline = time.monotonic() + seconds
    give_up = deadline + 120  # a started conversation may finish after the last one starts
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency + 10)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:

        async def one(petition: str, language: str) -> Conversation | None:
            async with gate:
                if time.monotonic() > deadline:
                    return None
                return await Citizen(http, petition, language, think).run(give_up)

        done = await asyncio.gather(*(one(p, lang) for p, lang in plan))
    return [c for c in done if c is not None]


async def rasa_direct(
    rasa_url: str,
    scripts: list[list[dict[str, Any]]],
    concurrency: int,
    language: str = "en",
    think: float = 0.0,
) -> list[list[float]]:
    """Replays each script (the message bodies a citizen sent) to Rasa's REST channel with a
    new sender id and the metadata the app sends: the same bot, no app and no proxy."""
    loopback_only(rasa_url)
    gate = asyncio.Semaphore(concurrency)
    metadata = {"language": language, "channel": "web"}
    limits = httpx.Limits(max_connections=concurrency + 10)
    async with httpx.AsyncClient(base_url=rasa_url, timeout=120, limits=limits) as http:

        async def replay(n: int, script: list[dict[str, Any]]) -> list[float]:
            sender = f"bench-{n}-{random.getrandbits(40):x}"
            opening = "/start_conversation" + json.dumps({"language": language, "channel": "web"})
            times = []
            async with gate:
                for message in [{"text": opening}, *script]:
                    text = message.get("payload") or message.get("text")
                    if think and times:
                        await asyncio.sleep(random.uniform(0.5, 1.5) * think)
                    started = time.perf_counter()
                    response = await http.post(
                        "/webhooks/rest/webhook",
                        json={"sender": sender, "message": text, "metadata": metadata},
                    )
                    response.raise_for_status()
                    times.append(time.perf_counter() - started)
            return times[1:]  # message turns only, like the app's

        return await asyncio.gather(*(replay(n, s) for n, s in enumerate(scripts)))


def server_timing(header: str) -> dict[str, float]:
    """``retrieval;dur=12.5, llm;dur=300;desc="412 prompt + 37 generated tokens"`` → seconds
    per step, and the model's token counts as ``llm_prompt_tokens`` and ``llm_tokens``."""
    steps: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";dur=")
        if not params:
            continue
        duration, _, desc = params.partition(";desc=")
        steps[name] = float(duration) / 1000
        tokens = re.search(r"(\d+) prompt \+ (\d+) generated", desc)
        if tokens:
            steps["llm_prompt_tokens"], steps["llm_tokens"] = int(tokens[1]), int(tokens[2])
    return steps


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(conversations: list[Conversation]) -> dict[str, Any]:
    turns = [t for c in conversations for t in c.turns]
    receipts = [c.receipt_no for c in conversations if c.receipt_no]
    return {
        "conversations": len(conversations),
        "completed": len(receipts),
        "failed": [c.error for c in conversations if c.error],
        "duplicate_receipts": len(receipts) - len(set(receipts)),
        "turns": len(turns),
        "retries": sum(c.retries for c in conversations),
        "turn_p50_ms": round(1000 * statistics.median(turns), 1) if turns else None,
        "turn_p95_ms": round(1000 * percentile(turns, 0.95), 1) if turns else None,
        **_app_work(conversations),
    }


def _app_work(conversations: list[Conversation]) -> dict[str, float]:
    work = [w for c in conversations for w in c.app_work]
    if not work:
        return {}
    return {
        "app_work_p50_ms": round(1000 * statistics.median(work), 1),
        "app_work_p95_ms": round(1000 * percentile(work, 0.95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("url", help="the public URL (nginx), e.g. http://127.0.0.1:8080")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300, help="start nothing after this")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause before a message")
    args = parser.parse_args()
    conversations = asyncio.run(
        run_load(args.url, args.concurrency, args.count, args.seconds, args.think)
    )
    print(json.dumps(summary(conversations), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
