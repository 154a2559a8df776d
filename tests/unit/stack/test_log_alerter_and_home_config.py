"""The log alerter, URL redaction, and the home folder's config.yaml."""

from __future__ import annotations

import logging

import pytest

from stepwell.alerters.log_alerter import LogAlerter
from stepwell.alerters.webhook_alerter import redact_url
from stepwell.config.home_config import read_home_config, write_home_config_value
from stepwell.exceptions import AlerterNotSupportedError, ConfigurationError


@pytest.fixture
def alerter_log(stepwell_logs):
    return stepwell_logs


def test_log_alerter_posts_through_logging(alerter_log):
    assert LogAlerter(level="WARNING").post("Step 'trainer' failed.") is True

    (record,) = alerter_log.records
    assert record.name == "stepwell.alerter"
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Step 'trainer' failed."


def test_log_alerter_cannot_ask(alerter_log):
    with pytest.raises(AlerterNotSupportedError, match="LogAlerter cannot ask questions"):
        LogAlerter().ask("Deploy?")
    assert alerter_log.records == []


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com/..."),
        ("https://user:pw@example.com/hook?token=abc", "https://example.com/..."),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:9000/x", "http://[::1]:9000/..."),
    ],
)
def test_redact_url_keeps_only_scheme_host_and_port(url, shown):
    assert redact_url(url) == shown


def test_home_config_round_trip(stepwell_home):
    assert read_home_config() == {}

    write_home_config_value("active_stack", "prod")
    write_home_config_value("other", 1)
    write_home_config_value("other", None)

    assert read_home_config() == {"active_stack": "prod"}
    assert (stepwell_home / "config.yaml").read_text() == "active_stack: prod\n"
    assert [p.name for p in stepwell_home.iterdir()] == ["config.yaml"]  # no temporary left


def test_broken_home_config_is_a_clear_error(stepwell_home):
    stepwell_home.mkdir(parents=True)
    (stepwell_home / "config.yaml").write_text("- just\n- a list\n")

    with pytest.raises(ConfigurationError, match="config.yaml must hold a mapping"):
        read_home_config()


def test_home_config_sees_changes_made_by_other_processes(stepwell_home):
    write_home_config_value("active_stack", "dev")
    assert read_home_config() == {"active_stack": "dev"}

    replacement = stepwell_home / "other.yaml"  # another process writes the same way
    replacement.write_text("active_stack: prd\n")
    replacement.replace(stepwell_home / "config.yaml")

    assert read_home_config() == {"active_stack": "prd"}
