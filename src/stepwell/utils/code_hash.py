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
import sys
import textwrap
import types
from pathlib import Path
from typing import Any, Callable

import xxhash

from stepwell.utils.source_root import is_user_file


def function_source_hash(obj: Any) -> str:
    """A hash of one function's (or class's) normalised source, as the code is now.

    Cached by what changes whenever the code does (a function's code object, which a
    redefinition in a notebook cell or `%autoreload` replaces; a class's methods' code
    objects), never by the object alone.
    """
    if inspect.isclass(obj):
        return _class_hash(obj, _class_state(obj))  # type: ignore[arg-type]
    code = getattr(inspect.unwrap(obj), "__code__", None)
    if code is None:
        return _hash_text(_source_or_repr(obj))
    return _function_hash(obj, code)


@functools.lru_cache(maxsize=4096)
def _function_hash(func: Any, code: types.CodeType) -> str:
    return _hash_text(_source_or_repr(func))


@functools.lru_cache(maxsize=1024)
def _class_hash(cls: type, state: tuple[Any, ...]) -> str:
    try:
        text = inspect.getsource(cls)
    except (OSError, TypeError):
        # A class defined in a notebook cell or an interactive session: Python keeps no
        # source for it, but its methods' code is in the kernel's cells. Hash those, with
        # its other attributes and its bases.
        text = repr(state)
    return _hash_text(text)


def _class_state(cls: type) -> tuple[Any, ...]:
    """What identifies a class's current definition, cheaply: its methods' code objects,
    its other attributes' reprs and its bases."""
    members = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("__") and name not in ("__init__", "__call__"):
            continue
        function = getattr(member, "__func__", member)
        code = getattr(function, "__code__", None)
        if code is not None:
            members.append((name, _function_hash(function, code)))
        elif isinstance(member, (int, float, str, bytes, bool, tuple, frozenset, type(None))):
            members.append((name, repr(member)))
        else:
            members.append((name, type(member).__qualname__))
    bases = tuple(f"{base.__module__}:{base.__qualname__}" for base in cls.__bases__)
    return (cls.__qualname__, bases, tuple(members))


def _source_or_repr(obj: Any) -> str:
    try:
        return _normalised(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError):
        code = getattr(obj, "__code__", None)
        return repr((code.co_code, code.co_consts)) if code is not None else repr(obj)


@functools.lru_cache(maxsize=4096)
def _normalised(source: str) -> str:
    """Source without docstrings, comments and formatting (parsing is the costly part)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    _strip_docstrings(tree)
    return ast.unparse(tree)


def _hash_text(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(text.encode())


def code_fingerprint(func: Callable[..., Any], root: Path) -> str:
    """A hash of `func`'s source and of every user function or class it reaches.

    Walked again on every call (cheap: names and dict lookups; each object's hash is
    cached by its code), so a helper redefined in another notebook cell is seen.
    """
    return code_fingerprint_parts(func, root)[0]


def code_fingerprint_parts(func: Callable[..., Any], root: Path) -> tuple[str, dict[str, str]]:
    """`code_fingerprint`, and the hash of each function or class it covers by qualified
    name (`func` itself included), so that a changed fingerprint can name what changed."""
    seen: dict[str, str] = {}
    _visit(func, root, seen, top=True)
    # Module names are left out so that moving code between modules alone changes nothing.
    entries = sorted(f"{name.split(':', 1)[1]}={digest}" for name, digest in seen.items())
    text = "\n".join(entries)
    parts = {name.replace(":", ".", 1): digest for name, digest in seen.items()}
    return xxhash.xxh3_128_hexdigest(text.encode()), parts


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
    """A function or class of the user's own: defined in `__main__` (a script, a notebook
    cell, wherever its file is) or in a file under the source root."""
    path: str | None
    if inspect.isfunction(obj):
        module = obj.__module__
        path = obj.__code__.co_filename
    elif inspect.isclass(obj):
        module = obj.__module__
        path = getattr(sys.modules.get(module), "__file__", None)
    else:
        return False
    if module == "__main__":
        return True
    return _is_user_path(path, root)


@functools.lru_cache(maxsize=4096)
def _is_user_path(path: str | None, root: Path) -> bool:
    return is_user_file(path, root)


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
    # The classes its annotations name: what a step's inputs are (their methods run in it).
    found_types = [
        annotated
        for annotation in getattr(func, "__annotations__", {}).values()
        for annotated in _annotation_classes(annotation)
    ]
    names = _code_names(code)
    namespace = getattr(func, "__globals__", {})
    closure = {
        var: cell.cell_contents
        for var, cell in zip(code.co_freevars, func.__closure__ or (), strict=False)
        if _cell_filled(cell)
    }
    found = []
    modules: set[str] = set()
    for name in names:
        value = closure.get(name, namespace.get(name))
        if isinstance(value, types.ModuleType):
            found.extend(_module_members(value, names, modules))
        elif value is not None:
            found.append(getattr(value, "entrypoint", value))
    return found + found_types


def _module_members(module: types.ModuleType, names: tuple[str, ...], seen: set[str]) -> list[Any]:
    """The functions and classes of `module` that the code may reach by attribute: any of
    its `names`, also through submodules (`import pkg.mid` then `pkg.mid.helper()`)."""
    if module.__name__ in seen:
        return []
    seen.add(module.__name__)
    found: list[Any] = []
    for attr in names:
        value = getattr(module, attr, None)
        if isinstance(value, (types.FunctionType, type)):
            found.append(value)
        elif isinstance(value, types.ModuleType):
            found.extend(_module_members(value, names, seen))
    return found


def _current_definition(cls: type) -> type:
    """The class its module now binds to the same name: a class redefined in a notebook
    cell replaces the one a step's annotation captured when the step was defined."""
    current = getattr(sys.modules.get(cls.__module__), cls.__qualname__, None)
    return current if isinstance(current, type) else cls


def _annotation_classes(annotation: Any) -> list[type]:
    """The classes an annotation names (`Point`, `list[Point]`, `Annotated[Point, "p"]`)."""
    if isinstance(annotation, type):
        return [_current_definition(annotation)]
    found: list[type] = []
    for argument in getattr(annotation, "__args__", ()) or ():
        found.extend(_annotation_classes(argument))
    origin = getattr(annotation, "__origin__", None)
    if isinstance(origin, type) and getattr(annotation, "__metadata__", None) is not None:
        found.append(origin)  # Annotated[T, ...] keeps T as __origin__
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
