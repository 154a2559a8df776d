"""Generate invalid YAML run configurations and check that each is refused before it runs.

Every generated file is invalid by construction: an unknown key at some level (key names
are checked against the configuration models, so a typo never lands on a real key), a value
of the wrong type, a huge or infinite number where it cannot fit, deep nesting, bytes that
are not UTF-8, a key given twice, an alias bomb, or YAML that does not parse. Each is given
to `pipeline.with_options(config_path=...)()`, and the outcome is one of:

- `clear`: a ConfigurationError whose message names the file, and no run in the store;
- `ran`: a run was created (the configuration was accepted);
- `unclear`: anything else (another exception, or a message that does not name the file).

Run as a script for the figures (`python fuzz_run_configurations.py --count 500`); the test
module next to this one runs a bounded number of cases.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stepwell import pipeline, step


@step
def fuzz_source(n: int = 1) -> int:
    return n


@pipeline(enable_cache=False)
def fuzzed_pipeline() -> None:
    fuzz_source()


STEP = "fuzz_source"
NESTED_LIST_DEPTH = (8, 40)  # under the YAML loader's depth limit: the models must refuse it


def _fields(model_path: str) -> frozenset[str]:
    module, name = model_path.rsplit(":", 1)
    model = getattr(__import__(module, fromlist=[name]), name)
    return frozenset(model.model_fields)


def known_keys() -> dict[tuple[str, ...], frozenset[str]]:
    """Mappings that forbid unknown keys, by location, with the keys each knows."""
    run = _fields("stepwell.config.run_config:PipelineRunConfiguration")
    step_keys = _fields("stepwell.config.run_config:StepRunConfiguration")
    retry = _fields("stepwell.config.retry_config:StepRetryConfig")
    resources = _fields("stepwell.config.resource_settings:ResourceSettings")
    local = _fields("stepwell.stack.orchestrator_settings:LocalOrchestratorSettings")
    sections = frozenset({"resources", "orchestrator", "orchestrator.local"})
    return {
        (): run,
        ("steps", STEP): step_keys,
        ("retry",): retry,
        ("steps", STEP, "retry"): retry,
        ("cache_policy",): _fields("stepwell.config.cache_policy:CachePolicy"),
        ("steps",): frozenset({STEP}),
        ("settings",): sections,
        ("steps", STEP, "settings"): sections,
        ("settings", "resources"): resources,
        ("steps", STEP, "settings", "resources"): resources,
        ("settings", "orchestrator"): local,
        ("settings", "orchestrator.local"): local,
        ("steps", STEP, "settings", "orchestrator"): local,
    }


# Values of the wrong type (or out of range) for each kind of leaf.
_NOT_SCALAR = [[[1]], {"a": 1}, [], {"nested": {"deeper": [1, 2]}}]
INVALID_VALUES: dict[str, list[Any]] = {
    "bool": [*_NOT_SCALAR, "maybe", 2, 1.5, -7],
    "strict_bool": [*_NOT_SCALAR, "true", "yes", 1, 0, 2.5],
    "strict_positive_int": [*_NOT_SCALAR, "2", 2.5, True, 0, -3, float("inf"), 1e300],
    "positive_float": [*_NOT_SCALAR, "lots", 0, -1.5, float("inf"), float("-inf"), 1e400],
    "non_negative_int": [*_NOT_SCALAR, -1, 1.5, "two", float("inf")],
    "memory": [*_NOT_SCALAR, "4 GB", "4gb", "GB", 12, "-1GB", "1e9GB"],
    "execution_mode": [*_NOT_SCALAR, "fast", 5, "FAIL-FAST"],
    "start_method": [*_NOT_SCALAR, "forkserver", 1, "Fork"],
    "string": [*_NOT_SCALAR, 5, 2.5],
    "string_map": [[1], "text", 5, {"A": [1]}, {"B": {"c": 1}}],
    "mapping": [[1], "text", 5, True, ["orchestrator"]],
    "retries": [*_NOT_SCALAR, 0, -1, "x", 1.5],
    "delay": [*_NOT_SCALAR, -1, float("inf"), "soon"],
    "backoff": [*_NOT_SCALAR, 0.5, float("inf"), "fast"],
    "tags": [{"a": 1}, 5, [[1]], [{"nested": [1]}]],
}
S = ("settings",)
STEP_S = ("steps", STEP, "settings")
LEAVES: dict[tuple[str, ...], str] = {
    ("enable_cache",): "bool",
    ("enable_step_logs",): "bool",
    ("execution_mode",): "execution_mode",
    ("run_name",): "string",
    ("environment",): "string_map",
    ("tags",): "tags",
    ("settings",): "mapping",
    ("steps",): "mapping",
    ("retry",): "mapping",
    ("retry", "max_retries"): "retries",
    ("retry", "delay"): "delay",
    ("retry", "backoff"): "backoff",
    ("steps", STEP): "mapping",
    ("steps", STEP, "enable_cache"): "bool",
    ("steps", STEP, "retry", "max_retries"): "retries",
    ("steps", STEP, "settings"): "mapping",
    (*S, "resources"): "mapping",
    (*S, "orchestrator"): "mapping",
    (*S, "orchestrator.local"): "mapping",
    (*S, "resources", "cpu_count"): "positive_float",
    (*S, "resources", "gpu_count"): "non_negative_int",
    (*S, "resources", "memory"): "memory",
    (*S, "orchestrator", "max_parallelism"): "strict_positive_int",
    (*S, "orchestrator", "reuse_processes"): "strict_bool",
    (*S, "orchestrator", "synchronous"): "strict_bool",
    (*S, "orchestrator", "debug"): "strict_bool",
    (*S, "orchestrator", "start_method"): "start_method",
    (*S, "orchestrator.local", "max_parallelism"): "strict_positive_int",
    (*STEP_S, "resources"): "mapping",
    (*STEP_S, "resources", "cpu_count"): "positive_float",
    (*STEP_S, "resources", "memory"): "memory",
    (*STEP_S, "orchestrator"): "mapping",
    (*STEP_S, "orchestrator", "reuse_processes"): "strict_bool",
}
TYPO_WORDS = ["retry_count", "resourcez", "cpu", "gpus", "memory_gb", "parallelism", "debugz"]


@dataclass
class Case:
    """One generated run configuration: what was done to it, and the file's bytes."""

    kind: str
    detail: str
    content: bytes


@dataclass
class Tally:
    """Outcomes by kind, with the cases that were not refused clearly."""

    outcomes: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    failures: list[tuple[Case, str, str]] = field(default_factory=list)

    def add(self, case: Case, outcome: str, message: str) -> None:
        self.outcomes[outcome] += 1
        self.by_kind.setdefault(case.kind, Counter())[outcome] += 1
        if outcome != "clear":
            self.failures.append((case, outcome, message))


def base_config(rng: random.Random) -> dict[str, Any]:
    """A valid run configuration with every mapping the mutations reach."""
    return {
        "enable_cache": rng.choice([True, False]),
        "retry": {"max_retries": 1, "delay": 0},
        "cache_policy": {"include_step_code": True},
        # No `schedule:` here: with one, the pipeline is scheduled on a server, not run.
        "settings": {
            "resources": {"cpu_count": 1},
            "orchestrator": {"max_parallelism": 2},
            "orchestrator.local": {"reuse_processes": True},
        },
        "steps": {
            STEP: {
                "enable_cache": False,
                "parameters": {"n": rng.randint(1, 9)},
                "retry": {"max_retries": 1},
                "settings": {"resources": {"memory": "1MB"}, "orchestrator": {"debug": False}},
            }
        },
    }


def _at(config: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node: Any = config
    for part in path:
        node = node[part]
    return node  # type: ignore[no-any-return]


def unknown_key(rng: random.Random, known: frozenset[str]) -> str:
    """A key that is not in `known`: a typo of a known one, or a plausible wrong word."""
    while True:
        if known and rng.random() < 0.6:
            word = list(rng.choice(sorted(known)))
            position = rng.randrange(len(word) + 1)
            edit = rng.choice(["insert", "delete", "swap"])
            if edit == "insert" or len(word) < 2:
                word.insert(position, rng.choice("xz_q"))
            elif edit == "delete":
                del word[min(position, len(word) - 1)]
            else:
                i = min(position, len(word) - 2)
                word[i], word[i + 1] = word[i + 1], word[i]
            key = "".join(word)
        else:
            key = rng.choice(TYPO_WORDS) + rng.choice(["", "s", "_2"])
        if key not in known and not key.startswith(("orchestrator.", "alerter.")):
            return key


def _dump(config: dict[str, Any]) -> bytes:
    return yaml.safe_dump(config, sort_keys=False).encode()


def generate(count: int, seed: int = 0) -> list[Case]:
    """`count` invalid run configurations, the same ones for the same seed."""
    rng = random.Random(seed)
    mappings = known_keys()
    makers = [
        (30, lambda: _unknown_key_case(rng, mappings)),
        (35, lambda: _wrong_type_case(rng)),
        (10, lambda: _deep_case(rng, mappings)),
        (25, lambda: _yaml_level_case(rng)),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def _unknown_key_case(rng: random.Random, mappings: dict[tuple[str, ...], Any]) -> Case:
    config = base_config(rng)
    path = rng.choice(sorted(mappings))
    key = unknown_key(rng, mappings[path])
    value = rng.choice([1, "x", True, {"a": 1}, [1, 2], None])
    if path == ("steps",):
        value = {"enable_cache": True}
    _at(config, path)[key] = value
    return Case("unknown key", ".".join([*path, key]), _dump(config))


def _wrong_type_case(rng: random.Random) -> Case:
    config = base_config(rng)
    path = rng.choice(sorted(LEAVES))
    value = rng.choice(INVALID_VALUES[LEAVES[path]])
    parent = _at(config, path[:-1])
    parent[path[-1]] = value
    return Case("wrong type", f"{'.'.join(path)} = {value!r:.40}", _dump(config))


def _deep_case(rng: random.Random, mappings: dict[tuple[str, ...], Any]) -> Case:
    config = base_config(rng)
    if rng.random() < 0.5:
        path = rng.choice(sorted(p for p, kind in LEAVES.items() if kind != "string_map"))
        value: Any = 1
        for _ in range(rng.randint(*NESTED_LIST_DEPTH)):
            value = [value]
        _at(config, path[:-1])[path[-1]] = value
        return Case("deep nesting", ".".join(path), _dump(config))
    path = rng.choice(sorted(mappings))
    key = unknown_key(rng, mappings[path])
    nested: Any = {"leaf": 1}
    for level in range(rng.randint(5, 30)):
        nested = {f"level{level}": nested}
    _at(config, path)[key] = nested
    return Case("deep nesting", ".".join([*path, key]), _dump(config))


def _yaml_level_case(rng: random.Random) -> Case:
    valid = _dump(base_config(rng))
    kinds = ["not utf-8", "duplicate key", "alias bomb", "too deep", "huge integer", "bad yaml"]
    kind = rng.choice([*kinds, "not a mapping"])
    if kind == "not utf-8":
        position = rng.randrange(len(valid))
        bad = rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"])
        content = valid[:position] + bad + valid[position:]
    elif kind == "duplicate key":
        if rng.random() < 0.5:
            content = valid + b"enable_cache: true\n"
        else:  # inside a nested mapping: `max_parallelism` twice under `orchestrator`
            line = b"    max_parallelism: 2\n"
            content = valid.replace(line, line + b"    max_parallelism: 3\n")
    elif kind == "alias bomb":
        lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for index, name in enumerate("bcdefgh"):
            lines.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefgh'[index]}"] * 10) + "]")
        section = rng.choice(["extra", "parameters"])
        content = valid + (f"{section}:\n" + "".join(f"  {line}\n" for line in lines)).encode()
    elif kind == "too deep":
        depth = rng.randint(70, 3000)
        content = valid + b"extra:\n  x: " + b"[" * depth + b"]" * depth + b"\n"
    elif kind == "huge integer":
        digits = b"9" * rng.randint(4400, 9000)
        content = valid.replace(b"max_parallelism: 2", b"max_parallelism: " + digits)
    elif kind == "bad yaml":
        content = valid + rng.choice(
            [b"settings: {orchestrator: [\n", b"\tbad: tab\n", b"key: 'open\n"]
        )
    else:
        content = rng.choice([b"- settings\n- resources\n", b"just a string\n", b"42\n"])
    return Case("yaml-level", kind, content)


def attempt(case: Case, folder: Path, index: int) -> tuple[str, str]:
    """Run the pipeline with `case`'s file as its run configuration; the outcome."""
    from stepwell.client import Client
    from stepwell.exceptions import ConfigurationError

    path = folder / f"fuzz-{index:04d}.yaml"
    path.write_bytes(case.content)
    before = _run_count(Client())
    try:
        fuzzed_pipeline.with_options(config_path=str(path))()
    except ConfigurationError as error:
        message = str(error)
        if _run_count(Client()) != before:
            return "ran", message
        return ("clear" if path.name in message else "unclear"), message
    except Exception as error:  # any other failure is a finding, not a crash of the fuzzer
        ran = _run_count(Client()) != before
        return ("ran" if ran else "unclear"), f"{type(error).__name__}: {error}"
    return "ran", "accepted"


def _run_count(client: Any) -> int:
    return int(client.list_pipeline_runs(size=1).total)


def fuzz(count: int, seed: int, folder: Path) -> Tally:
    """Generate `count` cases and try each one; the tally of outcomes."""
    tally = Tally()
    for index, case in enumerate(generate(count, seed)):
        outcome, message = attempt(case, folder, index)
        tally.add(case, outcome, message)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["STEPWELL_HOME"] = str(Path(folder) / "home")
        os.environ.setdefault("STEPWELL_LOGGING_VERBOSITY", "ERROR")
        tally = fuzz(options.count, options.seed, Path(folder))
    total = sum(tally.outcomes.values())
    print(f"{total} invalid run configurations (seed {options.seed}):")
    for outcome in ("clear", "ran", "unclear"):
        print(f"  {outcome:8} {tally.outcomes[outcome]}")
    for kind, counts in sorted(tally.by_kind.items()):
        print(f"  {kind:12} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for case, outcome, message in tally.failures[:20]:
        print(f"- {outcome}: {case.kind} {case.detail}: {message[:200]}")
    return 0 if not tally.failures else 1


if __name__ == "__main__":
    sys.exit(main())
