"""`@pipeline(dynamic=True, depends_on=[...])`: the run configuration may set the declared
steps' options, checked before the run; every invocation of a declared step takes them."""

import pytest

from stepwell import pipeline, step
from stepwell.client import Client
from stepwell.enums import ExecutionStatus
from stepwell.exceptions import ConfigurationError, PipelineDefinitionError


@step
def numbers(n: int) -> list:
    return list(range(n))


@step
def shift(x: int, offset: int = 0) -> int:
    return x + offset


@pipeline(dynamic=True, depends_on=[numbers, shift], enable_cache=False)
def shifting(n: int = 3):
    shift.map(x=numbers(n))
    shift(x=100, id="single")


def test_a_declared_steps_options_apply_to_each_of_its_invocations():
    run = shifting.with_options(steps={"shift": {"parameters": {"offset": 10}}})()
    assert run.status is ExecutionStatus.COMPLETED
    assert [run.steps[f"shift:{i}"].output.load() for i in range(3)] == [10, 11, 12]
    assert run.steps["single"].output.load() == 110


def test_only_declared_steps_may_be_configured():
    run = shifting.with_options(
        steps={"shift": {"parameters": {"offset": 10}}, "single": {"parameters": {"offset": 1}}}
    )
    with pytest.raises(ConfigurationError, match="steps.single: dynamic pipeline 'shifting'"):
        run()  # `single` is an invocation of a declared step, not a declared step
    assert Client().list_pipeline_runs().total == 0


def test_an_undeclared_step_in_the_run_configuration_fails_before_the_run(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("steps:\n  shfit:\n    enable_cache: false\n")
    with pytest.raises(ConfigurationError, match=r"steps.shfit: .*\['numbers', 'shift'\]"):
        shifting.with_options(config_path=str(path))()
    assert Client().list_pipeline_runs().total == 0


def test_a_step_listed_twice_is_refused_at_decoration():
    with pytest.raises(PipelineDefinitionError, match="depends on step 'shift' twice"):

        @pipeline(dynamic=True, depends_on=[shift, shift])
        def twice():
            shift(x=1)


def test_a_copy_listed_beside_its_step_gets_its_own_template_id():
    other = shift.with_options(name="shift")

    @pipeline(dynamic=True, depends_on=[shift, other])
    def two_shifts():
        shift(x=1)

    with pytest.raises(ConfigurationError, match=r"\['shift', 'shift_2'\]"):
        two_shifts.with_options(steps={"nope": {}})()


def test_the_template_lists_the_declared_steps_and_works_once_uncommented(tmp_path):
    path = tmp_path / "run.yaml"
    shifting.write_run_configuration_template(str(path))
    text = path.read_text()
    assert "#   numbers:" in text and "#   shift:" in text
    assert "#       offset: 0" in text  # the declared step's parameter, with its default
    # Uncommenting the shift block's offset line (and its parents) gives a working file.
    lines = text.splitlines()
    start = lines.index("#   shift:")
    wanted = {"# steps:", "#   shift:", "#     parameters:", "#       offset: 0"}
    edited = []
    for index, line in enumerate(lines):
        stripped = line.split("   #")[0] if line.startswith("# steps:") else line
        if stripped in wanted and (
            line == "# steps:" or line.startswith("# steps:") or index >= start
        ):
            edited.append(stripped[2:].replace("offset: 0", "offset: 5"))
            wanted.discard(stripped)
        else:
            edited.append(line)
    path.write_text("\n".join(edited) + "\n")
    run = shifting.with_options(config_path=str(path))()
    assert [run.steps[f"shift:{i}"].output.load() for i in range(3)] == [5, 6, 7]
