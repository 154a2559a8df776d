"""Hundreds of invalid YAML run configurations: each is refused naming its file, none runs.

The generator (`fuzz_run_configurations.py`, also a script that prints the figures) makes
unknown keys at every level, wrong types, huge numbers, deep nesting, non-UTF-8 bytes,
duplicate keys, alias bombs and broken YAML; every case goes through the same call a user
makes, `pipeline.with_options(config_path=...)()`, against a real SQLite store.
"""

import random

from fuzz_run_configurations import Case, _dump, attempt, base_config, fuzz, generate

CASES = 150  # about 7 s here; the script runs as many as asked


def test_the_unchanged_base_configuration_runs(tmp_path):
    # The harness sees a run when there is one: the base every case is mutated from is valid.
    case = Case("base", "", _dump(base_config(random.Random(0))))
    assert attempt(case, tmp_path, 0)[0] == "ran"


def test_generated_cases_cover_every_kind_of_mistake():
    kinds = {case.kind for case in generate(CASES, seed=0)}
    details = {case.detail for case in generate(CASES, seed=0) if case.kind == "yaml-level"}
    assert kinds == {"unknown key", "wrong type", "deep nesting", "yaml-level"}
    assert {"not utf-8", "duplicate key", "alias bomb", "huge integer"} <= details


def test_every_fuzzed_invalid_configuration_is_refused_naming_the_file_and_nothing_runs(tmp_path):
    tally = fuzz(CASES, seed=0, folder=tmp_path)
    findings = [
        f"{outcome}: {case.kind} {case.detail}: {message[:160]}"
        for case, outcome, message in tally.failures
    ]
    assert findings == []
    assert tally.outcomes["clear"] == CASES
