"""The warm SQLite path of the metadata store (layer: store), on Python's own `sqlite3`.

Loading SQLAlchemy and the SQL store's modules takes about 0.2 s of every process that opens
the store, more than a whole cached run. A process that opens an existing SQLite store already
at the newest schema gets a `DirectSqliteStore` instead: the calls a run and the common reads
make (stack, pipeline, snapshot, run, cache lookup, step runs and their new artifact versions,
failed attempts, heartbeats, run end, a run by name or id, a run's steps, the unfiltered run
list) run as plain SQL on one `sqlite3` connection, writing exactly the rows `SqlStore` writes;
every other call, and any of these that meets something unusual (a conflict, an error from
SQLite, a model version, a named snapshot or artifact version), goes to a `SqlStore` opened on
first need. Modules: `codec` (values as SQLAlchemy stores them), `connection` (transactions,
retries, forks), `rows`, `statements` (the SQL), `base` (handing calls over), `runs` and
`step_runs` (the methods), `store` (the class) and `opening` (when the path applies).
"""
