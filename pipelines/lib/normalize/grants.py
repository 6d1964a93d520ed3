"""Grant terms: 'N円以内×M年以内' (a yearly cap in yen times a number of years)."""

from __future__ import annotations

import re

from ._grammar import exactly_one
from .money import Money, find_money
from .text import clean_text

_TIMES_YEARS = re.compile(r"[×xX](?P<years>[0-9]{1,4})年(?:以内|間)?")


def find_grant_terms(text: str) -> list[tuple[Money, int]]:
    """Every 'amount×years' term in a passage, in order.

    The money keeps its own qualifier (1億円以内 is 'at_most'); the years are an upper bound when
    written N年以内 (as in :func:`parse_duration_years`), an exact length when written N年 or N年間.

    >>> [(m.yen, y) for m, y in find_grant_terms("1億円以内×2年以内or3000万円以内×2年以内")]
    [(100000000, 2), (30000000, 2)]
    """
    cleaned = clean_text(text)
    terms: list[tuple[Money, int]] = []
    for money in find_money(text):  # spans index clean_text(text)
        times = _TIMES_YEARS.match(cleaned, money.span[1])
        if times is not None and not money.is_new:
            terms.append((money, int(times.group("years"))))
    return terms


def parse_grant_terms(text: str) -> tuple[Money, int]:
    """Exactly one 'N円以内×M年以内' term: (money per year, number of years).

    >>> money, years = parse_grant_terms("3000万円～1億円以内×2年以内")
    >>> (money.qualifier, money.low_yen, money.high_yen, years)
    ('range', 30000000, 100000000, 2)
    """
    return exactly_one(find_grant_terms(text), text, "grant term (amount×years)")
