"""One rule mechanism that names a parsed quantity by the words around it, for every staging table of metrics.

A rule names a metric for quantities of some units (what the counter counts: companies, persons, km2 …)
whose surrounding text matches its regexes: ``before`` is searched in the text just before the quantity
(anchor it with ``$``), ``after`` in the text just after it (anchor with ``^``). The first rule that
matches wins. A quantity that parses but that no rule names is still kept: it gets the generic metric
``unclassified_<unit>`` and its surrounding words as scope, and a WARN check lists it for someone to
write a rule (see :func:`unclassified_metric`). Nothing that parses is ever dropped or refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_MARKERS = re.compile(r"[*＊※][0-9]+")
_EDGE = " ・、。,:"
"""Bullets and punctuation trimmed from the words kept around a quantity."""
UNCLASSIFIED_PREFIX = "unclassified_"
"""Metric name prefix of a quantity no rule names; the rest of the name is its unit."""


@dataclass(frozen=True)
class MetricRule:
    """A metric: the units it applies to, regexes on the text before/after the quantity, and how scope is read."""

    metric: str
    units: tuple[str, ...]
    before: str | None = None
    after: str | None = None
    scope: Callable[[Any], str | None] | None = None

    def matches(self, unit: str, before: str, after: str) -> bool:
        """True if the unit is one of this rule's and both context regexes match."""
        return (
            unit in self.units
            and (self.before is None or re.search(self.before, before) is not None)
            and (self.after is None or re.search(self.after, after) is not None)
        )


def first_rule(rules: Iterable[MetricRule], unit: str, before: str, after: str) -> MetricRule | None:
    """The first rule that names a quantity of ``unit`` between ``before`` and ``after``, or None."""
    return next((r for r in rules if r.matches(unit, before, after)), None)


def unclassified_metric(unit: str) -> str:
    """The generic metric of a quantity no rule names: 'unclassified_companies' for a count in 社."""
    return f"{UNCLASSIFIED_PREFIX}{unit}"


def is_unclassified(metric: str) -> bool:
    """True for a generic metric given by :func:`unclassified_metric` (possibly with an ordinal suffix)."""
    return metric.startswith(UNCLASSIFIED_PREFIX)


def context_words(before: str, after: str) -> str:
    """The words around an unclassified quantity, as kept in ``scope``: 'バイオベンチャーなど … が入居'."""
    before, after = (_MARKERS.sub("", t).strip(_EDGE) for t in (before, after))
    words = f"{before} … {after}".strip(" …")
    return words or "…"


def unique_metric(metric: str, taken: set[str]) -> str:
    """``metric``, or ``metric_2``, ``metric_3`` … if it is already taken; records the name chosen.

    Only unclassified metrics can repeat within one key (two counts in 社 that no rule names); the ordinal
    follows the order they are printed in, so the same slide always gives the same names.
    """
    name, n = metric, 1
    while name in taken:
        n += 1
        name = f"{metric}_{n}"
    taken.add(name)
    return name
