"""The OCR normalisations, each explicit and tested: what an engine writes for what the page prints.

Applied character by character with the neighbours as context, so every character keeps its own box:

* full-width Latin letters, digits and brackets become ASCII; both wave dashes and ``~`` become ``～`` and the
  middle dots ``·``/``･`` become ``・`` (the forms a text layer of these decks gives);
* a space inside a number (``13 000``, ``5, 800``) is dropped;
* ``x``/``X`` before a digit, after a digit or a Japanese character, is the multiplication sign ``×``;
* ``▴``/``⯅`` are ``▲`` (a decrease);
* kana confusions next to katakana: ``才``→``オ``, ``一``→``ー``, ``卜``→``ト`` (beside a katakana on either side;
  ``一`` only after one), and ``口``→``ロ``, ``工``→``エ``, ``力``→``カ``, ``夕``→``タ`` between two (after one
  only, ミュンヘン工科 and ブランド力 are right), and ``口`` after one (キロ四方: no word ends a katakana
  word with the kanji 口);
* ``エ`` between シ/ジ/チ/フ/ヴ and a katakana is small (プロジエクト is プロジェクト);
* ``ヤ``/``ユ``/``ヨ`` between a katakana of the i row and ``ー`` are small (ベンチヤー is ベンチャー: the
  engines lose the size of a kana);
* twins of the two kana scripts (``リ``/``り``, ``ヘ``/``へ``, ``ベ``/``べ``, ``ペ``/``ぺ``) take the script of their
  neighbours;
* simplified Chinese forms the PP-OCR models sometimes write (``规``) become their Japanese forms (``規``).

A line wrapped inside a cell continues the line above it: ``before`` gives the last character of that line as the
context of the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_WAVES = {"~": "～", "〜": "～", "∼": "～"}
_DOTS = {"·": "・", "･": "・", "•": "・"}
_TRIANGLES = {"▴": "▲", "⯅": "▲"}
_KANA_FIXES = {"才": "オ", "一": "ー", "卜": "ト"}
_BETWEEN_KATAKANA = {"口": "ロ", "工": "エ", "力": "カ", "夕": "タ"}
_SMALL_YA = {"ヤ": "ャ", "ユ": "ュ", "ヨ": "ョ"}
_I_ROW = set("キシチニヒミリギジビピ")  # katakana of the i row, which a small ャュョ follows
_SMALL_E_AFTER = set("シジチフヴ")  # シェ ジェ チェ フェ ヴェ: loanwords, where no big エ follows these
_TWINS = {"リ": "り", "ヘ": "へ", "ベ": "べ", "ペ": "ぺ"}
_TWINS_BACK = {v: k for k, v in _TWINS.items()}
_SIMPLIFIED = dict(
    zip(
        "规业约关发经产產对资设计术场动开时实现进图门问间车东长农观质协报际围类优创發",
        "規業約関発経産産対資設計術場動開時実現進図門問間車東長農観質協報際囲類優創発",
        strict=True,
    )
)  # simplified (or Chinese) forms no Japanese text uses
_TIMES = set("xX✕╳")
_SPACES = set(" \u3000\t")


def is_katakana(ch: str) -> bool:
    """True for a katakana letter or the long-vowel mark (not the middle dot)."""
    return bool(ch) and ("\u30a1" <= ch <= "\u30fa" or ch == "ー")


def _fullwidth(ch: str) -> str:
    """Full-width ASCII forms (letters, digits, brackets, signs) as ASCII; ～ and ： stay full-width."""
    if "\uff01" <= ch <= "\uff5e" and ch not in "～：":
        return unicodedata.normalize("NFKC", ch)
    return ch


def _wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def _neighbour(chars: Sequence[str], i: int, step: int) -> str:
    """The nearest non-space character before (step -1) or after (step 1) position i, '' at the ends."""
    j = i + step
    while 0 <= j < len(chars) and chars[j] in _SPACES:
        j += step
    return chars[j] if 0 <= j < len(chars) else ""


def is_hiragana(ch: str) -> bool:
    """True for a hiragana letter."""
    return bool(ch) and "\u3041" <= ch <= "\u3096"


def _twin(ch: str, prev: str, nxt: str) -> str:
    """A kana with a look-alike in the other script, in the script of its neighbours."""
    if any(is_katakana(c) and c not in _TWINS for c in (prev, nxt)):
        return _TWINS_BACK.get(ch, ch)
    if any(is_hiragana(c) and c not in _TWINS_BACK for c in (prev, nxt)):
        return _TWINS.get(ch, ch)
    return ch


def normalize_chars(chars: Sequence[str], before: str = "") -> list[str]:
    """The characters of one OCR'd line, normalised one by one (a dropped space becomes '')."""
    base = [_fullwidth(c) for c in chars]
    out: list[str] = []
    for i, ch in enumerate(base):
        prev, nxt = _neighbour(base, i, -1) or (before if i == 0 else ""), _neighbour(base, i, 1)
        if ch in _SPACES:
            digit_before = prev.isdigit() or (prev in ",." and i >= 2 and _neighbour(base, i - 1, -1).isdigit())
            out.append("" if digit_before and nxt.isdigit() else ch)
        elif ch in _TIMES and nxt.isdigit() and (prev.isdigit() or _wide(prev)):
            out.append("×")
        elif ch in _KANA_FIXES and (is_katakana(prev) or (ch != "一" and is_katakana(nxt))):
            out.append(_KANA_FIXES[ch])
        elif ch in _BETWEEN_KATAKANA and is_katakana(prev) and (is_katakana(nxt) or ch == "口"):
            out.append(_BETWEEN_KATAKANA[ch])
        elif ch in _SMALL_YA and prev in _I_ROW and nxt == "ー":
            out.append(_SMALL_YA[ch])
        elif ch == "エ" and prev in _SMALL_E_AFTER and is_katakana(nxt):
            out.append("ェ")
        elif ch in _TWINS or ch in _TWINS_BACK:
            out.append(_twin(ch, prev, nxt))
        elif ch in _SIMPLIFIED:
            out.append(_SIMPLIFIED[ch])
        else:
            out.append(_WAVES.get(ch) or _DOTS.get(ch) or _TRIANGLES.get(ch) or ch)
    return out


def normalize_ocr_text(text: str) -> str:
    """A whole OCR'd string normalised (see the module's rules).

    >>> normalize_ocr_text("イ才関連企業約１５０社"), normalize_ocr_text("13 000人"), normalize_ocr_text("3x4")
    ('イオ関連企業約150社', '13000人', '3×4')
    """
    return "".join(normalize_chars(list(text)))


_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
_ROMAN_LIKE = {"1": 1, "I": 1, "l": 1, "|": 1, "Ⅰ": 1}  # what an engine writes for the numeral Ⅰ's strokes
_ORDINAL = re.compile(rf"第([{_ROMAN}]|[1Il|Ⅰ]{{1,3}})期")


def roman_ordinals(pages: Sequence[list[dict]]) -> None:
    """Ordinals 第Ⅰ期 read as 第1期 (or 第I期, 第11期) become Roman numerals where the document's own numbering
    says so: where another ordinal 第…期 of the same document was read as a Roman numeral, or the strokes are
    Latin letters (I, l, |), which no Arabic ordinal is. The pages' character objects are edited in place (the
    first stroke takes the numeral, the others are emptied), so every character keeps its box.

    >>> chars = [{"text": t, "x0": 0.0, "x1": 1.0} for t in "第11期と第Ⅲ期"]
    >>> roman_ordinals([chars]); "".join(c["text"] for c in chars)
    '第Ⅱ期と第Ⅲ期'
    """
    found = []
    for chars in pages:
        text = "".join(c["text"] if len(c["text"]) == 1 else "\0" for c in chars)
        found.extend((chars, m) for m in _ORDINAL.finditer(text))
    context = any(m.group(1) in _ROMAN for _, m in found)
    for chars, m in found:
        strokes = m.group(1)
        if strokes in _ROMAN or (strokes.isdigit() and not context):
            continue
        start, end = m.span(1)
        first = chars[start]
        first["text"] = _ROMAN[sum(_ROMAN_LIKE[s] for s in strokes) - 1]
        for c in chars[start + 1 : end]:
            first["x1"] = max(first["x1"], c["x1"])
            c["text"] = ""
        first["width"] = first["adv"] = first["x1"] - first["x0"]
