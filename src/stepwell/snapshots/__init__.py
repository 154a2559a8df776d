"""Snapshots: a stored pipeline version (spec, configuration, code) that can be run later."""
