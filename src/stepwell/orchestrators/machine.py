"""What this machine has for steps to use: CPUs, GPUs and memory (orchestrate).

The local and inline orchestrators run steps on this machine, so its resources are their
capacity: the scheduler keeps the running steps' `resources` demands within it, and a step
asking for more than it has is refused before the run starts.
"""

from __future__ import annotations

import os

from stepwell.execution.resources import Resources


def machine_capacity() -> Resources:
    """The CPUs this process may use, the GPUs it can see and the total memory."""
    return Resources(cpu=float(_cpu_count()), gpu=_gpu_count(), memory=_total_memory())


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _total_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): no memory limit known
        return 1 << 62


def _gpu_count() -> int:
    """NVIDIA GPUs the driver lists, narrowed by CUDA_VISIBLE_DEVICES when it is set."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    try:
        found = len(os.listdir("/proc/driver/nvidia/gpus"))
    except OSError:
        found = 0
    if visible is None:
        return found
    ids = [item for item in visible.split(",") if item.strip() and item.strip() != "-1"]
    return min(found, len(ids))
