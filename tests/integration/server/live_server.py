"""A real stepwell server process for tests: `python -m stepwell.server` on a free port, with
its own home folder and SQLite database, and one account per role (a user with a password and
a service account with an API key each)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from stepwell.store.rest.endpoints import ROLES

SECRET = "test-secret-" + "x" * 40  # known to the tests, so they can sign their own tokens
PASSWORD = "correct horse battery staple"
_ROOT = Path(__file__).resolve().parents[3]
# Variables of the test process that must not reach the server (it has its own store).
_CLIENT_VARIABLES = (
    "STEPWELL_SERVER_URL",
    "STEPWELL_API_KEY",
    "STEPWELL_SERVER_USERNAME",
    "STEPWELL_SERVER_PASSWORD",
    "STEPWELL_STORE_URL",
    "STEPWELL_STORE_API_KEY",
    "STEPWELL_ACTIVE_STACK",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Account:
    """A user (`name`, `password`) and a service account (`service`, `api_key`) of `role`."""

    role: str
    name: str
    password: str
    service: str
    api_key: str


@dataclass
class RunningServer:
    """A stepwell server process: its URL, home folder, database and accounts."""

    home: Path
    port: int
    settings: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    database_url: str | None = None  # None: a SQLite file in the home folder
    _tokens: dict[str, str] = field(default_factory=dict)
    _http: httpx.Client | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def http(self) -> httpx.Client:
        """A client with open connections to the server (one per server: making an httpx
        client costs tens of milliseconds)."""
        if self._http is None:
            self._http = httpx.Client(base_url=self.url, timeout=30)
        return self._http

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'server.db'}"

    @property
    def log(self) -> str:
        path = self.home / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        """Start the process and wait (up to 30 s) until /health answers."""
        env = {k: v for k, v in os.environ.items() if k not in _CLIENT_VARIABLES}
        env.update(
            {
                "STEPWELL_HOME": str(self.home),
                "STEPWELL_SERVER_SECRET": SECRET,
                "STEPWELL_SERVER_ADMIN_PASSWORD": PASSWORD,
                "PYTHONPATH": str(_ROOT / "src"),
                **self.settings,
            }
        )
        command = [sys.executable, "-m", "stepwell.server", "--port", str(self.port)]
        command += ["--store-url", self.store_url]
        with (self.home / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.home
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited at start:\n{self.log}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"The server did not answer /health within 30 s:\n{self.log}")

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s)."""
        if self._http is not None:
            self._http.close()
            self._http = None
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def make_accounts(self) -> None:
        """One user and one service account (with an API key) per role, in the server's
        database (the server made the first admin, 'admin', itself)."""
        from stepwell.store.sql.store import SqlStore

        store = SqlStore(self.store_url)
        for role in ROLES:
            name = "admin" if role == "admin" else f"{role}-user"
            if role != "admin":
                store.create_user(name=name, password=PASSWORD, role=role)
            service = f"{role}-bot"
            store.create_user(name=service, role=role, is_service_account=True)
            key = store.create_api_key(user=service, name="tests").key
            assert key is not None
            self.accounts[role] = Account(role, name, PASSWORD, service, key)

    def token(self, role: str) -> str:
        """An access token of `role`'s service account (logged in once per server)."""
        if role not in self._tokens:
            response = self.http.post(
                "/api/v1/login", json={"api_key": self.accounts[role].api_key}
            )
            response.raise_for_status()
            self._tokens[role] = response.json()["access_token"]
        return self._tokens[role]

    def headers(self, role: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token(role)}"}

    def client_env(self, role: str = "member") -> dict[str, str]:
        """The variables that make a stepwell process use this server as `role`."""
        return {"STEPWELL_SERVER_URL": self.url, "STEPWELL_API_KEY": self.accounts[role].api_key}


def launch_server(home: Path, database_url: str | None = None, **settings: Any) -> RunningServer:
    """A started server (on `database_url`, else a SQLite file in `home`) with its accounts
    made; the caller stops it."""
    home.mkdir(parents=True, exist_ok=True)
    server = RunningServer(home, free_port(), {k: str(v) for k, v in settings.items()})
    server.database_url = database_url
    server.start()
    try:
        server.make_accounts()
    except BaseException:
        server.stop()
        raise
    return server
