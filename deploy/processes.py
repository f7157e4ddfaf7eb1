"""Servers run as child processes on loopback: the building blocks of the production topology
(``deploy/topology.py``) and of the tests that need a real PostgreSQL or Redis.

PostgreSQL, Redis and nginx are Debian's packages (``scripts/debian-packages.txt``). PostgreSQL
refuses to run as root, so as root its data directory belongs to the ``postgres`` user and its
programs run through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return check


@dataclass
class Process:
    """One server: started, waited for until ``ready()``, stopped or killed."""

    name: str
    argv: list[str]
    log: Path
    ready: Callable[[], bool]
    env: dict[str, str] | None = None
    cwd: Path | None = None
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, wait_seconds: float = 240) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C in the terminal reaches the supervisor only
            )
        self.wait_ready(wait_seconds)
        return self

    def wait_ready(self, seconds: float = 240) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.popen is None or self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited; log {self.log}:\n{self.tail()}")
            if self.ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not ready within {seconds:.0f} s; log:\n{self.tail()}")

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no shutdown at all."""
        if self.popen is not None:
            self.popen.kill()
            self.popen.wait()

    def stop(self, seconds: float = 20) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def rasa_run_command(rasa: Path, model: str, endpoints: str, token: str, port: int) -> list[str]:
    """``rasa run`` serving ``model`` on 127.0.0.1:``port`` over REST and the HTTP API."""
    return [
        str(rasa),
        "run",
        "--model",
        model,
        "--endpoints",
        endpoints,
        "--credentials",
        "bot/credentials.yml",
        "--enable-api",
        # "=" form: a token may start with "-", which argparse takes for an option.
        f"--auth-token={token}",
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
    ]


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if _running_as_root() else argv


def postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql; make setup)")
    return versions[-1].parent


class Postgres:
    """A PostgreSQL cluster of its own in ``directory``, listening on 127.0.0.1:``port`` with
    password authentication for the user ``minwon``."""

    user = "minwon"

    def __init__(self, directory: Path, port: int, password: str, *, durable: bool = True):
        self.directory = directory
        self.port = port
        self.password = password
        self.durable = durable  # tests switch fsync off: a throw-away cluster needs no crash safety
        self.process: Process | None = None

    def url(self, database: str, driver: str = "psycopg") -> str:
        return f"postgresql+{driver}://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _initdb(self) -> None:
        data = self.directory / "data"
        if (data / "PG_VERSION").exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        data.mkdir(exist_ok=True)
        pwfile = self.directory / "pwfile"
        pwfile.write_text(self.password + "\n")
        if _running_as_root():
            for parent in self.directory.parents:  # postgres must be able to reach its directory
                if not os.stat(parent).st_mode & 0o001:
                    raise RuntimeError(
                        f"{parent} is closed to other users; the postgres user cannot reach "
                        f"{self.directory} (choose a directory under /var/lib or /tmp)"
                    )
            postgres_user = pwd.getpwnam("postgres")
            for path in (self.directory, data, pwfile):
                os.chown(path, postgres_user.pw_uid, postgres_user.pw_gid)
        os.chmod(data, 0o700)
        try:
            result = subprocess.run(
                _as_postgres(
                    [
                        str(postgres_bin() / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        self.user,
                        "--auth=scram-sha-256",
                        f"--pwfile={pwfile}",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")
        finally:
            pwfile.unlink()

    def start(self) -> Postgres:
        self._initdb()
        options = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.directory}",
            "-c",
            "max_connections=200",
        ]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off"]
        argv = _as_postgres(
            [
                str(postgres_bin() / "postgres"),
                "-D",
                str(self.directory / "data"),
                "-p",
                str(self.port),
                *options,
            ]
        )
        log = self.directory / "postgres.log"
        if _running_as_root() and not log.exists():
            log.touch()
        self.process = Process("postgres", argv, log, lambda: port_open(self.port)).start(60)
        self._wait_accepting()
        return self

    def _wait_accepting(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self._dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _dsn(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, exist_ok: bool = True, template: str = "") -> str:
        """Creates ``name`` (a copy of ``template`` if given) and returns its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if exists and not exist_ok:
                raise RuntimeError(f"database {name} exists")
            if not exists:
                statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                if template:
                    statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
                connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop(self) -> None:
        if self.process:
            self.process.stop(30)  # SIGTERM = PostgreSQL's "smart" shutdown

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Redis:
    """A Redis server on 127.0.0.1:``port`` with a password, no persistence (locks only)."""

    def __init__(self, directory: Path, port: int, password: str):
        self.directory = directory
        self.port = port
        self.password = password
        self.process: Process | None = None

    def start(self) -> Redis:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "redis.conf"  # the password stays off the command line
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\nrequirepass {self.password}\n"
            f'save ""\nappendonly no\ndir {self.directory}\nprotected-mode yes\n'
        )
        config.chmod(0o600)
        self.process = Process(
            "redis",
            [shutil.which("redis-server") or "/usr/bin/redis-server", str(config)],
            self.directory / "redis.log",
            lambda: port_open(self.port),
        ).start(30)
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()
