"""How a changed cache key part changed: old and new values, short, secrets hidden."""

from datetime import datetime, timezone
from uuid import uuid4

from stepwell.config.step_config import StepConfig
from stepwell.enums import ExecutionStatus
from stepwell.execution.cache_changes import describe_changes
from stepwell.execution.shown_values import looks_secret, old_to_new, shown
from stepwell.store.models import ArtifactVersionResponse, StepRunResponse

NOW = datetime.now(timezone.utc)


def step_run(components, inputs=None, **config):
    return StepRunResponse(
        id=uuid4(),
        name="train",
        step_name="train",
        pipeline_run_id=uuid4(),
        status=ExecutionStatus.COMPLETED,
        created=NOW,
        updated=NOW,
        cache_key="k",
        cache_components=components,
        config=StepConfig(**config),
        inputs=inputs or {},
    )


def version(name, number):
    return ArtifactVersionResponse(
        id=uuid4(),
        artifact_id=uuid4(),
        name=name,
        version=str(number),
        version_number=number,
        uri="memory://x",
        data_type="builtins.int",
        materializer="m",
        created=NOW,
    )


def test_a_changed_parameter_shows_old_and_new_values():
    old = step_run({"parameter:lr": "1"}, parameters={"lr": 0.1})
    new = step_run({"parameter:lr": "2"}, parameters={"lr": 0.01})
    assert describe_changes(old, new) == ["parameter 'lr': 0.1 -> 0.01"]


def test_a_new_or_dropped_parameter_says_it_was_not_set():
    old = step_run({}, parameters={})
    new = step_run({"parameter:seed": "1"}, parameters={"seed": 7})
    assert describe_changes(old, new) == ["parameter 'seed': (not set) -> 7"]
    assert describe_changes(new, old) == ["parameter 'seed': 7 -> (not set)"]


def test_a_secret_parameter_is_never_shown():
    old = step_run({"parameter:api_key": "1"}, parameters={"api_key": "sk-old-123"})
    new = step_run({"parameter:api_key": "2"}, parameters={"api_key": "sk-new-456"})
    (line,) = describe_changes(old, new)
    assert line == "parameter 'api_key': changed (a secret: values not shown)"


def test_a_long_parameter_is_shortened():
    old = step_run({"parameter:rows": "1"}, parameters={"rows": list(range(500))})
    new = step_run({"parameter:rows": "2"}, parameters={"rows": list(range(1, 501))})
    (line,) = describe_changes(old, new)
    before, after = line.removeprefix("parameter 'rows': ").split(" -> ")
    assert len(before) == len(after) == 60
    assert before.startswith("[0, 1, 2") and after.startswith("[1, 2, 3")
    assert before.endswith("...")


def test_a_changed_input_names_the_artifact_versions():
    old = step_run({"input:data": "1"}, inputs={"data": [version("numbers", 1)]})
    new = step_run({"input:data": "2"}, inputs={"data": [version("numbers", 3)]})
    assert describe_changes(old, new) == ["input 'data': artifact 'numbers' version 1 -> version 3"]
    other = step_run({"input:data": "3"}, inputs={"data": [version("letters", 2)]})
    assert describe_changes(old, other) == [
        "input 'data': artifact 'numbers' version 1 -> artifact 'letters' version 2"
    ]


def test_an_input_whose_links_are_gone_only_changed():
    old = step_run({"input:data": "1"})
    new = step_run({"input:data": "2"}, inputs={"data": [version("numbers", 3)]})
    assert describe_changes(old, new) == ["input 'data': changed"]


def test_environment_and_settings_name_the_entries_that_differ():
    old = step_run(
        {"environment": "1", "settings": "1"},
        environment={"MODE": "fast", "HF_TOKEN": "a", "KEEP": "1"},
        settings={"resources": {"cpu_count": 1}},
    )
    new = step_run(
        {"environment": "2", "settings": "2"},
        environment={"MODE": "slow", "HF_TOKEN": "b", "KEEP": "1"},
        settings={"resources": {"cpu_count": 2}},
    )
    assert describe_changes(old, new) == [
        "environment: HF_TOKEN changed (a secret: values not shown), MODE 'fast' -> 'slow'",
        "settings: resources.cpu_count 1.0 -> 2.0",  # as the settings store it
    ]


def test_parts_kept_only_as_digests_say_changed_and_code_names_functions():
    old = step_run(
        {"code": "a", "code:m.f": "1", "outputs": "1", "file:data.csv": "1", "cache_func": "1"}
    )
    new = step_run(
        {"code": "b", "code:m.f": "2", "outputs": "2", "file:data.csv": "2", "cache_func": "2"}
    )
    assert describe_changes(old, new) == [
        "cache_func value changed",
        "code (changed: m.f)",
        "file 'data.csv' changed",
        "outputs changed (their names or materializers)",
    ]


def test_secret_names_are_judged_by_their_words():
    for name in ("api_key", "OPENAI_API_KEY", "hf_token", "dbPassword", "credentials", "secret"):
        assert looks_secret(name), name
    for name in ("max_tokens", "keyword", "learning_rate", "monkey", "author_name"):
        assert not looks_secret(name), name


def test_shown_values_hide_url_passwords_and_secret_keys_but_keep_references():
    assert shown("postgresql://me:pw@db/x") == "'postgresql://me:****@db/x'"
    assert shown({"user": "me", "password": "pw"}) == "{'user': 'me', 'password': '****'}"
    assert shown("{{openai.key}}", "api_key") == "'{{openai.key}}'"
    nested = old_to_new({"a": 1, "token": "x"}, {"a": 1, "token": "y"})
    assert nested == "changed (only secret values in it differ: not shown)"
