"""Data Docs rendered incrementally: a document's validation pages are rendered once and kept, and a site built from
kept pages is, file for file, the site a full render of the same results gives."""

import json
import re

import pandas as pd

from pipelines.lib.refresh.kept import KeptWork, work_key
from pipelines.lib.validation.suites import load_suite
from pipelines.lib.validation.validate import Batch, render_data_docs, validate_frame
from pipelines.lib.validation.validation_results import ValidationResults

SUITE = {
    "name": "s",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "program"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "oku_yen", "min_value": 0}},
    ],
}
A = pd.DataFrame({"program": ["地域新生コンソーシアム研究開発事業"], "oku_yen": [137.2]})
B = pd.DataFrame({"program": ["起業家育成施設の整備", None], "oku_yen": [23.0, 5.0]})


def batches(tmp_path, frames: dict[str, pd.DataFrame], results: ValidationResults) -> tuple[list[Batch], dict]:
    """Each document's batch of suite s, validated once with its result kept (as the staging checks keep them)."""
    suites = {"s": load_suite("s", tmp_path / "suites")}
    out = []
    for document_id, df in sorted(frames.items()):
        fingerprint = work_key(json.dumps(SUITE), df.to_csv(index=False))  # as the staging checks name a batch
        if results.load("s", fingerprint) is None:
            summary = validate_frame("s", df, parameters={}, suite_dict=suites["s"])
            results.save("s", fingerprint, document_id, "run", summary.raw_result)
        out.append(Batch("s", document_id, df, {}, fingerprint))
    return out, suites


UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""GX names a page's collapsible blocks with a random uuid4, new at every render."""


def site_files(root):
    return {
        p.relative_to(root).as_posix(): UUID.sub(b"<uuid>", p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_only_new_documents_pages_are_rendered_and_the_site_is_the_full_renders(tmp_path):
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "s.json").write_text(json.dumps(SUITE, ensure_ascii=False), encoding="utf-8")
    results = ValidationResults(tmp_path / "results")
    kept = KeptWork(tmp_path / "kept")
    first = render_data_docs(*batches(tmp_path, {"a": A, "b": B}, results), tmp_path / "site" / "docs", results, kept)
    assert first.rebuilt and first.documents_rendered == ("a", "b") and first.documents_kept == ()

    again = render_data_docs(*batches(tmp_path, {"a": A, "b": B}, results), tmp_path / "site" / "docs", results, kept)
    assert not again.rebuilt  # the same batches: the site is left as it is

    changed = {"a": A, "b": B.assign(program=["起業家育成施設の整備", "新規"]), "c": A.assign(oku_yen=[1.5])}
    incremental = render_data_docs(*batches(tmp_path, changed, results), tmp_path / "site" / "docs", results, kept)
    assert incremental.documents_rendered == ("b", "c") and incremental.documents_kept == ("a",)
    full = render_data_docs(*batches(tmp_path, changed, results), tmp_path / "full" / "docs", results, None)
    assert full.documents_rendered == ("a", "b", "c")
    assert site_files(tmp_path / "site" / "docs") == site_files(tmp_path / "full" / "docs")
    pages = [p for p in site_files(tmp_path / "full" / "docs") if p.startswith("validations/")]
    assert len(pages) == 3 and all(p.endswith(f"staging-s-{d}.html") for p, d in zip(sorted(pages), "abc", strict=True))
