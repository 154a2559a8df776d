"""The SQL of the direct SQLite path: the statements `SqlStore` runs for the same calls.

Written out for SQLite's `?` parameters; the store tests, run against both paths, check that
they find and write what `SqlStore`'s statements do. Rows are read with `*` and decoded by
column name, so a column added by a migration is read without a change here.
"""

from __future__ import annotations

from functools import lru_cache

from stepwell.enums import ExecutionStatus
from stepwell.store.utc import SQLITE_NOW

PIPELINE_BY_NAME = "SELECT * FROM pipelines WHERE name = ?"
PIPELINE_BY_ID = "SELECT * FROM pipelines WHERE id = ?"
SNAPSHOT_BY_ID = "SELECT * FROM snapshots WHERE id = ?"
RUN_BY_ID = "SELECT * FROM pipeline_runs WHERE id = ?"
RUN_BY_NAME = "SELECT * FROM pipeline_runs WHERE name = ?"
# Unfiltered pages, in the default order of `stepwell.store.sql.listings` (sort column, then
# its tie-breakers): (rows with LIMIT and OFFSET, count) for each list.
RUNS_PAGE = (
    "SELECT * FROM pipeline_runs ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM pipeline_runs",
)
LISTED_RUNS_PAGE = (
    "SELECT * FROM pipeline_runs WHERE is_unlisted = 0 "
    "ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM pipeline_runs WHERE is_unlisted = 0",
)
RUNS_OF_PIPELINE_PAGE = (
    "SELECT * FROM pipeline_runs WHERE pipeline_name = ? "
    "ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM pipeline_runs WHERE pipeline_name = ?",
)
PIPELINES_PAGE = (
    "SELECT * FROM pipelines ORDER BY created ASC, name ASC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM pipelines",
)
ARTIFACTS_PAGE = (
    "SELECT * FROM artifacts ORDER BY created ASC, name ASC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM artifacts",
)
STACKS_PAGE = (
    "SELECT * FROM stacks ORDER BY name ASC LIMIT ? OFFSET ?",
    "SELECT count(*) FROM stacks",
)
STACK_BY_NAME = "SELECT * FROM stacks WHERE name = ?"
STACK_BY_ID = "SELECT * FROM stacks WHERE id = ?"
COMPONENTS_OF_STACK = (
    "SELECT stack_components.* FROM stack_composition JOIN stack_components "
    "ON stack_components.id = stack_composition.component_id "
    "WHERE stack_composition.stack_id = ?"
)
# A cache hit in one statement, as `stepwell.store.sql.queries._CACHE_HIT`: the newest step run
# with the key that computed its result, or reused one whose own run was deleted.
CACHE_HIT = (
    "SELECT step_runs.id AS step_run_id, step_runs.end_time AS step_run_end_time, "
    "step_runs.status AS step_run_status, "
    "step_run_output_artifacts.name AS link_name, artifacts.name AS artifact_name, "
    "artifact_versions.* "
    "FROM step_runs "
    "LEFT OUTER JOIN step_run_output_artifacts "
    "ON step_run_output_artifacts.step_run_id = step_runs.id "
    "LEFT OUTER JOIN artifact_versions "
    "ON artifact_versions.id = step_run_output_artifacts.artifact_version_id "
    "LEFT OUTER JOIN artifacts ON artifacts.id = artifact_versions.artifact_id "
    "WHERE step_runs.id = (SELECT step_runs.id FROM step_runs "
    "WHERE step_runs.cache_key = ? AND (step_runs.status = ? "
    "OR (step_runs.status = ? AND step_runs.original_step_run_id IS NULL)) "
    "ORDER BY step_runs.created DESC LIMIT 1) "
    "ORDER BY step_run_output_artifacts.name, step_run_output_artifacts.position"
)
STEP_RUN_BY_ID = "SELECT * FROM step_runs WHERE id = ?"
STEPS_OF_RUN = "SELECT * FROM step_runs WHERE pipeline_run_id = ? ORDER BY created, attempt"


def _links_of_run(table: str, kind: int) -> str:
    return (
        f"SELECT {kind} AS kind, {table}.step_run_id AS step_run_id, {table}.name AS link_name, "
        f"{table}.position AS position, artifacts.name AS artifact_name, artifact_versions.* "
        f"FROM {table} "
        f"JOIN artifact_versions ON artifact_versions.id = {table}.artifact_version_id "
        "JOIN artifacts ON artifacts.id = artifact_versions.artifact_id "
        f"WHERE {table}.step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ?)"
    )


# Every input and output link of a run's step runs, as `queries._LINKS_OF_RUN`.
LINKS_OF_RUN = (
    f"{_links_of_run('step_run_input_artifacts', 0)} UNION ALL "
    f"{_links_of_run('step_run_output_artifacts', 1)} "
    "ORDER BY step_run_id, kind, link_name, position"
)
ARTIFACT_BY_NAME = "SELECT id, has_custom_name FROM artifacts WHERE name = ?"
LATEST_VERSION_NUMBER = "SELECT max(version) FROM artifact_versions WHERE artifact_id = ?"
MARK_CUSTOM_NAME = "UPDATE artifacts SET has_custom_name = 1 WHERE id = ?"
COMPLETE_STEP_RUN = (
    f"UPDATE step_runs SET status = '{ExecutionStatus.COMPLETED.value}', end_time = ?, "
    f"updated = ? WHERE id = ? AND status = '{ExecutionStatus.RUNNING.value}'"
)
RELEASE_PENDING = "DELETE FROM pending_outputs WHERE step_run_id = ?"
# A heartbeat on the database's clock, returning the run as written (SQLite 3.35+).
HEARTBEAT = (
    f"UPDATE pipeline_runs SET heartbeat = {SQLITE_NOW}, updated = ? WHERE id = ? RETURNING *"
)


@lru_cache(maxsize=16)
def versions_with_ids(count: int) -> str:
    """`SELECT id FROM artifact_versions WHERE id IN (?, ...)` for `count` ids."""
    return f"SELECT id FROM artifact_versions WHERE id IN ({', '.join('?' * count)})"


UNFINISHED_STATUSES = tuple(s.value for s in ExecutionStatus if not s.is_finished)
END_UNFINISHED_STEPS = (
    "UPDATE step_runs SET status = ?, end_time = ?, updated = ? "
    f"WHERE pipeline_run_id = ? AND status IN ({', '.join('?' * len(UNFINISHED_STATUSES))})"
)


@lru_cache(maxsize=64)
def insert(table: str, columns: tuple[str, ...]) -> str:
    """`INSERT INTO table (columns) VALUES (?, ...)`."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


@lru_cache(maxsize=64)
def update_by_id(table: str, columns: tuple[str, ...]) -> str:
    """`UPDATE table SET column = ?, ... WHERE id = ?`."""
    assignments = ", ".join(f"{column} = ?" for column in columns)
    return f"UPDATE {table} SET {assignments} WHERE id = ?"
