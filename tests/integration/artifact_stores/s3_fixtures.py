"""A local S3 service for the s3 flavor's tests: moto's server behind a recording proxy.

moto stands in for an S3 account (none can be reached from here); the proxy in front of it
is a plain HTTP relay that notes which access key signed each request, so a test can tell
which credentials reached the filesystem in whichever process made the request.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection"}


@dataclass
class RecordingProxy:
    """Relays HTTP to `upstream`, recording the access key of every signed request."""

    upstream: str
    url: str = ""
    access_keys: list[str] = field(default_factory=list)
    unsigned: int = 0

    def serve(self) -> Iterator[RecordingProxy]:
        target = urlsplit(self.upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def _relay(self) -> None:
                found = _CREDENTIAL.search(self.headers.get("Authorization", ""))
                if found:
                    proxy.access_keys.append(found.group(1))
                else:
                    proxy.unsigned += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    data = answer.read()
                finally:
                    connection.close()
                self.send_response(answer.status)
                # A HEAD answer's length is the object's, not that of its (empty) body.
                relayed = (
                    _HOP_BY_HOP if self.command == "HEAD" else _HOP_BY_HOP | {"content-length"}
                )
                for key, value in answer.getheaders():
                    if key.lower() not in relayed:
                        self.send_header(key, value)
                if self.command != "HEAD":
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _relay

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
