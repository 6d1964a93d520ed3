"""The report's one font: IPAexGothic as shipped by matplotlib-fontja, loaded by file path.

Nothing depends on system fonts. Charts draw glyphs as SVG paths from this file, and the HTML embeds a
subset of it (only the characters the page uses) as a WOFF data URL, so the page renders the same anywhere.
"""

from __future__ import annotations

import base64
import functools
import importlib.util
import io
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from matplotlib import font_manager

FONT_FILE_NAME = "ipaexg.ttf"
FONT_FAMILY = "IPAexGothic"


@functools.cache
def font_path() -> Path:
    """Path of ipaexg.ttf inside the installed matplotlib-fontja package (found without importing it,
    since importing it changes matplotlib's global rcParams)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("matplotlib-fontja is not installed; it ships the report's IPAexGothic font")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from matplotlib-fontja")
    return path


@functools.cache
def register_font() -> str:
    """Register the font file with matplotlib's font manager; returns the family name to use in rcParams."""
    font_manager.fontManager.addfont(str(font_path()))
    name = font_manager.FontProperties(fname=str(font_path())).get_name()
    if name != FONT_FAMILY:
        raise RuntimeError(f"{font_path()} is {name!r}, expected {FONT_FAMILY!r}")
    return name


@functools.cache
def font_codepoints() -> frozenset[int]:
    """Every code point the font has a glyph for."""
    with TTFont(str(font_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Characters of texts the font cannot draw (whitespace and control characters aside), sorted, unique."""
    have = font_codepoints()
    return sorted({ch for t in texts for ch in t if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in have})


def subset_woff(chars: Iterable[str]) -> bytes:
    """A WOFF subset of the font holding exactly these characters (plus ASCII), byte-identical for equal input."""
    wanted = {ord(c) for c in chars if not c.isspace()} | set(range(0x20, 0x7F))
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]
    options.recalc_timestamp = False
    options.notdef_outline = True
    font = TTFont(str(font_path()), recalcTimestamp=False)
    try:
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(unicodes=sorted(wanted & font_codepoints()))
        subsetter.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, options)
    finally:
        font.close()
    return buf.getvalue()


def font_face_css(family: str, chars: Iterable[str]) -> str:
    """An @font-face rule embedding the subset as a data URL."""
    data = base64.b64encode(subset_woff(chars)).decode("ascii")
    return f'@font-face {{ font-family: "{family}"; src: url(data:font/woff;base64,{data}) format("woff"); }}'
