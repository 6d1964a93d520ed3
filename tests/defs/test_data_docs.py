"""The published Data Docs opened offline in headless Chromium: every asset loads from the site itself."""

import pytest

from pipelines.lib.staging.registry import STAGING
from tests.support import CHROMIUM, CHROMIUM_ARGS

STATE = """async () => {
  await document.fonts.ready;
  const tables = [...document.querySelectorAll('.bootstrap-table .fixed-table-body table')];
  return {
    rows: tables.map(t => t.querySelectorAll('tbody tr').length),
    icons: document.querySelectorAll('i.fas.fa-check-circle').length,
    iconFont: [...document.fonts].some(f => f.family.includes('Font Awesome') && f.status === 'loaded'),
    iconWidth: Math.max(0, ...[...document.querySelectorAll('i.fas.fa-check-circle')].map(i => i.offsetWidth)),
    text: document.body.innerText,
    libraries: [typeof jQuery, typeof jQuery.fn.bootstrapTable, typeof vega, typeof vegaLite, typeof vegaEmbed],
  };
}"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
def test_data_docs_show_results_and_status_icons_with_the_network_blocked(published_site, tmp_path):
    from playwright.sync_api import sync_playwright

    site = published_site.warehouse / "data_docs"
    validation = sorted((site / "validations" / "budget_items").rglob("*.html"))[-1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            seen = {}
            for name, path in (("index", site / "index.html"), ("validation", validation)):
                page = browser.new_page()
                network, failed, errors = [], [], []
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.route(
                    "**/*",
                    lambda route, network=network: (
                        route.continue_()
                        if route.request.url.startswith("file:")
                        else (network.append(route.request.url), route.abort())
                    ),
                )
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                seen[name] = page.evaluate(STATE)
                assert network == [] and failed == [] and errors == [], (name, network, failed, errors)
                page.close()
        finally:
            browser.close()
    index, validation = seen["index"], seen["validation"]
    # The index's two bootstrap-tables (validation results, suites): a row per staging suite, 10 to a page.
    suites = len(STAGING)
    assert index["rows"] == [10, 10] and f"of {suites} rows" in index["text"], (index["rows"], index["text"][-800:])
    assert "Clear Filters" in index["text"] and "budget_items" in index["text"]
    # Status icons are Font Awesome glyphs: the web font loaded and the icons have a width.
    for state in (index, validation):
        assert state["iconFont"] and state["icons"] > 0 and state["iconWidth"] > 0
        assert state["libraries"] == ["function", "function", "object", "object", "function"]  # all scripts ran
    assert "Succeeded" in validation["text"]
