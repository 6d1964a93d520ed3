"""Small PNG images of the page regions tables were read from, so people can compare the PDF and the data."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfplumber.display import PageImage, get_page_image
from PIL import Image

from pipelines.lib.refresh.fingerprint import module_version, sha256_file
from pipelines.lib.refresh.kept import KeptWork, work_key

DEFAULT_RESOLUTION = 60
MARGIN_PT = 4.0


@dataclass(frozen=True)
class Region:
    """A rectangle of one page of one document (PDF points, top-left origin)."""

    document_id: str
    label: str
    page: int
    bbox: tuple[float, float, float, float]


def render_regions(
    path: Path, regions: Iterable[Region], resolution: int = DEFAULT_RESOLUTION, colors: int = 16
) -> list[bytes]:
    """One grayscale, palette-reduced PNG per region (a few kB each).

    Each page is rendered once (pdfplumber would open the file and render the whole page again for every
    crop) and every region of it is cut from that image, as pdfplumber's PageImage cuts it.
    """
    out = []
    pages: dict[int, Image.Image] = {}
    with pdfplumber.open(path) as pdf:
        for r in regions:
            page = pdf.pages[r.page - 1]
            x0, top, x1, bottom = r.bbox
            box = (
                max(0.0, x0 - MARGIN_PT),
                max(0.0, top - MARGIN_PT),
                min(float(page.width), x1 + MARGIN_PT),
                min(float(page.height), bottom + MARGIN_PT),
            )
            if r.page not in pages:
                pages[r.page] = get_page_image(pdf.stream, pdf.path, r.page - 1, resolution, None)
            cropped = page.crop(box)
            image = PageImage(cropped, original=pages[r.page], resolution=resolution).original
            buf = io.BytesIO()
            image.convert("L").quantize(colors).save(buf, format="PNG", optimize=True)
            out.append(buf.getvalue())
    return out


def png_markdown(label: str, png: bytes) -> str:
    """Markdown showing a PNG inline (data: URI), titled by its label."""
    return f"**{label}**\n\n![{label}](data:image/png;base64,{base64.b64encode(png).decode()})\n"


def regions_markdown(
    paths: dict[str, Path],
    regions: list[Region],
    resolution: int = DEFAULT_RESOLUTION,
    kept: KeptWork | None = None,
    kind: str = "regions",
    documents: Iterable[str] | None = None,
) -> str:
    """Markdown with one inline image per region, grouped by document, in the order given.

    With ``kept``, a document's images are rendered once for its PDF (sha256) and regions, under ``kind``, and
    kept while the document is one of ``documents`` (by default, those of ``paths``).
    """
    parts = []
    version = module_version("pipelines.lib.pdf.crops")
    for document_id, path in paths.items():
        mine = [r for r in regions if r.document_id == document_id]
        if not mine:
            continue
        key = work_key(version, str(resolution), sha256_file(path), repr(mine)) if kept is not None else ""
        found = kept.load(kind, document_id, key) if kept is not None else None
        if found is None:
            pngs = render_regions(path, mine, resolution=resolution)
            found = (
                [png_markdown(f"{r.document_id} p.{r.page} {r.label}", png) for r, png in zip(mine, pngs, strict=True)],
            )
            if kept is not None:
                kept.save(kind, document_id, key, found)
        parts.extend(found[0])
    if kept is not None:
        kept.prune(kind, paths if documents is None else documents)
    return "\n".join(parts) if parts else "_no regions_"
