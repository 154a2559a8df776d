"""Metadata values and their types (`stepwell.metadata.metadata_types`), as in ZenML."""
