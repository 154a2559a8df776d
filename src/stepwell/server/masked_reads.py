"""Stack and component answers as a viewer may see them (server).

`/stacks` and `/components` return configurations as stored, because a member's client
builds components from them to run pipelines (a webhook alerter needs its real URL). A
viewer cannot run pipelines, so nothing they do needs those values: for them the same
answers carry each component's configuration masked the way the CLI and the dashboard show
it (`stack.shown_configuration`: the flavor's secret fields masked, `{{secret.key}}`
references kept as written). Members and admins get the stored values.
"""

from __future__ import annotations

from typing import Any

from stepwell.store.rest.endpoints import MEMBER

# The `Store` methods whose answers hold component configurations.
STACK_READS = frozenset(
    {
        "get_stack",
        "list_stacks",
        "create_stack",
        "update_stack",
        "get_stack_component",
        "list_stack_components",
        "create_stack_component",
        "update_stack_component",
    }
)


def needs_masking(method: str, principal: Any) -> bool:
    """Whether the answer of `Store.<method>` to `principal` must have its secrets masked:
    a stack read by a caller below `member` (or by no known caller)."""
    if method not in STACK_READS:
        return False
    return principal is None or not principal.may(MEMBER)


def masked(result: Any) -> Any:
    """`result` (a stack, a component or a page of either) with every component's secret
    settings masked; other values come back unchanged."""
    from stepwell.stack.shown_configuration import shown_configuration
    from stepwell.store.models import StackComponentResponse, StackResponse
    from stepwell.store.page import Page

    if isinstance(result, StackComponentResponse):
        return result.model_copy(update={"configuration": shown_configuration(result)})
    if isinstance(result, StackResponse):
        components = {kind: masked(item) for kind, item in result.components.items()}
        return result.model_copy(update={"components": components})
    if isinstance(result, Page):
        return result.model_copy(update={"items": [masked(item) for item in result.items]})
    return result
