"""Make sure a failed step's log ends with its traceback (launch, orchestrating process).

A step that fails inside its captured region (loading inputs, its own code, saving outputs)
logs the traceback there, through stepwell's logger. That line can be missing from the log:
the logger may be quieter than ERROR (`STEPWELL_LOGGING_VERBOSITY=CRITICAL`), or the attempt
failed before or after the capture (the worker could not set it up, unpickle the step or
install the user's code; the worker process died; the store refused the outputs). The
orchestrating process then appends the traceback to the log itself, once the attempt has
ended, so `step_run.logs`, `stepwell pipeline runs logs` and the dashboard always show why
a step failed.
"""

from __future__ import annotations

import os

from stepwell.artifact_stores.base import BaseArtifactStore
from stepwell.logger import get_logger
from stepwell.utils.private_files import private_file, private_folder

logger = get_logger(__name__)


def failure_text(invocation_id: str, traceback: str) -> str:
    """The lines a failed attempt leaves at the end of its log."""
    return f"Step {invocation_id} failed:\n{traceback.rstrip()}\n"


def append_to_log(artifact_store: BaseArtifactStore, logs_uri: str, text: str) -> None:
    """Append `text` to the step log at `logs_uri`, creating it (owner-only) if needed.

    A log that cannot be written is reported and left alone: the failure is recorded on the
    step run anyway, and must not be hidden behind an error about its log.
    """
    data = text.encode("utf-8", errors="replace")
    try:
        if artifact_store.is_local:
            private_folder(os.path.dirname(logs_uri))
            private_file(logs_uri)
            with open(logs_uri, "ab") as handle:
                handle.write(data)
            return
        # Object stores cannot append: rewrite the (small, finished) log with the text added.
        earlier = b""
        if artifact_store.exists(logs_uri):
            with artifact_store.open(logs_uri, "rb") as handle:
                earlier = handle.read()
        with artifact_store.open(logs_uri, "wb") as handle:
            handle.write(earlier + data)
    except Exception as error:
        logger.warning("Could not write the traceback into the step log %s: %s", logs_uri, error)
