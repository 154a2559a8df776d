"""`DirectSqliteStore`: the calls of a cached run and of common reads, on `sqlite3` directly.

Each method does what the `SqlStore` method of the same name does, in the same transaction
shape and writing the same rows (`stepwell.store.new_rows` builds them for both). Whatever it
does not handle itself it hands to a `SqlStore` on the same database, opened on first need:
every other method, and any call that meets a conflict, a missing record, an error from
SQLite or an option this path leaves out. A direct attempt that fails has written nothing
(its transaction is rolled back), so `SqlStore` then does the whole call and raises its own
errors. Methods: `runs` (stacks, pipelines, snapshots, runs), `step_runs` and `lists`.
"""

from __future__ import annotations

from stepwell.store.direct.lists import ListMethods
from stepwell.store.direct.runs import RunMethods
from stepwell.store.direct.step_runs import StepRunMethods


class DirectSqliteStore(RunMethods, StepRunMethods, ListMethods):
    """The `Store` on an existing, current SQLite file: hot calls direct, the rest through
    a `SqlStore` made when first needed. Opened by `stepwell.store.direct.opening`."""
