"""The production shape of Minwon on one machine, on loopback: PostgreSQL (app database and
Rasa's tracker store), Redis (Rasa's lock store), ChromaDB as a server, the LLM as llama.cpp's
OpenAI-compatible server, two Rasa servers, two app servers and nginx in front.

    make prod                                   # sets up, trains, then `up`
    .venv/bin/python -m deploy.topology up --model MODEL.tar.gz [--var var/prod]
    .venv/bin/python -m deploy.topology nginx-conf --compose > deploy/compose/nginx.conf

``Topology`` is also what the production tests and the load benchmarks start (on free ports),
kill and restart. Secrets (database and Redis passwords, the Rasa token, the personal-data key)
are made once under ``<var>/keys`` (0600).
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass, field, fields
from hashlib import sha256
from pathlib import Path

import jinja2

from deploy.processes import (
    Postgres,
    Process,
    Redis,
    free_port,
    http_ok,
    port_open,
    rasa_run_command,
)

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
VENV_RASA = ROOT / ".venv-rasa" / "bin"
TEMPLATE = Path(__file__).parent / "nginx.conf.j2"


@dataclass
class Ports:
    public: int = 8080  # nginx: citizens and staff
    internal: int = 8081  # nginx: Rasa → app (/webhook, /nlg)
    rasa_lb: int = 5100  # nginx: app → Rasa
    apps: tuple[int, ...] = (8001, 8002)
    rasas: tuple[int, ...] = (5005, 5006)
    postgres: int = 5433
    redis: int = 6380
    chroma: int = 8100
    llm: int = 8101

    @classmethod
    def free(cls) -> Ports:
        return cls(
            **{
                f.name: (free_port(), free_port()) if f.name in ("apps", "rasas") else free_port()
                for f in fields(cls)
            }
        )


def render_nginx(
    app_servers: list[str],
    rasa_servers: list[str],
    *,
    public_listen: str,
    internal_listen: str,
    rasa_listen: str,
    runtime_dir: Path | None = None,
) -> str:
    """nginx.conf from the shared template; without ``runtime_dir``, a container's paths."""
    template = jinja2.Template(TEMPLATE.read_text(), keep_trailing_newline=True)
    local = runtime_dir is not None
    return template.render(
        user="root" if local and os.geteuid() == 0 else "",
        workers=1 if local else "auto",
        pid=f"{runtime_dir}/nginx.pid" if local else "/var/run/nginx.pid",
        error_log=f"{runtime_dir}/error.log" if local else "/dev/stderr",
        access_log=f"{runtime_dir}/access.log" if local else "/dev/stdout",
        temp_dir=str(runtime_dir) if local else "",
        fail_timeout="5s",
        app_servers=app_servers,
        rasa_servers=rasa_servers,
        public_listen=public_listen,
        internal_listen=internal_listen,
        rasa_listen=rasa_listen,
    )


def _secret(path: Path, make) -> str:  # type: ignore[no-untyped-def]
    if not path.exists() or not path.read_text().strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
    return path.read_text().strip()


def postgres_home(var: Path) -> Path:
    """Where PostgreSQL keeps its data: under ``var`` unless, as root, the ``postgres`` user
    cannot reach it (a home directory closed to others); then under /var/lib/minwon."""
    inside = var / "postgres"
    if os.geteuid() != 0 or all(os.stat(p).st_mode & 0o001 for p in inside.parents if p.exists()):
        return inside
    return Path("/var/lib/minwon") / sha256(str(var.resolve()).encode()).hexdigest()[:12]


@dataclass
class Topology:
    var: Path
    model: str  # the trained Rasa model (scripts/train.sh)
    ports: Ports = field(default_factory=Ports)
    llm_threads: int = 1
    # Extra settings for the app servers (e.g. a higher per-client rate limit for load tests).
    app_env: dict[str, str] = field(default_factory=dict)
    durable: bool = True
    services: dict[str, Process] = field(default_factory=dict)
    postgres: Postgres | None = None
    redis: Redis | None = None

    # --- secrets and settings ---------------------------------------------------------------
    def __post_init__(self) -> None:
        self.var = self.var.resolve()
        keys = self.var / "keys"
        self.db_password = _secret(keys / "postgres-password", lambda: secrets.token_hex(16))
        self.redis_password = _secret(keys / "redis-password", lambda: secrets.token_hex(16))
        self.rasa_token = _secret(keys / "rasa-token", lambda: secrets.token_urlsafe(32))
        _secret(keys / "pii.key", lambda: base64.b64encode(os.urandom(32)).decode())
        self.logs = self.var / "logs"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports.rasas]

    def database_url(self, database: str = "minwon") -> str:
        assert self.postgres is not None
        return self.postgres.url(database)

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINWON_")}
        env["RASA_TELEMETRY_ENABLED"] = "false"
        return env

    def app_environment(self) -> dict[str, str]:
        p = self.ports
        return {
            **self.base_env(),
            **{k: v for k, v in os.environ.items() if k.startswith("MINWON_")},
            "MINWON_APP__VAR_DIR": str(self.var),
            "MINWON_APP__PUBLIC_URL": self.url,
            "MINWON_DATABASE__URL": self.database_url("minwon"),
            "MINWON_RASA__URL": f"http://127.0.0.1:{p.rasa_lb}",
            "MINWON_RASA__TOKEN": self.rasa_token,
            "MINWON_KNOWLEDGE__CHROMA_URL": f"http://127.0.0.1:{p.chroma}",
            "MINWON_KNOWLEDGE__RECORDS_URL": self.database_url("minwon"),
            "MINWON_KNOWLEDGE__LLM": f"http://127.0.0.1:{p.llm}/v1",
            "MINWON_RETENTION__TRACKER_DB_URL": self.database_url("rasa"),
            **self.app_env,
        }

    def rasa_environment(self) -> dict[str, str]:
        p = self.ports
        return {
            **self.base_env(),
            "MINWON_ACTION_URL": f"http://127.0.0.1:{p.internal}/webhook",
            "MINWON_NLG_URL": f"http://127.0.0.1:{p.internal}/nlg",
            "MINWON_TRACKER_HOST": "127.0.0.1",
            "MINWON_TRACKER_PORT": str(p.postgres),
            "MINWON_TRACKER_DB": "rasa",
            "MINWON_TRACKER_USER": Postgres.user,
            "MINWON_TRACKER_PASSWORD": self.db_password,
            "MINWON_LOCK_HOST": "127.0.0.1",
            "MINWON_LOCK_PORT": str(p.redis),
            "MINWON_LOCK_PASSWORD": self.redis_password,
            # A killed Rasa server's lock on a conversation ends after this many seconds.
            "TICKET_LOCK_LIFETIME": "10",
        }

    # --- the services -------------------------------------------------------------------------
    def _process(self, name: str, argv: list[str], ready, env=None) -> Process:  # type: ignore[no-untyped-def]
        process = Process(name, argv, self.logs / f"{name}.log", ready, env=env, cwd=ROOT)
        self.services[name] = process
        return process

    def start_postgres(self) -> None:
        self.postgres = Postgres(
            postgres_home(self.var), self.ports.postgres, self.db_password, durable=self.durable
        ).start()
        self.services["postgres"] = self.postgres.process  # type: ignore[assignment]
        self.postgres.create_database("minwon")
        self.postgres.create_database("rasa")

    def start_redis(self) -> None:
        self.redis = Redis(self.var / "redis", self.ports.redis, self.redis_password).start()
        self.services["redis"] = self.redis.process  # type: ignore[assignment]

    def start_chroma(self) -> None:
        port = self.ports.chroma
        self._process(
            "chroma",
            [
                str(VENV / "chroma"),
                "run",
                "--path",
                str(self.var / "chroma"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            http_ok(f"http://127.0.0.1:{port}/api/v2/heartbeat"),
            env=self.base_env(),
        ).start(120)

    def start_llm(self) -> None:
        from knowledge.llm import resolve_model

        models = self.var / "models"
        models.mkdir(parents=True, exist_ok=True)
        spec = os.environ.get("MINWON_KNOWLEDGE__LLM", "gemma3-270m")
        path = resolve_model("gemma3-270m" if spec.startswith("http") else spec, models)
        port = self.ports.llm
        self._process(
            "llm",
            [
                str(VENV / "python"),
                "-m",
                "llama_cpp.server",
                "--model",
                str(path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                "--n_threads",
                str(self.llm_threads),
                "--n_threads_batch",
                str(self.llm_threads),
            ],
            http_ok(f"http://127.0.0.1:{port}/v1/models"),
            env=self.base_env(),
        ).start(180)

    def ingest(self) -> None:
        """The procedure documents into the Chroma server (only what changed is embedded)."""
        import subprocess

        result = subprocess.run(
            [str(VENV / "minwon"), "knowledge", "ingest"],
            cwd=ROOT,
            env=self.app_environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"knowledge ingest failed:\n{result.stdout}\n{result.stderr}")

    def start_nginx(self) -> None:
        runtime = self.var / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (runtime / sub).mkdir(parents=True, exist_ok=True)
        p = self.ports
        conf = runtime / "nginx.conf"
        conf.write_text(
            render_nginx(
                [f"127.0.0.1:{port}" for port in p.apps],
                [f"127.0.0.1:{port}" for port in p.rasas],
                public_listen=f"127.0.0.1:{p.public}",
                internal_listen=f"127.0.0.1:{p.internal}",
                rasa_listen=f"127.0.0.1:{p.rasa_lb}",
                runtime_dir=runtime,
            )
        )
        self._process(
            "nginx",
            ["/usr/sbin/nginx", "-c", str(conf), "-p", str(runtime), "-g", "daemon off;"],
            lambda: port_open(p.public),
        ).start(30)

    def start_app(self, index: int) -> None:
        port = self.ports.apps[index]
        name = f"app-{index + 1}"
        process = self.services.get(name) or self._process(
            name,
            [str(VENV / "minwon"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            http_ok(f"http://127.0.0.1:{port}/healthz"),
            env=self.app_environment(),
        )
        process.start(120)

    def start_rasa(self, index: int) -> None:
        port = self.ports.rasas[index]
        name = f"rasa-{index + 1}"
        process = self.services.get(name) or self._process(
            name,
            rasa_run_command(
                VENV_RASA / "rasa", self.model, "deploy/rasa-endpoints.yml", self.rasa_token, port
            ),
            http_ok(f"http://127.0.0.1:{port}/status?token={self.rasa_token}"),
            env=self.rasa_environment(),
        )
        process.start(300)

    def start(self) -> Topology:
        """Everything, in dependency order; raises (after stopping what started) on failure."""
        try:
            self.start_postgres()
            self.start_redis()
            self.start_chroma()
            self.start_llm()
            self.ingest()
            self.start_nginx()
            # One at a time: the first of each creates its tables (Rasa's tracker store has
            # no lock around that).
            self.start_app(0)
            self.start_rasa(0)
            self.start_app(1)
            self.start_rasa(1)
        except BaseException:
            self.stop()
            raise
        return self

    def kill(self, name: str) -> None:
        self.services[name].kill()

    def restart(self, name: str) -> None:
        self.services[name].start(300)

    def stop(self) -> None:
        for name in reversed(list(self.services)):
            self.services[name].stop()

    def memory(self) -> dict[str, float]:
        """Resident memory of every service in MB (with its child processes)."""
        import psutil

        report: dict[str, float] = {}
        for name, process in self.services.items():
            if not process.running or process.pid is None:
                continue
            try:
                root = psutil.Process(process.pid)
                rss = root.memory_info().rss + sum(
                    child.memory_info().rss for child in root.children(recursive=True)
                )
            except psutil.NoSuchProcess:
                continue
            report[name] = round(rss / 2**20, 1)
        return report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.topology", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the production shape on loopback")
    up.add_argument("--model", default=os.environ.get("MINWON_RASA_MODEL", ""))
    up.add_argument("--var", type=Path, default=ROOT / "var" / "prod")
    up.add_argument("--llm-threads", type=int, default=1)
    conf = commands.add_parser("nginx-conf", help="print nginx.conf for the compose file")
    conf.add_argument("--compose", action="store_true", required=True)
    args = parser.parse_args()
    if args.command == "nginx-conf":
        sys.stdout.write(compose_nginx_conf())
        return
    if not args.model:
        parser.error("--model (or MINWON_RASA_MODEL): a trained model, from scripts/train.sh")
    started = time.monotonic()
    topology = Topology(args.var, args.model, llm_threads=args.llm_threads)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        topology.start()
        print(_banner(topology, time.monotonic() - started), flush=True)
        while all(p.running for p in topology.services.values()):
            time.sleep(1)
        stopped = [name for name, p in topology.services.items() if not p.running]
        print(f"stopped unexpectedly: {', '.join(stopped)} (logs in {topology.logs})")
        sys.exit(1)
    except KeyboardInterrupt:
        pass
    finally:
        topology.stop()


def compose_nginx_conf() -> str:
    return render_nginx(
        ["app:8000"],
        ["rasa:5005"],
        public_listen="80",
        internal_listen="8081",
        rasa_listen="5100",
    )


def _banner(t: Topology, seconds: float) -> str:
    p = t.ports
    rows = [
        ("nginx (public)", t.url),
        ("apps", ", ".join(f"127.0.0.1:{port}" for port in p.apps)),
        ("Rasa servers", ", ".join(f"127.0.0.1:{port}" for port in p.rasas)),
        ("PostgreSQL", f"127.0.0.1:{p.postgres} (databases minwon, rasa)"),
        ("Redis", f"127.0.0.1:{p.redis}"),
        ("ChromaDB", f"http://127.0.0.1:{p.chroma}"),
        ("LLM (llama.cpp)", f"http://127.0.0.1:{p.llm}/v1"),
    ]
    lines = "\n".join(f"    {name:<16} {where}" for name, where in rows)
    return (
        f"\n  Minwon production shape is running (ready in {seconds:.0f} s).\n{lines}\n"
        f"    Kiosk {t.url}/kiosk   Staff {t.url}/staff   Health {t.url}/healthz\n"
        f"  Logs in {t.logs}. Press Ctrl-C to stop.\n"
    )


if __name__ == "__main__":
    main()
