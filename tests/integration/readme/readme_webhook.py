"""A real HTTP server on 127.0.0.1 that stands in for every URL of the README's snippets."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

URL = re.compile(r"https?://[^\s\"'<>]+")


class WebhookServer:
    """Answers every POST with 200 "ok" and records its path, content type and body."""

    def __init__(self) -> None:
        posts: list[tuple[str, str, bytes]] = []

        class Recorder(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                posts.append((self.path, self.headers.get("Content-Type", ""), body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass  # keep the test output clean

        self.posts = posts
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/readme"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def local_urls(self, text: str) -> str:
        """`text` with every http(s) URL replaced by this server's."""
        return URL.sub(self.url, text)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
