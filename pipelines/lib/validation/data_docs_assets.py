"""Offline Data Docs: the scripts, styles and fonts GX's pages load from CDNs, shipped with the site.

GX 1.x pages pull jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from five CDNs. Opened offline
(as analysts and our tests open them) those requests fail: the index shows no results table and validation
pages no status icons. The same files, from the npm packages at the versions GX names (pinned, with the
npm tarball's integrity), are vendored under `pipelines/vendor/data_docs/` with each package's licence and a
SHA256SUMS file. `localize_site` copies them into a built site and points every page at the copies.

`python -m pipelines.lib.validation.data_docs_assets fetch` re-creates the vendored files with `npm pack`, refusing a
tarball whose integrity differs from the pin; `verify` checks the files against SHA256SUMS.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parents[2] / "vendor" / "data_docs"
SUMS_FILE = "SHA256SUMS"
SITE_VENDOR = Path("static") / "vendor"
GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"


@dataclass(frozen=True)
class VendoredPackage:
    """One npm package: which of its files are vendored, and which CDN URLs of GX's pages they replace."""

    name: str
    version: str
    integrity: str  # dist.integrity of the npm tarball
    licence: str  # SPDX expression from the package's package.json
    licence_file: str  # the licence text, as a file of the package folder
    urls: dict[str, str] = field(default_factory=dict)  # CDN URL as GX writes it -> file in package/
    extra: tuple[str, ...] = ()  # files the vendored ones load themselves (e.g. web fonts)
    licence_in_tarball: bool = True  # False: the tarball ships no licence file, ours quotes the package's terms

    @property
    def folder(self) -> str:
        """Folder of the package under the vendor directory: name@version, scope slash as a dash."""
        return f"{self.name.replace('/', '-').lstrip('@')}@{self.version}"

    @property
    def files(self) -> tuple[str, ...]:
        """Every vendored file of the package, licence first, sorted."""
        return (self.licence_file, *sorted({*self.urls.values(), *self.extra}))


FA_FONTS = ("fa-brands-400", "fa-regular-400", "fa-solid-900", "fa-v4compatibility")

PACKAGES: tuple[VendoredPackage, ...] = (
    VendoredPackage(
        "jquery",
        "3.7.1",
        "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        "MIT",
        "LICENSE.txt",
        {"https://code.jquery.com/jquery-3.7.1.min.js": "dist/jquery.min.js"},
    ),
    VendoredPackage(
        "popper.js",
        "1.12.9",
        "sha512-s0EEi9xiSCdqz9lV4IiVH5yIZnDX/U1t0tCjB+0jXx9jW8lrR7kOpVupiUg175ogqVoudpDXHF1p6dKATCHMeg==",
        "MIT",
        "LICENSE",
        {"https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "dist/umd/popper.min.js"},
        licence_in_tarball=False,
    ),
    VendoredPackage(
        "bootstrap",
        "4.3.1",
        "sha512-rXqOmH1VilAt2DyPzluTi2blhk17bO7ef+zLLPlWvG494pDxcM234pJ8wTc/6R40UWizAIIMgxjvxZg5kmsbag==",
        "MIT",
        "LICENSE",
        {
            "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "dist/css/bootstrap.min.css",
            "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "dist/js/bootstrap.min.js",
        },
    ),
    VendoredPackage(
        "bootstrap-table",
        "1.19.1",
        "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
        "MIT",
        "LICENSE",
        {
            "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "dist/bootstrap-table.min.css",
            "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "dist/bootstrap-table.min.js",
            "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
            "bootstrap-table-filter-control.min.js": "dist/extensions/filter-control/"
            "bootstrap-table-filter-control.min.js",
            # GX asks for the 1.19.0 filter-control styles (minified on the index, plain on the other pages);
            # the 1.19.1 package's minified file stands in for both.
            "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
            "bootstrap-table-filter-control.min.css": "dist/extensions/filter-control/"
            "bootstrap-table-filter-control.min.css",
            "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
            "bootstrap-table-filter-control.css": "dist/extensions/filter-control/"
            "bootstrap-table-filter-control.min.css",
        },
    ),
    VendoredPackage(
        "bootstrap-datepicker",
        "1.9.0",
        "sha512-9rYYbaVOheGYxjOr/+bJCmRPihfy+LkLSg4fIFMT9Od8WwWB/MB50w0JO1eBgKUMbb7PFHQD5uAfI3ArAxZRXA==",
        "Apache-2.0",
        "LICENSE",
        {
            "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
                "dist/css/bootstrap-datepicker.min.css"
            ),
            "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
                "dist/js/bootstrap-datepicker.min.js"
            ),
        },
    ),
    VendoredPackage(
        "@forevolve/bootstrap-dark",
        "1.1.0",
        "sha512-A3ucpEpxPoTVO490lZZCfjPXxv832l7mm1IxX3bXyxvgwnPGXDLyh7dWrphXKO8YBAu3EswbBEu3VSW8NRMW3A==",
        "MIT",
        "LICENSE",
        # GX links the plain file (883 kB); the package's minified one (153 kB) has the same rules.
        {
            "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
                "dist/css/bootstrap-prefers-dark.min.css"
            )
        },
    ),
    VendoredPackage(
        "@fortawesome/fontawesome-free",
        "6.6.0",
        "sha512-60G28ke/sXdtS9KZCpZSHHkCbdsOGEhIUGlwq6yhY74UpTiToIh8np7A8yphhM4BWsvNFtIvLpi4co+h9Mr9Ow==",
        "(CC-BY-4.0 AND OFL-1.1 AND MIT)",
        "LICENSE.txt",
        {"https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/all.min.css"},
        # all.min.css loads these (woff2 first; browsers that read woff2 never ask for the .ttf fallbacks).
        tuple(f"webfonts/{f}.woff2" for f in FA_FONTS),
    ),
    # GX names only the major versions of Vega; these are the latest of each at the time of pinning.
    VendoredPackage(
        "vega",
        "5.33.1",
        "sha512-1fArfVDUqVbb5z8n+/nVQb+VNBzx8svY6CrsyTK4Ujm4yrd9I1auoKxBAPXLCavY1LcrbHUskQbGUP8gXOzyQw==",
        "BSD-3-Clause",
        "LICENSE",
        {"https://cdn.jsdelivr.net/npm/vega@5": "build/vega.min.js"},
        licence_in_tarball=False,
    ),
    VendoredPackage(
        "vega-lite",
        "5.23.0",
        "sha512-l4J6+AWE3DIjvovEoHl2LdtCUkfm4zs8Xxx7INwZEAv+XVb6kR6vIN1gt3t2gN2gs/y4DYTs/RPoTeYAuEg6mA==",
        "BSD-3-Clause",
        "LICENSE",
        {"https://cdn.jsdelivr.net/npm/vega-lite@5": "build/vega-lite.min.js"},
    ),
    VendoredPackage(
        "vega-embed",
        "6.29.0",
        "sha512-PmlshTLtLFLgWtF/b23T1OwX53AugJ9RZ3qPE2c01VFAbgt3/GSNI/etzA/GzdrkceXFma+FDHNXUppKuM0U6Q==",
        "BSD-3-Clause",
        "LICENSE",
        {"https://cdn.jsdelivr.net/npm/vega-embed@6": "build/vega-embed.min.js"},
    ),
)

# GX's own logos are fetched from its S3 bucket; the site's static/images holds the same logo.
IMAGE_URL = re.compile(re.escape(GX_ASSETS) + r"[A-Za-z0-9_.-]+\.(?:png|svg)(?:\?[^\"')\s]*)?")
LOCAL_LOGO = Path("static") / "images" / "logo-long.png"
# Attributes that ask for a CORS fetch: a file:// page cannot satisfy them, so they go with the CDN URL.
CORS_ATTRS = re.compile(r"\s+(?:integrity|crossorigin)=\"[^\"]*\"")
RESOURCE = re.compile(
    r"<(?:script|img|source|iframe)\b[^>]*\bsrc=\"(https?:)?//[^\"]+\"|<link\b[^>]*\bhref=\"(https?:)?//[^\"]+\""
    r"|url\(\s*['\"]?(?:https?:)?//[^)]+\)|@import\s+['\"](?:https?:)?//",
    re.IGNORECASE,
)


def url_map() -> dict[str, Path]:
    """CDN URL as GX writes it -> vendored file, relative to the site's static/vendor folder."""
    return {url: Path(p.folder) / file for p in PACKAGES for url, file in p.urls.items()}


def fingerprint(vendor_dir: Path = VENDOR_DIR) -> str:
    """sha256 of SHA256SUMS: changes whenever a vendored file does (part of the Data Docs inputs)."""
    return hashlib.sha256((vendor_dir / SUMS_FILE).read_bytes()).hexdigest()


def _sums(vendor_dir: Path) -> dict[str, str]:
    lines = (vendor_dir / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines if line.strip())}


def verify(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Problems with the vendored files: missing, altered, or not listed in SHA256SUMS (empty when sound)."""
    problems = []
    sums = _sums(vendor_dir)
    expected = {f"{p.folder}/{f}" for p in PACKAGES for f in p.files}
    for name in sorted(expected - set(sums)):
        problems.append(f"{name}: not in {SUMS_FILE}")
    for name, digest in sorted(sums.items()):
        path = vendor_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: sha256 differs from {SUMS_FILE}")
    return problems


def _relative(target: Path, page_dir: Path) -> str:
    return Path(os.path.relpath(target, page_dir)).as_posix()


def localize_page(text: str, page_dir: Path, site: Path) -> str:
    """A page (HTML or CSS) with every known CDN URL pointed at the site's vendored copy."""
    for url, file in url_map().items():
        local = html.escape(_relative(site / SITE_VENDOR / file, page_dir))
        attr = "href" if url.endswith(".css") else "src"
        tag = re.compile(r"(<(?:script|link)\b[^>]*?)\b" + attr + r"=\"" + re.escape(url) + r"\"([^>]*>)")
        text = tag.sub(
            lambda m, attr=attr, local=local: (
                CORS_ATTRS.sub("", m.group(1)) + f'{attr}="{local}"' + CORS_ATTRS.sub("", m.group(2))
            ),
            text,
        )
    return IMAGE_URL.sub(_relative(site / LOCAL_LOGO, page_dir), text)


def _site_files(site: Path) -> list[Path]:
    return sorted([*site.rglob("*.html"), *site.rglob("*.css")])


def external_resources(site: Path, files: list[Path] | None = None) -> list[str]:
    """Every resource a page or stylesheet of the site (or of ``files``) would fetch from the network
    ("page: snippet")."""
    found = []
    for path in _site_files(site) if files is None else files:
        if SITE_VENDOR.as_posix() in path.relative_to(site).as_posix():
            continue
        for m in RESOURCE.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(site).as_posix()}: {m.group(0)[:160]}")
    return found


def localize_site(site: Path, vendor_dir: Path = VENDOR_DIR, pages: list[Path] | None = None) -> list[str]:
    """Copy the vendored assets into site/static/vendor and point every page (or only ``pages``, the others
    being localized already, and the stylesheets) at them.

    Returns what would still be fetched from the network (empty unless GX starts loading something new).
    """
    target = site / SITE_VENDOR
    for package in PACKAGES:
        for file in package.files:
            dst = target / package.folder / file
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(vendor_dir / package.folder / file, dst)
    files = _site_files(site) if pages is None else sorted({*pages, *site.rglob("*.css")})
    files = [p for p in files if target not in p.parents]
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = localize_page(text, path.parent, site)
        if new != text:
            path.write_text(new, encoding="utf-8")
    return external_resources(site, None if pages is None else files)


# ---- maintenance: re-create the vendored files from the npm registry ----


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(vendor_dir: Path = VENDOR_DIR) -> None:
    """`npm pack` each pinned package, check its integrity, extract the vendored files, write SHA256SUMS."""
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            spec = f"{package.name}@{package.version}"
            out = subprocess.run(
                ["npm", "pack", spec, "--silent", "--pack-destination", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            tarball = Path(tmp) / out.stdout.strip().splitlines()[-1]
            got = _integrity(tarball.read_bytes())
            if got != package.integrity:
                raise SystemExit(f"{spec}: tarball integrity {got} differs from the pinned {package.integrity}")
            with tarfile.open(tarball) as tar:
                for file in package.files:
                    if file == package.licence_file and not package.licence_in_tarball:
                        continue  # written by hand, quoting the package's terms
                    member = tar.extractfile(f"package/{file}")
                    if member is None:
                        raise SystemExit(f"{spec}: no package/{file} in the tarball")
                    dst = vendor_dir / package.folder / file
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    dst.write_bytes(member.read())
            print(f"{spec}: {len(package.files)} files, integrity ok")
    lines = []
    for package in PACKAGES:
        for file in package.files:
            digest = hashlib.sha256((vendor_dir / package.folder / file).read_bytes()).hexdigest()
            lines.append(f"{digest}  {package.folder}/{file}")
    (vendor_dir / SUMS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "verify"
    if command == "fetch":
        fetch()
    issues = verify()
    print("\n".join(issues) or f"{sum(len(p.files) for p in PACKAGES)} vendored files match {SUMS_FILE}")
    sys.exit(1 if issues else 0)
