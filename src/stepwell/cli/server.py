"""`stepwell server start | stop | status | logs`: the stepwell server of this home folder
(read layer).

The process management is `stepwell.server.process`'s; this module parses the flags (else
the `STEPWELL_SERVER_*` variables: `stepwell.server.settings`) and renders. `start` runs the
server in the background unless `--foreground` is given, waits until it answers, and on the
very first start says where the first admin's password is and how to log in with it.

A home folder may *use* another server (a saved `stepwell login`, or STEPWELL_SERVER_URL):
`status` reports that one too (`stepwell.cli.server_in_use`), and `stop` and `logs` say
that they manage only the server started from this home folder, naming the one in use.
"""

from __future__ import annotations

import time
from typing import Any

import typer

from stepwell.cli.output import (
    OUTPUT_OPTION,
    OutputFormat,
    echo,
    note,
    print_json,
    say,
    show_record,
)

app = typer.Typer(no_args_is_help=True)


@app.command("start")
def start(
    foreground: bool = typer.Option(
        False, "--foreground", help="Run in this terminal until Ctrl-C, instead of detached."
    ),
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on [STEPWELL_SERVER_HOST; 127.0.0.1]."
    ),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Port to listen on [STEPWELL_SERVER_PORT; 8237]."
    ),
    store_url: str | None = typer.Option(
        None,
        "--store-url",
        help="Database of the server, e.g. postgresql://... [STEPWELL_SERVER_STORE_URL; "
        "this home folder's SQLite store].",
    ),
) -> None:
    """Start the server (in the background; see `stepwell server logs`)."""
    from stepwell.server import process
    from stepwell.server.settings import server_settings

    process.check_installed()  # before anything is written or started
    settings = server_settings(host, port, store_url)
    if foreground:
        raise typer.Exit(process.run_foreground(settings))
    started = process.start(settings)
    url = started.record.url
    say(f"The stepwell server runs at {url} (pid {started.record.pid}).")
    note(f"Its log: {process.log_path()}. Stop it with `stepwell server stop`.")
    if started.admin_password_file is not None:
        path = started.admin_password_file
        say(f"Made the first admin account, 'admin'; its password is in {path}.")
        say("Log in as admin with:")
        say(f"  stepwell login {url} --username admin --password-stdin < {path}")


@app.command("stop")
def stop() -> None:
    """Stop the server started from this home folder (only that one)."""
    from stepwell.cli import server_in_use
    from stepwell.server import process

    stopped = process.stop()
    if stopped is None:
        say("The stepwell server of this home folder is not running.")
    else:
        say(f"Stopped the stepwell server at {stopped.url} (pid {stopped.pid}).")
    connection = server_in_use.in_use()
    if connection is not None and (stopped is None or stopped.url != connection.url):
        note(server_in_use.elsewhere_note("stop", connection))


@app.command("status")
def status(output: OutputFormat = OUTPUT_OPTION) -> None:
    """Whether the server started from this home folder runs (where, which version, which
    pid), and which server this home folder uses and whether it answers."""
    from stepwell.cli import server_in_use
    from stepwell.server import process

    connection = server_in_use.in_use()
    in_use = None if connection is None else server_in_use.probe(connection)
    record = process.running()
    fields: dict[str, Any] = {"running": record is not None}
    if record is not None:
        info = process.health(record.url) or {}
        fields.update(
            url=record.url,
            pid=record.pid,
            version=info.get("version"),
            api_version=info.get("api_version"),
            healthy=bool(info),
            started=_local_time(record.started),
        )
    fields["log"] = str(process.log_path())
    if output is OutputFormat.json:
        print_json({**fields, "in_use": in_use})
        return
    if in_use is not None:
        show_record(in_use, output, title="Server in use")
    show_record(fields, output, title="Server started from this home folder")


@app.command("logs")
def logs(
    follow: bool = typer.Option(
        False, "--follow", "-f", help="Keep printing new lines until the server stops."
    ),
    lines: int = typer.Option(50, "--lines", "-n", min=0, help="How many last lines to show."),
) -> None:
    """Show the end of the log of the server started from this home folder."""
    from stepwell.cli import server_in_use
    from stepwell.server import process

    connection = server_in_use.in_use()
    record = process.running()
    if connection is not None and (record is None or record.url != connection.url):
        note(server_in_use.elsewhere_note("logs", connection))
    path = process.log_path()
    if not path.exists():
        note(f"No server log yet ({path}); start the server with `stepwell server start`.")
        return
    text = process.tail(path, lines)
    if text:
        echo(text)
    if follow:
        _follow(path)


def _follow(path: Any) -> None:
    """Print what is appended to the log until the server stops (or Ctrl-C)."""
    import codecs

    from stepwell.server import process

    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        while True:
            chunk = handle.read()
            if chunk:
                echo(decoder.decode(chunk), nl=False)
            elif process.running() is None:
                return
            else:
                time.sleep(0.2)


def _local_time(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))
