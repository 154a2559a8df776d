"""Secrets never printed: store URLs without their password, secret settings masked (pure).

Used wherever stepwell shows a URL or a component's configuration: the CLI (tables and
`-o json`), warnings, errors and reprs. The stored values are untouched; only what is shown
is masked.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "****"


def masked_url(url: str) -> str:
    """`url` with any password replaced by `****` (`postgresql://me:****@db/x`); URLs
    without one are returned as they are."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}{port}"))


def hidden_path_url(url: str) -> str:
    """A URL whose path or query is the secret (webhooks): scheme, host and port only."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    hidden = "/..." if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{host}{port}{hidden}"


def masked_value(value: Any) -> Any:
    """A secret setting as it may be shown: URLs keep their host, mappings their keys."""
    if isinstance(value, dict):
        return dict.fromkeys(value, MASK)
    if isinstance(value, str) and "://" in value:
        return hidden_path_url(value)
    return MASK if value not in (None, "") else value


def masked_configuration(configuration: dict[str, Any], secret_fields: Any) -> dict[str, Any]:
    """A component's configuration with its secret fields masked."""
    return {
        key: masked_value(value) if key in secret_fields else value
        for key, value in configuration.items()
    }
