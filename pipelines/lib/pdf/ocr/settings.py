"""The settings of OCR: rendering DPI, the engines' limits and the process pool."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read.

    ``dpi`` is the rendering resolution (the scan's own is usually 150–300). RapidOCR gets the page capped to
    ``rapid_max_side`` pixels on its long side: above about 1,600 px it merges neighbouring lines. ``workers``
    is the size of the process pool over pages (None: every core). ``max_skew_deg`` bounds the deskew search.
    """

    dpi: int = 200
    rapid_max_side: int = 1600
    workers: int | None = None
    max_skew_deg: float = 3.0
    tesseract_cmd: str = "tesseract"
    tesseract_lang: str = "jpn"
    crosscheck: bool = True  # re-read every span holding a digit with the second engine

    def reading(self) -> str:
        """The settings that change what OCR reads (every one but the pool's size), as text: part of the
        extractor version of a document with OCR'd pages, so a new DPI reads its scans again."""
        return repr({f.name: getattr(self, f.name) for f in fields(self) if f.name != "workers"})


UNCERTAIN_BELOW = 0.5
"""An OCR'd text whose lowest character confidence is below this is uncertain: listed by a WARN check, and one that
a staging builder cannot read is left out with that flag instead of stopping the run (a text layer's never is).
A cell's confidence is its least sure character's, so a higher bar lists most cells of a scan: on the scanned rev1,
0.8 listed 152 of 223 numbers (all read right), 0.5 lists the 24 the engines disagree on and a few more."""
