"""Where runs start (the composition root): static, dynamic, single-step, background and
triggered runs are submitted, executed and resolved against the stack here.

`stepwell.runs.runtime.LocalRuntime` is what calling a pipeline or a step reaches through
the define layer's seam (`stepwell.steps.runtime`); nothing below this package imports it.
"""
