"""staging.quantities: every number of every page, checked against readings made without the code under test.

* The sample deck of another document (tests/fixtures/decks/jst_regional_programs_2003.pdf), ruled and printed
  without rules, against the quantities a person read off its slides (…quantities.json): value, unit, qualifier
  and labels, and the numbers that are not quantities.
* The bundled deck against a plain regex over pdfplumber's own page text: every number with a unit printed
  on a page is a quantity of that page.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from decimal import Decimal

import pandas as pd
import pdfplumber
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.staging.quantities import Layout, _Cell, build_quantities, table_layout
from pipelines.lib.staging.raw_layer import RawLayer
from pipelines.lib.staging.registry import CURATED, STAGING
from pipelines.lib.tables.extract import extract_document
from tests.lib.staging.helpers import through_duckdb, validate_staging, with_cell_text

DECKS = PROJECT_ROOT / "tests" / "fixtures" / "decks"
JST = DECKS / "jst_regional_programs_2003.pdf"
JST_BORDERLESS = DECKS / "jst_regional_programs_2003_borderless.pdf"  # the same deck printed without rules
HAND_READ = json.loads((DECKS / "jst_regional_programs_2003.quantities.json").read_text(encoding="utf-8"))


def squeeze(text: str | None) -> str:
    """Text compared as a reader compares it: NFKC, no whitespace, one range dash."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).replace("〜", "～").replace("~", "～")


def build_all(raw: RawLayer) -> dict[str, pd.DataFrame]:
    built: dict[str, pd.DataFrame] = {}
    for st in STAGING:  # registry order: the curated tables before staging.quantities
        built[st.name] = st.build(raw, built)
    return built


@pytest.fixture(scope="module", params=[JST, JST_BORDERLESS], ids=["ruled", "borderless"])
def jst_raw(request) -> RawLayer:
    return RawLayer.from_extractions([extract_document(request.param)])


@pytest.fixture(scope="module")
def jst(jst_raw) -> pd.DataFrame:
    return build_all(jst_raw)["quantities"]


@pytest.fixture(scope="module")
def deck(raw_layer) -> dict[str, pd.DataFrame]:
    return build_all(raw_layer)


def _matches(rows: pd.DataFrame, expected: dict) -> pd.DataFrame:
    on_page = rows[
        (rows["source_page"] == expected["page"]) & (rows["raw_text"].map(squeeze) == squeeze(expected["raw_text"]))
    ]
    for label in ("row_label", "column_label"):
        if label in expected:
            on_page = on_page[on_page[label].map(squeeze) == squeeze(expected[label])]
    return on_page


@pytest.mark.parametrize(
    "expected", HAND_READ["quantities"], ids=[f"p{q['page']}-{q['raw_text']}" for q in HAND_READ["quantities"]]
)
def test_every_hand_read_quantity_is_read_with_its_value_unit_qualifier_and_labels(jst, expected):
    found = _matches(jst, expected)
    assert not found.empty, f"no quantity {expected['raw_text']!r} on page {expected['page']} with those labels"
    for row in found.itertuples():
        assert row.value == Decimal(expected["value"])
        assert row.unit == expected["unit"]
        assert row.qualifier == expected["qualifier"]
        assert (None if pd.isna(row.low_value) else row.low_value) == _dec(expected.get("low_value"))
        assert (None if pd.isna(row.high_value) else row.high_value) == _dec(expected.get("high_value"))
        if "row_label" not in expected:  # a text block: no labels
            assert pd.isna(row.row_label) and pd.isna(row.column_label)


def _dec(value):
    return None if value is None else Decimal(value)


def test_the_listed_non_quantities_are_not_read(jst, jst_raw):
    printed = [squeeze(t) for t in jst["raw_text"]]
    assert not [t for t in printed if re.search(r"年度?目|^1(?:地域|件)", t)], "ordinals and rate denominators"
    assert not [t for t in printed if "I期" in t or t in ("(1)", "1")], "list numbers and period names"
    numbers = jst_raw.text_blocks[jst_raw.text_blocks["role"] == "page_number"]
    assert len(numbers) == 3  # a page number on each slide, kept in the raw layer …
    on_numbers = jst.merge(
        numbers, left_on=["source_page", "source_table_id", "source_row"], right_on=["page", "passage_id", "block_idx"]
    )
    assert on_numbers.empty  # … and never read as a quantity
    dashes = jst[(jst["source_page"] == 2) & (jst["source_row"] == 12) & jst["source_col"].isin([4, 5])]
    assert dashes.empty  # '-' in the 15年度 row of 新事業創出研究開発事業: no figure


def test_a_document_of_another_kind_fills_no_curated_table(jst_raw):
    built = build_all(jst_raw)
    assert all(built[st.name].empty for st in CURATED)
    assert built["quantities"]["claimed_by"].isna().all()


def test_the_bundled_decks_quantities_pass_their_suite(deck):
    summary = validate_staging("quantities", through_duckdb(deck["quantities"], "staging.quantities"))
    assert summary.success, summary.describe_failures()


# A number with a unit, as pdfplumber's page text prints it (spaces between glyph groups removed), read by a
# regex written for this test: never a footnote marker (*1), an ordinal (2年度目, 第17回) or a rate (1社あたり).
PLAIN = re.compile(
    r"(?<![0-9*※.,第])(?P<n>[0-9][0-9,.]*)(?P<mult>[万億兆千])?"
    r"(?P<unit>円|%|人|社|件|機関|大学|団体|校|km|年度|年|プロジェクト|地域|箇所)(?!目|当|あたり|度目)"
)


def _glyph_groups_joined(line: str) -> str:
    """pdfplumber's line with the spaces it puts around digits in Japanese text dropped (約 230 万人), but not
    a space between two numbers, which separates table cells (1996年～2001 1999年～)."""
    text = unicodedata.normalize("NFKC", line).replace("〜", "～")
    return re.sub(r"(?<![0-9A-Za-z]) +| +(?![0-9A-Za-z])", "", text)


def test_every_number_with_a_unit_on_a_page_of_the_bundled_deck_is_a_quantity_of_that_page(deck, deck_path):
    quantities = deck["quantities"]
    missing, checked = [], 0
    with pdfplumber.open(deck_path) as pdf:
        for page in pdf.pages:
            lines = [_glyph_groups_joined(line) for line in (page.extract_text() or "").splitlines()]
            read = [squeeze(t) for t in quantities.loc[quantities["source_page"] == page.page_number, "raw_text"]]
            for line in lines:
                for m in PLAIN.finditer(line):
                    token, checked = m.group(0), checked + 1
                    if not any(token in r for r in read):
                        missing.append((page.page_number, token, line))
    assert checked > 150  # the deck prints well over a hundred numbers with a unit (18 of its 28 pages)
    assert missing == []


def test_curated_numbers_are_claimed_and_the_rest_is_not(deck):
    q = deck["quantities"]
    budget = q[q["claimed_by"] == "budget_items"]
    assert len(budget) == len(deck["budget_items"])  # one printed amount per program and fiscal year
    assert set(budget["unit"]) == {"yen"}
    assert len(q[q["claimed_by"] == "program_outcomes"]) == len(deck["program_outcomes"])
    assert len(q[q["claimed_by"] == "cluster_examples"]) == len(deck["cluster_examples"])
    metrics = q[q["claimed_by"] == "cluster_metrics"]
    assert set(metrics["source_table_id"]) == {"overseas_clusters_1", "overseas_clusters_2"}
    # the slide titles, the 平成16年度 of the source lines, a table's header years: printed, but no curated number
    assert q.loc[q["source_table_id"].str.endswith("_text"), "claimed_by"].isna().all()
    header_years = q[(q["source_row"] == 0) & q["source_table_id"].str.startswith("policy_tools")]
    assert list(header_years["value"]) == [Decimal(2005), Decimal(2004)] * 3 and header_years["claimed_by"].isna().all()


def test_labels_of_a_recognised_table(deck):
    q = deck["quantities"]
    amount = q[(q["source_table_id"] == "policy_tools_2") & (q["raw_text"] == "137.2億円")].iloc[0]
    assert (amount.row_label, amount.column_label) == ("地域新生コンソーシアム研究開発事業", "17年度予算")
    policy = q[(q["source_table_id"] == "foreign_policies") & (q["raw_text"] == "約280億円")].iloc[0]
    assert policy.row_label == "中央政府の所管・予算"  # the transposed table's row header
    assert policy.column_label == "ドイツ イノレギオ"  # its header row: country and policy, one per line
    survey = q[(q["source_table_id"] == "survey_results") & (q["raw_text"] == "38.5%")].iloc[0]
    assert survey.row_label == "新たに連携が始まった企業" and pd.isna(survey.column_label)  # no header row


def test_quantity_ids_are_unique_and_say_where(deck):
    q = deck["quantities"]
    assert q["quantity_id"].is_unique
    row = q[(q["source_table_id"] == "survey_results") & (q["raw_text"] == "133件")].iloc[0]
    assert row.quantity_id == "p20:survey_results:r3c1:q0"


def test_a_garbled_cell_stops_with_the_cell_named(raw_layer):
    broken = with_cell_text(raw_layer, "policy_tools_1", 1, 3, "補助金(約1?0億円)")
    with pytest.raises(CellValueError, match=r"page 10, table policy_tools_1, cell r1c3"):
        build_quantities(broken, {})


def _cells(grid: list[list[str]], fills: set[tuple[int, int]] = frozenset()) -> list[list[_Cell]]:
    return [[_Cell(r, c, t, (r, c) in fills) for c, t in enumerate(row)] for r, row in enumerate(grid)]


def _found(grid):
    from pipelines.lib.normalize import find_quantities

    return {(r, c): find_quantities(t, context_era="平成") for r, row in enumerate(grid) for c, t in enumerate(row)}


@pytest.mark.parametrize(
    ("grid", "fills", "layout"),
    [
        ([["制度名", "年度", "予算"], ["A事業", "14年度", "86億円"]], set(), Layout(1, (0,))),
        ([["新たに連携が始まった企業", "38.5%"], ["第二創業を行った企業", "18.9%"]], set(), Layout(0, (0,))),
        ([["国", "地域", "分野", "人口"], ["米国", "ボストン", "バイオ", "約70万人"]], set(), Layout(1, (0, 1))),
        ([["年度", "予算"], ["2004年度", "10億円"], ["2005年度", "12億円"]], set(), Layout(1, (0,))),
        (
            [["事業", "予算", "予算"], ["", "16年度", "17年度"], ["A", "10億円", "12億円"]],
            {(0, 2)},
            Layout(2, (0,)),
        ),
    ],
    ids=["header_row", "transposed_without_header", "two_label_columns", "years_label_the_rows", "grouped_header"],
)
def test_table_layout(grid, fills, layout):
    assert table_layout(_cells(grid, fills), _found(grid)) == layout


def test_a_column_that_declares_its_unit_types_bare_numbers(jst_raw):
    cells = jst_raw.table_cells
    table_id = cells["table_id"].iloc[0]
    raw = with_cell_text(jst_raw, table_id, 0, 4, "予算(百万円)")
    raw = with_cell_text(raw, table_id, 1, 4, "8,650")
    q = build_quantities(raw, {})
    cell = q[(q["source_row"] == 1) & (q["source_col"] == 4)].iloc[0]
    assert (cell.value, cell.unit, cell.raw_text, cell.column_label) == (
        Decimal(8_650_000_000),
        "yen",
        "8,650",
        "予算(百万円)",
    )
    raw = dataclasses.replace(
        raw, table_cells=raw.table_cells.assign(text=raw.table_cells["text"].replace("予算(百万円)", "予算"))
    )
    untyped = build_quantities(raw, {})
    assert untyped[(untyped["source_row"] == 1) & (untyped["source_col"] == 4)]["unit"].tolist() == ["number"]


def test_a_counter_after_a_bound_phrase_and_a_titles_edition_in_a_table_cell(jst_raw):
    table_id = jst_raw.table_cells["table_id"].iloc[0]
    raw = with_cell_text(jst_raw, table_id, 1, 2, "200を超える大学と50余りの地域")
    raw = with_cell_text(raw, table_id, 3, 2, "「地域経済レポート2003」では全国19のプロジェクト")
    q = build_quantities(raw, {})
    cells = q[q["source_row"].isin([1, 3]) & (q["source_col"] == 2)]
    program, small_firms = (
        f"地域新生コンソーシアム研究開発事業{kind}(経済産業省)" for kind in ("一般枠", "中小企業枠")
    )
    assert [
        (r.source_row, r.value, r.unit, r.qualifier, r.raw_text, r.row_label, r.column_label)
        for r in cells.itertuples()
    ] == [
        (1, Decimal(200), "universities", "at_least", "200を超える大学", program, "1件当り事業規模"),
        (1, Decimal(50), "地域", "at_least", "50余りの地域", program, "1件当り事業規模"),
        (3, Decimal(19), "プロジェクト", "exact", "19のプロジェクト", small_firms, "1件当り事業規模"),  # 2003: a name
    ]
