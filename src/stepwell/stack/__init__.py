"""Stacks: where a run's steps run, where its artifacts go and who hears about it.

A stack is a named set of stack components (an orchestrator, an artifact store and optionally
an alerter), stored in the metadata store. In the define -> compile -> orchestrate -> launch
-> store -> read flow, the orchestrate stage asks `active.get_active_stack()` for the stack to
run on. Modules: `flavors` (the flavor registry, open to plugins through entry points),
`builtin_flavors`, `components` and `stack` (live objects built from stored records),
`registration` (checked create, update and delete) and `active` (which stack is active).
"""
