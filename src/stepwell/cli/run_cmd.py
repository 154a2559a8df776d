"""`stepwell run MODULE:PIPELINE`: import a pipeline, run it, show its progress (read layer).

The CLI's one entry into define -> compile -> orchestrate: it imports the user's module,
configures the pipeline (`with_options(config_path=...)`), calls it with `--param` values
and watches the run through `stepwell.orchestrators.events` while it goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import typer

from stepwell.cli.errors import CliError
from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    is_quiet,
    note,
    say,
    stderr_console,
)

TARGET_HELP = "MODULE:PIPELINE, e.g. `training:train_pipeline` or `pipelines/train.py:train`."


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    ctx: typer.Context,
    target: str = typer.Argument(..., metavar="MODULE:PIPELINE", help=TARGET_HELP),
    config: Path | None = typer.Option(
        None, "--config", "-c", help="A YAML run configuration file.", dir_okay=False
    ),
    param: list[str] = typer.Option(
        [],
        "--param",
        "-p",
        metavar="KEY=VALUE",
        help="Pipeline parameter (value read as YAML: 0.1 is a float); repeat for more.",
    ),
    run_name: str | None = typer.Option(
        None, "--run-name", "-n", metavar="NAME", help="Name of the run ({date}, {time} work)."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Run every step, reusing nothing."),
    stack: str | None = typer.Option(
        None, "--stack", "-s", help="Run on this stack (default: the active one)."
    ),
    detach: bool = typer.Option(
        False, "--detach", "-d", help="Start the run in the background and return at once."
    ),
    output: OutputFormat = OUTPUT_OPTION,
    quiet_flag: bool = typer.Option(
        False, "--quiet", "-q", help="Show only the result and errors (as `stepwell -q run`)."
    ),
) -> None:
    """Run a pipeline: import MODULE (a module name or a .py path) and call PIPELINE."""
    from stepwell.cli.run_options import (
        check_no_conflict,
        configured,
        step_output_moved,
        using_stack,
    )

    parameters = parse_assignments(param, "--param")
    pipeline = load_pipeline(target)
    if config is not None:
        if not config.is_file():
            raise CliError(f"Run configuration {config} does not exist; check the path.")
        from stepwell.config.yaml_loader import load_run_configuration

        check_no_conflict(parameters, load_run_configuration(config).parameters, config)
        pipeline = pipeline.with_options(config_path=str(config))
    pipeline = configured(pipeline, run_name, no_cache, detach)
    json_output = output is OutputFormat.json
    silent = quiet_flag or is_quiet(ctx)
    quiet = silent or _verbosity_above_info()
    failure: Exception | None = None
    with (
        using_stack(stack),
        # Off a terminal, stdout carries only the result: live step output goes to stderr.
        step_output_moved(silent, json_output or not sys.stdout.isatty()),
        _run_display(quiet) as tracker,
    ):
        try:
            run_record = pipeline(**parameters)
        except Exception as error:
            failure = error
    if failure is not None:
        failed = _failed_run(failure, tracker)
        if failed is None:  # failed before a run was made (e.g. it does not compile)
            raise failure
        _report(failed, quiet, json_output)
        first_line = _reason(failure)
        raise CliError(
            f"Run '{failed.name}' {failed.status.value}: {first_line.rstrip('.')}. See its "
            f"logs with `stepwell pipeline runs logs {failed.name}`."
        ) from failure
    _report(run_record, quiet, json_output)


def _reason(failure: Exception) -> str:
    """What went wrong, in one line, without the run name and log command the CLI's own
    message gives (a failed run's error carries its bare reason in `details`)."""
    reason = getattr(failure, "details", {}).get("reason")
    if isinstance(reason, str) and reason:
        return reason
    return (str(failure).strip().splitlines() or [type(failure).__name__])[0]


def parse_assignments(items: list[str], option: str) -> dict[str, Any]:
    """`key=value` strings as a dict; values are parsed as YAML scalars (`0.1` -> 0.1)."""
    import yaml

    result: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise CliError(
                f"{option} {item!r} is not key=value; write it as {option} name=value "
                "(e.g. lr=0.1)."
            )
        try:
            result[key] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            result[key] = raw  # not YAML (e.g. `a: b: c`): keep the text as it is
    return result


def load_pipeline(target: str) -> Any:
    """The `Pipeline` that `MODULE:PIPELINE` names (a module may be a path to a .py file;
    ZenML's dotted `module.pipeline` works too: see `cli.pipeline_target`)."""
    from stepwell.cli.pipeline_target import split_target
    from stepwell.pipelines.pipeline import Pipeline

    module_ref, attribute = split_target(target)
    module = import_target_module(module_ref)
    pipelines = {name: value for name, value in vars(module).items() if isinstance(value, Pipeline)}
    if not attribute:
        if len(pipelines) != 1:
            raise CliError(
                f"{module_ref!r} defines {len(pipelines)} pipelines "
                f"({', '.join(sorted(pipelines)) or 'none'}); name one as {module_ref}:PIPELINE."
            )
        (attribute,) = pipelines
    if not hasattr(module, attribute):
        raise CliError(
            f"Module {module.__name__!r} has no attribute {attribute!r}; pipelines in it: "
            f"{', '.join(sorted(pipelines)) or 'none'}."
        )
    value = getattr(module, attribute)
    if not isinstance(value, Pipeline):
        raise CliError(
            f"{module.__name__}:{attribute} is not a pipeline (type {type(value).__name__}); "
            "decorate the function with @pipeline, or name a pipeline: "
            f"{', '.join(sorted(pipelines)) or 'none in this module'}."
        )
    return value


def import_target_module(module_ref: str) -> ModuleType:
    """Import a module by name (from the working directory or sys.path) or by file path."""
    if not module_ref:
        raise CliError(f"Give the pipeline as {TARGET_HELP}")
    path = Path(module_ref)
    is_path = module_ref.endswith(".py") or os.sep in module_ref or "/" in module_ref
    if is_path:
        if not path.is_file():
            raise CliError(f"{module_ref} is not a file; give the path of a .py file.")
        folder, name = str(path.resolve().parent), path.stem
    else:
        folder, name = os.getcwd(), module_ref
    # A console script's sys.path lacks the working directory; the user's code is there.
    if folder not in sys.path:
        sys.path.insert(0, folder)
    # ... and so is the source root (cache keys, file dependencies), not the script's bin/.
    from stepwell.utils.source_root import set_entry_folder

    set_entry_folder(folder)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and name.startswith(error.name):
            raise CliError(
                f"Cannot import {name!r}: no such module in {folder} or on sys.path. Run "
                "stepwell from the folder that holds it, or give the path of its .py file."
            ) from None
        raise CliError(f"Importing {name!r} failed: {error}.") from error
    except Exception as error:
        raise CliError(
            f"Importing {name!r} failed: {type(error).__name__}: {error}. "
            "Fix the module (run again with --debug for the traceback)."
        ) from error


def _verbosity_above_info() -> bool:
    from stepwell.config.environment import logging_verbosity

    return logging_verbosity() in ("WARNING", "ERROR", "CRITICAL")


@contextmanager
def _run_display(quiet: bool) -> Iterator[Any]:
    """Observe the run: live view on a terminal, plain lines elsewhere, nothing if quiet."""
    from stepwell.cli.progress import LiveProgress, PlainProgress, RunTracker
    from stepwell.orchestrators.events import observing
    from stepwell.utils.closed_output import keeping_going

    tracker = RunTracker()
    observers: list[Any] = [tracker]
    if not quiet:
        console = stderr_console()
        observers.append(LiveProgress(console) if console.is_terminal else PlainProgress(console))
    with _quiet_library_logs(), contextlib.ExitStack() as stack:
        # A reader that goes away mid-run (`| head -1`) loses only what it would have read.
        stack.enter_context(keeping_going())
        for observer in observers:
            stack.enter_context(observing(observer))
        try:
            yield tracker
        finally:
            for observer in observers[1:]:
                observer.close()


@contextmanager
def _quiet_library_logs() -> Iterator[None]:
    """The CLI shows the run itself: stepwell's own info lines are held back (warnings and
    errors, such as a failed step's traceback, still show), unless the verbosity is DEBUG."""
    from stepwell.config.environment import logging_verbosity
    from stepwell.logger import at_least

    if logging_verbosity() == "DEBUG":
        yield
        return
    with at_least(logging.WARNING):
        yield


def _failed_run(error: Exception, tracker: Any) -> Any:
    """The run a failed pipeline call made, if it got as far as making one."""
    from stepwell.client import Client

    run_name = getattr(error, "details", {}).get("run_name")
    if run_name:
        return Client().get_pipeline_run(run_name)
    if tracker.run is not None:
        return Client().get_pipeline_run(tracker.run.id)
    return None


@contextmanager
def _output_may_close() -> Iterator[None]:
    """While a run's result is shown, a reader that goes away (`| head -1`) only loses
    what it would have read: output to the closed pipe is dropped
    (`stepwell.utils.closed_output`), and the error boundary exits 141 at the end (or 1
    for a failed run, whose error is raised after this)."""
    from stepwell.utils import closed_output

    with closed_output.keeping_going():
        try:
            yield
        except BrokenPipeError:  # a plain write (`typer.echo`) met the closed pipe
            closed_output.flush_standard_streams()  # finds which one, and silences it
            if not closed_output.any_reader_gone():
                closed_output.silence_standard_fds()


@_output_may_close()
def _report(run_record: Any, quiet: bool, json_output: bool = False) -> None:
    """The end of a run: a summary table and where the logs are (one line if quiet, the
    run and its steps if JSON); for a run that goes on in the background, how to follow it."""
    from stepwell.cli.output import print_json, stdout_console
    from stepwell.cli.progress import summary_table

    run_record = run_record.refresh()
    status = run_record.status.value
    follow = f"stepwell pipeline runs logs {run_record.name} --follow"
    if json_output:
        from stepwell.cli.run_options import run_fields

        print_json(run_fields(run_record))
        if not run_record.status.is_finished:
            note(f"The run goes on in the background; follow it with `{follow}`.")
        return
    if not run_record.status.is_finished:
        say(f"{run_record.name} {status}")
        note(f"The run goes on in the background; follow it with `{follow}`.")
        return
    if quiet:
        say(f"{run_record.name} {status}")
        return
    stdout_console().print(summary_table(run_record))
    note(f"Logs: stepwell pipeline runs logs {run_record.name} [--step STEP]")
