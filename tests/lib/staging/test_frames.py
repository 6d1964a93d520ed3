"""typed_frame: staging rows typed from the registry, missing values kept missing."""

from decimal import Decimal

import numpy as np
import pandas as pd

from pipelines.lib.schema import Column, Table
from pipelines.lib.staging.frames import typed_frame

SPEC = Table(
    schema="staging",
    name="example",
    description="test table",
    columns=(
        Column("label", "VARCHAR", "text"),
        Column("count", "INTEGER", "a count"),
        Column("share", "DOUBLE", "a share"),
        Column("amount", "DECIMAL(12,1)", "money"),
        Column("flag", "BOOLEAN", "a flag"),
    ),
    key=("label",),
)


def test_columns_come_in_registry_order_and_missing_keys_are_null():
    df = typed_frame([{"flag": True, "label": "a"}], SPEC)
    assert list(df.columns) == ["label", "count", "share", "amount", "flag"]
    assert pd.isna(df.loc[0, "count"]) and pd.isna(df.loc[0, "share"]) and df.loc[0, "amount"] is None


def test_every_kind_of_missing_text_stays_missing_never_the_word_nan():
    rows = [{"label": v, "flag": False} for v in (None, np.nan, pd.NA, float("nan"), "nan-free text")]
    df = typed_frame(rows, SPEC)
    assert df["label"].isna().tolist() == [True, True, True, True, False]
    assert "nan" not in df["label"].dropna().tolist() and "None" not in df["label"].dropna().tolist()


def test_numbers_and_money_get_exact_types():
    df = typed_frame([{"label": "x", "count": 3, "share": 1, "amount": 137.2, "flag": True}], SPEC)
    assert str(df["count"].dtype) == "Int64" and df["share"].dtype == "float64"
    assert df.loc[0, "amount"] == Decimal("137.2")  # via str(): never the binary float 137.19999…
    assert df["flag"].dtype == bool


def test_missing_money_and_flags_stay_missing():
    df = typed_frame([{"label": "x", "amount": np.nan, "flag": None}, {"label": "y", "flag": True}], SPEC)
    assert df["amount"].tolist() == [None, None]
    assert str(df["flag"].dtype) == "boolean" and pd.isna(df.loc[0, "flag"])
