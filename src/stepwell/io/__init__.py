"""File access for user code: `stepwell.io.fileio` works alike on local folders and on the
object stores that artifact stores use (S3 and any other fsspec URL)."""
