"""The cache key is pure: it changes exactly when what determines the outputs changes."""

from stepwell.config.cache_policy import CachePolicy
from stepwell.execution.cache import cache_components, cache_key, explain_difference

BASE = dict(
    code="c1",
    parameters={"lr": 0.1, "epochs": 3},
    inputs={"data": [("h1", "id1")]},
    outputs={"output": "builtins:int"},
    environment={"SEED": "1"},
    settings={"resources": {"cpu": 1}},
    artifact_store="/tmp/a",
)


def key(policy=CachePolicy(), **changes):
    return cache_key(cache_components(policy=policy, **{**BASE, **changes}))


def parts(policy=CachePolicy(), **changes):
    return cache_components(policy=policy, **{**BASE, **changes})


def test_same_inputs_same_key():
    assert key() == key()


def test_the_key_changes_when_any_part_changes():
    assert key(code="c2") != key()
    assert key(parameters={"lr": 0.2, "epochs": 3}) != key()
    assert key(inputs={"data": [("h2", "id1")]}) != key()
    assert key(outputs={"output": "my:Materializer"}) != key()
    assert key(environment={"SEED": "2"}) != key()
    assert key(settings={"resources": {"cpu": 2}}) != key()
    assert key(artifact_store="s3://bucket") != key()
    assert key(files={"data.csv": "d1"}) != key(files={"data.csv": "d2"})
    assert key(sources={"m:f": "s1"}) != key(sources={"m:f": "s2"})
    assert key(cache_func_value="a") != key(cache_func_value="b")


def test_the_key_ignores_docker_settings_which_no_orchestrator_uses():
    docker = {"resources": {"cpu": 1}, "docker": {"requirements": ["pandas"]}}
    assert key(settings=docker) == key()


def test_the_key_ignores_how_the_run_is_launched():
    launched = {"orchestrator": {"synchronous": False, "max_parallelism": 2}}
    assert key(settings={**BASE["settings"], **launched}) == key()
    assert key(settings={**launched, "resources": {"cpu": 2}}) != key()


def test_identical_content_from_another_artifact_version_is_the_same_key():
    assert key(inputs={"data": [("h1", "other-id")]}) == key()


def test_include_artifact_ids_makes_the_version_count():
    policy = CachePolicy(include_artifact_ids=True)
    assert key(policy, inputs={"data": [("h1", "other-id")]}) != key(policy)


def test_policy_can_leave_code_parameters_and_values_out():
    no_code = CachePolicy(include_step_code=False)
    assert key(no_code, code="c2") == key(no_code)
    no_params = CachePolicy(include_step_parameters=False)
    assert key(no_params, parameters={"lr": 9}) == key(no_params)
    no_values = CachePolicy(include_artifact_values=False)
    assert key(no_values, inputs={"data": [("h2", "id1")]}) == key(no_values)


def test_ignored_inputs_are_left_out_whether_artifact_or_parameter():
    policy = CachePolicy(ignored_inputs=["data", "epochs"])
    assert key(policy, inputs={"data": [("h9", "id9")]}) == key(policy)
    assert key(policy, parameters={"lr": 0.1, "epochs": 99}) == key(policy)
    assert key(policy, parameters={"lr": 0.5, "epochs": 3}) != key(policy)


def test_explain_names_the_parts_that_differ():
    old = parts()
    new = parts(parameters={"lr": 0.2, "epochs": 3}, inputs={"data": [("h2", "id1")]})
    assert explain_difference(old, new) == ["input:data", "parameter:lr"]
    assert explain_difference(old, old) == []


def test_code_details_explain_a_changed_code_part_without_entering_the_key():
    from stepwell.execution.cache import cache_key, code_change, explain_difference

    old = {"code": "a", "code:m.step": "1", "code:m.helper": "2", "code:m.gone": "3", "x": "1"}
    new = {"code": "b", "code:m.step": "1", "code:m.helper": "9", "code:m.new": "4", "x": "1"}
    assert explain_difference(old, new) == ["code"]
    assert code_change(old, new) == "code (changed: m.helper; added: m.new; removed: m.gone)"
    # The details are not part of the key: `code` covers them.
    assert cache_key(old) == cache_key({"code": "a", "x": "1"})
    # A step run recorded without details is still explained, as `code`.
    assert code_change({"code": "a", "x": "1"}, new) == "code"
    assert explain_difference(old, {**old, "x": "2"}) == ["x"]
