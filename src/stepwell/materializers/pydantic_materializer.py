"""Pydantic models as JSON, validated back into the model class on load.

Role in the flow (launch -> materializer -> artifact store): chosen for `pydantic.BaseModel`
subclasses (registered by name). A model that cannot be dumped as JSON (e.g. it holds
arbitrary types) is pickled instead, in the same folder, with a logged warning; its record
then says so (`{"allow_pickle": true}`), and loading takes the pickle only when the record
does (versions recorded before load options existed: when the pickle file is there).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel

from stepwell.enums import ArtifactType
from stepwell.materializers.base_materializer import BaseMaterializer
from stepwell.materializers.cloudpickle_materializer import PICKLE_FILE, CloudpickleMaterializer
from stepwell.materializers.load_policy import ALLOW_PICKLE, delegate, pickled_options

logger = logging.getLogger(__name__)

DATA_FILE = "data.json"


class PydanticMaterializer(BaseMaterializer):
    """`pydantic.BaseModel` instances as `data.json` (`model_dump_json`)."""

    ASSOCIATED_TYPES = (BaseModel,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Any) -> None:
        try:
            text = data.model_dump_json()
        except Exception as error:
            logger.warning(
                "%s cannot be dumped as JSON (%s); pickling it with cloudpickle instead.",
                type(data).__qualname__,
                error,
            )
            CloudpickleMaterializer(self.uri, self.artifact_store).save(data)
            self.load_options = pickled_options()
            return
        with self.artifact_store.open(self._path(DATA_FILE), "w", encoding="utf-8") as f:
            f.write(text)

    def load(self, data_type: type[Any]) -> Any:
        if self.load_options is None:
            pickled = self.artifact_store.exists(self._path(PICKLE_FILE))
        else:
            pickled = bool(self.load_options.get(ALLOW_PICKLE))
        if pickled:
            return delegate(self, CloudpickleMaterializer).load(data_type)
        with self.artifact_store.open(self._path(DATA_FILE), "r", encoding="utf-8") as f:
            text = f.read()
        if isinstance(data_type, type) and issubclass(data_type, BaseModel):
            return data_type.model_validate_json(text)
        logger.warning(
            "The model class of the artifact at '%s' is not importable here; returning its "
            "fields as a plain dict.",
            self.uri,
        )
        import json

        return json.loads(text)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"fields": list(type(data).model_fields)[:50]}
