"""Load YAML that a user (or anyone who can write the file) wrote, within bounds.

A run configuration is small. A hostile or broken file must fail with a clear error naming the
file, never with a raw Python error or by exhausting the machine:

- bytes that are not UTF-8 (the offset is named);
- a file larger than `MAX_BYTES`;
- nesting deeper than `MAX_DEPTH` (which would otherwise end in a `RecursionError`);
- aliases that expand to more than `MAX_EXPANDED_NODES` nodes ("billion laughs");
- a key given twice in one mapping (YAML's "last one wins" hides mistakes);
- integers too long for Python to convert (more than 4,300 digits).

The limits are checked on the parser's event stream, before any Python object is built.
"""

from __future__ import annotations

import functools
from typing import Any

from stepwell.exceptions import ConfigurationError

MAX_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 100_000


def decode(data: bytes, source: str) -> str:
    """`data` as UTF-8 text, or an error naming the first bad byte's offset."""
    if len(data) > MAX_BYTES:
        raise ConfigurationError(
            f"{source}: the file is {len(data):,} bytes; a run configuration may be at most "
            f"{MAX_BYTES:,} bytes."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            f"{source}: not UTF-8 text (byte {error.start} is {data[error.start]:#04x}); save "
            "the file as UTF-8."
        ) from None


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text within the limits above; errors name `source` and the line."""
    import yaml

    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ConfigurationError(
            f"{source}: a run configuration may be at most {MAX_BYTES:,} bytes."
        )
    try:
        _check_events(yaml.parse(text, Loader=yaml.SafeLoader), source)
        return yaml.load(text, Loader=_strict_loader())
    except ConfigurationError:
        raise
    except _DuplicateKey as duplicate:
        raise ConfigurationError(
            f"{source}: line {duplicate.second}: key {duplicate.key!r} is given twice in one "
            f"mapping (first on line {duplicate.first}); keep one."
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigurationError(f"{source}: not valid YAML{where}: {problem}.") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ConfigurationError(f"{source}: a value cannot be read: {error}.") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise ConfigurationError(f"{source}: nested too deeply.") from None


def _check_events(events: Any, source: str) -> None:
    """Depth and alias expansion, from the event stream (no recursion, no objects built)."""
    import yaml

    depth = 0
    open_anchors: list[tuple[str | None, int]] = []  # (anchor, node count when opened)
    sizes: dict[str, int] = {}
    nodes = 0
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            nodes += sizes.get(event.anchor, 1)
        elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            nodes += 1
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
            else:
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1
                    raise ConfigurationError(
                        f"{source}: nested more than {MAX_DEPTH} levels deep (line {line})."
                    )
                open_anchors.append((event.anchor, nodes))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            anchor, start = open_anchors.pop()
            if anchor:
                sizes[anchor] = nodes - start + 1
        if nodes > MAX_EXPANDED_NODES:
            raise ConfigurationError(
                f"{source}: its aliases expand to more than {MAX_EXPANDED_NODES:,} values; a run "
                "configuration is never that large."
            )


class _DuplicateKey(Exception):
    """A key given twice in one mapping (raised inside the loader, reported by `load_yaml`)."""

    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(key, first, second)
        self.key, self.first, self.second = key, first, second


@functools.lru_cache(maxsize=1)
def _strict_loader() -> type:
    """A SafeLoader that refuses a key given twice in one mapping (made on first use, so
    importing this module does not import yaml)."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: Any, node: Any) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base`: what it brings may be overridden here
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _DuplicateKey(key, seen[key], line)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            seen[key] = line
        loader.flatten_mapping(node)
        return dict(loader.construct_pairs(node, deep=True))

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return StrictLoader
