"""Cleaning of text as pdfplumber hands it over, and footnote-marker splitting."""

from __future__ import annotations

import re
import unicodedata

RANGE_DASH = "\uff5e"  # ～ FULLWIDTH TILDE: the one range connector every parser here reads
_WAVE_DASHES = re.compile("[\u301c\uff5e]")  # 〜 WAVE DASH and ～ FULLWIDTH TILDE
_WHITESPACE = re.compile(r"\s+")
_MARKER = re.compile(r"[*※]([0-9]+)")
_MAX_ROUNDS = 10


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def _nfkc_keeping_range_dashes(s: str) -> str:
    # NFKC maps ～ to ASCII '~' (and leaves 〜 alone); normalise around them and write both as ～.
    return RANGE_DASH.join(unicodedata.normalize("NFKC", part) for part in _WAVE_DASHES.split(s))


def _fix_spaces(s: str) -> str:
    def keep_or_drop(m: re.Match[str]) -> str:
        before = s[m.start() - 1] if m.start() > 0 else ""
        after = s[m.end()] if m.end() < len(s) else ""
        return " " if before and after and _is_latin(before) and _is_latin(after) else ""

    return _WHITESPACE.sub(keep_or_drop, s)


def clean_text(s: str) -> str:
    """NFKC-normalise PDF text, keep range dashes as ～ and drop the spaces pdfplumber inserts.

    Full-width digits, Latin letters and punctuation become ASCII; both 〜 (U+301C) and ～ (U+FF5E)
    become ～ (U+FF5E). A run of whitespace is removed unless it sits between two Latin characters
    (letters, digits or ASCII punctuation), where it becomes one space. Idempotent.

    >>> clean_text("約 230 万人")
    '約230万人'
    >>> clean_text("( 株 ) 東洋ボデー")
    '(株)東洋ボデー'
    >>> clean_text("St. John's Innovation Centre")
    "St. John's Innovation Centre"
    >>> clean_text("第Ⅰ期 (2001 〜 5)")
    '第I期(2001～5)'
    """
    out = s
    for _ in range(_MAX_ROUNDS):
        # Dropping a space can put a combining mark next to a letter, so repeat until nothing changes.
        nxt = _fix_spaces(_nfkc_keeping_range_dashes(out))
        if nxt == out:
            break
        out = nxt
    return out


def split_footnotes(s: str) -> tuple[str, list[str]]:
    """Cut footnote markers (*1, ＊2, ※1) out of cleaned text; return the text and the markers as '*N'.

    >>> split_footnotes("ハイテク企業約1750社*2")
    ('ハイテク企業約1750社', ['*2'])
    >>> split_footnotes("40 件以上の連携事例の成立※ 1")
    ('40件以上の連携事例の成立', ['*1'])
    """
    cleaned = clean_text(s)
    markers = [f"*{m.group(1)}" for m in _MARKER.finditer(cleaned)]
    return clean_text(_MARKER.sub(" ", cleaned)), markers


_GARBLE = re.compile(r"[?？\ufffd□■〓]|\(cid:[0-9]+\)")
"""Characters a PDF gives for glyphs it cannot map, or that stand in for a lost digit."""


def find_garble(s: str) -> str | None:
    """The first garbled stretch of a text (a ?, a replacement character, a '(cid:12)'), or None.

    >>> find_garble("クラスタ?の発展戦略"), find_garble("(cid:12)年"), find_garble("クラスターの条件") is None
    ('?', '(cid:12)', True)
    """
    m = _GARBLE.search(s)
    return m.group(0) if m else None
