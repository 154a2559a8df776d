"""The SQL metadata store (layer: store): `SqlStore` on SQLite by default, or PostgreSQL.

In the define -> compile -> orchestrate -> launch -> store -> read flow this package is where
runs, step runs and artifact versions are recorded and read back. Modules: `tables` (schema),
`migrations/` (Alembic, applied by `migrate`), `engine` (connections, SQLite tuning, retries),
`store`, `step_runs`, `artifacts` and `stacks` (the `Store` methods) and `queries`; rows
become responses in `stepwell.store.row_conversions`, shared with `stepwell.store.direct`.
"""

from stepwell.store.sql.store import SqlStore

__all__ = ["SqlStore"]
