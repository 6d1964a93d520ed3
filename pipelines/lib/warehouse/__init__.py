"""The DuckDB warehouse: a working database built aside, validated, then published atomically.

Dagster only ever writes the working copy (`.build/clusters.duckdb`). Publishing copies the validated working
database into a temporary file beside the published one, in the storage format DuckDB 1.x reads
(`publish.PUBLISHED_STORAGE_VERSION`), adds the run's row to meta.runs, and `os.replace`s it over
`clusters.duckdb`: a reader never sees half a refresh, and a failed or killed refresh leaves the published file
byte-identical. One writer at a time holds an exclusive file lock.
"""
