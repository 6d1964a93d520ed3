"""Integration: the report built by the real Dagster graph into a tmp_path warehouse, read back and rendered."""

import base64
import hashlib
import io
import math
import re
from decimal import Decimal
from html.parser import HTMLParser

import dagster as dg
import duckdb
import pytest
from fontTools.ttLib import TTFont

from pipelines.lib.paths import PROJECT_ROOT
from pipelines.lib.report.charts import CHARTS
from pipelines.lib.report.sources import HIDDEN_COLUMNS
from tests.support import CHROMIUM, CHROMIUM_ARGS, refresh

DECK = PROJECT_ROOT / "raw" / "meti_cluster_seminar_2005.pdf"


@pytest.fixture
def built(published_site):
    return published_site.raw, published_site.warehouse, published_site.result


class Tables(HTMLParser):
    """Every <table data-mart> as (header column names, rows of cell texts); figures and their images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.figures, self._table, self._cell, self._row = {}, {}, None, None, None
        self._figure = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-mart" in a:
            self._table = self.tables.setdefault(a["data-mart"], {"columns": [], "units": [], "rows": []})
        elif tag == "figure":
            self._figure = a.get("data-chart")
        elif tag == "img" and self._figure:
            self.figures[self._figure] = a["src"]
        elif self._table is not None and tag == "th":
            self._table["columns"].append(a["data-col"])
            self._cell = []
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._table is not None and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None
        elif self._table is not None and tag == "th":
            self._table["units"].append("".join(self._cell))
            self._cell = None
        elif self._table is not None and tag == "td":
            self._row.append("".join(self._cell))
            self._cell = None
        elif self._table is not None and tag == "tr" and self._row:
            self._table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(path):
    p = Tables()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def cell_matches(value, text):
    """Does a cell's text state the mart value? Numbers to the 2 decimals a DOUBLE is shown with."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return text == "—"
    if isinstance(value, bool):
        return text == str(value).lower()
    if isinstance(value, list):
        parts = [s for s in text.split(", ") if s]
        return len(parts) == len(value) and all(cell_matches(v, s) for v, s in zip(value, parts, strict=True))
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(text.replace(",", ""))
        tolerance = Decimal("0.005") if isinstance(value, float) else Decimal(0)
        return abs(number - Decimal(str(value))) <= tolerance
    return text == value


def test_the_refresh_writes_a_report_citing_its_own_run(built):
    raw, wh, result = built
    report = wh / "report" / "index.html"
    assert report.exists()
    html = report.read_text(encoding="utf-8")
    assert re.search(r"https?://", html) is None, "the page must need no network"
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    runs = [r[0] for r in con.execute("select run_id from meta.runs").fetchall()]
    assert runs == [result.run_id]
    assert f'<code id="run-id">{result.run_id}</code>' in html
    deck_sha = hashlib.sha256((raw / DECK.name).read_bytes()).hexdigest()
    assert f'<code class="sha256">{deck_sha}</code>' in html
    key = dg.AssetKey("published_report")
    event = next(e.materialization for e in result.get_asset_materialization_events() if e.asset_key == key)
    assert event.metadata["cited_run_id"].value == result.run_id
    assert {f"chart_{c.id}" for c in CHARTS} <= set(event.metadata)
    assert "data:image/png;base64," in event.metadata["chart_budget"].value


def test_the_report_holds_every_chart_and_every_mart_with_its_numbers(built):
    _, wh, _ = built
    page = parse(wh / "report" / "index.html")
    assert set(page.figures) == {c.id for c in CHARTS}
    for chart, src in page.figures.items():
        svg = base64.b64decode(src.removeprefix("data:image/svg+xml;base64,"))
        assert svg.startswith(b"<?xml") and b"<svg" in svg and len(svg) > 10_000, chart
    con = duckdb.connect(str(wh / "clusters.duckdb"), read_only=True)
    marts = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
    ]
    empty = [m for m in marts if con.execute(f'select count(*) from marts."{m}"').fetchall() == [(0,)]]
    assert empty == ["edition_changes"]  # one edition: nothing to compare
    assert len(marts) >= 6 and set(page.tables) == set(marts) - set(empty)
    line = (wh / "report" / "index.html").read_text(encoding="utf-8").split('id="empty-marts">')[1].split("</p>")[0]
    assert line == "行のないマート (marts with no rows): marts.edition_changes"  # an empty mart is one line
    for mart in (m for m in marts if m not in empty):
        cur = con.execute(f'select * from marts."{mart}" order by all')
        columns = [d[0] for d in cur.description]
        shown = [i for i, c in enumerate(columns) if c not in HIDDEN_COLUMNS]  # the address is in the popovers
        rows = cur.fetchall()
        table = page.tables[mart]
        assert table["columns"] == [columns[i] for i in shown], mart
        assert len(table["rows"]) == len(rows), mart
        for row, cells in zip(rows, table["rows"], strict=True):
            for col, value, text in zip([columns[i] for i in shown], [row[i] for i in shown], cells, strict=True):
                assert cell_matches(value, text), (mart, col, value, text)


def test_headers_carry_units_read_from_the_registry(built):
    _, wh, _ = built
    tables = parse(wh / "report" / "index.html").tables
    budget = dict(zip(tables["budget_yoy"]["columns"], tables["budget_yoy"]["units"], strict=True))
    assert budget["oku_yen"] == "oku_yen [億円]" and budget["change_pct"] == "change_pct [%]"
    assert budget["program"] == "program"
    profiles = tables["overseas_cluster_profiles"]
    profiles = dict(zip(profiles["columns"], profiles["units"], strict=True))
    assert profiles["population"] == "population [人]" and profiles["companies"] == "companies [社]"
    per_year = tables["foreign_policy_budgets"]
    per_year = dict(zip(per_year["columns"], per_year["units"], strict=True))
    assert per_year["oku_yen_per_year"] == "oku_yen_per_year [億円/年]"


def test_a_second_run_gives_the_same_bytes_apart_from_the_run_id(built, site):
    _, _, first = built
    raw, wh = site.raw, site.warehouse  # a private copy: the shared published site stays as published
    before = (wh / "report" / "index.html").read_bytes()
    second = refresh(raw, wh, selection=["published_warehouse", "published_report"])
    assert second.success and second.run_id != first.run_id
    after = (wh / "report" / "index.html").read_bytes()
    assert second.run_id.encode() in after and first.run_id.encode() not in after
    assert after.replace(second.run_id.encode(), first.run_id.encode()) == before


def embedded_font(html):
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_it_renders_in_chromium_without_missing_glyphs(built, tmp_path):
    from playwright.sync_api import sync_playwright

    _, wh, _ = built
    report = wh / "report" / "index.html"
    cmap = embedded_font(report.read_text(encoding="utf-8")).getBestCmap()
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = ctx.new_page()
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            assert page.evaluate("[...document.fonts].map(f => f.family + ':' + f.status)") == ["ReportGothic:loaded"]
            images = page.evaluate(
                "[...document.querySelectorAll('figure img')].map(i => [i.complete, i.naturalWidth])"
            )
            assert len(images) == len(CHARTS) and all(ok and w > 500 for ok, w in images)
            text = page.evaluate("document.title + document.body.innerText")
            assert "工業再配置促進法" in text and "億円" in text
            missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
            assert missing == [], f"characters without a glyph in the embedded font: {missing}"
            cdp = ctx.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            selector = "h1,h2,h3,p,li,th,td,figcaption,code,small,span,a"
            used = {}
            for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
                for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                    key = (font["familyName"], font["isCustomFont"])
                    used[key] = used.get(key, 0) + font["glyphCount"]
            assert list(used) == [("IPAexGothic", True)], f"glyphs drawn by fallback fonts: {used}"
            assert used[("IPAexGothic", True)] > 5000
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 100_000
        finally:
            ctx.close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_a_figure_opens_its_source_with_the_crop_in_chromium_offline(built, tmp_path):
    from playwright.sync_api import sync_playwright

    _, wh, _ = built
    report = wh / "report" / "index.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            network, errors = [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(("file:", "data:"))
                    else (network.append(route.request.url), route.abort())
                ),
            )
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            # p.11 of the deck: 地域新生コンソーシアム研究開発事業, 137.2億円 under 17年度予算 (table policy_tools_2).
            button = page.locator("#mart-budget_yoy button.src", has_text="137.2")
            assert button.count() == 1
            popover = page.locator(f"#{button.get_attribute('popovertarget')}")
            assert not popover.is_visible()
            button.click()
            assert popover.is_visible()
            text = popover.inner_text()
            assert "p.11" in text and "policy_tools_2" in text and "137.2億円" in text and "17年度予算" in text
            crop = popover.locator("img.crop")
            shown = crop.evaluate(
                "i => [i.complete, i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width,"
                " i.getBoundingClientRect().height]"
            )
            assert shown[0] and shown[1] > 50 and shown[2] > 50 and shown[3] > 50 and shown[4] > 50, shown
            inside = crop.evaluate(
                "i => { const r = i.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
            )
            assert inside, "the crop is on screen"
            page.keyboard.press("Escape")
            assert not popover.is_visible()
            assert network == [] and errors == [], (network, errors)
        finally:
            browser.close()
