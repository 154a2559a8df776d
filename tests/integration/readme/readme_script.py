"""The README's Python blocks as one script, and what their comments say they do.

The script keeps the README's line numbers (every other line is blank), so a traceback's line
number is the README line. A name a block uses that neither it nor an earlier block defines
is imported from the prelude on the block's opening fence line, which holds no code.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from collections.abc import Callable
from pathlib import Path

from readme_blocks import Block


def top_level_names(path: Path) -> set[str]:
    """The functions and classes a module defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


def bound_and_used(code: str) -> tuple[set[str], set[str]]:
    """Names the code binds anywhere (assignments, defs, imports, arguments) and names it reads."""
    bound: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, used


def python_script(
    blocks: list[Block], readme_lines: int, prelude: Path, rewrite: Callable[[str], str]
) -> str:
    """The blocks as one script of `readme_lines` lines; `rewrite` is applied to each line."""
    available = top_level_names(prelude)
    lines = [""] * readme_lines
    defined = set(dir(builtins))
    for block in blocks:
        bound, used = bound_and_used(block.code)
        needed = sorted((used - bound - defined) & available)
        if needed:
            lines[block.first_line - 2] = f"from {prelude.stem} import {', '.join(needed)}"
        for number, line in block.lines():
            lines[number - 1] = rewrite(line)
        defined |= bound | set(needed)
    return "\n".join(lines) + "\n"


def shown_outputs(blocks: list[Block]) -> list[tuple[int, re.Pattern[str]]]:
    """For each `print(...)  # output` line: its README line and a pattern of the output shown
    (any number where the README shows a number: run names hold the time)."""
    shown = []
    for block in blocks:
        for number, line in block.lines():
            match = re.match(r"print\(.*\)\s+#\s+(.+)$", line)
            if match:
                parts = re.split(r"(\d+)", match.group(1).strip())
                pattern = "".join(r"\d+" if part.isdigit() else re.escape(part) for part in parts)
                shown.append((number, re.compile(pattern)))
    return shown


def documented_posts(blocks: list[Block]) -> list[dict]:
    """The JSON bodies that `alerter.post(...)  # {...} to the URL` lines say are sent."""
    return [
        json.loads(match.group(1))
        for block in blocks
        for _, line in block.lines()
        if ".alerter.post(" in line and (match := re.search(r"#\s*(\{.*\})", line))
    ]
