"""Parsing of Japanese quantities in the 2005 METI deck 「産業クラスター計画の現状と課題」.

Money (568億円, 3000万円～1億円以内, (新規)), counts (約230万人, 59の研究機関), areas (約5キロ四方),
percentages (回収率約40%), years (83年～98年, 1990年代半ば, 平成13～15年度) and durations (6年間).
Every public function takes raw pdfplumber text and cleans it with :func:`clean_text` first;
spans index into that cleaned text. Anything unreadable raises :class:`NormalizeError` (a
ValueError carrying ``.text``), and nothing is guessed silently.

Why a small grammar of our own rather than a library:

* kanjize converts through float, so ``4.35兆`` comes back as 4349999999999.9995; here every
  amount is ``decimal.Decimal`` and 4.35兆円 is exactly 4_350_000_000_000 yen.
* jaconv's ``normalize`` turns ``～`` into ``ー``, which destroys ranges such as 2001～5.
* plain NFKC maps ``～`` to ASCII ``~`` and leaves ``〜`` alone, so the two range connectors drift
  apart; :func:`clean_text` normalises everything else and writes both as ``～``.

Only the standard library is used (``unicodedata``, ``re``, ``decimal``, ``dataclasses``); this
package never imports dagster.
"""

from ._grammar import Qualifier
from .area import Area, find_areas, parse_area
from .counts import Count, find_counts, parse_count
from .dating import document_era, document_year
from .errors import NormalizeError
from .grants import find_grant_terms, parse_grant_terms
from .money import Money, find_money, parse_money
from .percent import Percent, find_percents, parse_percent
from .quantities import Quantity, UnitHint, declared_unit, find_quantities, unit_hint
from .text import clean_text, find_garble, split_footnotes
from .years import PIVOT, YearSpan, find_years, fiscal_year, parse_duration_years, parse_years

__all__ = [
    "PIVOT",
    "Area",
    "Count",
    "Money",
    "NormalizeError",
    "Percent",
    "Qualifier",
    "Quantity",
    "UnitHint",
    "YearSpan",
    "clean_text",
    "declared_unit",
    "document_era",
    "document_year",
    "find_areas",
    "find_counts",
    "find_garble",
    "find_grant_terms",
    "find_money",
    "find_percents",
    "find_quantities",
    "find_years",
    "fiscal_year",
    "parse_area",
    "parse_count",
    "parse_duration_years",
    "parse_grant_terms",
    "parse_money",
    "parse_percent",
    "parse_years",
    "split_footnotes",
    "unit_hint",
]
