"""Artifacts as users handle them: configuration of step outputs, external inputs, and the
functions that save, load and register artifact versions by hand.

The modules sit at different heights of the flow on purpose: `artifact_config`,
`external_artifact` and `names` are plain data and pure functions that the define and
compile layers use; `utils` (`save_artifact`, `load_artifact`, `register_artifact`) reaches
the store and is imported only when called. This package imports none of them.
"""
