"""The REST API of the metadata store: one endpoint per `Store` method (layer: store).

This table is the one description of the API. The server builds its routes from it (each a
thin call of the same `Store` method on its own store), and `RestStore` builds its methods
from it, so the two never disagree and no logic is written twice. Each endpoint names the
`Store` method, the HTTP verb, the path under `/api/v1` (its `{placeholders}` are the
method's parameters of the same name) and the role a caller needs:

- `viewer` reads, `member` also writes, `admin` also manages users (see `server/auth`).

Parameters that are not in the path travel in the query string for GET and DELETE and in a
JSON body otherwise. GET and PUT (and the reads sent as POST because their id lists can be
long) are idempotent: a client may repeat them after a dropped connection. So are the writes
a run makes on its way (marked `idempotent=True`), each for a reason of its own: it sets
fields to values, it links what may already be linked, it returns what the first call
recorded when the same record comes again, or (`client_id`) the client chooses the new
record's id, sends the same id with every repeat, and the store answers a repeat with the
record the first call made. A server that restarts mid-call must not fail a run.
"""

from __future__ import annotations

import inspect
import re
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

API_PREFIX = "/api/v1"
API_VERSION = "1"

VIEWER, MEMBER, ADMIN = "viewer", "member", "admin"
ROLES = (VIEWER, MEMBER, ADMIN)  # each role may do what the ones before it may


@dataclass(frozen=True)
class Endpoint:
    """`Store.<method>` as `<verb> /api/v1<path>`, allowed from role `role` up."""

    method: str
    verb: str
    path: str
    role: str = VIEWER
    idempotent: bool | None = None  # None: by verb (GET and PUT are)
    client_id: str | None = None  # the parameter of a new record's id the client chooses
    # Answers carry an ETag; a browser keeps them and asks again with If-None-Match, and
    # an unchanged answer comes back as an empty 304 (for big answers that rarely change).
    revalidate: bool = False

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))

    @property
    def retryable(self) -> bool:
        """Whether a client may send it again after a connection error or a 502/503/504."""
        if self.client_id is not None:
            return True
        if self.idempotent is not None:
            return self.idempotent
        return self.verb in ("GET", "PUT")

    @property
    def in_query(self) -> bool:
        """Whether the parameters besides the path's travel in the query string."""
        return self.verb in ("GET", "DELETE")


def _e(method: str, verb: str, path: str, role: str = VIEWER, **options: Any) -> Endpoint:
    return Endpoint(method, verb, path, role, **options)


ENDPOINTS: tuple[Endpoint, ...] = (
    # pipelines and snapshots
    _e("get_or_create_pipeline", "PUT", "/pipelines/{name}", MEMBER),
    _e("get_pipeline", "GET", "/pipelines/{name_or_id}"),
    _e("list_pipelines", "GET", "/pipelines"),
    _e("delete_pipeline", "DELETE", "/pipelines/{name_or_id}", MEMBER),
    _e("create_snapshot", "POST", "/snapshots", MEMBER, client_id="id"),
    _e("get_snapshot", "GET", "/snapshots/{name_or_id}"),
    _e("get_snapshot_graph", "GET", "/snapshots/{snapshot_id}/graph", revalidate=True),
    _e("list_snapshots", "GET", "/snapshots"),
    _e("update_snapshot", "PATCH", "/snapshots/{snapshot_id}", MEMBER),
    _e("delete_snapshot", "DELETE", "/snapshots/{snapshot_id}", MEMBER),
    # runs
    _e("create_run", "POST", "/runs", MEMBER, client_id="id"),
    _e("get_run", "GET", "/runs/{name_or_id}"),
    _e("list_runs", "GET", "/runs"),
    _e("update_run", "PATCH", "/runs/{run_id}", MEMBER, idempotent=True),  # sets fields
    _e("record_heartbeat", "POST", "/runs/{run_id}/heartbeat", MEMBER, idempotent=True),
    _e("database_time", "GET", "/time"),
    _e("fail_dead_run", "POST", "/runs/{run_id}/fail-dead", MEMBER),
    _e("end_run", "POST", "/runs/{run_id}/end", MEMBER, idempotent=True),  # the same end again
    _e("delete_run", "DELETE", "/runs/{run_id}", MEMBER),
    _e("get_run_steps", "GET", "/runs/{run_id}/steps"),
    _e("list_step_run_attempts", "GET", "/runs/{run_id}/steps/{name}/attempts"),
    _e("count_run_steps", "POST", "/runs/step-counts", idempotent=True),  # a read; long id list
    _e("list_step_states", "GET", "/runs/{run_id}/step-states"),
    # step runs
    _e("create_step_run", "POST", "/step-runs", MEMBER, client_id="id"),
    _e("create_step_runs", "POST", "/step-runs/batch", MEMBER, idempotent=True),  # ids chosen
    _e("update_step_run", "PATCH", "/step-runs/{step_run_id}", MEMBER),
    # A repeat finds the step completed with the same output URIs and answers those versions.
    _e("complete_step_run", "POST", "/step-runs/{step_run_id}/complete", MEMBER, idempotent=True),
    _e("get_step_run", "GET", "/step-runs/{step_run_id}"),
    _e("list_step_runs", "GET", "/step-runs"),
    _e("find_previous_step_run", "GET", "/step-runs/{step_run_id}/previous"),
    _e("find_cached_step_run", "GET", "/cache/{cache_key}"),
    _e("list_pending_outputs", "GET", "/pending-outputs"),
    _e("delete_pending_outputs", "POST", "/pending-outputs/delete", MEMBER, idempotent=True),
    # artifacts
    _e("create_artifact_version", "POST", "/artifact-versions", MEMBER),
    _e("get_artifact_version", "GET", "/artifact-versions/{name_or_id}"),
    _e("list_artifact_versions", "GET", "/artifact-versions"),
    _e("list_artifact_consumers", "GET", "/artifact-versions/{artifact_version_id}/consumers"),
    _e("delete_artifact_version", "DELETE", "/artifact-versions/{version_id}", MEMBER),
    _e("prune_artifact_versions", "POST", "/artifact-versions/prune", MEMBER),
    _e("get_artifact", "GET", "/artifacts/{name_or_id}"),
    _e("list_artifacts", "GET", "/artifacts"),
    _e("delete_artifact", "DELETE", "/artifacts/{artifact_id}", MEMBER),
    # stacks
    _e("create_stack_component", "POST", "/components", MEMBER),
    _e("get_stack_component", "GET", "/components/{type}/{name_or_id}"),
    _e("list_stack_components", "GET", "/components"),
    _e("update_stack_component", "PATCH", "/components/{component_id}", MEMBER),
    _e("delete_stack_component", "DELETE", "/components/{component_id}", MEMBER),
    _e("create_stack", "POST", "/stacks", MEMBER),
    _e("get_stack", "GET", "/stacks/{name_or_id}"),
    _e("list_stacks", "GET", "/stacks"),
    _e("update_stack", "PATCH", "/stacks/{stack_id}", MEMBER),
    _e("delete_stack", "DELETE", "/stacks/{stack_id}", MEMBER),
    # tags and metadata
    _e("create_tag", "POST", "/tags", MEMBER),
    _e("get_tag", "GET", "/tags/{name_or_id}"),
    _e("list_tags", "GET", "/tags"),
    _e("update_tag", "PATCH", "/tags/{tag_id}", MEMBER),
    _e("delete_tag", "DELETE", "/tags/{tag_id}", MEMBER),
    _e("add_tags", "POST", "/tag-links", MEMBER, idempotent=True),
    _e("remove_tags", "POST", "/tag-links/remove", MEMBER, idempotent=True),
    _e("get_resource_tags", "POST", "/tag-links/query", idempotent=True),
    # Metadata: the newest value of a key wins, so writing the same values again changes nothing.
    _e("create_run_metadata", "POST", "/metadata", MEMBER, idempotent=True),
    _e("get_run_metadata", "POST", "/metadata/query", idempotent=True),
    _e("record_deferred_writes", "POST", "/metadata/deferred", MEMBER, idempotent=True),
    # models
    _e("create_model", "POST", "/models", MEMBER),
    _e("get_model", "GET", "/models/{name_or_id}"),
    _e("list_models", "GET", "/models"),
    _e("update_model", "PATCH", "/models/{model_id}", MEMBER),
    _e("delete_model", "DELETE", "/models/{model_id}", MEMBER),
    _e("create_model_version", "POST", "/model-versions", MEMBER),
    _e("get_model_version", "GET", "/model-version"),
    _e("list_model_versions", "GET", "/model-versions"),
    _e("update_model_version", "PATCH", "/model-versions/{version_id}", MEMBER),
    _e("delete_model_version", "DELETE", "/model-versions/{version_id}", MEMBER),
    _e("link_artifacts_to_model_version", "POST", "/model-artifact-links", MEMBER, idempotent=True),
    _e(
        "unlink_artifacts_from_model_version",
        "POST",
        "/model-artifact-links/remove",
        MEMBER,
        idempotent=True,
    ),
    _e("list_model_version_artifact_links", "GET", "/model-artifact-links"),
    _e("list_model_version_pipeline_run_links", "GET", "/model-run-links"),
    _e("resolve_model_version", "POST", "/model-versions/resolve", MEMBER),
    # A repeat finds the versions the run is already linked to, rather than making new ones.
    _e(
        "prepare_run_model_versions",
        "POST",
        "/runs/{run_id}/model-versions",
        MEMBER,
        idempotent=True,
    ),
    # accounts
    _e("create_user", "POST", "/users", ADMIN),
    _e("get_user", "GET", "/users/{name_or_id}", ADMIN),
    _e("list_users", "GET", "/users", ADMIN),
    _e("update_user", "PATCH", "/users/{user_id}", ADMIN),
    _e("delete_user", "DELETE", "/users/{user_id}", ADMIN),
    _e("create_api_key", "POST", "/api-keys", ADMIN),
    _e("list_api_keys", "GET", "/api-keys", ADMIN),
    _e("revoke_api_key", "POST", "/api-keys/{key_id}/revoke", ADMIN, idempotent=True),
    # secrets: listing (names and keys) is a read; reading values needs a member
    _e("create_secret", "POST", "/secrets", MEMBER),
    _e("get_secret", "GET", "/secrets/{name_or_id}", MEMBER),
    _e("list_secrets", "GET", "/secrets"),
    _e("update_secret", "PATCH", "/secrets/{secret_id}", MEMBER),
    _e("delete_secret", "DELETE", "/secrets/{secret_id}", MEMBER),
    # schedules (the server's own scheduler claims due times in its store, not over HTTP)
    _e("create_schedule", "POST", "/schedules", MEMBER),
    _e("get_schedule", "GET", "/schedules/{name_or_id}"),
    _e("list_schedules", "GET", "/schedules"),
    _e("update_schedule", "PATCH", "/schedules/{schedule_id}", MEMBER),
    _e("delete_schedule", "DELETE", "/schedules/{schedule_id}", MEMBER),
)

BY_METHOD = {endpoint.method: endpoint for endpoint in ENDPOINTS}


@dataclass(frozen=True)
class Parameter:
    """One parameter of a `Store` method: its name, type and default (`EMPTY`: required)."""

    name: str
    annotation: Any
    default: Any
    variadic: bool = False  # `**query`: free-form filters of a list call


EMPTY = inspect.Parameter.empty


@cache
def signature(method: str) -> tuple[tuple[Parameter, ...], Any]:
    """The parameters and return type of `Store.<method>`, with their types resolved."""
    from stepwell.store import base

    function = getattr(base.Store, method)
    # With extras: `Annotated` marks (metadata that keeps its types) shape the wire format.
    hints = typing.get_type_hints(function, localns=_type_names(), include_extras=True)
    parameters = tuple(
        Parameter(
            name,
            hints.get(name, Any),
            param.default,
            param.kind is inspect.Parameter.VAR_KEYWORD,
        )
        for name, param in inspect.signature(function).parameters.items()
        if name != "self"
    )
    return parameters, hints.get("return", Any)


def _type_names() -> dict[str, Any]:
    """Names the `Store` protocol's annotations use that it imports only for type checking."""
    from stepwell.config.tags import Tag
    from stepwell.enums import ColorVariants, ModelStages
    from stepwell.steps.deferred_writes import DeferredWrite
    from stepwell.store.annotations import TagResponse
    from stepwell.store.model_records import (
        ModelResponse,
        ModelVersionArtifactLink,
        ModelVersionPipelineRunLink,
        ModelVersionRequest,
        ModelVersionResponse,
    )
    from stepwell.store.pending import PendingOutput
    from stepwell.store.user_records import ApiKeyResponse, UserResponse

    return {
        "Tag": Tag,
        "ColorVariants": ColorVariants,
        "ModelStages": ModelStages,
        "DeferredWrite": DeferredWrite,
        "TagResponse": TagResponse,
        "ModelResponse": ModelResponse,
        "ModelVersionArtifactLink": ModelVersionArtifactLink,
        "ModelVersionPipelineRunLink": ModelVersionPipelineRunLink,
        "ModelVersionRequest": ModelVersionRequest,
        "ModelVersionResponse": ModelVersionResponse,
        "PendingOutput": PendingOutput,
        "UserResponse": UserResponse,
        "ApiKeyResponse": ApiKeyResponse,
    }
