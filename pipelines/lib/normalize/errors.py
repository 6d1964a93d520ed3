"""The single exception raised by :mod:`pipelines.lib.normalize`."""

from __future__ import annotations

_MAX_SHOWN = 120


class NormalizeError(ValueError):
    """A string could not be read as the quantity asked for.

    ``.text`` is the input exactly as given; the message names it (shortened if long).

    >>> err = NormalizeError("約 そこそこ 社", "no count found")
    >>> err.text
    '約 そこそこ 社'
    >>> str(err)
    "no count found in '約 そこそこ 社'"
    """

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        shown = text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"
        super().__init__(f"{reason} in {shown!r}")
