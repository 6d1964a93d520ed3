"""Units for table headers, derived from a column's name, DuckDB type and registry description.

The registry (pipelines/lib/schema.py) states every unit in words; these rules turn that into the short
Japanese unit a reader expects in a header (億円, 人, 社, …). A numeric column no rule matches has no unit,
which the report tests treat as an error for every mart.
"""

from __future__ import annotations

import re

NUMERIC_TYPES = ("DECIMAL", "DOUBLE", "FLOAT", "REAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT")

# (column-name pattern, description pattern, unit): first match wins. Patterns are case-insensitive.
RULES: tuple[tuple[str, str, str], ...] = (
    (r"oku_yen_per_year$", r"", "億円/年"),
    (r"(^|_)oku_yen$", r"", "億円"),
    (r"(^|_)yen$", r"", "円"),
    (r"_pct$", r"", "%"),
    (r"_km2$", r"", "km²"),
    (r"fiscal_year$", r"", "年度"),
    (r"_years$", r"^(years|number of years)", "年間"),
    (r"(^|_)years?$", r"", "年"),
    (r"", r"\bpersons\b", "人"),
    (r"", r"^companies\b", "社"),
    (r"^programs$", r"", "件"),
    (r"", r"^municipalities\b", "団体"),
    (r"", r"\binstitutions\b", "機関"),
)


def is_numeric(type_: str) -> bool:
    """True for DuckDB numeric types and lists of them (INTEGER[])."""
    base = type_.upper().removesuffix("[]")
    return base.startswith(NUMERIC_TYPES)


def column_unit(name: str, type_: str, description: str) -> str | None:
    """The unit shown in a header, or None for text, flags and ids."""
    if not is_numeric(type_):
        return None
    for name_pattern, description_pattern, unit in RULES:
        if name_pattern and not re.search(name_pattern, name, re.IGNORECASE):
            continue
        if description_pattern and not re.search(description_pattern, description, re.IGNORECASE):
            continue
        return unit
    return None
