"""Call user functions that may be `async def` (steps and hooks) from synchronous code.

The engine is synchronous (one core, no event loop of its own). Where it calls a step
function or a hook, an `async def` one is run to its end on an event loop of its own:
`asyncio.run` in this thread, or in a helper thread when this thread already runs a loop
(a notebook's, or a step called from async user code), so that loop is neither reused
nor blocked by a nested `asyncio.run`. Context variables (the step context) go along.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def is_async_callable(function: Any) -> bool:
    """Whether calling `function` gives a coroutine (`async def`, also behind partials and
    decorators that keep `__wrapped__`)."""
    while isinstance(function, functools.partial):
        function = function.func
    if inspect.iscoroutinefunction(function):
        return True
    return callable(function) and inspect.iscoroutinefunction(inspect.unwrap(function))


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end on a fresh event loop and return its result.

    `asyncio` (about 10 ms to import, with `ssl`) is imported here, on the first `async def`
    step or hook, not by every run (see `load_event_loop_support`)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_a_loop = False
    else:
        in_a_loop = True
    if not in_a_loop:  # run outside the `except`: a step's error must not chain to it
        return asyncio.run(coroutine)
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


def load_event_loop_support() -> None:
    """Import what `run_coroutine` needs now: an orchestrator calls this before forking
    workers for a pipeline with `async def` steps, so that each worker does not."""
    import asyncio  # noqa: F401
    import concurrent.futures  # noqa: F401


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call `function`; if it is `async def`, run the coroutine and return its result."""
    result = function(*args, **kwargs)
    if inspect.iscoroutine(result):
        return run_coroutine(result)
    return result
