"""`stepwell login` (and any first contact of a `RestStore`) with a URL that is not a
stepwell server's base URL: one line naming the URL and the HTTP answer to GET /health, with
the base URL to give instead, and never the foreign server's page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_process import StepwellCommand
from live_server import RunningServer

from stepwell.exceptions import StoreError
from stepwell.store.rest.store import RestStore

PAGE = (
    "<!DOCTYPE html><html><head><title>Welcome to nginx!</title><style>body {width: 35em;}"
    "</style></head><body><h1>Welcome to nginx!</h1><p>" + "If you see this page, " * 40
    + "</p></body></html>"
)  # fmt: skip


class _WebPage(BaseHTTPRequestHandler):
    """Any other web server: an HTML page at every path."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    """The URL of a plain HTTP server that is not stepwell's."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


@pytest.fixture
def user(tmp_path: Path) -> StepwellCommand:
    return StepwellCommand(tmp_path / "home")


def test_login_with_the_api_path_appended_names_the_base_url(user, server: RunningServer):
    done = user("login", f"{server.url}/api/v1", "--api-key", server.accounts["member"].api_key)

    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {server.url}/api/v1 does not answer like a stepwell server (GET /health: "
        f"HTTP 404); give the server's base URL, e.g. {server.url}\n"
    )
    assert not (user.home / "config.yaml").exists()


def test_login_to_another_web_server_shows_a_short_plain_snippet_not_its_page(user, web_server):
    done = user("login", web_server, "--api-key", "swk_x")

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert f"{web_server} does not answer like a stepwell server (GET /health: HTTP 200" in (
        done.stderr
    )
    assert "e.g. http://127.0.0.1:8237" in done.stderr
    assert "Welcome to nginx!" in done.stderr
    assert "<" not in done.stderr and "{" not in done.stderr
    assert len(done.stderr) < 300


def test_a_rest_store_refuses_a_foreign_server_at_first_contact(web_server):
    with pytest.raises(StoreError, match="does not answer like a stepwell server"):
        RestStore(web_server, api_key="swk_x")
