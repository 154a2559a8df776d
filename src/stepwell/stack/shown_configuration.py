"""A stack component's configuration as it may be shown to people (stack layer, read side).

The CLI (`stepwell stack component describe/list`) and the dashboard show the same thing:
the stored configuration with the fields its flavor marks secret (`SECRET_FIELDS`) masked,
URLs reduced to scheme and host (`utils.redact`). A `{{secret.key}}` reference is not a
secret, only the name of one, so it is shown as written, wherever it sits: that tells the
reader where the value comes from. A component of a flavor that is not installed here has
every value masked, because nothing says which of its fields are safe to show.
"""

from __future__ import annotations

from typing import Any

from stepwell.stack.secret_references import is_secret_reference
from stepwell.utils.redact import MASK, masked_value


def masked_keeping_references(value: Any) -> Any:
    """A secret setting as it may be shown; references (also inside mappings and lists)
    stay as written."""
    if is_secret_reference(value):
        return value
    if isinstance(value, dict):
        return {key: masked_keeping_references(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked_keeping_references(item) for item in value]
    if isinstance(value, str) and "://" in value:
        return masked_value(value)
    return MASK if value not in (None, "") else value


def secret_fields(component: Any) -> frozenset[str]:
    """The fields of `component`'s configuration to mask: its flavor's `SECRET_FIELDS`, or
    all of them when the flavor is unknown here."""
    from stepwell.exceptions import UnknownFlavorError
    from stepwell.stack.flavors import flavor_registry

    try:
        flavor = flavor_registry().get(component.type, component.flavor)
    except (UnknownFlavorError, ValueError):  # not installed here: mask all but the keys
        return frozenset(component.configuration)
    return frozenset(flavor.config_class.SECRET_FIELDS)


def shown_configuration(component: Any) -> dict[str, Any]:
    """`component`'s stored configuration with its secret fields masked."""
    hidden = secret_fields(component)
    return {
        key: masked_keeping_references(value) if key in hidden else value
        for key, value in dict(component.configuration).items()
    }
