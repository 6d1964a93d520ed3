"""The vendored Data Docs assets: intact, the very files GX asks the CDNs for, and every page pointed at them."""

import base64
import hashlib
import re
from pathlib import Path

import great_expectations

from pipelines.lib.validation.data_docs_assets import (
    PACKAGES,
    SITE_VENDOR,
    VENDOR_DIR,
    external_resources,
    localize_page,
    url_map,
    verify,
)

GX_TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
CDN_TAG = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(https?://[^\"]+)\"[^>]*>")


def test_vendored_files_match_their_sums_and_each_package_ships_its_licence():
    assert verify() == []
    for package in PACKAGES:
        licence = (VENDOR_DIR / package.folder / package.licence_file).read_text(encoding="utf-8")
        assert re.search(r"licen[cs]e|permission is hereby granted|redistribution", licence, re.I), package.name
        assert package.integrity.startswith("sha512-") and len(base64.b64decode(package.integrity[7:])) == 64


def test_every_cdn_script_and_stylesheet_of_gx_templates_has_a_vendored_copy():
    urls = {u for t in GX_TEMPLATES.glob("*.j2") for u in CDN_TAG.findall(t.read_text(encoding="utf-8"))}
    # 16 URLs, the filter-control styles under two names (minified on the index, plain elsewhere): each page
    # loads 15, the requests an offline browser failed on (the logo aside).
    assert len(urls) == 16
    assert urls <= set(url_map())


def test_vendored_files_are_the_ones_gx_pins_by_subresource_integrity():
    text = (GX_TEMPLATES / "js_script_imports.j2").read_text(encoding="utf-8")
    pinned = dict(re.findall(r'src="(https://[^"]+)" integrity="(sha384-[^"]+)"', text))
    assert len(pinned) == 2  # popper.js and bootstrap.js
    for url, sri in pinned.items():
        data = (VENDOR_DIR / url_map()[url]).read_bytes()
        assert "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode() == sri, url


def test_a_nested_page_points_at_the_vendored_copies_relative_to_itself(tmp_path):
    site = tmp_path / "site"
    page_dir = site / "validations" / "budget_items" / "__none__" / "20260101T000000Z"
    page = (
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" '
        'integrity="sha384-x" crossorigin="anonymous"></script>\n'
        '<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css">\n'
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=20260101T0Z">\n'
        '<a href="https://greatexpectations.io">a link, not a resource</a>'
    )
    out = localize_page(page, page_dir, site)
    up = "../../../../"
    assert f'<script src="{up}{SITE_VENDOR.as_posix()}/bootstrap@4.3.1/dist/js/bootstrap.min.js"></script>' in out
    assert f'href="{up}static/vendor/fortawesome-fontawesome-free@6.6.0/css/all.min.css"' in out
    assert f'<img src="{up}static/images/logo-long.png">' in out
    assert "integrity" not in out and "crossorigin" not in out  # a file:// page cannot satisfy a CORS fetch
    assert '<a href="https://greatexpectations.io">' in out
    page_dir.mkdir(parents=True)
    (page_dir / "page.html").write_text(out, encoding="utf-8")
    assert external_resources(site) == []
    (page_dir / "page.html").write_text(page, encoding="utf-8")
    assert len(external_resources(site)) == 3
