"""Text as pdfplumber gives it, made faithful: spurious spaces dropped, soft wraps joined, lost glyphs caught.

pdfplumber inserts a space wherever two glyphs stand further apart than its x tolerance. Slide decks
typeset half-width digits and Latin with extra tracking next to Japanese, so `約 230 万人` comes out
spaced. A space next to a Japanese character is never meaningful in this deck and is removed; spaces
between Latin words, and after ASCII `,.;:`, are kept.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_CID = re.compile(r"\(cid:\d+\)")

# Characters that may not start a line in Japanese typesetting (JIS X 4051 行頭禁則), plus closing brackets.
NO_LINE_START = set(
    "、。，．,.)）」』】〕〉》]｝}ー‐–～〜・：；？！!?:;ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々%％"
)
_KEEP_SPACE_AFTER = set(",.;:")
_WORD_GAP = 0.2  # a gap wider than this fraction of the font size separates words
_MAX_SPACE = 0.6  # wider gaps (in em) are layout (columns, tabs), not spacing between characters
_FIT_MARGIN = 0.05  # em: a segment "fits" only with this much to spare (producers round positions)
_OCR_FIT_MARGIN = 0.5
"""The margin for OCR'd characters, in ems: their boxes are an engine's estimate of the ink (a glyph's advance is
wider than its ink), so a line read by OCR ends up to half an em short of where the typesetter filled it."""
# Characters that may not end a line (行末禁則): opening brackets stay with what follows, and so do prefixes
# of what follows (UAX #14 class PR: `+ケンブリッジ`, `¥100`), which no line breaker separates from it.
NO_LINE_END = set("([{（「『【〔〈《") | set("+＋$＄¥￥£€#＃\\")


def is_wide(ch: str) -> bool:
    """True for Japanese/CJK and other full-width characters (kana, kanji, full-width punctuation)."""
    if not ch:
        return False
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return True
    return "\u3000" <= ch <= "\u9fff"


def strip_cjk_spaces(text: str) -> str:
    """Remove spaces that touch a Japanese character; collapse other runs of spaces.

    >>> strip_cjk_spaces("人口 約 70 万人 ( ボストン市 )")
    '人口約70万人(ボストン市)'
    >>> strip_cjk_spaces("MIT, ハーバード大学、Route 128 沿線")
    'MIT, ハーバード大学、Route 128沿線'
    """
    out: list[str] = []
    parts = re.split(r"([ \u3000\t]+)", text)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            continue
        left = parts[i - 1][-1:] if parts[i - 1] else ""
        right = parts[i + 1][:1] if i + 1 < len(parts) and parts[i + 1] else ""
        if not left or not right:
            continue  # leading or trailing
        if left in _KEEP_SPACE_AFTER and not is_wide(left):
            out.append(" ")
        elif is_wide(left) or is_wide(right) or _touches_bracket(left, right):
            continue
        else:
            out.append(" ")
    return "".join(out)


def _touches_bracket(left: str, right: str) -> bool:
    """A space just inside ASCII brackets next to a Japanese run: `( 株 )`, `その 1-`."""
    return left in "(-" or right in ")-"


def check_no_lost_glyphs(text: str, where: str) -> None:
    """Raise if text holds `(cid:NN)` placeholders: glyphs the PDF gives no Unicode mapping for."""
    from pipelines.lib.errors import SourceDocumentError

    if _CID.search(text):
        file_name, _, rest = where.partition(", ")
        raise SourceDocumentError(
            file_name,
            f"{rest + ': ' if rest else ''}text has unmapped glyphs {_CID.search(text).group(0)!r} "
            f"(the PDF's font has no Unicode map); refusing to guess: {text[:60]!r}",
        )


def line_text(chars: Sequence[dict[str, Any]]) -> str:
    """The text of one visual line from its chars, with pdfplumber's space insertion and CJK spaces removed."""
    pieces: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        if prev is not None and ch["x0"] - prev["x1"] > _WORD_GAP * float(ch.get("size") or 10):
            pieces.append(" ")
        pieces.append(ch["text"])
        prev = ch
    return strip_cjk_spaces("".join(pieces)).strip()


@dataclass(frozen=True)
class Spacing:
    """How a document spaces its text, measured from its own glyphs, in em (fractions of the font size).

    Typesetters differ: LibreOffice puts an autospace of about a quarter em between Latin and Japanese
    characters, a browser or cairo puts none; fonts have their own space width. A wrap decision that
    needs these takes them from the document, never from one producer's habits.
    """

    autospace: float = 0.0  # gap between a Latin and a Japanese character with no space between them
    word_space: float = 0.25  # width of the space between two Latin words (used only without evidence)


NO_EVIDENCE = Spacing()  # for text whose page gives no measurements


def _em(ch: dict[str, Any]) -> float:
    return float(ch.get("size") or 10) or 10.0


def measure_spacing(lines: Iterable[Sequence[dict[str, Any]]], space_widths: Iterable[float] = ()) -> Spacing:
    """The document's autospace and word space, from the gaps between neighbouring glyphs on its lines.

    `space_widths` are the widths (in em) of space glyphs the PDF draws, where it draws them.
    """
    mixed: list[float] = []
    words: list[float] = list(space_widths)
    for chars in lines:
        for a, b in itertools.pairwise(chars):
            gap = (b["x0"] - a["x1"]) / _em(b)
            if gap < -0.05 or gap > _MAX_SPACE:
                continue
            wide_a, wide_b = is_wide(a["text"]), is_wide(b["text"])
            if wide_a != wide_b:
                mixed.append(max(gap, 0.0))
            elif not wide_a and gap > _WORD_GAP:
                words.append(gap)
    return Spacing(
        autospace=statistics.median(mixed) if mixed else 0.0,
        word_space=statistics.median(words) if words else Spacing.word_space,
    )


def _glued(prev: str, t: str) -> bool:
    """True when no line may break between two characters (JIS X 4051 禁則, or inside a Latin word)."""
    return t in NO_LINE_START or prev in NO_LINE_END or (not is_wide(t) and not is_wide(prev))


def leading_segment_width(chars: Sequence[dict[str, Any]]) -> float:
    """Width a line's first unbreakable segment needs: a Latin word, or a character plus what must stay with it.

    Measured from the glyphs as placed (their own advances, and any autospace inside the segment).
    A Latin word ends at a space; a Japanese character ends a segment unless 禁則 glues the next one to it.
    """
    if not chars:
        return 0.0
    end = chars[0]["x1"]
    for a, b in itertools.pairwise(chars):
        t, prev = b["text"], a["text"]
        if t.isspace():
            break
        latin_pair = not is_wide(t) and not is_wide(prev)
        if latin_pair and b["x0"] - a["x1"] > _WORD_GAP * _em(b):
            break  # a space between Latin words is a break opportunity
        if not _glued(prev, t):
            break
        end = b["x1"]
    return float(end - chars[0]["x0"])


def separator_width(last: dict[str, Any], first: dict[str, Any], spacing: Spacing) -> float:
    """What the typesetter puts between a line's last character and the next segment if they share a line."""
    a, b = last["text"], first["text"]
    wide_a, wide_b = is_wide(a), is_wide(b)
    if wide_a and wide_b:
        return 0.0
    if wide_a != wide_b:
        return spacing.autospace * _em(first)
    if a in "-/" or a in NO_LINE_END or b in NO_LINE_START:
        return 0.0
    return spacing.word_space * _em(first)


def is_soft_wrap(
    prev: Sequence[dict[str, Any]],
    nxt: Sequence[dict[str, Any]],
    right_edge: float,
    spacing: Spacing = NO_EVIDENCE,
) -> bool:
    """True when the break between two lines is a soft wrap: the next line's first segment did not fit.

    A line that ends with room left for the next line's first segment (and the separator the document
    puts before it) is a real break: the typesetter would have placed the segment there. A small margin
    (a twentieth of an em) absorbs rounding of positions by the producer.
    """
    room = right_edge - prev[-1]["x1"]
    needed = leading_segment_width(nxt) + separator_width(prev[-1], nxt[0], spacing)
    margin = _OCR_FIT_MARGIN if "confidence" in prev[-1] else _FIT_MARGIN
    return needed > room - margin * _em(nxt[0])


def glue(left: str, right: str) -> str:
    """Join two soft-wrapped pieces: a space between Latin words, nothing next to Japanese."""
    if left and right and not is_wide(left[-1]) and not is_wide(right[0]) and left[-1] not in "-/(":
        return f"{left} {right}"
    return left + right


def join_wrapped_lines(
    lines: Sequence[Sequence[dict[str, Any]]], right_edge: float, spacing: Spacing = NO_EVIDENCE
) -> str:
    """Join the visual lines of one cell: soft wraps are joined, real breaks kept as `\n`.

    A line break is a soft wrap when the next line's first unbreakable segment would not have fitted
    in the room left on the line (that is why the typesetter wrapped). Between two Latin words a
    soft wrap becomes a space; between Japanese characters, nothing.
    """
    if not lines:
        return ""
    out = line_text(lines[0])
    for prev, nxt in itertools.pairwise(lines):
        text = line_text(nxt)
        out = glue(out, text) if is_soft_wrap(prev, nxt, right_edge, spacing) else f"{out}\n{text}"
    return out
