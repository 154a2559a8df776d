"""The schema revision this stepwell writes (layer: store), without loading Alembic.

The newest revision in `stepwell/store/sql/migrations/versions`; a test checks it against
Alembic's own view. A database recorded at any other revision goes through `SqlStore`, which
migrates it (or refuses one made by a newer stepwell).
"""

HEAD_REVISION = "0008"
