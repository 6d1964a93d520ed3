"""The values OCR was unsure of, in the report and in the UI: every value the WARN check has_no_uncertain_ocr_values
lists is in the report with its file, page, table, cell, the text read, its confidence and a crop of its cell, the
crops rendered once for the PDF; the check's metadata shows the first cells' crops.

The scanned rev1 is OCR'd once per session (``scanned_rev1_extraction`` in tests/conftest.py); the refresh is handed
that extraction where it would extract the file."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from pipelines.lib.refresh.kept import KeptWork
from pipelines.lib.report.build import build_report
from pipelines.lib.sources import FINDING_CROPS
from pipelines.lib.warehouse.connections import WarehousePaths
from tests.conftest import SCANNED_REV1
from tests.support import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.xdist_group("scanned_rev1")


@pytest.fixture(scope="module")
def scanned_report(scanned_rev1_site):
    """The session's refresh of the scanned rev1 (its report built with crops from the raw folder) and the check's
    result."""
    raw, wh, result = scanned_rev1_site
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "has_no_uncertain_ocr_values")
    return raw, wh, check


class UncertainRows(HTMLParser):
    """The rows of the report's table of uncertain OCR values: each cell's text, and its crop's PNG if any."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.header, self.rows, self._in, self._cell = [], [], False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "uncertain-ocr-values":
            self._in = True
        elif self._in and tag == "tr":
            self.rows.append({"texts": [], "png": None})
        elif self._in and tag in ("td", "th"):
            self._cell = []
        elif self._in and tag == "li" and self._cell is not None:
            self._cell.append("\n" if self._cell else "")
        elif self._in and tag == "img":
            self.rows[-1]["png"] = base64.b64decode(a["src"].removeprefix("data:image/png;base64,"))

    def handle_endtag(self, tag):
        if tag == "table":
            self._in = False
        elif self._in and tag in ("td", "th"):
            self.rows[-1]["texts"].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _rows(html: str) -> tuple[list[str], list[dict]]:
    parser = UncertainRows()
    parser.feed(html)
    header, *rows = parser.rows
    return header["texts"], [dict(zip(header["texts"], r["texts"], strict=True)) | {"png": r["png"]} for r in rows]


@pytest.mark.slow
def test_the_report_lists_every_uncertain_value_with_the_crop_of_its_cell(scanned_report):
    _, wh, check = scanned_report
    findings = check.metadata["findings"].value
    assert findings and not check.passed
    html = (wh / "report" / "index.html").read_text(encoding="utf-8")
    assert 'href="#uncertain-ocr"' in html
    header, rows = _rows(html)
    assert header[:4] == ["file", "page", "table", "cell"]
    listed = sorted(
        (int(r["page"]), r["table"], value) for r in rows for value in r["読んだ値 (values read)"].split("\n")
    )
    assert listed == sorted((f["page"], f["table"], f["raw_text"]) for f in findings)  # every one, none else
    assert {r["file"] for r in rows} == {SCANNED_REV1.name}
    by_text = {v: r for r in rows for v in r["読んだ値 (values read)"].split("\n")}
    # p.3 of the scan: the engines disagree on the companies of Silicon Valley (米国), under 主要企業・ベンチャー
    valley = by_text["約5000社"]
    assert valley["行 (row label)"] == "米国" and valley["列 (column header)"] == "主要企業・ベンチャー"
    assert "約5000社" in valley["セルの文字 (cell text as read)"].replace("\n", "")
    assert float(valley["確信度 (confidence)"]) <= 0.3 and "differently" in valley["理由 (why)"]
    cropped = [r for r in rows if r["png"] is not None]
    assert len(cropped) >= len(rows) - 4  # only a line printed with a table has no bbox in the raw layer
    for r in cropped:
        image = Image.open(io.BytesIO(r["png"]))
        assert image.format == "PNG" and image.width > 30 and image.height > 15, r["cell"]
    for r in rows:
        if r["png"] is None:
            assert r["cell"].split()[0] in ("footnote", "note", "source", "lead"), r


@pytest.mark.slow
def test_its_crops_are_rendered_once_for_the_pdf(scanned_report):
    raw, wh, _ = scanned_report
    paths = WarehousePaths(wh)
    before = (wh / "report" / "index.html").read_bytes()
    again = build_report(paths, raw_dir=raw, kept=KeptWork.in_build_dir(paths.build_dir))
    assert again.crops_rendered == [] and again.crops_kept == [SCANNED_REV1.stem]
    assert again.path.read_bytes() == before


@pytest.mark.slow
def test_the_checks_metadata_shows_the_first_cells_crops(scanned_report):
    _, _, check = scanned_report
    crops = check.metadata["crops"].value
    images = re.findall(r"!\[[^\]]*\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", crops)
    assert 0 < len(images) <= FINDING_CROPS
    assert "overseas\\_clusters\\_1 row 1, column 5: 約5000社, 約1500社, 約2000社" in crops
    assert re.search(r"_\d+ more not cropped here", crops)
    assert len(crops) < 200_000  # the event log keeps it


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_the_crops_show_in_chromium(scanned_report, tmp_path):
    from playwright.sync_api import sync_playwright

    _, wh, _ = scanned_report
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((wh / "report" / "index.html").as_uri())
            page.wait_for_load_state("load")
            crop = page.locator("#uncertain-ocr-values tr", has_text="約5000社").locator("img.crop")
            crop.scroll_into_view_if_needed()
            shown = crop.evaluate("i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width]")
            assert shown[0] and shown[1] > 50 and shown[2] > 50, shown
            assert crop.is_visible()
        finally:
            browser.close()
