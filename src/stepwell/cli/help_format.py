"""Readable `--help` for every command (read layer): metavars that name what to type.

Typer labels a parameter by its Python type (`<str>`, `<list[str]>`, `<bool>`) and wraps a
required argument in braces (`{NAME}`). `polish` walks the whole command tree once, when the
root group is built, and gives each parameter without an explicit metavar one made from its
name (`--run-name RUN_NAME`, `NAME`), choices as `[table|json]` and paths as `FILE`, `DIR`
or `PATH`; arguments read `NAME` when required and `[NAME]` when not, as in Click. A metavar
written on the option itself (`KEY=VALUE`, `N`) is kept.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperOption


class _Argument(TyperArgument):
    """An argument shown by its metavar alone: `NAME`, `[NAME]`, `NAME...`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


def _path_metavar(param: Any) -> str | None:
    descriptor = param.type_descriptor
    if not descriptor.is_path:
        return None
    kind = str(getattr(descriptor, "path_type", "") or "").lower()
    return {"file": "FILE", "directory": "DIR", "dir": "DIR"}.get(kind, "PATH")


def _metavar(param: Any) -> str:
    """A metavar for `param` from its choices, its path kind or its name."""
    descriptor = param.type_descriptor
    if descriptor.is_choice and descriptor.choices:
        values = [str(getattr(choice, "value", choice)) for choice in descriptor.choices]
        return f"[{'|'.join(values)}]"
    return _path_metavar(param) or (param.name or "value").upper()


def polish(command: Any) -> None:
    """Give every parameter under `command` (a Click group or command) a plain metavar."""
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = _metavar(param)
            param.__class__ = _Argument
        elif isinstance(param, TyperOption) and not (param.is_flag or param.count):
            param.metavar = param.metavar or _metavar(param)
    for child in getattr(command, "commands", {}).values():
        polish(child)
