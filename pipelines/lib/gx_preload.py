"""Imported by the background workers' fork server: GX and its context, built once and inherited by each worker.

The server and its workers run at a lower priority (nice 10): while the refresh itself has work, it keeps its
core; while it waits for their results, they have both.
"""

import os

os.nice(10)

from pipelines.lib.validate import warm_up  # noqa: E402

SECONDS = warm_up()
