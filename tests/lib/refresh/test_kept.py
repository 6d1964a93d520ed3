"""Kept per-document work: found again only under its key, one entry per document, gone with its document; and the
fingerprint of a document's rows, taken where they are stored, follows their contents and nothing else."""

import duckdb
import pandas as pd

from pipelines.lib.refresh.kept import NO_ROWS, KeptWork, document_fingerprints, work_key
from pipelines.lib.schema import table
from pipelines.lib.warehouse.build import write_table

PLANS = table("staging.plan_periods")


def test_work_is_found_only_under_the_key_it_was_kept_with(tmp_path):
    kept = KeptWork(tmp_path / "kept")
    kept.save("charts", "deck", "k1", ["svg of k1"])
    assert kept.load("charts", "deck", "k1") == ["svg of k1"]
    assert kept.load("charts", "deck", "k2") is None
    assert kept.load("charts", "other", "k1") is None
    assert kept.load("crops", "deck", "k1") is None
    kept.save("charts", "deck", "k2", ["svg of k2"])  # the document's new work replaces its old
    assert kept.load("charts", "deck", "k1") is None
    assert [p.name for p in (tmp_path / "kept" / "charts" / "deck").iterdir()] == ["k2.pkl"]


def test_by_document_computes_only_what_it_does_not_hold_and_prunes_documents_gone(tmp_path):
    kept = KeptWork(tmp_path)
    asked: list[list[str]] = []

    def compute(documents):
        asked.append(list(documents))
        return {d: [] if d == "b" else f"work of {d}" for d in documents}  # an empty result is a result too

    first = kept.by_document("checks", {"a": "ka", "b": "kb"}, compute)
    assert (first.recomputed, first.reused, first.results) == (["a", "b"], [], {"a": "work of a", "b": []})
    again = kept.by_document("checks", {"a": "ka", "b": "kb", "c": "kc"}, compute)
    assert (again.recomputed, again.reused) == (["c"], ["a", "b"])
    assert again.in_order() == ["work of a", [], "work of c"]
    changed = kept.by_document("checks", {"a": "ka2", "c": "kc"}, compute)  # a changed, b left the folder
    assert (changed.recomputed, changed.reused) == (["a"], ["c"])
    assert asked == [["a", "b"], ["c"], ["a"]]
    assert sorted(p.name for p in (tmp_path / "checks").iterdir()) == ["a", "c"]


def test_a_key_is_every_part_in_order():
    assert work_key("code 1", "rows x") == work_key("code 1", "rows x")
    assert work_key("code 1", "rows x") != work_key("code 2", "rows x")
    assert work_key("a", "b") != work_key("b", "a")


def _plans(*rows):
    return pd.DataFrame([{c: None for c in PLANS.column_names} | r for r in rows], columns=PLANS.column_names)


def test_a_documents_fingerprint_follows_its_rows_only():
    con = duckdb.connect()
    a1 = {"document_id": "a", "period": 1, "label": "第Ⅰ期", "start_year": 2001}
    a2 = {"document_id": "a", "period": 2, "label": "第Ⅱ期", "start_year": 2006}
    b1 = {"document_id": "b", "period": 1, "label": "第Ⅰ期", "start_year": 2001}
    assert document_fingerprints(con, PLANS, ["a"]) == {"a": NO_ROWS}  # no table yet
    write_table(con, PLANS, _plans(a1, a2, b1))
    first = document_fingerprints(con, PLANS, ["a", "b", "c"])
    assert first["c"] == NO_ROWS and first["a"] != first["b"] and NO_ROWS not in (first["a"], first["b"])
    write_table(con, PLANS, _plans(b1, a2, a1))  # other order, same rows
    assert document_fingerprints(con, PLANS, ["a", "b", "c"]) == first
    con.execute("UPDATE staging.plan_periods SET start_year = 2007 WHERE period = 2")  # a hand edit of a
    edited = document_fingerprints(con, PLANS, ["a", "b"])
    assert edited["a"] != first["a"] and edited["b"] == first["b"]
    assert set(document_fingerprints(con, PLANS)) == {"a", "b"}  # without a list: every document it holds


def test_a_document_id_that_is_no_plain_file_name_keeps_its_work_inside_its_kind(tmp_path):
    kept = KeptWork(tmp_path / "kept")
    for odd in ("..", ".", "../../escape", "資料 2005 (改訂)"):
        kept.save("charts", odd, "k", odd)
        assert kept.load("charts", odd, "k") == odd
    inside = tmp_path / "kept" / "charts"
    assert all(p.resolve().is_relative_to(inside) for p in (tmp_path / "kept").rglob("*.pkl"))
    assert len(list(inside.iterdir())) == 4
    kept.prune("charts", ["資料 2005 (改訂)"])
    assert [kept.load("charts", d, "k") for d in ("..", "資料 2005 (改訂)")] == [None, "資料 2005 (改訂)"]
