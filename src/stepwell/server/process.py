"""Starting, finding and stopping the stepwell server of a home folder (server).

`stepwell server start` runs `python -m stepwell.server` as a process of its own: detached
(a new session, its output appended to `<home>/server/server.log`) or, with `--foreground`,
attached to the terminal. Either way `<home>/server/server.pid` records the process: its
pid, the URL it answers on and a random start token that is also on its command line. `stop`
signals the recorded process only when its command line still carries that token, so a pid
file left behind after a crash or a reboot never makes stepwell signal a process that the
operating system has since given the same pid.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from stepwell.config.environment import ENV_HOME, home_folder
from stepwell.exceptions import EnvironmentConfigError, IllegalOperationError, StepwellError
from stepwell.server.main import ADMIN_PASSWORD_FILE, START_TOKEN_FLAG
from stepwell.server.settings import ServerSettings, server_folder, server_folder_path
from stepwell.utils.extras import SERVER_EXTRA, SERVER_MODULES, import_optional, require_modules
from stepwell.utils.private_files import private_file

PID_FILE = "server.pid"
LOG_FILE = "server.log"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
# How often start and stop look again: a connection attempt or a /proc read costs well under
# a millisecond, and a coarse interval adds up to its length to every start and stop.
_POLL = 0.01


@dataclass(frozen=True)
class ServerRecord:
    """What the pid file says about the server started from this home folder."""

    pid: int
    token: str
    url: str
    started: float


@dataclass(frozen=True)
class Started:
    """A server that answers: its record and, on the very first start, where the first
    admin's password was written."""

    record: ServerRecord
    admin_password_file: Path | None


def pid_path() -> Path:
    return server_folder_path() / PID_FILE


def log_path() -> Path:
    return server_folder_path() / LOG_FILE


def client_url(settings: ServerSettings) -> str:
    """The URL a client on this machine reaches the server at (a wildcard host listens on
    every address; the loopback one is among them)."""
    host = settings.host
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def read_record() -> ServerRecord | None:
    """The pid file's record, or None without a (readable) pid file."""
    try:
        data = json.loads(pid_path().read_text())
        return ServerRecord(int(data["pid"]), str(data["token"]), str(data["url"]), data["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_record(record: ServerRecord) -> None:
    path = server_folder() / PID_FILE
    private_file(path)
    path.write_text(json.dumps(asdict(record)))


def _forget(record: ServerRecord) -> None:
    """Remove the pid file if it still describes `record` (a newer start keeps its own)."""
    current = read_record()
    if current is not None and current.token == record.token:
        pid_path().unlink(missing_ok=True)


# -- looking at processes -----------------------------------------------------------------------
def is_alive(pid: int) -> bool:
    """Whether process `pid` exists (a child of this process that has exited is reaped)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass  # not our child: the usual case
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, but belongs to someone else
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """Whether process `pid` has exited and only waits to be reaped by its parent (a server
    started by an earlier command is reaped by init, which may take seconds to do it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux), or gone since: `kill` said it exists
    state = stat.rpartition(")")[2].split()[:1]  # the name in parentheses may hold spaces
    return state in (["Z"], ["X"])


def command_line(pid: int) -> str | None:
    """Process `pid`'s command line, or None when it cannot be read."""
    if Path("/proc/self/cmdline").exists():
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            return raw.replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            return None
    try:
        done = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def is_ours(record: ServerRecord) -> bool:
    """Whether the recorded pid is still the server this home folder started."""
    line = command_line(record.pid)
    return line is not None and f"{START_TOKEN_FLAG} {record.token}" in line


def running() -> ServerRecord | None:
    """The server started from this home folder if it still runs; a stale pid file (its
    process gone, or no longer ours) is removed."""
    record = read_record()
    if record is None:
        return None
    if is_alive(record.pid) and is_ours(record):
        return record
    _forget(record)
    return None


def health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The server's `/health` answer, or None if nothing healthy answers at `url`."""
    httpx = import_optional("httpx", SERVER_EXTRA, "Talking to a stepwell server")

    try:
        response = httpx.get(f"{url}/health", timeout=timeout)
        return dict(response.json()) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def port_in_use(settings: ServerSettings) -> bool:
    """Whether something already accepts connections where the server would listen."""
    host = client_url(settings).split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    return _accepts(host, settings.port)


def _accepts(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at `host`:`port`."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_installed() -> None:
    """Raise, naming the extra to install, unless every package the server imports is
    there: checked before a server process is started, so a missing one is said here
    instead of in a crash in the background."""
    require_modules(SERVER_MODULES, SERVER_EXTRA, "Running a stepwell server")


# -- start and stop -----------------------------------------------------------------------------
def _command(settings: ServerSettings, token: str) -> list[str]:
    return [
        sys.executable, "-m", "stepwell.server", "--host", settings.host,
        "--port", str(settings.port), START_TOKEN_FLAG, token,
    ]  # fmt: skip


def _environment(settings: ServerSettings) -> dict[str, str]:
    """The child's variables: the same home folder, and the store URL kept off its command
    line (which every user of the machine can read; the URL may hold a password)."""
    env = dict(os.environ)
    env[ENV_HOME] = str(home_folder())
    env["STEPWELL_SERVER_STORE_URL"] = settings.store_url
    return env


def _check_startable(settings: ServerSettings) -> None:
    check_installed()
    record = running()
    if record is not None:
        raise IllegalOperationError(
            f"A stepwell server started from this home folder already runs at {record.url} "
            f"(pid {record.pid}). Stop it first with `stepwell server stop`."
        )
    if port_in_use(settings):
        raise EnvironmentConfigError(
            f"Port {settings.port} on {settings.host} is already in use. Start the server on "
            "another one with --port (or STEPWELL_SERVER_PORT)."
        )


def start(settings: ServerSettings, timeout: float = START_TIMEOUT) -> Started:
    """Start a detached server and wait until it answers `/health`."""
    _check_startable(settings)
    token = secrets.token_hex(16)
    since = time.time_ns()
    log = server_folder() / LOG_FILE
    private_file(log)
    with open(log, "ab") as output:
        process = subprocess.Popen(
            _command(settings, token),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_environment(settings),
            start_new_session=True,  # Ctrl-C in this terminal, or its closing, leaves it be
        )
    record = ServerRecord(process.pid, token, client_url(settings), time.time())
    _write_record(record)
    _wait_healthy(record, process.poll, timeout)
    return Started(record, _new_admin_password_file(since))


def run_foreground(settings: ServerSettings) -> int:
    """Run the server attached to this terminal until it stops; its exit code (0 when it
    was stopped by Ctrl-C or SIGTERM, which uvicorn re-raises after a clean shutdown)."""
    _check_startable(settings)
    token = secrets.token_hex(16)
    process = subprocess.Popen(_command(settings, token), env=_environment(settings))
    record = ServerRecord(process.pid, token, client_url(settings), time.time())
    _write_record(record)

    def forward(signum: int, _frame: Any) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                code = process.wait()
                return 0 if code in (-signal.SIGINT, -signal.SIGTERM) else code
            except KeyboardInterrupt:
                continue  # the server got the same Ctrl-C and is shutting down
    finally:
        signal.signal(signal.SIGTERM, previous)
        _forget(record)


def _wait_healthy(record: ServerRecord, exited: Callable[[], int | None], timeout: float) -> None:
    host, _, port = record.url.split("//", 1)[1].rpartition(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = exited()
        if code is not None:
            _forget(record)
            raise StepwellError(
                f"The stepwell server exited with code {code} while starting. The end of its "
                f"log ({log_path()}):\n{tail(log_path(), 15)}"
            )
        # A bare connection attempt until the port opens (cheap, so it can be frequent and
        # leaves the starting server the processor); then one HTTP request to be sure.
        opened = _accepts(host.strip("[]"), int(port), timeout=1.0)
        if opened and health(record.url, timeout=1.0) is not None and exited() is None:
            return
        time.sleep(_POLL)
    raise StepwellError(
        f"The stepwell server (pid {record.pid}) did not answer at {record.url} within "
        f"{timeout:.0f} s. See its log with `stepwell server logs`, or stop it with "
        "`stepwell server stop`."
    )


def _new_admin_password_file(since_ns: int) -> Path | None:
    path = server_folder() / ADMIN_PASSWORD_FILE
    try:
        return path if path.stat().st_mtime_ns >= since_ns else None
    except FileNotFoundError:
        return None


def stop(timeout: float = STOP_TIMEOUT) -> ServerRecord | None:
    """Stop the server started from this home folder (SIGTERM, then SIGKILL after
    `timeout`); the record of the stopped server, or None when none was running.

    Raises if the pid file names a live process that is not that server (it is left alone).
    """
    record = read_record()
    if record is None:
        return None
    if not is_alive(record.pid):
        _forget(record)
        return None
    if not is_ours(record):
        _forget(record)
        raise IllegalOperationError(
            f"The pid file {pid_path()} named process {record.pid}, which is not the stepwell "
            "server started from this home folder (the pid was reused after that server "
            "ended). Left that process alone and removed the stale pid file."
        )
    os.kill(record.pid, signal.SIGTERM)
    if not _wait_gone(record.pid, timeout):
        os.kill(record.pid, signal.SIGKILL)
        _wait_gone(record.pid, 5.0)
    _forget(record)
    return record


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return True
        time.sleep(_POLL)
    return not is_alive(pid)


def tail(path: Path, lines: int) -> str:
    """The last `lines` lines of a text file ('' if there is none)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            start = max(0, end - 64 * 1024 * max(1, lines // 100 + 1))
            handle.seek(start)
            found = handle.read().decode(errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    if start > 0:
        found = found[1:]  # the first line read may be the end of a longer one
    return "\n".join(found[-lines:]) if lines > 0 else ""
