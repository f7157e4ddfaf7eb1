"""The real system for integration and conversation tests: the trained Rasa model served by
``rasa run`` and the app served by uvicorn, on free loopback ports, with a throw-away var
directory. One stack per test session (Rasa needs ~20 s to load)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deploy.processes import free_port, rasa_run_command
from server.settings import ROOT, AppSection, DatabaseSection, PiiSection, RasaSection, Settings

CACHE = Path(os.environ.get("MINWON_CACHE", Path.home() / ".cache" / "minwon"))


def trained_model() -> str:
    model = os.environ.get("MINWON_RASA_MODEL")
    if model and Path(model).exists():
        return model
    return subprocess.run(
        ["bash", str(ROOT / "scripts/train.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()


@dataclass
class Stack:
    url: str
    rasa_url: str
    rasa_token: str
    settings: Settings
    var: Path
    env: dict[str, str]
    model: str
    processes: dict[str, subprocess.Popen[bytes]]
    # A city web page on another origin that embeds the widget (tests/browser serves it).
    city_url: str = ""

    def start_rasa(self) -> None:
        log = open(self.var / "rasa.log", "ab")  # noqa: SIM115
        self.processes["rasa"] = subprocess.Popen(
            rasa_run_command(
                ROOT / ".venv-rasa/bin/rasa",
                self.model,
                "bot/endpoints.yml",
                self.rasa_token,
                int(self.rasa_url.rsplit(":", 1)[1]),
            ),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(
            f"{self.rasa_url}/status?token={self.rasa_token}",
            self.processes["rasa"],
            self.var / "rasa.log",
        )

    def stop_rasa(self) -> None:
        stop(self.processes.pop("rasa"))

    def start_app(self) -> None:
        log = open(self.var / "app.log", "ab")  # noqa: SIM115
        self.processes["app"] = subprocess.Popen(
            [str(ROOT / ".venv/bin/minwon"), "serve", "--port", self.url.rsplit(":", 1)[1]],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(f"{self.url}/healthz", self.processes["app"], self.var / "app.log")

    def kill_app(self) -> None:
        """SIGKILL: no shutdown, no flush — as a power cut or the OOM killer would."""
        process = self.processes.pop("app")
        process.kill()
        process.wait()

    def restart_rasa(self) -> None:
        self.stop_rasa()
        self.start_rasa()

    def db(self):  # type: ignore[no-untyped-def]
        from server.store.db import Database

        return Database(self.settings.database_url)

    def tracker_events(self, conversation_id: str) -> list[dict]:
        response = httpx.get(
            f"{self.rasa_url}/conversations/{conversation_id}/tracker",
            params={"token": self.rasa_token, "include_events": "ALL"},
        )
        response.raise_for_status()
        return response.json()["events"]


def wait_until(url: str, process: subprocess.Popen[bytes], log: Path, seconds: int = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited; log:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s; log:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system, started once per test session."""
    model = trained_model()
    var = tmp_path_factory.mktemp("minwon-var")
    app_port, rasa_port, city_port = free_port(), free_port(), free_port()
    token = secrets.token_urlsafe(16)
    key = base64.b64encode(os.urandom(32)).decode()
    app_url, rasa_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{rasa_port}"
    env = {
        **os.environ,
        "MINWON_APP__VAR_DIR": str(var),
        "MINWON_APP__PUBLIC_URL": app_url,
        "MINWON_RASA__URL": rasa_url,
        "MINWON_RASA__TOKEN": token,
        "MINWON_PII__KEY": key,
        "MINWON_ACTION_URL": f"{app_url}/webhook",
        "MINWON_NLG_URL": f"{app_url}/nlg",
        "MINWON_TRACKER_DB": str(var / "rasa-tracker.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        # Every test citizen comes from 127.0.0.1: the per-client flood limit would trip.
        "MINWON_CHAT__RATE_PER_CLIENT": "100000",
        "MINWON_WIDGET__ALLOWED_HOSTS": f'["http://127.0.0.1:{city_port}"]',
        # The real embedding model and LLM; the GGUF assembled from its package is kept.
        "MINWON_KNOWLEDGE__MODELS_DIR": str(CACHE / "gguf"),
    }
    settings = Settings(
        app=AppSection(var_dir=var, public_url=app_url),
        database=DatabaseSection(),
        pii=PiiSection(key=key),
        rasa=RasaSection(url=rasa_url, token=token),
    )
    stack = Stack(
        app_url,
        rasa_url,
        token,
        settings,
        var,
        env,
        model,
        {},
        city_url=f"http://127.0.0.1:{city_port}",
    )
    try:
        stack.start_app()
        stack.start_rasa()
        yield stack
    finally:
        for process in stack.processes.values():
            stop(process)
