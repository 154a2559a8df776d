"""`get_logger` hands users a logger at the level STEPWELL_LOGGING_VERBOSITY gives now, whose
records reach the root logger's handlers, or are printed once to stderr if there are none."""

import logging
import uuid

import pytest

from stepwell import logger as stepwell_logger
from stepwell.logger import apply_verbosity, get_logger


@pytest.fixture
def isolated():
    """A fresh logger family, forgotten after the test."""
    family = f"family_{uuid.uuid4().hex}"
    yield family
    for name in [family, f"{family}.child", f"{family}.child.grandchild"]:
        log = logging.getLogger(name)
        log.handlers.clear()
        log.setLevel(logging.NOTSET)
        log.propagate = True
        stepwell_logger._user_loggers.discard(name)


def cut_off_from_root(family: str) -> None:
    """Stop the family's records at its top logger. pytest gives the root logger handlers
    of its own, and non-propagating loggers too as a test phase begins: done in the test
    body, this leaves the family with no handler but what stepwell adds."""
    logging.getLogger(family).propagate = False


def test_a_users_logger_takes_the_verbosity_when_it_is_handed_out(isolated, monkeypatch):
    assert get_logger(f"{isolated}.child").level == logging.INFO
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "DEBUG")
    assert get_logger(f"{isolated}.child").level == logging.DEBUG


def test_each_run_rereads_the_verbosity_for_users_loggers(isolated, monkeypatch):
    log = get_logger(f"{isolated}.child")
    monkeypatch.setenv("STEPWELL_LOGGING_VERBOSITY", "ERROR")
    apply_verbosity()
    assert log.level == logging.ERROR
    monkeypatch.delenv("STEPWELL_LOGGING_VERBOSITY")
    apply_verbosity()
    assert log.level == logging.INFO


def test_stepwell_names_still_get_stepwells_own_logger():
    log = get_logger("stepwell.some_module")
    assert log.parent is logging.getLogger("stepwell")
    assert stepwell_logger._fallback not in log.handlers


def test_with_no_other_handler_a_record_is_printed_once(isolated, capsys):
    cut_off_from_root(isolated)
    get_logger(isolated)
    child = get_logger(f"{isolated}.child")  # the record passes two fallback handlers
    child.info("Loading %d rows", 42)
    assert capsys.readouterr().err == "Loading 42 rows\n"


def test_another_handler_in_the_chain_silences_the_fallback(isolated, capsys):
    cut_off_from_root(isolated)
    received: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            received.append(record.getMessage())

    logging.getLogger(isolated).addHandler(Collect())
    get_logger(f"{isolated}.child.grandchild").info("once")
    assert received == ["once"]
    assert capsys.readouterr().err == ""


def test_a_users_logger_propagates_to_the_root_handlers(caplog):
    name = f"user_{uuid.uuid4().hex}"
    try:
        with caplog.at_level(logging.INFO):
            get_logger(name).info("seen by the root handlers")
        assert [r.getMessage() for r in caplog.records if r.name == name] == [
            "seen by the root handlers"
        ]
    finally:
        logging.getLogger(name).handlers.clear()
        stepwell_logger._user_loggers.discard(name)


def test_plain_loggers_are_left_alone():
    name = f"plain_{uuid.uuid4().hex}"
    get_logger(f"other_{uuid.uuid4().hex}")
    apply_verbosity()
    assert logging.getLogger(name).level == logging.NOTSET
    assert logging.getLogger(name).handlers == []
