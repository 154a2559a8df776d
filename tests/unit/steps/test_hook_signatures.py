"""Hook signature checks accept the built-in alerter hooks and postponed annotations."""

from __future__ import annotations

import pytest

from stepwell.exceptions import HookSignatureError
from stepwell.hooks import alerter_failure_hook, alerter_success_hook
from stepwell.steps.hooks import resolve_hook


def failure_hook_with_postponed_annotation(exception: BaseException) -> None:
    """In this module, `from __future__ import annotations` makes the annotation a string."""


def failure_hook_with_wrong_annotation(exception: int) -> None:
    pass


def test_builtin_alerter_hooks_pass_validation():
    assert resolve_hook(alerter_success_hook, "on_success", "step 's'") == (
        "stepwell.hooks:alerter_success_hook"
    )
    assert resolve_hook(alerter_failure_hook, "on_failure", "step 's'") == (
        "stepwell.hooks:alerter_failure_hook"
    )
    assert resolve_hook("stepwell.hooks.alerter_failure_hook", "on_failure", "step 's'") == (
        "stepwell.hooks:alerter_failure_hook"
    )


def test_string_annotations_are_resolved_before_checking():
    resolve_hook(failure_hook_with_postponed_annotation, "on_failure", "step 's'")

    with pytest.raises(HookSignatureError, match="must be typed BaseException"):
        resolve_hook(failure_hook_with_wrong_annotation, "on_failure", "step 's'")


def test_failure_hook_is_not_a_success_hook():
    with pytest.raises(HookSignatureError, match="must take no arguments"):
        resolve_hook(alerter_failure_hook, "on_success", "step 's'")
