"""A commented YAML template of every run configuration key for one pipeline (define layer).

`pipeline.write_run_configuration_template(path)` writes it; users fill in and uncomment
what they need, then run with `pipeline.with_options(config_path=path)()`.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from stepwell.compiler.spec import PipelineSpec

_STEP_KEYS = [
    ("enable_cache", "true | false"),
    ("enable_artifact_metadata", "true | false"),
    ("enable_artifact_visualization", "true | false"),
    ("enable_step_logs", "true | false"),
    ("cache_policy", "{include_step_code: true, ignored_inputs: [], expires_after: 3600}"),
    ("retry", "{max_retries: 3, delay: 10, backoff: 2}"),
    ("settings", "{orchestrator: {}}"),
    ("environment", "{NAME: value}"),
    ("on_success", "my_package.hooks.notify"),
    ("on_failure", "my_package.hooks.alert"),
    ("output_materializers", "{output: my_package.materializers:MyMaterializer}"),
    ("extra", "{}"),
]


def _value(value: Any) -> str:
    return json.dumps(value, default=str)


def render_template(pipeline: Any, spec: PipelineSpec | None) -> str:
    """The template's text: run-level keys, pipeline parameters, then one block per step.

    Parameters and step blocks are commented out like every other key, so the unedited
    template changes nothing: a parameter the code passes must not be set here as well.
    """
    config = pipeline.config
    lines = [
        f"# Run configuration for pipeline '{config.name}'.",
        f'# Use it with: {config.name}.with_options(config_path="<this file>")()',
        "# Values here outrank the code's configuration; uncomment what you need. A parameter",
        "# the code passes (in a call) must not be set here too.",
        "",
        f"# run_name: {config.name}-{{date}}-{{time}}",
        f"# enable_cache: {_value(config.enable_cache is not False)}",
        "# enable_artifact_metadata: true",
        "# enable_artifact_visualization: true",
        "# enable_step_logs: true",
        f"# execution_mode: {config.execution_mode.value}"
        "   # fail_fast | stop_on_failure | continue_on_failure",
        "# settings:",
        "#   orchestrator:",
        "#     synchronous: true",
        "#     max_parallelism: 8",
        "# environment: {}",
        "# tags: []",
        "# extra: {}",
        "# retry: {max_retries: 1, delay: 0, backoff: 1}",
        "# substitutions: {}",
        "# schedule: {cron_expression: '0 * * * *'}   # schedules it on the server instead",
        "",
    ]
    signature = inspect.signature(pipeline.entrypoint)
    if not signature.parameters:
        lines.append("parameters: {}")
    else:
        lines.append("# parameters:")
    for name, param in signature.parameters.items():
        default = "" if param.default is inspect.Parameter.empty else _value(param.default)
        lines.append(f"#   {name}: {default}" + ("   # required" if not default else ""))
    declared = getattr(pipeline, "depends_on", None) or []
    if config.dynamic and declared:
        return "\n".join(lines + _dynamic_step_blocks(declared)) + "\n"
    if spec is None or not spec.invocations:
        lines.append("")
        lines.append("steps: {}")
        return "\n".join(lines) + "\n"
    lines += ["", "# steps:   # to set a step key, uncomment this line, the step's id and the key"]
    for invocation in spec.invocations:
        lines.append(f"#   {invocation.id}:")
        parameters = {
            name: invocation.config.parameters.get(name)
            for name, binding in invocation.inputs.items()
            if binding.kind == "parameter" and not binding.in_code
        }
        passed = [
            name
            for name, binding in invocation.inputs.items()
            if binding.kind == "parameter" and binding.in_code
        ]
        if passed:  # set in the pipeline's code (from its own parameters): not settable here
            lines.append(f"#     # passed by the pipeline in code: {', '.join(passed)}")
        if parameters:
            lines.append("#     parameters:")
            lines += [f"#       {name}: {_value(value)}" for name, value in parameters.items()]
        else:
            lines.append("#     parameters: {}")
        lines += [f"#     {key}: {example}" for key, example in _STEP_KEYS]
    return "\n".join(lines) + "\n"


def _dynamic_step_blocks(declared: list[Any]) -> list[str]:
    """A dynamic pipeline's steps are known only as it runs: the template lists those it
    declares with `depends_on`, by their template ids (what `steps:` may name)."""
    from stepwell.pipelines.depends_on import template_ids

    ids = template_ids(declared)
    lines = [
        "",
        "# steps:   # the steps this dynamic pipeline declares with depends_on=[...]",
    ]
    for step in declared:
        lines.append(f"#   {ids[step.static_id]}:")
        parameters = {name: spec.default for name, spec in step.inputs.items() if spec.has_default}
        if parameters:
            lines.append("#     parameters:")
            lines += [f"#       {name}: {_value(value)}" for name, value in parameters.items()]
        else:
            lines.append("#     parameters: {}")
        lines += [f"#     {key}: {example}" for key, example in _STEP_KEYS]
    return lines
