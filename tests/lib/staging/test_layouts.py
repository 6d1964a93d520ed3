"""Layouts a re-issue brings, on the bundled deck's raw layer reshaped as a re-issue would print it: a table split
over another slide, columns added, a header row and value columns added to the transposed survey table, and a
budget table printing its own change. Expected values are the deck's own (read off its slides in the other
tests); the reshaping only moves them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pipelines.lib.staging.layouts import tables_missing_columns, unmapped_columns
from pipelines.lib.staging.overseas_clusters import build_overseas_clusters
from pipelines.lib.staging.printed_changes import printed_change_disagreements
from pipelines.lib.staging.program_outcomes import build_program_outcomes
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import STAGING
from tests.lib.staging.helpers import through_duckdb, validate_staging

DOC = "meti_cluster_seminar_2005"


def _cells(raw: RawLayer, table_id: str) -> pd.DataFrame:
    return raw.table_cells[raw.table_cells["table_id"] == table_id]


def _with_table(raw: RawLayer, table_id: str, grid: list[list[str]], *, like: str, page: int | None = None) -> RawLayer:
    """The raw layer with ``table_id`` holding ``grid`` (a new table copies the family and title of ``like``)."""
    template = raw.tables[raw.tables["table_id"] == like].iloc[0]
    row = template.to_dict() | {"table_id": table_id, "n_rows": len(grid), "n_cols": len(grid[0])}
    row["page"] = page if page is not None else int(template["page"])
    tables = pd.concat([raw.tables[raw.tables["table_id"] != table_id], pd.DataFrame([row])], ignore_index=True)
    cells = [
        {"document_id": DOC, "table_id": table_id, "page": row["page"], "row_idx": r, "col_idx": c, "text": text}
        | {"is_merged_fill": False, "x0": 0.0, "top": 0.0, "x1": 1.0, "bottom": 1.0}
        for r, line in enumerate(grid)
        for c, text in enumerate(line)
    ]
    others = raw.table_cells[raw.table_cells["table_id"] != table_id]
    return dataclasses.replace(
        raw, tables=tables, table_cells=pd.concat([others, pd.DataFrame(cells)], ignore_index=True)
    )


def test_a_table_split_over_two_slides_gives_the_same_clusters_keyed_by_region(raw_layer):
    grid = raw_layer.grid(DOC, "overseas_clusters_1")
    split = _with_table(raw_layer, "overseas_clusters_1", grid[:4], like="overseas_clusters_1")
    split = _with_table(split, "overseas_clusters_p9", [grid[0], *grid[4:]], like="overseas_clusters_1", page=9)
    before, after = build_overseas_clusters(raw_layer), build_overseas_clusters(split)
    moved = after["source_table_id"] == "overseas_clusters_p9"
    assert sorted(after.loc[moved, "cluster_id"]) == [
        "ケンブリッジ",
        "リサーチトライアングル・パーク(ノースカロライナ州)",
        "北東イングランド",
    ]
    provenance = ["source_page", "source_table_id", "source_row"]
    assert_frame_equal(after.drop(columns=provenance), before.drop(columns=provenance))


def test_an_extra_column_is_reported_and_never_read_into_a_field(raw_layer):
    grid = raw_layer.grid(DOC, "overseas_clusters_2")
    wider = [[*row[:3], "備考" if r == 0 else f"メモ{r}", *row[3:]] for r, row in enumerate(grid)]
    raw = _with_table(raw_layer, "overseas_clusters_2", wider, like="overseas_clusters_2")
    assert unmapped_columns(raw) == [
        {
            "where": f"{DOC}.pdf, page 4, table overseas_clusters_2",
            "column": 3,
            "header": "備考",
            "family": "overseas_clusters",
        }
    ]
    got = build_overseas_clusters(raw).set_index("cluster_id")
    assert not got.isin([f"メモ{r}" for r in range(1, 6)]).any().any()
    assert_frame_equal(got, build_overseas_clusters(raw_layer).set_index("cluster_id"))
    assert unmapped_columns(raw_layer) == [] and tables_missing_columns(raw_layer) == []


def test_a_table_without_its_key_column_is_named_when_kept_unrecognised(raw_layer):
    grid = raw_layer.grid(DOC, "overseas_clusters_2")
    renamed = [["国", "都市", *grid[0][2:]], *grid[1:]]  # 地域 printed as a word no wording of region knows
    raw = _with_table(raw_layer, "unrecognised_x", renamed, like="overseas_clusters_2")
    raw = dataclasses.replace(
        raw,
        tables=raw.tables.assign(
            family=raw.tables["family"].mask(raw.tables["table_id"] == "unrecognised_x", "unrecognised")
        ),
    )
    [found] = tables_missing_columns(raw)
    assert found["where"] == f"{DOC}.pdf, page 4, table unrecognised_x" and found["family"] == "overseas_clusters"
    assert list(found["missing"]) == ["region"] and "地域" in found["missing"]["region"]


SURVEY = [
    ["新たに連携が始まった企業", "38.5%"],
    ["新事業を開始した企業", "58.7%"],
    ["第二創業を行った企業", "18.9%"],
    ["大学発ベンチャー累計", "133件"],
]


def _survey(raw: RawLayer, grid: list[list[str]]) -> pd.DataFrame:
    staged = build_program_outcomes(_with_table(raw, "survey_results", grid, like="survey_results"))
    return staged[staged["source_table_id"] == "survey_results"].set_index("metric")


def test_a_count_beside_each_share_is_told_apart_by_its_unit(raw_layer):
    counts = ["約890社", "約1,360社", "約440社", "—"]  # as the re-issue prints them: no header row
    got = _survey(raw_layer, [[*row, n] for row, n in zip(SURVEY, counts, strict=True)])
    assert got.loc["new_collaboration_pct", "value"] == 38.5 and got.loc["new_collaboration_pct", "source_col"] == 1
    assert got.loc["new_collaboration_companies", ["value", "unit", "qualifier"]].tolist() == [
        890.0,
        "companies",
        "approx",
    ]
    assert got.loc["second_founding_companies", "source_col"] == 2
    assert "university_ventures_companies" not in got.index  # '—': no count printed
    raw = _with_table(
        raw_layer, "survey_results", [[*row, n] for row, n in zip(SURVEY, counts, strict=True)], like="survey_results"
    )
    assert unmapped_columns(raw) == [
        {
            "where": f"{DOC}.pdf, page 20, table survey_results",
            "column": 2,
            "header": None,
            "read": "read as companies by its unit",
            "family": "survey_results",
        }
    ]


def test_a_header_row_names_this_survey_and_the_previous_one(raw_layer):
    previous = ["30.2%", "55.1%", "15.0%", "98件"]
    grid = [["項目", "今回調査", "前回調査"], *([*row, p] for row, p in zip(SURVEY, previous, strict=True))]
    got = _survey(raw_layer, grid)
    assert got.loc["new_business_pct", "value"] == 58.7 and got.loc["new_business_pct", "source_row"] == 2
    assert got.loc["new_business_pct_previous", ["value", "unit"]].tolist() == [55.1, "percent"]
    assert got.loc["university_ventures_total_previous", ["value", "unit"]].tolist() == [98.0, "cases"]
    summary = validate_staging("program_outcomes", through_duckdb(got.reset_index(), "staging.program_outcomes"))
    assert summary.success, summary.describe_failures()
    raw = _with_table(raw_layer, "survey_results", grid, like="survey_results")
    from pipelines.lib.staging.completeness import missing_records

    covers = next(st.covers for st in STAGING if st.name == "program_outcomes")
    staged = build_program_outcomes(raw)
    assert missing_records(raw.tables, raw.table_cells, staged, covers) == []  # the header row is no record


def _budget_with_change(raw: RawLayer, printed: list[str]) -> RawLayer:
    grid = raw.grid(DOC, "policy_tools_2")
    wider = [[*row[:3], "対前年度比" if r == 0 else printed[r - 1], row[3]] for r, row in enumerate(grid)]
    return _with_table(raw, "policy_tools_2", wider, like="policy_tools_2")


@pytest.mark.parametrize(
    ("printed", "disagree"),
    [
        (["120.1%", "104.6%"], []),  # 137.2 / 114.2 and 64.1 / 61.3, as the current year over the previous
        (["20.1%", "4.6%"], []),  # or as the change in percent
        (["23.0億円", "▲2.8億円"], ["cell r2c3"]),  # the second is printed with the wrong sign
        (["120.1%", "110.0%"], ["cell r2c3"]),  # an arithmetic error of the source
    ],
)
def test_a_printed_change_is_compared_with_the_two_fiscal_years(raw_layer, printed, disagree):
    raw = _budget_with_change(raw_layer, printed)
    built: dict = {}
    for st in STAGING:
        built[st.name] = st.build(raw, built)
    found = printed_change_disagreements(built["budget_items"], built["quantities"])
    assert [f["where"].rsplit(", ", 1)[1] for f in found] == disagree
    change = built["quantities"][built["quantities"]["column_label"] == "対前年度比"]
    assert len(change) == 2 and set(change["row_label"]) == {
        "地域新生コンソーシアム研究開発事業",
        "地域新規産業創造技術開発費補助金",
    }
    assert change["claimed_by"].isna().all()  # no curated table holds a printed change
    first = Decimal(printed[0].rstrip("%億円"))
    assert Decimal(change.iloc[0]["value"]) == (first if printed[0].endswith("%") else first * 10**8)
