"""The fenced code blocks of README.md, parsed when the tests run.

A block is preceded, optionally, by one HTML comment that tells the README test what to do
with it; the only one there is says not to run it, with the reason in parentheses:

    <!-- readme-test: skip (why this block cannot run in a test) -->
    ```bash
    make bench
    ```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"

_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*readme-test:(.*?)-->\s*$")
_SKIP = re.compile(r"^\s*skip\s*\((.+)\)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, its code and where it is."""

    language: str
    code: str
    first_line: int  # README line number of the code's first line (1-based)
    section: str
    skip_reason: str | None = None

    @property
    def where(self) -> str:
        return f"README.md:{self.first_line} ({self.section})"

    def lines(self) -> list[tuple[int, str]]:
        """The code's lines with their README line numbers."""
        return [(self.first_line + i, line) for i, line in enumerate(self.code.splitlines())]


class ReadmeFormatError(ValueError):
    """Raised when README.md has an unclosed fence or a readme-test comment we don't know."""


def parse_blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown text, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    section = "top"
    pending_skip: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence is None:
            if heading := _HEADING.match(line):
                section = heading.group(1)
            if directive := _DIRECTIVE.match(line.strip()):
                pending_skip = _skip_reason(directive.group(1), index + 1)
            elif line.strip() and pending_skip is not None:
                raise ReadmeFormatError(
                    f"README.md:{index + 1}: a readme-test comment must come right before "
                    "the code fence it is about (blank lines aside)."
                )
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise ReadmeFormatError(f"README.md:{index + 1}: this code fence is never closed.")
        blocks.append(
            Block(
                language=fence.group(1).lower(),
                code="\n".join(lines[index + 1 : end]) + "\n",
                first_line=index + 2,
                section=section,
                skip_reason=pending_skip,
            )
        )
        pending_skip = None
        index = end + 1
    return blocks


def readme_blocks() -> list[Block]:
    return parse_blocks(README.read_text(encoding="utf-8"))


def _skip_reason(body: str, line: int) -> str:
    match = _SKIP.match(body)
    if match is None:
        raise ReadmeFormatError(
            f"README.md:{line}: a readme-test comment must read "
            "`<!-- readme-test: skip (reason) -->`."
        )
    return match.group(1).strip()
