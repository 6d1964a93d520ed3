"""Text as pdfplumber gives it, made faithful: spurious spaces dropped, soft wraps joined, lost glyphs caught.

pdfplumber inserts a space wherever two glyphs stand further apart than its x tolerance. Slide decks
typeset half-width digits and Latin with extra tracking next to Japanese, so `約 230 万人` comes out
spaced. A space next to a Japanese character is never meaningful in this deck and is removed; spaces
between Latin words, and after ASCII `,.;:`, are kept.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

_CID = re.compile(r"\(cid:\d+\)")

# Characters that may not start a line in Japanese typesetting (JIS X 4051 行頭禁則), plus closing brackets.
NO_LINE_START = set(
    "、。，．,.)）」』】〕〉》]｝}ー‐–～〜・：；？！!?:;ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々%％"
)
_KEEP_SPACE_AFTER = set(",.;:")
_WORD_GAP = 0.2  # a gap wider than this fraction of the font size separates words
# Characters that may not end a line (行末禁則): opening brackets stay with what follows.
NO_LINE_END = set("([{（「『【〔〈《")


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


def leading_segment_width(chars: Sequence[dict[str, Any]]) -> float:
    """Width a line's first unbreakable segment needs: a Latin word, or a character plus what must stay with it."""
    if not chars:
        return 0.0
    end = chars[0]["x1"]
    prev = chars[0]["text"]
    last_x1 = chars[0]["x1"]
    for ch in chars[1:]:
        t = ch["text"]
        if t.isspace() or ch["x0"] - last_x1 > _WORD_GAP * float(ch.get("size") or 10):
            break
        last_x1 = ch["x1"]
        glued = t in NO_LINE_START or prev in NO_LINE_END or (not is_wide(t) and not is_wide(prev))
        if not glued:
            break
        end = ch["x1"]
        prev = t
    return float(end - chars[0]["x0"])


def is_soft_wrap(
    prev: Sequence[dict[str, Any]], nxt: Sequence[dict[str, Any]], right_edge: float, tolerance: float = 1.0
) -> bool:
    """True when the break between two lines is a soft wrap: the next line's first segment did not fit."""
    room = right_edge - prev[-1]["x1"]
    # Latin words need a space; a Latin/Japanese boundary gets the typesetter's autospace; kanji need nothing.
    both_wide = is_wide(prev[-1]["text"]) and is_wide(nxt[0]["text"])
    space = 0.0 if both_wide else 0.3 * float(nxt[0]["size"])
    return leading_segment_width(nxt) + space > room - tolerance


def glue(left: str, right: str) -> str:
    """Join two soft-wrapped pieces: a space between Latin words, nothing next to Japanese."""
    if left and right and not is_wide(left[-1]) and not is_wide(right[0]) and left[-1] not in "-/(":
        return f"{left} {right}"
    return left + right


def join_wrapped_lines(lines: Sequence[Sequence[dict[str, Any]]], right_edge: float) -> str:
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
        out = glue(out, text) if is_soft_wrap(prev, nxt, right_edge) else f"{out}\n{text}"
    return out
