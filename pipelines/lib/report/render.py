"""Deterministic rendering: a fixed matplotlib style with the report font, figures to SVG and PNG bytes.

SVG ids are salted with a constant (svg.hashsalt), dates and software strings are left out of the metadata,
and glyphs are drawn as paths, so equal data gives byte-identical images that need no font to view.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text

from pipelines.lib.report.fonts import missing_glyphs, register_font

PNG_DPI = 80
SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None}
PNG_METADATA: dict[str, str | None] = {"Software": None}

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")


def style() -> dict[str, object]:
    """rcParams for every chart of the report."""
    return {
        "font.family": [register_font()],
        "font.size": 10,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.titleweight": "normal",
        "axes.titlelocation": "left",
        "svg.hashsalt": "meti-cluster-report",
        "svg.fonttype": "path",
        "svg.id": "chart",
        "path.simplify": True,
        "figure.dpi": 100,
        "savefig.bbox": "standard",
    }


@contextlib.contextmanager
def report_style() -> Iterator[None]:
    """Build and save figures inside this context so the style and font apply to every artist."""
    with mpl.rc_context(style()):
        yield


def figure_texts(fig: Figure) -> list[str]:
    """Every string drawn on the figure (titles, labels, tick labels, annotations, legends)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def check_glyphs(fig: Figure, name: str) -> None:
    """Fail if any drawn string has a character the report font lacks (it would render as tofu)."""
    missing = missing_glyphs(figure_texts(fig))
    if missing:
        raise ValueError(f"chart {name}: the report font has no glyph for {missing}")


def _save(fig: Figure, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    with report_style(), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*missing from font.*")
        fig.savefig(buf, format=fmt, **kwargs)
    return buf.getvalue()


def to_svg(fig: Figure) -> bytes:
    """The figure as deterministic SVG (glyphs as paths)."""
    return _save(fig, "svg", metadata=SVG_METADATA)


def to_png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG without a software or date stamp."""
    return _save(fig, "png", dpi=dpi, metadata=PNG_METADATA)
