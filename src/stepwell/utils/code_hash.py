"""Fingerprints of user code, for cache keys.

Source is parsed and unparsed without docstrings, so comment-only, docstring-only and
formatting-only changes do not change a hash; any change to what the code does does.
`code_fingerprint` goes beyond the step function: it follows the user's own functions and
classes that the step uses (by name, through globals, module attributes and class
methods), inside the user's source root and never into installed packages.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
import types
from pathlib import Path
from typing import Any, Callable

import xxhash

from stepwell.utils.source_root import is_user_file


@functools.lru_cache(maxsize=1024)
def function_source_hash(func: Callable[..., Any]) -> str:
    """A hash of one function's (or class's) normalised source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        _strip_docstrings(tree)
        text = ast.unparse(tree)
    except (OSError, TypeError, SyntaxError):
        code = getattr(func, "__code__", None)
        text = repr((code.co_code, code.co_consts)) if code is not None else repr(func)
    return xxhash.xxh3_128_hexdigest(text.encode())


def code_fingerprint(func: Callable[..., Any], root: Path) -> str:
    """A hash of `func`'s source and of every user function or class it reaches."""
    seen: dict[str, str] = {}
    _visit(func, root, seen, top=True)
    # Module names are left out so that moving code between modules alone changes nothing.
    entries = sorted(f"{name.split(':', 1)[1]}={digest}" for name, digest in seen.items())
    text = "\n".join(entries)
    return xxhash.xxh3_128_hexdigest(text.encode())


def _visit(obj: Any, root: Path, seen: dict[str, str], top: bool = False) -> None:
    name = f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"
    if name in seen:
        return
    if not top and not _is_user_object(obj, root):
        return
    seen[name] = function_source_hash(obj)
    for referenced in _references(obj):
        _visit(referenced, root, seen)


def _is_user_object(obj: Any, root: Path) -> bool:
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    try:
        return is_user_file(inspect.getsourcefile(obj), root)
    except TypeError:
        return False


def _references(obj: Any) -> list[Any]:
    """User-visible objects a function or class names: globals, module attributes, methods."""
    if inspect.isclass(obj):
        found: list[Any] = [
            member
            for member in vars(obj).values()
            if inspect.isfunction(member) or isinstance(member, (staticmethod, classmethod))
        ]
        found = [getattr(m, "__func__", m) for m in found]
        found.extend(base for base in obj.__bases__ if base is not object)
        return found
    func = inspect.unwrap(obj)
    code = getattr(func, "__code__", None)
    if code is None:
        return []
    names = _code_names(code)
    namespace = getattr(func, "__globals__", {})
    closure = {
        var: cell.cell_contents
        for var, cell in zip(code.co_freevars, func.__closure__ or (), strict=False)
        if _cell_filled(cell)
    }
    found = []
    for name in names:
        value = closure.get(name, namespace.get(name))
        if isinstance(value, types.ModuleType):
            found.extend(
                getattr(value, attr)
                for attr in names
                if isinstance(getattr(value, attr, None), (types.FunctionType, type))
            )
        elif value is not None:
            found.append(getattr(value, "entrypoint", value))
    return found


@functools.lru_cache(maxsize=4096)
def _code_names(code: types.CodeType) -> tuple[str, ...]:
    names = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= set(_code_names(const))
    return tuple(sorted(names))


def _cell_filled(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - probing an empty cell raises
    except ValueError:
        return False
    return True


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


def file_digest(path: Path) -> str:
    """A hash of a file's bytes (for cache policies' file dependencies)."""
    hasher = xxhash.xxh3_128()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()
