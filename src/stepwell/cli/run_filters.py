"""Which pipeline `stepwell pipeline runs list --pipeline X` means (read layer).

A pipeline's runs are found by its name, id or id prefix through its pipeline record. A
single step called outside a pipeline makes an unlisted run that carries a pipeline name
(the step's) but has no pipeline record, so it shows in the list of runs under a name that
`get_pipeline` does not know. Such a name is accepted as it is, so that every name the list
shows can be filtered on; a name that neither a pipeline nor any run has is still an error.
"""

from __future__ import annotations

from typing import Any


def pipeline_name_filter(client: Any, name_or_id: str) -> str:
    """The pipeline name to filter runs by: the named pipeline's own name, else `name_or_id`
    itself when runs carry it. Raises `EntityNotFoundError` (the pipeline's) when neither
    a pipeline nor a run has that name."""
    from stepwell.exceptions import EntityNotFoundError

    try:
        return str(client.get_pipeline(name_or_id).name)  # a name, id or id prefix
    except EntityNotFoundError:
        if client.list_pipeline_runs(pipeline_name=name_or_id, size=1).total:
            return name_or_id
        raise
