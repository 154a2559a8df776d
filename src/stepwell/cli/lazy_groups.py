"""Command groups built on first use (read layer).

Typer builds a Click command for every function of every group on each call of `stepwell`,
whichever command was asked for: with some 160 commands that cost about 20 ms, on top of
importing every group's module. A lazy group is registered on the root with its name and its
one-line help only; its module is imported, and its commands built, the first time the group
itself is asked for (one of its commands, its `--help`, shell completion). `stepwell --help`
lists the groups from their help alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperGroup


class LazyGroup(TyperGroup):
    """A group whose commands come from `make()` (a Typer app), called when first needed."""

    make: Callable[[], typer.Typer]

    def _build(self) -> None:
        if self.commands:
            return
        from stepwell.cli.help_format import polish

        app = type(self).make()
        # Plain Click help, as the root has (see `stepwell.cli.app`); a group built on its
        # own would otherwise take Typer's default, Rich panels.
        app.rich_markup_mode = None
        built = typer.main.get_command(app)
        polish(built)
        self.commands.update(getattr(built, "commands", {}))

    def list_commands(self, ctx: Any) -> list[str]:
        self._build()
        return super().list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._build()
        return super().get_command(ctx, cmd_name)


def add_lazy_group(
    root: typer.Typer, name: str, help: str, make: Callable[[], typer.Typer]
) -> None:
    """Add the group `name` to `root`; `make()` returns its Typer app when it is first used."""
    group_class = type(
        f"Lazy{name.title().replace('-', '')}Group", (LazyGroup,), {"make": staticmethod(make)}
    )
    root.add_typer(typer.Typer(cls=group_class), name=name, help=help, no_args_is_help=True)


def from_module(target: str) -> Callable[[], typer.Typer]:
    """A `make` for `add_lazy_group` that imports `module:attribute` when called."""
    module, _, attribute = target.partition(":")
    return lambda: getattr(importlib.import_module(module), attribute)
