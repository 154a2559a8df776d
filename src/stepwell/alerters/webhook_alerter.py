"""The `webhook` alerter flavor: each message is POSTed as JSON to an URL.

The payload is `{"text": message}` (plus any `params`), which Slack incoming webhooks and
the many services that copy them (Mattermost, Rocket.Chat, Discord's /slack endpoint, ...)
accept as is. Uses only the standard library (`urllib.request`). Webhook URLs usually
carry their secret in the path or query, so error messages show only the scheme, host and
port.

A message that cannot be delivered because of the network or the service (a connection
error, a time-out, HTTP 429 or 5xx) is sent again, up to `retries` more times, after
`backoff`, 2 x `backoff`, 4 x `backoff`, ... seconds; a refusal (another 4xx) is final. The
alerter hooks log a delivery that failed in the end; it never changes the step's outcome.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from stepwell.alerters.base import BaseAlerter, params_as_dict
from stepwell.exceptions import AlerterDeliveryError
from stepwell.logger import get_logger
from stepwell.utils.redact import hidden_path_url

logger = get_logger(__name__)


def _worth_retrying(error: AlerterDeliveryError) -> bool:
    """Network trouble (no status), rate limiting and server errors pass; refusals don't."""
    status = error.details.get("status")
    return status is None or status == 429 or status >= 500


DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
_DETAIL_LIMIT = 200


def redact_url(url: str) -> str:
    """`url` without what may be secret (credentials, path, query): scheme, host and port."""
    return hidden_path_url(url)


class WebhookAlerter(BaseAlerter):
    """POSTs `{"text": message}` as JSON to `url`, with extra `headers`, within `timeout` s."""

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"WebhookAlerter({redact_url(self.url)!r})"

    def post(self, message: str, params: Any = None) -> bool:
        """Send `message`; `params` (e.g. `{"channel": "#ml"}`) are merged into the payload."""
        payload = {"text": str(message), **params_as_dict(params)}
        body = json.dumps(payload, default=str).encode("utf-8")
        for attempt in range(self.retries + 1):
            try:
                self._send(body)
                return True
            except AlerterDeliveryError as error:
                if attempt == self.retries or not _worth_retrying(error):
                    raise
                delay = self.backoff * 2**attempt
                logger.warning(
                    "Alerter message not delivered (%s); trying again in %.1f s.", error, delay
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, body: bytes) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "stepwell-alerter"}
        request = urllib.request.Request(
            self.url, data=body, headers={**headers, **self.headers}, method="POST"
        )
        where = redact_url(self.url)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read(_DETAIL_LIMIT).decode("utf-8", "replace").strip()
            raise AlerterDeliveryError(
                f"The webhook at {where} refused the message: HTTP {error.code} {error.reason}"
                + (f" ({detail})" if detail else "")
                + ".",
                status=error.code,
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise AlerterDeliveryError(
                f"Cannot reach the webhook at {where}: {reason}. Check the alerter's url and "
                "that the service is reachable from where the step runs."
            ) from None
