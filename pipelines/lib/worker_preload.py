"""Imported once by the background workers' fork server, and so inherited by every worker: GX with its context,
and the report's charting (matplotlib and the report font).

They run at the refresh's own priority: at a lower one, a busy machine (a test suite on every core) starved them
while the refresh waited for their results (a minute and more per step).
"""

from pipelines.lib.report import build  # noqa: F401  (matplotlib, the charts)
from pipelines.lib.report.fonts import register_font
from pipelines.lib.validation.validate import warm_up

register_font()
SECONDS = warm_up()
