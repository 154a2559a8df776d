"""Compile-time checks on a `PipelineSpec`: one function per rule, each naming the culprit.

Run by `run_checks` before anything runs; every check is pure and tested on literal specs.
"""

from __future__ import annotations

import graphlib
from collections import Counter
from collections.abc import Callable

from stepwell.compiler.spec import PipelineSpec
from stepwell.exceptions import (
    CycleError,
    DuplicateInvocationIdError,
    PipelineDefinitionError,
    UnknownAfterTargetError,
)


def check_unique_ids(spec: PipelineSpec) -> None:
    """Every invocation id appears once."""
    counts = Counter(invocation.id for invocation in spec.invocations)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise DuplicateInvocationIdError(
            f"Pipeline '{spec.name}': invocation id(s) {duplicates} are used more than once; "
            "ids must be unique in a pipeline. Pass a different id=... to one of the calls."
        )


def check_after_targets_exist(spec: PipelineSpec) -> None:
    """Every `after=` target names an invocation of this pipeline."""
    known = {invocation.id for invocation in spec.invocations}
    for invocation in spec.invocations:
        for target in invocation.after:
            if target not in known:
                raise UnknownAfterTargetError(
                    f"Step invocation '{invocation.id}' in pipeline '{spec.name}' has "
                    f"after='{target}', but no invocation has that id. Available ids: "
                    f"{sorted(known)}."
                )


def check_inputs_exist(spec: PipelineSpec) -> None:
    """Every artifact input points at an output that its upstream invocation has."""
    outputs = {inv.id: {out.name for out in inv.outputs} for inv in spec.invocations}
    for invocation in spec.invocations:
        for input_name, binding in invocation.inputs.items():
            for ref in binding.artifacts:
                if ref.output_name not in outputs.get(ref.invocation_id, set()):
                    raise PipelineDefinitionError(
                        f"Input '{input_name}' of step invocation '{invocation.id}' reads output "
                        f"'{ref.output_name}' of '{ref.invocation_id}', which does not exist."
                    )


def check_acyclic(spec: PipelineSpec) -> None:
    """The invocations' dependencies form a DAG."""
    sorter = graphlib.TopologicalSorter(spec.dependencies())
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        cycle = error.args[1]
        raise CycleError(
            f"Pipeline '{spec.name}' has a dependency cycle: {' -> '.join(cycle)}. "
            "Remove one of the `after=` edges or data dependencies in that loop."
        ) from None


CHECKS: tuple[Callable[[PipelineSpec], None], ...] = (
    check_unique_ids,
    check_after_targets_exist,
    check_inputs_exist,
    check_acyclic,
)


def run_checks(spec: PipelineSpec) -> None:
    """Run every structural check; the first failure raises."""
    for check in CHECKS:
        check(spec)


def execution_order(spec: PipelineSpec) -> list[str]:
    """A topological order of invocation ids that keeps the order of definition where free."""
    position = {invocation.id: index for index, invocation in enumerate(spec.invocations)}
    sorter = graphlib.TopologicalSorter(spec.dependencies())
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return order
