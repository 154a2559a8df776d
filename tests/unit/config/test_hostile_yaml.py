"""A broken or hostile YAML run configuration fails clearly, naming the file, and bounded."""

import pytest

from stepwell.config.yaml_loader import load_run_configuration
from stepwell.exceptions import ConfigurationError


def _load(tmp_path, content: bytes | str):
    path = tmp_path / "run.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return load_run_configuration(path), path


def test_undecodable_bytes_name_the_file_and_the_offset(tmp_path):
    with pytest.raises(ConfigurationError, match=r"run\.yaml: not UTF-8 text \(byte 10 is 0xff\)"):
        _load(tmp_path, b"run_name: \xff\xfe")


def test_a_huge_integer_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigurationError, match=r"run\.yaml: a value cannot be read"):
        _load(tmp_path, "parameters:\n  n: " + "9" * 5000 + "\n")


def test_deep_nesting_is_refused_before_python_recurses(tmp_path):
    text = "parameters:\n  x: " + "[" * 1500 + "]" * 1500 + "\n"
    with pytest.raises(ConfigurationError, match=r"run\.yaml: nested more than 64 levels deep"):
        _load(tmp_path, text)


def test_a_key_given_twice_is_an_error_not_last_one_wins(tmp_path):
    text = "run_name: first\nenable_cache: true\nrun_name: second\n"
    with pytest.raises(
        ConfigurationError, match=r"run\.yaml: line 3: key 'run_name' is given twice.*line 1"
    ):
        _load(tmp_path, text)


def test_a_key_given_twice_in_a_nested_mapping_is_an_error(tmp_path):
    text = "steps:\n  train:\n    parameters: {lr: 1, lr: 2}\n"
    with pytest.raises(ConfigurationError, match="key 'lr' is given twice"):
        _load(tmp_path, text)


def test_aliases_that_expand_too_far_are_refused(tmp_path):
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for index, name in enumerate("bcdefgh"):
        previous = "abcdefgh"[index]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    text = "extra:\n" + "\n".join("  " + line for line in lines) + "\n"
    with pytest.raises(ConfigurationError, match=r"run\.yaml: its aliases expand to more than"):
        _load(tmp_path, text)


def test_a_file_over_the_size_cap_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match=r"run\.yaml: the file is .* bytes"):
        _load(tmp_path, "extra:\n  pad: '" + "x" * 1_100_000 + "'\n")


def test_ordinary_anchors_and_merge_keys_still_work(tmp_path):
    text = (
        "steps:\n"
        "  a: &common {enable_cache: false, extra: {team: ml}}\n"
        "  b:\n"
        "    <<: *common\n"
        "    enable_cache: true\n"
    )
    config, _ = _load(tmp_path, text)
    assert config.steps["a"].enable_cache is False
    assert config.steps["b"].enable_cache is True
    assert config.steps["b"].extra == {"team": "ml"}
