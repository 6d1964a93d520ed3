"""staging.regional_policy_laws against 地域開発手法の変遷 (page 2), read by hand from the PDF."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.regional_policy_laws import build_regional_policy_laws
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_block_text

DOC = "meti_cluster_seminar_2005"
ERA1 = "産業の地方分散・拠点開発"
ERA2 = "空洞化防止と新規成長分野の発展支援"


@pytest.fixture(scope="module")
def laws(raw_layer):
    return build_regional_policy_laws(raw_layer)


# Read off page 2: law, start, end (None: open), era, era start, era end.
EXPECTED = [
    ("工業再配置促進法", 1972, None, ERA1, 1970, 1999),
    ("テクノポリス法", 1983, 1998, ERA1, 1970, 1999),
    ("頭脳立地法", 1988, 1998, ERA1, 1970, 1999),
    ("地方拠点法", 1992, None, ERA1, 1970, 1999),
    ("特定産業集積活性化法", 1997, None, ERA2, 1990, None),
    ("新事業創出促進法", 1998, None, ERA2, 1990, None),
]


def _na(v):
    return None if pd.isna(v) else int(v)


@pytest.mark.parametrize(("law", "start", "end", "era", "era_start", "era_end"), EXPECTED)
def test_values_read_from_the_pdf(laws, law, start, end, era, era_start, era_end):
    hit = laws[laws["law_name"] == law]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert (row["start_year"], _na(row["end_year"])) == (start, end)
    assert (row["era"], row["era_start_year"], _na(row["era_end_year"])) == (era, era_start, era_end)
    assert row["source_page"] == 2
    assert row["document_id"] == DOC


def test_raw_text_is_the_bullet_line(laws):
    row = laws[laws["law_name"] == "頭脳立地法"].iloc[0]
    assert row["raw_text"] == "・頭脳立地法(88年から98年)"


def test_shape_and_no_programme_row(laws):
    assert list(laws.columns) == table("staging.regional_policy_laws").column_names
    assert len(laws) == 6
    assert "産業クラスター計画" not in set(laws["law_name"])  # a programme, not a law
    keys = laws[["document_id", "law_name"]].values.tolist()
    assert keys == sorted(keys)


def test_garbled_law_years_name_the_block(raw_layer):
    bad = with_block_text(raw_layer, "regional_development", 1, "(83年～98年)", "(8?年～98年)")
    with pytest.raises(CellValueError) as err:
        build_regional_policy_laws(bad)
    msg = str(err.value)
    for part in (DOC, "page 2", "regional_development", "block 1", "8?年～98年"):
        assert part in msg


def test_garbled_era_label_names_the_block(raw_layer):
    bad = with_block_text(raw_layer, "regional_development", 2, "(1990年代半ば～)", "(19??年代)")
    with pytest.raises(CellValueError, match=r"page 2, table regional_development, cell block 2"):
        build_regional_policy_laws(bad)


def test_suite_passes_after_duckdb(laws):
    result = validate_staging("regional_policy_laws", through_duckdb(laws, "staging.regional_policy_laws"))
    assert result.success, result.describe_failures()


@pytest.mark.parametrize(
    ("column", "value", "failing"),
    [
        ("start_year", 2099, "expect_column_values_to_be_between"),
        ("law_name", "頭脳立地法", "expect_compound_columns_to_be_unique"),
        ("end_year", 1900, "expect_column_pair_values_a_to_be_greater_than_b"),
    ],
)
def test_suite_fails_on_corrupted_data(laws, column, value, failing):
    stored = through_duckdb(laws, "staging.regional_policy_laws")
    stored.loc[stored["law_name"] == "テクノポリス法", column] = value
    result = validate_staging("regional_policy_laws", stored)
    assert not result.success
    assert failing in {f.expectation for f in result.failures}
