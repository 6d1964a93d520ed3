"""Staging rows as a DataFrame typed from the table's registry entry, so every builder stores exactly alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from pipelines.lib.schema import Table


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def typed_frame(rows: Sequence[Mapping[str, Any]], spec: Table) -> pd.DataFrame:
    """A frame with exactly the registry's columns, in order, with dtypes that DuckDB stores exactly.

    INTEGER/BIGINT -> Int64, DOUBLE -> float64, DECIMAL -> decimal.Decimal objects, BOOLEAN -> bool
    (boolean if it holds nulls), VARCHAR -> str. None, NaN and pd.NA are all missing (never the text 'nan').
    """
    df = pd.DataFrame(list(rows), columns=spec.column_names)
    for col in spec.columns:
        kind = col.type.upper()
        s = df[col.name]
        if kind in ("INTEGER", "BIGINT"):
            df[col.name] = s.astype("Int64")
        elif kind == "DOUBLE":
            df[col.name] = s.astype("float64")
        elif kind.startswith("DECIMAL"):
            df[col.name] = pd.Series(
                [None if _missing(v) else v if isinstance(v, Decimal) else Decimal(str(v)) for v in s],
                index=df.index,
                dtype=object,
            )
        elif kind == "BOOLEAN":
            df[col.name] = s.astype("boolean" if s.isna().any() else "bool")
        else:
            df[col.name] = pd.Series([None if _missing(v) else str(v) for v in s], index=df.index, dtype="str")
    return df
