"""What `stepwell run`'s options change before and after the call (read layer).

`--run-name`, `--no-cache` and `--detach` become `with_options(...)` of the pipeline (a
detached run is ZenML's `synchronous: false`: a background process that outlives the
command); `--stack` makes a stack the active one for this command only, as
STEPWELL_ACTIVE_STACK would. `step_output_moved` keeps stdout for the command's result:
with `-q` whatever the run's own process and its step workers write to file descriptors 1
and 2 goes only to the step logs, and with `-o json` or a stdout that is not a terminal
(`stepwell run ... > out.txt`, a pipe) it goes to stderr, so that stdout holds the JSON or
the summary alone. On a terminal both streams show the same screen: nothing moves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from stepwell.cli.errors import hint
from stepwell.utils.closed_output import keep_silenced


def configured(pipeline: Any, run_name: str | None, no_cache: bool, detach: bool) -> Any:
    """`pipeline` with the command's options applied."""
    options: dict[str, Any] = {}
    if run_name is not None:
        options["run_name"] = run_name
    if no_cache:
        options["enable_cache"] = False
    if detach:
        options["settings"] = {"orchestrator": {"synchronous": False}}
    return pipeline.with_options(**options) if options else pipeline


@contextmanager
def using_stack(reference: str | None) -> Iterator[None]:
    """Inside the block, the stack `reference` names (name, id or id prefix) is the active
    one for this process and the processes it starts (a background run among them); the
    saved choice of active stack is left alone. None changes nothing."""
    if reference is None:
        yield
        return
    from stepwell.client import Client
    from stepwell.config.environment import ENV_ACTIVE_STACK

    with hint("See `stepwell stack list` for the stacks there are."):
        stack = Client().get_stack(reference)
    before = os.environ.get(ENV_ACTIVE_STACK)
    os.environ[ENV_ACTIVE_STACK] = str(stack.id)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_ACTIVE_STACK, None)
        else:
            os.environ[ENV_ACTIVE_STACK] = before


@contextmanager
def step_output_moved(quiet: bool, to_stderr: bool) -> Iterator[None]:
    """While the run goes on: with `quiet`, fds 1 and 2 point to the null device (step
    output is still in the step logs); with `to_stderr`, fd 1 points to stderr. The
    original fds come back afterwards, for the result line, the JSON or the summary."""
    if not quiet and not to_stderr:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    target = os.open(os.devnull, os.O_WRONLY) if quiet else os.dup(2)
    try:
        os.dup2(target, 1)
        if quiet:
            os.dup2(target, 2)
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        for fd, original in saved.items():
            os.dup2(original, fd)
            os.close(original)
        os.close(target)
        keep_silenced()  # a copy of a pipe whose reader went away during the run is back


def run_fields(run_record: Any) -> dict[str, Any]:
    """A run and its steps as JSON-ready fields (`pipeline runs describe -o json`'s shape)."""
    from stepwell.cli.runs import run_row, step_row

    steps = [step_row(invocation, step_run) for invocation, step_run in run_record.steps.items()]
    return {**run_row(run_record), "parameters": run_record.parameters, "steps": steps}


def check_no_conflict(parameters: dict[str, Any], configured: dict[str, Any], config: Any) -> None:
    """A parameter comes from `--param` or from the file `config` (which sets `configured`):
    both with different values is an error naming both (neither silently wins), raised
    before anything runs."""
    from stepwell.cli.errors import CliError

    both = sorted(
        name for name in set(parameters) & set(configured) if parameters[name] != configured[name]
    )
    if both:
        name = both[0]
        raise CliError(
            f"--param {name}={parameters[name]!r} conflicts with `parameters.{name}: "
            f"{configured[name]!r}` in {config}; set each parameter in one place (drop the "
            "--param, or the key from the file)."
        )
