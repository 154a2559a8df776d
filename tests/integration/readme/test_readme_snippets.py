"""Every fenced code block of README.md runs, or is checked, in a test.

The blocks are read from README.md when the tests run (`readme_blocks`), so a README edit is
tested without touching this module. By language:

- python: all Python blocks run in order as one script, so in one namespace for the whole
  file (as for a reader who pastes them into one file one after the other), with a fresh
  STEPWELL_HOME, in a copy of `readme_project/` (the script's folder, hence the source root).
  The script keeps the README's line numbers: a traceback's line is the README line. A name
  a block uses that neither it nor an earlier block defines is imported from
  `readme_project/readme_prelude.py` (real steps and pipelines) on the block's opening fence
  line. A `print(...)  # output` line must print what its comment shows (digits may differ),
  and an alerter `post(...)  # {...} to the URL` must deliver that JSON body. Every run the
  script starts (background ones too) must complete.
- yaml: loaded and validated with `stepwell.config.yaml_loader`, then used as the run
  configuration of the prelude's `training_pipeline`, the pipeline the README configures from
  a file just before it; the run must complete.
- text: the CLI synopsis; it must list the options and commands of the command tree that
  `stepwell --help` renders, no more and no fewer.
- bash: each `stepwell ...` line runs through the console script, in order, in a copy of
  `readme_project/` with no STEPWELL_HOME (so `stepwell init` makes the store there), and must
  exit 0; a line whose comment says it "asks first" gets "y" typed on a terminal. Before the first
  command after `stepwell init`, `python train.py` prepares the store (two earlier runs, the
  snapshot `nightly`). `<run>` becomes the newest run of `training`.
- `<!-- readme-test: skip (reason) -->` right before a block: the block does not run, but its
  `make` lines must name Makefile targets, its `export` lines variables stepwell reads
  that the README's table lists, and its `stepwell` lines must parse as real commands.

Network: every http(s) URL in a block that runs is rewritten to an HTTP server on 127.0.0.1
that the test starts, so nothing is sent anywhere else.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from readme_blocks import README, Block, readme_blocks
from readme_script import documented_posts, python_script, shown_outputs
from readme_webhook import WebhookServer

import stepwell
from stepwell.enums import ExecutionStatus

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "readme_project"
PRELUDE = PROJECT / "readme_prelude.py"
STEPWELL_SCRIPT = Path(sys.executable).parent / "stepwell"
HANDLED_LANGUAGES = {"python", "yaml", "text", "", "bash"}
COMMAND_TIMEOUT = 120.0
FOLLOW_TIMEOUT = 30.0  # `logs --follow` on a finished run must end by itself
BLOCKS = readme_blocks()


def blocks_of(*languages: str, skipped: bool = False) -> list[Block]:
    return [b for b in BLOCKS if b.language in languages and (b.skip_reason is not None) == skipped]


def block_params(blocks: list[Block]) -> list:
    return [pytest.param(block, id=f"line{block.first_line}") for block in blocks]


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    server = WebhookServer()
    yield server
    server.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of `readme_project/`: the folder the snippets run in."""
    folder = tmp_path / "project"
    shutil.copytree(PROJECT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def child_env(**changes: str | None) -> dict[str, str]:
    """This process's environment for a child: the stepwell under test, no proxy for 127.0.0.1."""
    env = dict(os.environ)
    source = str(Path(stepwell.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["NO_COLOR"] = "1"
    env.pop("STEPWELL_SOURCE_ROOT", None)  # the script's or project's folder is the root
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def wait_for_every_run() -> list:
    """Every run in the store, once finished (background and triggered runs too)."""
    from stepwell.client import Client

    client = Client()
    return [
        client.wait_for_pipeline_run(run.id, timeout=COMMAND_TIMEOUT)
        for run in client.list_pipeline_runs(size=1_000)
    ]


# -- every block is handled -----------------------------------------------------------------------
def test_every_readme_block_is_run_checked_or_skipped_with_a_reason():
    assert BLOCKS, "README.md has no code blocks?"
    unhandled = [
        b.where for b in BLOCKS if b.language not in HANDLED_LANGUAGES and b.skip_reason is None
    ]
    assert not unhandled, (
        f"No test handles the blocks at {unhandled}; give them a handled language "
        f"{sorted(HANDLED_LANGUAGES)} or a `<!-- readme-test: skip (reason) -->` comment."
    )


# -- python ---------------------------------------------------------------------------------------
@pytest.mark.timeout(300)
def test_python_blocks_run_in_order_as_one_script(project, stepwell_home, webhook_server):
    blocks = blocks_of("python")
    script = project / "readme_snippets.py"
    readme_lines = len(README.read_text(encoding="utf-8").splitlines())
    code = python_script(blocks, readme_lines, PRELUDE, webhook_server.local_urls)
    script.write_text(code, encoding="utf-8")

    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=project,
        env=child_env(STEPWELL_HOME=str(stepwell_home)),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT * 2,
    )

    assert done.returncode == 0, (
        f"The README's Python blocks failed; line numbers in {script.name} are README.md's."
        f"\n{done.stderr[-6000:]}"
    )
    printed = done.stdout.splitlines()
    for number, pattern in shown_outputs(blocks):
        assert any(pattern.fullmatch(line) for line in printed), (
            f"README.md:{number} shows {pattern.pattern!r}; the script printed {printed}"
        )
    posts = [(path, kind, json.loads(body)) for path, kind, body in webhook_server.posts]
    expected = [("/readme", "application/json", body) for body in documented_posts(blocks)]
    assert posts == expected
    runs = wait_for_every_run()
    assert runs
    assert {run.name: run.status for run in runs} == {
        run.name: ExecutionStatus.COMPLETED for run in runs
    }


# -- yaml -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("block", block_params(blocks_of("yaml")))
def test_yaml_block_is_a_run_configuration_that_runs(block, project, stepwell_home):
    from stepwell.config.yaml_loader import load_run_configuration

    config_file = project / "config.yaml"
    config_file.write_text(block.code, encoding="utf-8")
    config = load_run_configuration(config_file)  # raises naming the file and the key path
    start = (
        "from readme_prelude import training_pipeline\n"
        "run = training_pipeline.with_options(config_path='config.yaml')()\n"
        "print(run.id)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", start],
        cwd=project,
        env=child_env(STEPWELL_HOME=str(stepwell_home)),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )

    assert done.returncode == 0, done.stderr
    (run,) = wait_for_every_run()
    assert run.status is ExecutionStatus.COMPLETED, run.status_message
    assert run.name.startswith((config.run_name or run.pipeline_name).split("{")[0])


# -- text: the CLI synopsis -----------------------------------------------------------------------
def is_group(command) -> bool:
    return hasattr(command, "commands")  # typer may bring its own click: no isinstance


def command_tree() -> dict[tuple[str, ...], object]:
    """The groups of the `stepwell` command (the tree `--help` renders), by their path."""
    import typer

    from stepwell.cli.app import app

    groups: dict[tuple[str, ...], object] = {}

    def walk(path: tuple[str, ...], group) -> None:
        groups[path] = group
        for name, command in subcommands(group).items():
            if is_group(command):
                walk((*path, name), command)

    walk((), typer.main.get_command(app))
    return groups


def subcommands(group) -> dict[str, object]:
    """A group's commands by name, those it builds on first use included."""
    import typer

    context = typer.Context(group)
    return {name: group.get_command(context, name) for name in group.list_commands(context)}


def leaf_commands(group) -> dict[str, list[str]]:
    """A group's commands that are not groups, with their arguments' metavars."""
    return {
        name: [
            param.metavar or param.name.upper()
            for param in command.params
            if param.param_type_name == "argument"
        ]
        for name, command in subcommands(group).items()
        if not is_group(command) and not command.hidden
    }


@pytest.mark.parametrize("block", block_params(blocks_of("text", "")))
def test_synopsis_block_lists_the_cli_command_tree(block):
    groups = command_tree()
    first, *rest = block.code.strip().splitlines()
    assert first.split()[0] == "stepwell"
    root_options = {
        opt
        for param in groups[()].params
        for opt in param.opts
        if opt.startswith("--")
        and opt not in {"--help", "--install-completion", "--show-completion"}
    }
    assert set(re.findall(r"\[(--[\w-]+)\]", first)) == root_options

    listed: dict[tuple[str, ...], dict[str, list[str]]] = {}
    for line in rest:
        segments = [segment.split() for segment in line.split("|")]
        path: tuple[str, ...] = ()
        while (*path, segments[0][0]) in groups:
            path = (*path, segments[0].pop(0))
        assert path not in listed, f"{block.where}: `{' '.join(path)}` is listed twice"
        listed[path] = {words[0]: words[1:] for words in segments}
    expected = {path: leaf_commands(group) for path, group in groups.items()}
    expected = {path: commands for path, commands in expected.items() if commands}
    for path, commands in listed.items():
        for name, arguments in commands.items():
            if arguments:  # `run MODULE:PIPELINE`: the argument's metavar, as --help shows it
                assert expected.get(path, {}).get(name) == arguments, (path, name)
    assert {path: sorted(c) for path, c in listed.items()} == {
        path: sorted(c) for path, c in expected.items()
    }


# -- bash -----------------------------------------------------------------------------------------
def command_lines(block: Block) -> list[tuple[int, str, list[str]]]:
    """(README line, line, words) of each command of a bash block; comments are dropped."""
    commands = []
    for number, line in block.lines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append((number, line, words))
    return commands


def run_command(argv: list[str], project: Path, env: dict[str, str], **options):
    return subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True, **options)


def newest_run_name(project: Path, env: dict[str, str]) -> str:
    listing = run_command(
        [
            sys.executable,
            str(STEPWELL_SCRIPT),
            "pipeline",
            "runs",
            "list",
            "-p",
            "training",
            "-o",
            "json",
        ],
        project,
        env,
        timeout=COMMAND_TIMEOUT,
    )
    assert listing.returncode == 0, listing.stderr
    return json.loads(listing.stdout)[0]["name"]


def check_effect(words: list[str], project: Path) -> None:
    """What the README's comments say a command leaves behind."""
    store = project / ".stepwell" / "stepwell.db"
    if words[1:] == ["init"]:
        assert store.is_file(), "`stepwell init`: the store should live in .stepwell/"
    elif words[1:] == ["clean"]:
        assert not store.exists(), "`stepwell clean` should delete the store"
    elif words[1:3] == ["artifact", "export"]:
        exported = project / words[-1]
        assert exported.is_file() or any(exported.iterdir()), f"nothing exported to {exported}"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("block", block_params(blocks_of("bash")))
def test_bash_block_commands_exit_0(block, project, tmp_path, webhook_server):
    env = child_env(
        STEPWELL_HOME=None, HOME=str(tmp_path / "user-home"), XDG_DATA_HOME=None, COLUMNS="160"
    )
    prepared = False
    run_name: str | None = None
    for number, line, words in command_lines(block):
        assert words[0] == "stepwell", (
            f"README.md:{number}: only `stepwell` commands can run here; mark the block with "
            "`<!-- readme-test: skip (reason) -->` if it cannot run in a test."
        )
        if not prepared and words[1:] != ["init"]:
            ready = run_command([sys.executable, "train.py"], project, env, timeout=COMMAND_TIMEOUT)
            assert ready.returncode == 0, ready.stderr
            prepared = True
        command = webhook_server.local_urls(line)
        if "<run>" in command:
            run_name = run_name or newest_run_name(project, env)
            command = command.replace("<run>", run_name)
        assert not re.search(r"<\w+>", command), f"README.md:{number}: unknown placeholder"
        words = shlex.split(command, comments=True)
        follows = "--follow" in words
        # A command that asks gets its "y" typed on a terminal (without one, it refuses to
        # ask); any other command reads end-of-file.
        asks = "asks first" in line.partition("#")[2]
        leader, follower = pty.openpty() if asks else (-1, subprocess.DEVNULL)
        try:
            if asks:
                os.write(leader, b"y\n")
            done = run_command(
                [sys.executable, str(STEPWELL_SCRIPT), *words[1:]],
                project,
                env,
                stdin=follower,
                timeout=FOLLOW_TIMEOUT if follows else COMMAND_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"README.md:{number}: `{command.strip()}` did not end in time")
        finally:
            if asks:
                os.close(follower)
                os.close(leader)
        assert done.returncode == 0, (
            f"README.md:{number}: `{command.strip()}` exited {done.returncode}\n"
            f"{done.stdout}\n{done.stderr}"
        )
        check_effect(words, project)


# -- skipped blocks: text checks ------------------------------------------------------------------
def makefile_targets() -> set[str]:
    text = (README.parent / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([\w-]+):", text, flags=re.MULTILINE))


def documented_variables() -> set[str]:
    return set(re.findall(r"^\|\s*`(STEPWELL_\w+)`", README.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("block", block_params(blocks_of("bash", skipped=True)))
def test_skipped_block_names_real_make_targets_and_variables(block):
    from stepwell.config import environment

    read_by_stepwell = {
        value for name, value in vars(environment).items() if name.startswith("ENV_")
    }
    targets = makefile_targets()
    for number, _, words in command_lines(block):
        if words[0] == "make":
            assert set(words[1:2]) <= targets, f"README.md:{number}: no such make target"
        elif words[0] == "export":
            name, _, value = words[1].partition("=")
            assert name in read_by_stepwell, f"README.md:{number}: stepwell never reads {name}"
            assert name in documented_variables(), f"README.md:{number}: {name} not in the table"
            assert value, f"README.md:{number}: {name} has no value"
        elif words[0] == "stepwell":
            check_parses(words, number)
        else:
            pytest.fail(f"README.md:{number}: a skipped block has an unchecked command")


def check_parses(words: list[str], number: int) -> None:
    """A `stepwell` line that cannot run here must still name a real command with options
    and arguments it accepts (a shell redirection at its end is the shell's, not ours)."""
    words = words[: words.index("<")] if "<" in words else words
    groups = command_tree()
    path: tuple[str, ...] = ()
    rest = words[1:]
    while rest and rest[0].startswith("-"):  # the root's options: --quiet, --debug
        rest.pop(0)
    while rest and (*path, rest[0]) in groups:
        path = (*path, rest.pop(0))
    assert rest, f"README.md:{number}: `{' '.join(words)}` names a group, not a command"
    name, *arguments = rest
    command = groups[path].commands.get(name)  # type: ignore[attr-defined]
    assert command is not None, f"README.md:{number}: no command `{' '.join((*path, name))}`"
    try:
        command.make_context(name, arguments)
    except Exception as error:  # click's usage errors: unknown option, missing argument
        pytest.fail(f"README.md:{number}: `{' '.join(words)}` does not parse: {error}")
