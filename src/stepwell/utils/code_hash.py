"""Fingerprints of user code, for cache keys.

Source is parsed and unparsed without docstrings, so comment-only, docstring-only and
formatting-only changes do not change the hash; any change to what the code does does.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Any, Callable

import xxhash


@functools.lru_cache(maxsize=1024)
def function_source_hash(func: Callable[..., Any]) -> str:
    """A hash of the function's normalised source (its bytecode when there is no source)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        _strip_docstrings(tree)
        text = ast.unparse(tree)
    except (OSError, TypeError, SyntaxError):
        code = getattr(func, "__code__", None)
        text = repr((code.co_code, code.co_consts)) if code is not None else repr(func)
    return xxhash.xxh3_128_hexdigest(text.encode())


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
