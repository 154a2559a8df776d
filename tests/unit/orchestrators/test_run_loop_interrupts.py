"""The orchestration loop under Ctrl-C, driven by a fake orchestrator (no processes, no store)."""

import signal
from types import SimpleNamespace

import pytest

from stepwell import pipeline, step
from stepwell.enums import ExecutionMode, ExecutionStatus
from stepwell.execution.launcher import StepOutcome
from stepwell.orchestrators.base import BaseOrchestrator


@step
def first() -> int:
    return 1


@step
def second(x: int) -> int:
    return x


@pipeline
def chain():
    second(first())


class CtrlCAfterRecording(BaseOrchestrator):
    """Finishes steps at once; Ctrl-C lands just after the first step's end is recorded."""

    def __init__(self):
        self.launched, self.recorded, self.stopped = [], [], []
        self.pressed = False

    def launch(self, ctx, invocation_id):
        self.launched.append(invocation_id)

    def wait(self, ctx):
        invocation_id = self.launched.pop(0)
        if invocation_id in self.stopped:
            return StepOutcome(invocation_id, ExecutionStatus.STOPPED)
        self.recorded.append(invocation_id)  # "the store now says completed"
        if not self.pressed:
            self.pressed = True
            signal.raise_signal(signal.SIGINT)
        return StepOutcome(invocation_id, ExecutionStatus.COMPLETED)

    def stop(self, ctx, invocation_id):
        self.stopped.append(invocation_id)


def context():
    spec, config = chain.compile()
    run = SimpleNamespace(
        name="chain-run", config=SimpleNamespace(execution_mode=config.execution_mode)
    )
    return SimpleNamespace(spec=spec, run=run, outputs={}, flush_records=lambda: None)


def test_ctrl_c_between_recording_and_reporting_a_step_loses_no_outcome():
    orchestrator, ctx = CtrlCAfterRecording(), context()
    assert ctx.run.config.execution_mode is ExecutionMode.CONTINUE_ON_FAILURE
    with pytest.raises(KeyboardInterrupt):
        orchestrator.run(ctx)
    # "first" was reported as succeeded (its outputs are known), "second" was launched and
    # then stopped: every step the loop started has an end.
    assert orchestrator.recorded == ["first"]
    assert "first" in ctx.outputs
    assert orchestrator.stopped == ["second"]
    assert orchestrator.launched == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
