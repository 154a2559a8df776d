"""The scheduler: a pure state machine that decides what to launch, skip and stop.

Events in (a step succeeded, failed, was stopped), decisions out (launch these, skip those,
stop these). No I/O, no clocks, no processes: every orchestrator drives the same machine,
and the unit tests step it by hand. The execution modes follow the spec:

- CONTINUE_ON_FAILURE: everything that does not depend on a failed step still runs;
  its dependants are skipped.
- STOP_ON_FAILURE: running steps finish; nothing new starts; not-started steps are skipped.
- FAIL_FAST: running steps are stopped; nothing new starts; not-started steps are skipped.

Besides `max_parallelism`, ready steps start only while the running steps' resource demands
(`settings["resources"]`, given as `Resources` data) fit the orchestrator's capacity; a ready
step that does not fit waits, and later ready steps that fit may go first.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from stepwell.enums import ExecutionMode
from stepwell.execution.resources import Resources


class StepState(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    STOPPED = "stopped"


_DONE = {StepState.SUCCEEDED, StepState.FAILED, StepState.SKIPPED, StepState.STOPPED}


@dataclass
class Decision:
    """What the orchestrator should do now."""

    launch: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    stop: list[str] = field(default_factory=list)


class Scheduler:
    """Tracks every step's state and answers each event with a `Decision`.

    Bookkeeping is incremental (how many upstream steps each step still waits for, a queue of
    ready steps in definition order, running and unfinished counts), so an event costs time in
    proportion to the steps it touches, not to the size of the run: a dynamic run that maps
    over thousands of elements stays linear.
    """

    def __init__(
        self,
        dependencies: Mapping[str, Iterable[str]],
        mode: ExecutionMode = ExecutionMode.CONTINUE_ON_FAILURE,
        max_parallelism: int | None = None,
        demands: Mapping[str, Resources] | None = None,
        capacity: Resources | None = None,
    ) -> None:
        if max_parallelism is not None and max_parallelism < 1:
            raise ValueError(f"max_parallelism must be at least 1, got {max_parallelism}.")
        self.mode = ExecutionMode(mode)
        self.max_parallelism = max_parallelism
        # Resources: running steps' demands together stay within `capacity` (None: no limit).
        self.capacity = capacity
        self._demands: dict[str, Resources] = dict(demands or {})
        self.in_use = Resources()
        self.upstream: dict[str, tuple[str, ...]] = {}
        self.downstream: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.state: dict[str, StepState] = {}  # read it freely; change it only via `_set`
        self.halted = False
        self._index: dict[str, int] = {}
        self._unmet: dict[str, int] = {}  # upstream steps not yet succeeded
        self._ready: list[tuple[int, str]] = []  # heap of (definition index, step)
        self._running: set[str] = set()
        self._unfinished = 0
        for step, deps in dependencies.items():
            self._register(step, tuple(deps))
        for step, deps in self.upstream.items():
            for dep in deps:
                self.downstream[dep].append(step)
        for step in self.order:
            if self._unmet[step] == 0:
                heapq.heappush(self._ready, (self._index[step], step))

    # -- queries ------------------------------------------------------------------------------
    @property
    def running(self) -> list[str]:
        return sorted(self._running, key=self._index.__getitem__)

    @property
    def is_finished(self) -> bool:
        return self._unfinished == 0

    @property
    def failed(self) -> list[str]:
        return [s for s in self.order if self.state[s] is StepState.FAILED]

    # -- events -------------------------------------------------------------------------------
    def start(self) -> Decision:
        """The first decision of a run."""
        return self._launch_ready(Decision())

    def succeeded(self, step: str) -> Decision:
        """`step` finished with its outputs (ran or was cached)."""
        self._finish(step, StepState.SUCCEEDED)
        for child in self.downstream[step]:
            self._unmet[child] -= 1
            if self._unmet[child] == 0 and self.state[child] is StepState.PENDING:
                heapq.heappush(self._ready, (self._index[child], child))
        return self._launch_ready(Decision())

    def failed_step(self, step: str) -> Decision:
        """`step` failed for good (after any retries)."""
        self._finish(step, StepState.FAILED)
        decision = Decision()
        if self.mode is ExecutionMode.CONTINUE_ON_FAILURE:
            decision.skip.extend(self._skip_dependants(step))
            return self._launch_ready(decision)
        self.halted = True
        decision.skip.extend(self._skip_pending())
        if self.mode is ExecutionMode.FAIL_FAST:
            decision.stop.extend(self.running)
        return decision

    def stopped(self, step: str) -> Decision:
        """`step` was stopped (by FAIL_FAST or a user's stop)."""
        self._finish(step, StepState.STOPPED)
        if self.halted:
            return Decision()
        decision = Decision(skip=self._skip_dependants(step))
        return self._launch_ready(decision)

    def add_step(
        self, step: str, upstream: Iterable[str] = (), demand: Resources | None = None
    ) -> Decision:
        """A step created while the run goes on (dynamic pipelines): launch, queue or skip it."""
        if step in self.state:
            raise ValueError(f"Step '{step}' is already part of this run.")
        if demand is not None and not demand.is_zero:
            self._demands[step] = demand
        deps = tuple(upstream)
        unknown = [dep for dep in deps if dep not in self.state]
        if unknown:
            raise ValueError(f"Step '{step}' depends on unknown step(s) {unknown}.")
        self._register(step, deps)
        for dep in deps:
            self.downstream[dep].append(step)
            if self.state[dep] is StepState.SUCCEEDED:
                self._unmet[step] -= 1
        if self.halted or any(
            self.state[dep] in (StepState.FAILED, StepState.SKIPPED, StepState.STOPPED)
            for dep in deps
        ):
            self._set(step, StepState.SKIPPED)
            return Decision(skip=[step])
        if self._unmet[step] == 0:
            heapq.heappush(self._ready, (self._index[step], step))
        return self._launch_ready(Decision())

    def request_stop(self) -> Decision:
        """The user asked to stop the run: stop what runs, skip what has not started."""
        self.halted = True
        return Decision(skip=self._skip_pending(), stop=self.running)

    # -- internals ----------------------------------------------------------------------------
    def _register(self, step: str, deps: tuple[str, ...]) -> None:
        self._index[step] = len(self.order)
        self.order.append(step)
        self.upstream[step] = deps
        self.downstream[step] = []
        self._unmet[step] = len(deps)
        self.state[step] = StepState.PENDING
        self._unfinished += 1

    def _set(self, step: str, state: StepState) -> None:
        """Change a step's state, keeping the running and unfinished counts."""
        before = self.state[step]
        self.state[step] = state
        demand = self._demands.get(step)
        if before is StepState.RUNNING:
            self._running.discard(step)
            if demand is not None:
                self.in_use -= demand
        if state is StepState.RUNNING:
            self._running.add(step)
            if demand is not None:
                self.in_use += demand
        if state in _DONE and before not in _DONE:
            self._unfinished -= 1

    def _finish(self, step: str, state: StepState) -> None:
        current = self.state[step]
        if current in _DONE:
            raise ValueError(f"Step '{step}' already finished as {current.value}.")
        self._set(step, state)

    def _launch_ready(self, decision: Decision) -> Decision:
        if self.halted:
            return decision
        capacity = None
        if self.max_parallelism is not None:
            capacity = self.max_parallelism - len(self._running)
        waiting: list[tuple[int, str]] = []  # ready, but their resources are in use now
        while self._ready and (capacity is None or capacity > 0):
            entry = heapq.heappop(self._ready)
            step = entry[1]
            if self.state[step] is not StepState.PENDING:
                continue  # skipped (or stopped) since it became ready
            if not self._resources_free(step):
                waiting.append(entry)  # a later, smaller step may still fit
                continue
            self._set(step, StepState.RUNNING)
            decision.launch.append(step)
            if capacity is not None:
                capacity -= 1
        for entry in waiting:
            heapq.heappush(self._ready, entry)
        return decision

    def _resources_free(self, step: str) -> bool:
        """Whether `step` may start beside the running steps without exceeding the capacity.
        With nothing running it always may: a step bigger than the capacity is refused
        before the run starts, and waiting for nothing would never end."""
        demand = self._demands.get(step)
        if demand is None or self.capacity is None or not self._running:
            return True
        return (self.in_use + demand).fits_in(self.capacity)

    def _skip_dependants(self, step: str) -> list[str]:
        skipped: list[str] = []
        stack = list(self.downstream[step])
        while stack:
            current = stack.pop()
            if self.state[current] is StepState.PENDING:
                self._set(current, StepState.SKIPPED)
                skipped.append(current)
                stack.extend(self.downstream[current])
        return sorted(skipped, key=self._index.__getitem__)

    def _skip_pending(self) -> list[str]:
        pending = [s for s in self.order if self.state[s] is StepState.PENDING]
        for step in pending:
            self._set(step, StepState.SKIPPED)
        return pending
