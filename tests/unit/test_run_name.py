"""Run names from templates."""

from datetime import datetime, timezone

import pytest

from stepwell.config.run_name import format_run_name
from stepwell.exceptions import RunNameError

NOW = datetime(2023, 5, 24, 12, 41, 4, 576473, tzinfo=timezone.utc)


def test_default_run_name_matches_the_spec_format():
    assert (
        format_run_name(None, "training_pipeline", NOW)
        == "training_pipeline-2023_05_24-12_41_04_576473"
    )


def test_custom_substitutions_and_standard_ones():
    name = format_run_name(
        "run_{experiment_name}_{date}_{time}", "p", NOW, {"experiment_name": "lr"}
    )
    assert name == "run_lr_2023_05_24_12_41_04_576473"


def test_unknown_placeholder_lists_known_ones():
    with pytest.raises(RunNameError, match=r"\['nope'\].*date"):
        format_run_name("x_{nope}", "p", NOW)


def test_empty_template_falls_back_to_default():
    assert format_run_name("", "p", NOW).startswith("p-2023_05_24-")
