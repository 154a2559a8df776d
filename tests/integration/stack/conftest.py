"""Fixtures for stack tests: a real HTTP server on loopback that records what it is sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookServer:
    """A loopback HTTP server: `status` is what it answers; `hold` makes it wait to answer."""

    url: str
    port: int
    received: list[Received] = field(default_factory=list)
    status: int = 200
    statuses: list[int] = field(default_factory=list)  # answered first, one per request
    reply: bytes = b"ok"
    hold: threading.Event | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Block until `count` requests have arrived (or fail after `timeout` seconds)."""
        with self.arrived:
            done = self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert done, f"expected {count} request(s), got {len(self.received)}"
        return list(self.received)


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        hook: WebhookServer = self.server.hook
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with hook.arrived:
            hook.received.append(Received(self.path, dict(self.headers.items()), body))
            hook.arrived.notify_all()
        if hook.hold is not None:
            hook.hold.wait(30)
        try:
            self.send_response(hook.statuses.pop(0) if hook.statuses else hook.status)
            self.send_header("Content-Length", str(len(hook.reply)))
            self.end_headers()
            self.wfile.write(hook.reply)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a time-out test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_server(monkeypatch) -> Iterator[WebhookServer]:
    """A running loopback server, shut down after the test."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    hook = WebhookServer(url=f"http://127.0.0.1:{port}/services/T000/SECRET-TOKEN", port=port)
    server.hook = hook  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        if hook.hold is not None:
            hook.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
