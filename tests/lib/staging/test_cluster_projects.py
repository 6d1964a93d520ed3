"""staging.cluster_projects from the 注 lists under the 発展戦略と課題 tables (pp.24-27), read off the PDF."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipelines.lib.errors import CellValueError
from pipelines.lib.schema import table
from pipelines.lib.staging.cluster_projects import build_cluster_projects, parse_entry, split_entries
from tests.lib.staging.helpers import through_duckdb, validate_staging

DOC = "meti_cluster_seminar_2005"

# field -> {project_name: region}, read from the 注 lines of slides 24-27.
EXPECTED = {
    "ものづくり": {
        "未来型ものづくり産業プロジェクト": "東北",
        "地域産業活性化プロジェクト": "関東",
        "東海ものづくり創生プロジェクト": "中部",
        "北陸ものづくり創生プロジェクト": "中部",
        "ものづくり元気企業支援プロジェクト": "近畿",
        "中国機械産業新生プロジェクト": "中国",
        "四国テクノブリッジ計画": "四国",
        "九州シリコン・クラスター計画": "九州",
        "OKINAWA型産業振興プロジェクト": "沖縄",
    },
    "バイオ": {
        "北海道スーパー・クラスター振興戦略": "北海道",
        "バイオベンチャーの育成": "関東",
        "東海バイオものづくり創生プロジェクト": "中部",
        "近畿バイオ関連産業プロジェクト": "近畿",
    },
    "IT": {
        "北海道スーパー・クラスター振興戦略": "北海道",
        "情報ベンチャーの育成": "関東",
        "情報系クラスター振興プロジェクト": "近畿",
        "九州シリコン・クラスター計画": "九州",
    },
    "環境": {
        "循環型社会対応産業振興プロジェクト": "東北",
        "近畿エネルギー・環境高度化推進プロジェクト": "近畿",
        "循環型産業形成プロジェクト": "中国",
        "九州地域環境・リサイクル産業交流プラザ(K-RIP)": "九州",
    },
}
PAGES = {"ものづくり": 24, "バイオ": 25, "IT": 26, "環境": 27}


@pytest.fixture(scope="module")
def projects(raw_layer):
    return build_cluster_projects(raw_layer)


@pytest.mark.parametrize("field", list(EXPECTED))
def test_projects_of_each_field(projects, field):
    rows = projects[(projects["document_id"] == DOC) & (projects["field"] == field)]
    assert dict(zip(rows["project_name"], rows["region"], strict=True)) == EXPECTED[field]
    assert set(rows["source_page"]) == {PAGES[field]}


def test_nineteen_projects_of_the_plan(projects):
    assert len(projects) == 21
    assert projects["project_name"].nunique() == 19
    assert list(projects.columns) == table("staging.cluster_projects").column_names


def test_hokkaido_is_one_project_with_its_sub_cluster_kept_in_raw_text(projects):
    rows = projects[projects["project_name"] == "北海道スーパー・クラスター振興戦略"].set_index("field")
    assert rows.loc["バイオ", "raw_text"] == "北海道スーパー・クラスター振興戦略(バイオ産業クラスター)"
    assert rows.loc["IT", "raw_text"] == "北海道スーパー・クラスター振興戦略(情報産業クラスター)"


def test_prefix_kept_in_raw_text(projects):
    r = projects[(projects["field"] == "環境") & (projects["project_name"] == "循環型産業形成プロジェクト")].iloc[0]
    assert r["raw_text"] == "(中国)循環型産業形成プロジェクト"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("(東北)未来型ものづくり産業プロジェクト", ("未来型ものづくり産業プロジェクト", "東北")),
        ("東海ものづくり創生プロジェクト", ("東海ものづくり創生プロジェクト", "中部")),
        ("北陸ものづくり創生プロジェクト", ("北陸ものづくり創生プロジェクト", "中部")),
        ("OKINAWA型産業振興プロジェクト", ("OKINAWA型産業振興プロジェクト", "沖縄")),
        ("九州地域環境・リサイクル産業交流プラザ(K-RIP)", ("九州地域環境・リサイクル産業交流プラザ(K-RIP)", "九州")),
        ("北海道スーパー・クラスター振興戦略(情報産業クラスター)", ("北海道スーパー・クラスター振興戦略", "北海道")),
        ("未知のプロジェクト", ("未知のプロジェクト", None)),
    ],
)
def test_parse_entry(entry, expected):
    assert parse_entry(entry) == expected


def test_split_entries_ignores_commas_in_brackets():
    assert split_entries("(関東)A、B(x、y)、C") == ["(関東)A", "B(x、y)", "C"]


def _note_index(raw, table_id: str) -> int:
    a = raw.table_annotations
    hit = a.index[(a["table_id"] == table_id) & (a["kind"] == "note")]
    assert len(hit) == 1
    return int(hit[0])


def test_garbled_project_count_names_document_page_table_note_and_text(raw_layer):
    notes = raw_layer.table_annotations.copy()
    i = _note_index(raw_layer, "field_strategy_manufacturing")
    notes.loc[i, "text"] = str(notes.loc[i, "text"]).replace("の9プロジェクト", "の?プロジェクト")
    with pytest.raises(CellValueError) as err:
        build_cluster_projects(dataclasses.replace(raw_layer, table_annotations=notes))
    msg = str(err.value)
    for part in (DOC, "page 24", "field_strategy_manufacturing", f"note {int(notes.loc[i, 'seq'])}", "の?プロジェクト"):
        assert part in msg


def test_list_shorter_than_its_count_fails(raw_layer):
    notes = raw_layer.table_annotations.copy()
    i = _note_index(raw_layer, "field_strategy_it")
    notes.loc[i, "text"] = str(notes.loc[i, "text"]).replace("、九州シリコン・クラスター計画", "")
    with pytest.raises(
        CellValueError, match=r"page 26, table field_strategy_it, .*3 projects listed but the note says 4"
    ):
        build_cluster_projects(dataclasses.replace(raw_layer, table_annotations=notes))


def test_suite_passes_on_the_deck(projects):
    summary = validate_staging("cluster_projects", through_duckdb(projects, "staging.cluster_projects"))
    assert summary.success, summary.describe_failures()


@pytest.mark.parametrize(
    ("corrupt", "failing"),
    [
        (lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True), "expect_compound_columns_to_be_unique"),
        (lambda d: d.assign(project_name=d["raw_text"]), "expect_column_values_to_not_match_regex"),
        (lambda d: d.assign(region=d["region"].replace("中部", "東海")), "expect_column_values_to_be_in_set"),
        (lambda d: d.assign(source_page=2099), "be_between"),
    ],
    ids=["duplicate_key", "sub_cluster_in_name", "non_bureau_region", "page_2099"],
)
def test_suite_fails_on_corrupted_copies(projects, corrupt, failing):
    summary = validate_staging("cluster_projects", through_duckdb(corrupt(projects.copy()), "staging.cluster_projects"))
    assert not summary.success
    assert any(failing in f.expectation for f in summary.failures), summary.describe_failures()
