"""Reading a step's log file a piece at a time, for `stepwell pipeline runs logs [--follow]`.

Each poll reads only what was appended since the last one (from the byte offset where the
previous read ended), so following a long log costs the new bytes, not the whole file again.
A UTF-8 character cut in two by a poll is kept back until its end arrives.
"""

from __future__ import annotations

import codecs

from stepwell.artifact_stores.base import artifact_store_for_uri


class LogTail:
    """The unread end of one log file."""

    def __init__(self, uri: str | None) -> None:
        self.uri = uri
        self.offset = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read_new(self, final: bool = False) -> str:
        """The text appended since the last call ('' if none, or no file yet); `final`
        flushes a character left incomplete at the end."""
        data = b""
        if self.uri:
            store = artifact_store_for_uri(self.uri)
            if store.exists(self.uri):
                with store.open(self.uri, "rb") as handle:
                    handle.seek(self.offset)
                    data = handle.read()
        self.offset += len(data)
        return str(self._decoder.decode(data, final=final))
