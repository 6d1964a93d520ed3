"""Copies of the bundled deck re-made by other PDF producers, as a user would get them.

- `ghostscript`: `gs -sDEVICE=pdfwrite` re-distill (fonts re-embedded with their own ascent/descent).
- `cairo`: `pdftocairo -pdf`, poppler's cairo backend (many "print to file" dialogs): cell fills split
  into many rects, bold glyphs drawn as outlines as well as text.
- `cairo_a4`: the deck fitted to A4 by Ghostscript (`-sPAPERSIZE=a4 -dPDFFitPage`, a portrait page
  rotated 90°), then printed through cairo: another page size and scale, every coordinate changed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import DECK

_GS = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite"]


def _ghostscript(src: Path, out: Path) -> None:
    subprocess.run([*_GS, f"-sOutputFile={out}", str(src)], check=True, timeout=120)


def _cairo(src: Path, out: Path) -> None:
    subprocess.run(["pdftocairo", "-pdf", str(src), str(out)], check=True, timeout=120)


def _cairo_a4(src: Path, out: Path) -> None:
    fitted = out.with_name(out.stem + "_fitted.pdf")
    gs_a4 = [*_GS, "-sPAPERSIZE=a4", "-dFIXEDMEDIA", "-dPDFFitPage", f"-sOutputFile={fitted}", str(src)]
    subprocess.run(gs_a4, check=True, timeout=120)
    _cairo(fitted, out)
    fitted.unlink()


PRODUCERS: dict[str, tuple[tuple[str, ...], Callable[[Path, Path], None]]] = {
    "ghostscript": (("gs",), _ghostscript),
    "cairo": (("pdftocairo",), _cairo),
    "cairo_a4": (("gs", "pdftocairo"), _cairo_a4),
}


def producer_copy(name: str, folder: Path) -> Path:
    """The bundled deck re-made by one producer, as `<deck stem>_<producer>.pdf` in folder (skips without the tool)."""
    tools, make = PRODUCERS[name]
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: poppler-utils, ghostscript; .ci/run installs them)")
    out = folder / f"{DECK.stem}_{name}.pdf"
    make(DECK, out)
    return out
