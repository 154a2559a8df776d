"""The alerter interface: `post` a message, and `ask` a question where a flavor can.

Alerters are built by the active stack from their component's configuration and called by
hooks after a step has run (the launch stage of the define -> compile -> orchestrate ->
launch -> store -> read flow). They hold no state beyond their configuration.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from stepwell.exceptions import AlerterError, AlerterNotSupportedError


class BaseAlerter(ABC):
    """Sends messages somewhere people read them."""

    @abstractmethod
    def post(self, message: str, params: Any = None) -> bool:
        """Send `message`; True once it is delivered (delivery failures raise AlerterError).

        `params` carries flavor-specific options (a mapping or a pydantic model).
        """

    def ask(self, question: str, params: Any = None) -> bool:
        """Ask `question` and wait for approval; True if approved.

        Flavors that cannot receive answers raise AlerterNotSupportedError.
        """
        raise AlerterNotSupportedError(
            f"The {type(self).__name__} cannot ask questions, it can only post messages; "
            "use an alerter flavor that supports ask() for approvals."
        )


def params_as_dict(params: Any) -> dict[str, Any]:
    """Flavor options given as None, a mapping or a pydantic model, as a plain dict."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return dict(params)
    dump = getattr(params, "model_dump", None)
    if callable(dump):
        return {key: value for key, value in dump().items() if value is not None}
    raise AlerterError(
        f"Alerter params must be a mapping or a pydantic model, not {type(params).__name__}."
    )
