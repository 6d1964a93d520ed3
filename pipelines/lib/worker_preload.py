"""Imported once by the background workers' fork server, and so inherited by every worker: GX with its context,
and the report's charting (matplotlib and the report font).

The server and its workers run at a lower priority (nice 10): while the refresh itself has work, it keeps its
core; while it waits for their results, they have both.
"""

import os

os.nice(10)

from pipelines.lib.report import build  # noqa: E402, F401  (matplotlib, the charts)
from pipelines.lib.report.fonts import register_font  # noqa: E402
from pipelines.lib.validation.validate import warm_up  # noqa: E402

register_font()
SECONDS = warm_up()
