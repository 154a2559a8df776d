"""Values as they may be shown in a cache explanation: short, and with secrets hidden (pure).

A cache explanation prints a step's old and new parameter, environment and settings values
(`parameter 'lr': 0.1 -> 0.01`). Those values come from the user's configuration, so some
are secrets and some are large. Here each value becomes at most `LIMIT` characters of its
`repr`, after hiding:

- the whole value of a name that marks it secret (`api_key`, `hf_token`, `DB_PASSWORD`,
  `secret`, `credentials`; judged by the words of the name, so `max_tokens` is not one),
  also as a key inside a mapping;
- the password of a URL (`postgresql://me:****@db/x`).

A `{{secret.key}}` reference is the name of a secret, not its value: it is shown as written.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from stepwell.stack.secret_references import is_secret_reference
from stepwell.utils.redact import MASK, masked_url

LIMIT = 60  # characters of a shown value, "..." included

_SECRET_WORDS = frozenset(
    {
        "secret",
        "secrets",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "token",
        "apikey",
        "credential",
        "credentials",
        "auth",
        "authorization",
        "cookie",
        "signature",
    }
)
_SECRET_PAIRS = frozenset({("api", "key"), ("private", "key"), ("access", "key")})
_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def looks_secret(name: str) -> bool:
    """Whether a parameter, variable or settings key named `name` holds a secret, by the
    words of its name (`openai_api_key`, `HF_TOKEN`, `dbPassword`)."""
    words = [word.lower() for word in _WORD.findall(name)]
    if any(word in _SECRET_WORDS for word in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in pairwise(words))


def hidden(value: Any, name: str = "") -> Any:
    """`value` with the secrets in it replaced by `****` (see the module docstring)."""
    if is_secret_reference(value):
        return value
    if name and looks_secret(name) and value not in (None, ""):
        return MASK
    if isinstance(value, dict):
        return {key: hidden(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(hidden(item) for item in value)
    if isinstance(value, str) and "://" in value:
        return masked_url(value)
    return value


def short(text: str, limit: int = LIMIT) -> str:
    """`text` cut to `limit` characters, ending in "..." when it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: Any, name: str = "") -> str:
    """The short `repr` of `value` with its secrets hidden."""
    return short(repr(hidden(value, name)))


def old_to_new(old: Any, new: Any, name: str = "") -> str:
    """`old -> new` as shown; says so when the shown forms cannot tell them apart."""
    if name and looks_secret(name):
        return "changed (a secret: values not shown)"
    if hidden(old) == hidden(new) and old != new:
        return "changed (only secret values in it differ: not shown)"
    before, after = shown(old, name), shown(new, name)
    if before == after:
        return f"{before} -> {after} (they differ past the part shown)"
    return f"{before} -> {after}"
