"""Orchestrators: drive one run through the scheduler and launch its steps (orchestrate)."""
