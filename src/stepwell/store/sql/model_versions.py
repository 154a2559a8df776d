"""Finding, numbering and promoting model versions (layer: store, the SQL side).

Every function works inside the caller's transaction. A version is found by id, by number
(an int or a string of digits), by stage (`staging`, `production`, `archived`, `none`; and
`latest`, the newest) or by name, in that order, as ZenML looks them up. New versions are
numbered one past the model's highest number, read after locking the model's row, so that
concurrent writers number in turn; the unique index still guards the rule (and a name two
writers chose at once): a violation retries the caller's transaction (`write_new_version`).
Moving a version into `staging` or `production` archives the version that held the stage
when `force` is given and is refused otherwise, in one transaction; the partial unique
index on (model, stage) guards the same rule against concurrent promotions.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, func, select, update

from stepwell.enums import ModelStages
from stepwell.exceptions import ModelError, ModelStageError, ModelVersionNotFoundError
from stepwell.model.stages import EXCLUSIVE_STAGES, is_number, is_stage, stage_value
from stepwell.store.row_conversions import Row
from stepwell.store.sql.model_tables import MODEL_VERSIONS, MODELS
from stepwell.store.sql.queries import parse_uuid
from stepwell.store.sql.tables import utc_now


def _of_model(model_id: UUID) -> Any:
    return select(MODEL_VERSIONS).where(MODEL_VERSIONS.c.model_id == model_id)


def find_version(connection: Connection, model: Row, reference: Any) -> Row:
    """The version of `model` that `reference` names (see the module); raises
    ModelVersionNotFoundError naming the model and what exists."""
    model_id = model["id"]
    statement = None
    latest = is_stage(reference) and stage_value(reference, True) == ModelStages.LATEST.value
    if reference is None or latest:
        statement = _of_model(model_id).order_by(MODEL_VERSIONS.c.number.desc()).limit(1)
    elif isinstance(reference, UUID) or parse_uuid(str(reference)) is not None:
        version_id = reference if isinstance(reference, UUID) else parse_uuid(str(reference))
        statement = _of_model(model_id).where(MODEL_VERSIONS.c.id == version_id)
    elif is_stage(reference):
        stage = stage_value(reference, for_lookup=True)
        in_stage = (
            MODEL_VERSIONS.c.stage.is_(None)
            if stage == ModelStages.NONE.value
            else MODEL_VERSIONS.c.stage == stage
        )
        statement = (
            _of_model(model_id).where(in_stage).order_by(MODEL_VERSIONS.c.number.desc()).limit(1)
        )
    elif is_number(reference):
        statement = _of_model(model_id).where(MODEL_VERSIONS.c.number == int(str(reference)))
    else:
        statement = _of_model(model_id).where(MODEL_VERSIONS.c.name == str(reference).strip())
    row = connection.execute(statement).first()
    if row is None:
        raise ModelVersionNotFoundError(_not_found(connection, model, reference))
    return row._mapping


def _not_found(connection: Connection, model: Row, reference: Any) -> str:
    """What to say when `reference` names no version of `model`: what exists instead."""
    rows = connection.execute(
        select(MODEL_VERSIONS.c.name, MODEL_VERSIONS.c.stage)
        .where(MODEL_VERSIONS.c.model_id == model["id"])
        .order_by(MODEL_VERSIONS.c.number.desc())
        .limit(10)
    ).all()
    name = model["name"]
    if not rows:
        return f"Model '{name}' has no versions yet; run a pipeline with this model first."
    listed = ", ".join(f"{r.name} ({r.stage})" if r.stage else str(r.name) for r in rows)
    what = "stage" if is_stage(reference) else "version"
    hint = (
        f" Promote a version first: stepwell model version update {name} VERSION --stage "
        f"{stage_value(reference, for_lookup=True)}."
        if what == "stage"
        else ""
    )
    return (
        f"Model '{name}' has no version in {what} '{reference}'."
        if what == "stage"
        else f"Model '{name}' has no version '{reference}'."
    ) + f" Its newest versions are: {listed}.{hint}"


def insert_version(
    connection: Connection,
    model: Row,
    name: str | None = None,
    description: str | None = None,
    stage: str | None = None,
) -> Row:
    """A new version of `model`, numbered one past the highest; named `name` (which must not
    be a number or a stage: those look versions up) or, without one, after its number."""
    if name is not None:
        check_version_name(model["name"], name)
    now = utc_now()
    # Touching the model row first locks it until commit on PostgreSQL: concurrent writers of
    # the same model's versions take turns, and each reads the highest number after the one
    # before it committed. Without the lock, 64 runs at once all read the same highest number
    # and lose to each other on the unique index until they run out of attempts.
    connection.execute(update(MODELS).where(MODELS.c.id == model["id"]).values(updated=now))
    highest = connection.scalar(
        select(func.max(MODEL_VERSIONS.c.number)).where(MODEL_VERSIONS.c.model_id == model["id"])
    )
    number = int(highest or 0) + 1
    values = {
        "id": uuid4(),
        "model_id": model["id"],
        "number": number,
        "name": name if name is not None else str(number),
        "description": description,
        "stage": stage,
        "created": now,
        "updated": now,
    }
    connection.execute(MODEL_VERSIONS.insert(), values)
    return values


def check_version_name(model_name: str, name: str) -> None:
    """A version name must be new text: numbers and stage names look versions up instead."""
    text = str(name).strip()
    if not text:
        raise ModelError(f"A version name of model '{model_name}' cannot be empty.")
    if is_number(text) or is_stage(text):
        raise ModelError(
            f"'{text}' cannot name a version of model '{model_name}': numbers and stage names "
            "look up existing versions. Leave the name out for a new numbered version, or "
            "give a name such as 'v1'."
        )
    if len(text) > 255:
        raise ModelError(f"A version name of model '{model_name}' is at most 255 characters.")


def move_stage(connection: Connection, version_id: UUID, stage: str, force: bool) -> Row:
    """Put version `version_id` in `stage`; a stage held by another version moves only with
    `force` (the other version is archived), else ModelStageError. Returns the new row."""
    target = stage_value(stage)
    row = connection.execute(
        select(MODEL_VERSIONS).where(MODEL_VERSIONS.c.id == version_id).with_for_update()
    ).first()
    if row is None:
        raise ModelVersionNotFoundError(f"No model version with id {version_id} exists.")
    version = row._mapping
    now = utc_now()
    if target in EXCLUSIVE_STAGES and version["stage"] != target:
        holder = connection.execute(
            select(MODEL_VERSIONS.c.id, MODEL_VERSIONS.c.name)
            .where(
                MODEL_VERSIONS.c.model_id == version["model_id"],
                MODEL_VERSIONS.c.stage == target,
                MODEL_VERSIONS.c.id != version_id,
            )
            .with_for_update()
        ).first()
        if holder is not None:
            model_name = connection.scalar(
                select(MODELS.c.name).where(MODELS.c.id == version["model_id"])
            )
            if not force:
                raise ModelStageError(
                    f"Version {holder.name} of model '{model_name}' is in {target}; moving "
                    f"version {version['name']} there would take it away. Pass force=True "
                    f"(CLI: --force) to move it: version {holder.name} becomes archived."
                )
            connection.execute(
                update(MODEL_VERSIONS)
                .where(MODEL_VERSIONS.c.id == holder.id)
                .values(stage=ModelStages.ARCHIVED.value, updated=now)
            )
    stored = None if target == ModelStages.NONE.value else target
    connection.execute(
        update(MODEL_VERSIONS)
        .where(MODEL_VERSIONS.c.id == version_id)
        .values(stage=stored, updated=now)
    )
    return {**version, "stage": stored, "updated": now}
