"""Several documents: a real second edition of the deck (one amount re-typeset) is extracted and validated on
its own, and marts.edition_changes lists exactly what differs."""

import re
import shutil

import dagster as dg
import duckdb
import pdfplumber
import pypdf
import pytest

from pipelines.lib.paths import PROJECT_ROOT
from tests.support import refresh

# The module's warehouse (or copies) is built once: its tests share one xdist worker.
pytestmark = pytest.mark.xdist_group("editions")

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"
FIRST, SECOND = "meti_cluster_seminar_2005", "meti_cluster_seminar_2005_v2"
BUDGET_PAGE = 11  # the 政策ツール slide printing 137.2億円 (114.2億円) for 地域新生コンソーシアム研究開発事業


def _to_unicode(font) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(int(dst, 16) + i)
    return out


def retypeset(src, dst, page_no, old, new):
    """Copy src to dst with the shown text `old` replaced by `new` (same length) in one page's content stream.

    Glyphs are re-encoded through the font's own ToUnicode map, so the new text is real text in the PDF.
    """
    writer = pypdf.PdfWriter(clone_from=str(src))
    page = writer.pages[page_no - 1]
    maps = {name.lstrip("/"): _to_unicode(f.get_object()) for name, f in page["/Resources"]["/Font"].items()}
    data = page.get_contents().get_data().decode("latin-1")
    font, hits = None, 0

    def decode(hexes):
        return "".join(maps[font].get(int(h[i : i + 2], 16), "\0") for h in hexes for i in range(0, len(h), 2))

    def swap(match):
        nonlocal font, hits
        if match.group("font"):
            font = match.group("font")
            return match.group(0)
        hexes = re.findall(r"<([0-9A-Fa-f]+)>", match.group(0))
        if decode(hexes) != old:
            return match.group(0)
        inverse = {ch: code for code, ch in maps[font].items()}
        chars = iter(new)
        hits += 1
        return re.sub(
            r"<([0-9A-Fa-f]+)>",
            lambda m: "<" + "".join(f"{inverse[next(chars)]:02X}" for _ in range(len(m.group(1)) // 2)) + ">",
            match.group(0),
        )

    data = re.sub(r"/(?P<font>F\d+) [\d.]+ Tf|\[(?:<[0-9A-Fa-f]+>-?[\d.]*)+\]TJ|<[0-9A-Fa-f]+>Tj", swap, data)
    assert hits == 1, f"{old!r} found {hits} times on page {page_no}"
    stream = pypdf.generic.DecodedStreamObject()
    stream.set_data(data.encode("latin-1"))
    page[pypdf.generic.NameObject("/Contents")] = writer._add_object(stream)
    writer.write(str(dst))


@pytest.fixture(scope="session")
def two_editions(tmp_path_factory, published_site):
    """The deck refreshed alone (the session's shared refresh, copied), then a second edition beside it."""
    tmp = tmp_path_factory.mktemp("two_editions")
    raw, wh = tmp / "raw", tmp / "warehouse"
    shutil.copytree(published_site.raw, raw)
    shutil.copytree(published_site.warehouse, wh)
    first = published_site.result
    assert first.success and sorted(p.name for p in raw.iterdir()) == [DECK.name]
    retypeset(DECK, raw / f"{SECOND}.pdf", BUDGET_PAGE, "137", "157")
    second = refresh(raw, wh)
    return raw, wh, first, second


def test_the_second_edition_is_a_real_pdf_with_the_new_amount(two_editions):
    raw, *_ = two_editions
    with pdfplumber.open(raw / f"{SECOND}.pdf") as pdf:
        text = pdf.pages[BUDGET_PAGE - 1].extract_text()
        assert "157.2億円" in text and "137.2億円" not in text
        other = pdf.pages[BUDGET_PAGE].extract_text()
    with pdfplumber.open(DECK) as pdf:
        assert "137.2億円" in pdf.pages[BUDGET_PAGE - 1].extract_text()
        assert pdf.pages[BUDGET_PAGE].extract_text() == other


def _metadata(result, key):
    return next(
        e.materialization.metadata for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(key)
    )


def test_only_the_new_edition_is_extracted_and_validated(two_editions):
    _, _, first, second = two_editions
    assert second.success
    assert _metadata(first, ["raw", "table_cells"])["extracted_documents"].value == [FIRST]
    assert _metadata(second, ["raw", "table_cells"])["extracted_documents"].value == [SECOND]
    evaluations = second.get_asset_check_evaluations()
    assert evaluations and all(e.passed for e in evaluations)
    for e in evaluations:
        if e.asset_check_key.name == "matches_expectation_suite":
            assert e.metadata["documents_validated"].value == [SECOND], e.asset_check_key
            reused = e.metadata["documents_reused"].value
            assert [r["document_id"] for r in reused] == [FIRST], e.asset_check_key
    assert _metadata(first, ["data_docs"])["rebuilt"].value is True
    assert _metadata(second, ["data_docs"])["rebuilt"].value is True  # a new document's rows


def test_marts_cover_both_documents(two_editions):
    _, wh, _, _ = two_editions
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    assert [r[0] for r in con.execute("select document_id from raw.documents order by 1").fetchall()] == [
        FIRST,
        SECOND,
    ]
    rows = con.execute(
        "select document_id, prev_oku_yen, oku_yen, change_oku_yen from marts.budget_yoy "
        "where program = '地域新生コンソーシアム研究開発事業' order by 1"
    ).fetchall()
    assert [(d, float(p), float(o), float(c)) for d, p, o, c in rows] == [
        (FIRST, 114.2, 137.2, 23.0),
        (SECOND, 114.2, 157.2, 43.0),
    ]
    for mart in ("projects_by_field", "cluster_networks", "policy_timeline"):
        counts = dict(con.execute(f"select document_id, count(*) from marts.{mart} group by 1").fetchall())
        assert set(counts) == {FIRST, SECOND} and counts[FIRST] == counts[SECOND], mart


def test_edition_changes_lists_exactly_the_retypeset_amount(two_editions):
    _, wh, _, _ = two_editions
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    rows = con.execute(
        'select document_id, prev_document_id, "table", "key", "column", old_value, new_value '
        "from marts.edition_changes order by all"
    ).fetchall()
    key = "地域新生コンソーシアム研究開発事業 | 2005"
    # 137.2億円 → 157.2億円: 億円 as printed, yen = 億 × 10^8, and the source text.
    assert rows == [
        (SECOND, FIRST, "staging.budget_items", key, "amount_oku_yen", "137.2000", "157.2000"),
        (SECOND, FIRST, "staging.budget_items", key, "amount_yen", str(1372 * 10**7), str(1572 * 10**7)),
        (SECOND, FIRST, "staging.budget_items", key, "raw_text", "137.2億円", "157.2億円"),
    ]
