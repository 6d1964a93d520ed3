"""Every quantity in any text, typed: the money, count, percent, area, year and duration grammars applied together.

:func:`find_quantities` reads a table cell or a paragraph of any document the way a careful reader does:

* the typed grammars of this package claim their spans first (86億5,000万円, 約6,100の企業, 回収率約40%,
  約5キロ四方, 平成13～15年度, 3年間, 約2.3倍, 10km, 補助率は1/2以内, 3割);
* what is left of each number is read generically: a counter word after it (19プロジェクト, 14地域, 3つ),
  a unit the table declares for its column (:class:`UnitHint`: 単位:億円, (百万円), 件数, プロジェクト数), or a
  noun before it that says what is counted (企業数は約1100); a number nothing types gets the unit ``number``;
* the counter may follow a bound phrase in the same clause, in both readings: の (19のプロジェクト), を超える
  and を上回る (200を超える大学), 以上の, 強の, 余りの (50余りの地域) are ``at_least`` as the contract reads 超;
  弱の and を下回る ``at_most``; 近い (100近い大学) ``approx``, as 近く is (see ``BOUND_QUALIFIERS``);
  3割強の企業 is a share, 30 percent ``at_least`` (context の企業), not 3 companies;
* numbers that are not quantities are never read: footnote markers (*1, ※2), list and section numbers
  ((1), 1., ①), ordinals (第17回, 第2の, 2年度目, 3年目以降, その3, 活動事例1, 21世紀), the denominator of a rate
  (1地域あたり, 1社あたりの件数), months and days without a year, and numbers inside names (Route 128, COSMOS2).
  These masks run first, so no bound phrase makes 第19回のプロジェクト a count;
* the edition in a title is part of its name and masked like Route 128: a year-like number (1800–2099) glued
  to a title noun (地域経済レポート2003, ものづくり白書2004, 計画, プラン, ビジョン, 戦略, 構想, 報告書) or ending
  a title in 「」/『』. It is not masked when it reads as a year or an amount (計画2005年度, 計画2001～2005,
  計画2000社) or starts a list of numbers (計画2003 2004). Masked rather than typed ``year``: a publication's
  edition is not a date the document reports, and a year would mix titles into the years of the document.

Values are in base units (yen, persons, companies, …, percent, km2, km, times, year, duration_years); a range
keeps its bounds in ``low``/``high`` and its high bound in ``value``; a decrease printed with ▲ or △ is negative.
Garbled digits raise :class:`NormalizeError`; anything else that cannot be read is left to the next reading
rather than refused, so an honest document never stops a refresh here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from ._grammar import (
    BOUND_QUALIFIERS,
    KANJI_KATAKANA,
    MULTIPLIER,
    NUM,
    NUM_START,
    SUFFIX_QUALIFIERS,
    Qualifier,
    bound,
    combine_qualifiers,
    multiplier_value,
    prefix,
    read_matches,
    reject_garbled_digits,
    scale,
    suffix,
    tidy,
    to_decimal,
)
from .area import find_areas
from .counts import UNITS as COUNT_UNITS
from .counts import find_counts
from .errors import NormalizeError
from .money import find_money
from .percent import find_percents
from .text import clean_text
from .years import YearSpan, find_durations, find_years

BASE_UNITS = (
    "yen",
    "persons",
    "companies",
    "institutions",
    "universities",
    "organizations",
    "cases",
    "schools",
    "percent",
    "km2",
    "km",
    "times",
    "year",
    "duration_years",
)
"""The base units of the contract; any other unit is the counter word itself (プロジェクト, 地域), or ``number``."""
UNTYPED = "number"
"""The unit of a number nothing types: kept, and listed for someone to read."""

_DECIMAL_PLACES = 10
"""Places kept of a fraction that does not end (2/3 = 66.6666666667 percent); the printed text is kept too."""


@dataclass(frozen=True)
class Quantity:
    """One quantity as printed: its value in ``unit``, qualifier, bounds, the text and where it is.

    ``raw_text`` is ``clean_text(text)[span[0]:span[1]]``; ``context`` is the words around it in its clause
    (応募 for 483件 in 49件(応募483件)), or None.
    """

    value: Decimal
    unit: str
    qualifier: Qualifier
    raw_text: str
    span: tuple[int, int]
    low: Decimal | None = None
    high: Decimal | None = None
    context: str | None = None


@dataclass(frozen=True)
class UnitHint:
    """What a bare number means where its table says so: 単位:億円 → yen × 10**8, 件数 → cases, 年度 → a year."""

    unit: str
    factor: Decimal
    label: str


YEAR_HINT = UnitHint("year", Decimal(1), "年")
"""A column of years (年, 年度, 西暦) or a header cell that is only a year: a bare 2004 is the year 2004."""

# ---- numbers that are not quantities ---------------------------------------------------------------

_INT = r"[0-9]+"
_ANY_DIGIT = re.compile(r"[0-9０-９]")
"""A text without one has no quantity (circled numbers ① are list numbers, never quantities)."""
_MASK = "_"
_CIRCLED = {chr(0x2460 + i): f"({i + 1})" for i in range(20)}  # ①..⑳ are list numbers, not 1..20
_ORDINAL_BEFORE = re.compile(
    rf"(?:第|その|事例|STEP|Step|step|No\.?|NO\.?|Phase|図|表|資料|別紙|別添|参考|ケース|Case|Vol\.?|Ver\.?|注)\s?(?P<n>{_INT})"
)
_ORDINAL_AFTER = re.compile(
    rf"{NUM_START}(?P<n>{_INT})(?=番目|回目|度目|年度目|[ヶカケか箇]?年目|期目|日目|週目|月目|位(?!置)|世紀|次(?!元)|号)"
)
_LIST_NUMBER = re.compile(rf"\((?P<n>{_INT})\)|(?:^|(?<=[、。,;:：●・■◆○◎□▪※\s]))(?P<m>{_INT})[.)](?![0-9])")
_COUNTER_RUN = rf"[{KANJI_KATAKANA}]{{0,4}}"
_RATE_DENOMINATOR = re.compile(
    rf"{NUM_START}(?:{_INT}{MULTIPLIER}?{_COUNTER_RUN}){{1,3}}(?:あたり|当たり|当り|につき|毎に|ごと)"
)
_YEARLIKE = r"(?:1[89]|20)[0-9]{2}"
_TITLE_NOUNS = "レポート|リポート|白書|報告書|計画|プラン|ビジョン|戦略|構想"
_TITLE_EDITION = re.compile(
    # 地域経済レポート2003, ものづくり白書2004: a year-like number glued to a title noun, not followed by what
    # makes it a year, a range, an amount or a list of numbers (計画2005年度, 計画2001～2005, プラン2010 2015) …
    rf"(?:{_TITLE_NOUNS})(?P<n>{_YEARLIKE})(?![0-9])(?!\s?[0-9.,/～~%年月万億兆千百{KANJI_KATAKANA}])"
    # … or ending a title in 「」 or 『』 right after a word of it: 「地域経済レポート2003」.
    rf"|[「『][^「」『』]*[^\s0-9「『.,/～~](?P<b>{_YEARLIKE})(?=[」』])"
)
"""The edition in a publication's or a plan's name: part of the name, not a quantity (like Route 128)."""
_DATE_PART = re.compile(rf"(?<![0-9年])(?P<n>{_INT})月(?:(?P<d>{_INT})日)?|(?P<h>{_INT})[:：](?P<mi>[0-9]{{2}})")

# ---- typed readings of our own (ratios, lengths, fractions, tenths) ----------------------------------

_RATIO = re.compile(prefix("pre") + rf"(?P<num>{NUM_START}{NUM})倍" + suffix("suf"))
_LENGTH = re.compile(
    prefix("pre")
    + rf"(?P<num>{NUM_START}{NUM}) ?(?P<unit>キロメートル|キロ(?!グラム|ワット)|km|メートル|m)(?![A-Za-z2²]|四方)"
    + suffix("suf")
)
_FRACTION = re.compile(
    prefix("pre")
    + rf"(?:(?P<num>{NUM_START}{_INT})/(?P<den>{_INT})(?![0-9/])|(?P<den2>{_INT})分の(?P<num2>{_INT}))"
    + suffix("suf")
)
_WARI = re.compile(prefix("pre") + rf"(?P<num>{NUM_START}{NUM})割(?:(?P<bu>[0-9])分)?" + suffix("suf"))

# ---- the generic reading of what is left ------------------------------------------------------------

_KNOWN_COUNTERS: dict[str, str] = {
    **{w: "箇所" for w in ("箇所", "か所", "カ所", "ヶ所", "ヵ所", "ケ所")},
    **{w: "か国" for w in ("か国", "カ国", "ヶ国", "ヵ国", "ケ国")},
    **{w: "か月" for w in ("か月", "カ月", "ヶ月", "ヵ月", "ケ月")},
    **{w: w for w in ("都道府県", "市町村", "地域", "都市", "分野", "拠点", "項目", "施設", "地区", "種類", "品目")},
    **{w: w for w in ("世帯", "時間", "期", "回", "歳", "台", "本", "枚", "冊", "点", "戸", "個", "種", "日", "週")},
    **{w: w for w in ("県", "国", "市", "町", "村", "区", "省", "府", "つ")},
    **COUNT_UNITS,  # 社, 人, 件 … where the count grammar left a number (約100社以上: qualifiers that disagree)
    "円": "yen",
}
_KANJI_COUNTER = r"(?:(?!以上|以内|未満|以下|程度|前後|強|弱|超|余|近[くい])[\u4e00-\u9fff]){1,8}"
_KATAKANA_COUNTER = r"[ァ-ヶー]{2,12}"
_COUNTER_AFTER = re.compile(
    "|".join(sorted(map(re.escape, _KNOWN_COUNTERS), key=len, reverse=True))
    + rf"|{_KATAKANA_COUNTER}"  # a katakana counter: プロジェクト, フォーラム
    + rf"|{_KANJI_COUNTER}"  # 工場
)
_BOUND_COUNTER = re.compile(bound("bound") + rf"(?P<word>{_KANJI_COUNTER}|{_KATAKANA_COUNTER})")
"""A counter after a bound phrase, in the same clause: 25の民間研究所, 19のプロジェクト, 50余りの地域."""
_GENERIC = re.compile(
    rf"(?P<pre>(?<![{'契予集要節制条規公婚協誓特盟確解倹簡'}])約|およそ|概ね|ほぼ|最大|上限|最低)?"
    rf"(?P<num>{NUM_START}{NUM})(?P<mult>{MULTIPLIER})?"
)
_SUFFIX = re.compile(
    r"程度(?:以内|以下|未満|以上)|を(?:超える|上回る|下回る)|以上|以内|未満|以下|程度|ほど|前後|強|弱|超|余り?|近[くい]"
)
_SUFFIX_AS = {"余": "超", "余り": "超", "近く": "程度", "近い": "程度"}
"""Suffix words of the generic reading that mean what a word of the grammar means: 50余 is 50超."""
_COUNTED_NOUNS: dict[str, str] = {
    "企業": "companies",
    "社": "companies",
    "人口": "persons",
    "就業人口": "persons",
    "人数": "persons",
    "人": "persons",
    "従業員": "persons",
    "就業者": "persons",
    "雇用者": "persons",
    "職員": "persons",
    "社員": "persons",
    "学生": "persons",
    "件": "cases",
    "大学": "universities",
    "機関": "institutions",
    "団体": "organizations",
    "校": "schools",
}
"""A noun that says what a bare number counts when it is printed just before it: 企業数は約1100, 人口:120万."""
_COUNTED_BEFORE = re.compile(
    "(?P<noun>" + "|".join(sorted(map(re.escape, _COUNTED_NOUNS), key=len, reverse=True)) + r")数?(?:は|:)、?$"
)
_KATAKANA_BEFORE = re.compile(r"(?P<noun>[ァ-ヶー]{2,12})数?(?:として|は|が|:)、?$")
"""A katakana noun right before a bare number names what it counts: プロジェクトとして20程度 → プロジェクト."""
_NAME_BEFORE = re.compile(r"[A-Za-z][A-Za-z.\-]* ?$")
_SIGN = re.compile(r"(?:[▲△]\s?|(?<![0-9A-Za-z\-])[-−])$")
_CLAUSE_END = "、。,;()[]「」『』【】<>●・\n"
_CONTEXT_EDGE = " ・、。,:：+"
_CONTEXT_MAX = 20


def _circled_to_list_numbers(text: str) -> str:
    return "".join(_CIRCLED.get(ch, ch) for ch in text)


def mask_non_quantities(cleaned: str) -> str:
    """``cleaned`` with the digits of every number that is not a quantity replaced by '_' (same length).

    >>> mask_non_quantities("第17回 1地域あたり2.5億円 (1)背景 2年度目:5,000万円 6月21日")
    '第__回 _地域あたり2.5億円 (_)背景 _年度目:5,000万円 _月__日'
    """
    chars = list(cleaned)

    def mask(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i].isdigit():
                chars[i] = _MASK

    for pattern in (_ORDINAL_BEFORE, _ORDINAL_AFTER, _LIST_NUMBER, _RATE_DENOMINATOR, _DATE_PART):
        for m in pattern.finditer(cleaned):
            mask(m.start(), m.end())
    for m in _TITLE_EDITION.finditer(cleaned):
        mask(*m.span("n" if m.group("n") is not None else "b"))
    return "".join(chars)


def _fraction_percent(num: int, den: int, text: str) -> Decimal:
    if den == 0 or num >= den:
        raise NormalizeError(text, f"{num}/{den} is not a fraction")
    with localcontext() as ctx:
        ctx.prec = 40
        return tidy((Decimal(100) * num / den).quantize(Decimal(1).scaleb(-_DECIMAL_PLACES)))


def _qualifier(text: str, before: str | None, after: str | None) -> Qualifier:
    return combine_qualifiers(text, before, after, is_range=False)


def _ratios(masked: str, text: str) -> list[Quantity]:
    def read(m: re.Match[str]) -> Quantity:
        value = tidy(to_decimal(m.group("num"), text))
        return Quantity(value, "times", _qualifier(text, m.group("pre"), m.group("suf")), m.group(0), m.span())

    return read_matches(_RATIO.finditer(masked), read, strict=False)


def _lengths(masked: str, text: str) -> list[Quantity]:
    def read(m: re.Match[str]) -> Quantity:
        value = tidy(to_decimal(m.group("num"), text))
        if m.group("unit") in ("メートル", "m"):
            value = tidy(value.scaleb(-3))
        return Quantity(value, "km", _qualifier(text, m.group("pre"), m.group("suf")), m.group(0), m.span())

    return read_matches(_LENGTH.finditer(masked), read, strict=False)


def _fractions(masked: str, text: str) -> list[Quantity]:
    def read(m: re.Match[str]) -> Quantity:
        num = int(m.group("num") or m.group("num2"))
        den = int(m.group("den") or m.group("den2"))
        value = _fraction_percent(num, den, text)
        return Quantity(value, "percent", _qualifier(text, m.group("pre"), m.group("suf")), m.group(0), m.span())

    def read_wari(m: re.Match[str]) -> Quantity:
        value = tidy(to_decimal(m.group("num"), text) * 10 + int(m.group("bu") or 0))
        return Quantity(value, "percent", _qualifier(text, m.group("pre"), m.group("suf")), m.group(0), m.span())

    return read_matches(_FRACTION.finditer(masked), read, strict=False) + read_matches(
        _WARI.finditer(masked), read_wari, strict=False
    )


def _typed(masked: str, text: str, context_era: str | None) -> Iterable[list[Quantity]]:
    """The typed grammars' readings, most specific first (each a list in text order)."""
    yield [
        Quantity(Decimal(m.yen), "yen", m.qualifier, m.raw_text, m.span, _dec(m.low_yen), _dec(m.high_yen))
        for m in find_money(masked, strict=False)
        if m.yen is not None
    ]
    yield [Quantity(p.value, "percent", p.qualifier, p.raw_text, p.span, p.low, p.high) for p in find_percents(masked)]
    yield [Quantity(a.km2, "km2", a.qualifier, a.raw_text, a.span) for a in find_areas(masked, strict=False)]
    yield [
        Quantity(c.value, c.unit, c.qualifier, c.raw_text, c.span, c.low, c.high)
        for c in find_counts(masked, strict=False)
    ]
    yield [_year(y) for y in find_years(masked, context_era=context_era, strict=False)]
    yield [
        Quantity(d.years, "duration_years", d.qualifier, d.raw_text, d.span, d.low, d.high)
        for d in find_durations(masked, strict=False)
    ]
    yield _ratios(masked, text)
    yield _lengths(masked, text)
    yield _fractions(masked, text)


def _dec(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _year(y: YearSpan) -> Quantity:
    if y.start is None:
        assert y.end is not None
        return Quantity(Decimal(y.end), "year", "at_most", y.raw_text, y.span)
    if y.end is None:
        return Quantity(Decimal(y.start), "year", "at_least", y.raw_text, y.span)
    if y.start == y.end:
        return Quantity(Decimal(y.start), "year", "exact", y.raw_text, y.span)
    return Quantity(Decimal(y.end), "year", "range", y.raw_text, y.span, Decimal(y.start), Decimal(y.end))


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _generic(cleaned: str, masked: str, m: re.Match[str], text: str, hint: UnitHint | None) -> Quantity | None:
    """A number no typed grammar claimed: read with its counter, the column's unit or the noun before it."""
    start, end = m.span()
    number = m.group("num")
    if _NAME_BEFORE.search(cleaned, 0, m.start("num")) or re.match(r"[A-Za-z]", cleaned[end : end + 1]):
        return None  # Route 128, COSMOS2, 3D: a name, not a quantity
    if cleaned[end : end + 1] == "/" or cleaned[m.start("num") - 1 : m.start("num")] == "/":
        return None  # a date such as 4/1
    value = scale(to_decimal(number, text), multiplier_value(m.group("mult")))
    unit, end, bound_word = _counter(masked, end, of_number=m.group("mult") is None)
    suf = _SUFFIX.match(masked, end)
    suffix_word = suf.group(0) if suf else None
    if suf:
        end = suf.end()
    suffix_word = _SUFFIX_AS.get(suffix_word or "", suffix_word)
    try:
        qualifier = combine_qualifiers(text, m.group("pre"), suffix_word, is_range=False, bound=bound_word)
    except NormalizeError:  # 約100社以上, 約200を超える: the bound printed after the number is what it says
        qualifier = SUFFIX_QUALIFIERS.get(suffix_word or "") or BOUND_QUALIFIERS.get(bound_word or "") or "exact"
    if unit is None:
        before = _COUNTED_BEFORE.search(cleaned, 0, m.start())
        katakana = _KATAKANA_BEFORE.search(cleaned, 0, m.start())
        if before is not None:
            unit = _COUNTED_NOUNS[before.group("noun")]
        elif katakana is not None:
            unit = katakana.group("noun")
        elif hint is not None and (hint.unit != "year" or _is_year(number, m.group("mult"))):
            unit, value = hint.unit, tidy(value * hint.factor)
        else:
            unit = UNTYPED
    return Quantity(value, unit, qualifier, cleaned[start:end], (start, end))


def _counter(masked: str, end: int, *, of_number: bool) -> tuple[str | None, int, str | None]:
    """The counter word printed after a number, where it ends and the bound phrase before it, or None:
    19プロジェクト → プロジェクト; 19のプロジェクト, 50余りの地域 → プロジェクト, 地域 after の, 余りの.

    A bare の takes a counter only after a number without a multiplier (1億の予算 counts no 予算). A qualifier
    word with nothing counted after it (程度, 以上) is no counter; 年 makes a duration; 年度 without an era stays
    untyped.
    """
    b = _BOUND_COUNTER.match(masked, end)
    if b is not None and (of_number or b.group("bound") != "の"):
        word = b.group("word")
        return _KNOWN_COUNTERS.get(word, word), b.end(), b.group("bound")
    if _SUFFIX.match(masked, end) or masked.startswith("の", end):
        return None, end, None
    if masked.startswith("年度", end):
        return UNTYPED, end + 2, None  # a fiscal year whose era the document never names: not guessed
    if masked.startswith("年", end):
        return "duration_years", end + 1, None
    m = _COUNTER_AFTER.match(masked, end)
    if m is None:
        return None, end, None
    word = m.group(0)
    return _KNOWN_COUNTERS.get(word, word), m.end(), None


def _is_year(number: str, mult: str | None) -> bool:
    return mult is None and re.fullmatch(r"1[89][0-9]{2}|20[0-9]{2}", number) is not None


def _signed(q: Quantity, cleaned: str) -> Quantity:
    """A decrease printed with ▲ or △ (or a minus) before the number is negative; its sign joins raw_text."""
    if q.unit in ("year", "duration_years", "km2", "km"):
        return q
    m = _SIGN.search(cleaned, 0, q.span[0])
    if m is None:
        return q

    def neg(v: Decimal | None) -> Decimal | None:
        return None if v is None else -v

    low, high = (neg(q.high), neg(q.low)) if q.low is not None else (None, None)
    start = m.start()
    return replace(q, value=-q.value, low=low, high=high, raw_text=cleaned[start : q.span[1]], span=(start, q.span[1]))


def _context(cleaned: str, breaks: list[int], found: list[Quantity], i: int) -> str | None:
    """The words around quantity ``i`` in its clause and printed line, up to the quantities beside it:
    '応募' for 483件 in 49件(応募483件), '1地域あたり … /年' for 2.5億円程度 in 1地域あたり2.5億円程度/年."""
    q = found[i]
    lo = max([found[i - 1].span[1] if i > 0 else 0, *(b for b in breaks if b <= q.span[0])])
    hi = min([found[i + 1].span[0] if i + 1 < len(found) else len(cleaned), *(b for b in breaks if b >= q.span[1])])
    before = cleaned[lo : q.span[0]]
    after = cleaned[q.span[1] : hi]
    cut = max((before.rfind(c) for c in _CLAUSE_END), default=-1)
    before = before[cut + 1 :]
    if len(before) > _CONTEXT_MAX:  # the nearest words, never the tail of a Latin word
        before = re.sub(r"^[A-Za-z0-9]+", "", before[-_CONTEXT_MAX:])
    ends = [after.find(c) for c in _CLAUSE_END if after.find(c) >= 0]
    after = after[: min(ends, default=len(after))]
    if len(after) > _CONTEXT_MAX:
        after = re.sub(r"[A-Za-z0-9]+$", "", after[:_CONTEXT_MAX])
    before, after = (re.sub(r"[*※][0-9]+", "", t).strip(_CONTEXT_EDGE) for t in (before, after))
    words = " … ".join(t for t in (before, after) if t)
    return words or None


def find_quantities(
    text: str,
    *,
    context_era: str | None = None,
    hint: UnitHint | None = None,
) -> list[Quantity]:
    """Every quantity printed in ``text`` (a table cell or a paragraph), in order, typed and with its context.

    ``context_era`` is the era the document counts its years in (17年度 is 平成17年度 in a 平成 document);
    ``hint`` is the unit a table declares for the cell's column or row, applied to bare numbers.

    >>> [(q.value, q.unit, q.qualifier, q.context) for q in find_quantities("49件(応募483件)")]
    [(Decimal('49'), 'cases', 'exact', None), (Decimal('483'), 'cases', 'exact', '応募')]
    >>> [(q.value, q.unit) for q in find_quantities("全国19プロジェクト、約6,100の企業と約250の大学")]
    [(Decimal('19'), 'プロジェクト'), (Decimal('6100'), 'companies'), (Decimal('250'), 'universities')]
    >>> [q.raw_text for q in find_quantities("第17回 1件当り 3年目以降 Route 128 (1)背景")]
    []
    """
    if not _ANY_DIGIT.search(text):
        return []  # most cells of a text table: nothing to read
    source = _circled_to_list_numbers(text)
    cleaned = clean_text(source)
    reject_garbled_digits(text, cleaned)
    breaks = [len(clean_text(source[:i])) for i, ch in enumerate(source) if ch == "\n"]
    masked = mask_non_quantities(cleaned)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for readings in _typed(masked, text, context_era):
        for q in readings:
            if not _overlaps(q.span, taken):
                found.append(q)
                taken.append(q.span)
    for m in _GENERIC.finditer(masked):
        if _overlaps(m.span("num"), taken):
            continue
        q = _generic(cleaned, masked, m, text, hint)
        if q is not None and not _overlaps(q.span, taken):
            found.append(q)
            taken.append(q.span)
    found = sorted((_signed(q, cleaned) for q in found), key=lambda q: q.span)
    return [replace(q, context=_context(cleaned, breaks, found, i)) for i, q in enumerate(found)]


_DECLARED_UNIT = re.compile(r"単位\s*[:：]?\s*(?P<u>[^()\[\]、。\s]{1,8})")
_BRACKETED_UNIT = re.compile(r"[(\[](?P<u>[^()\[\]]{1,8})[)\]]\s*$")
_COUNTED_HEADER = re.compile(rf"(?P<noun>[{KANJI_KATAKANA}]+?)(?:件)?数$")
_YEAR_HEADER = re.compile(r"(?:^|[^0-9数])(?:年|年度|年次)$|^(?:西暦|fiscal year|year|FY)$", re.IGNORECASE)


def unit_hint(label: str, *, context_era: str | None = None) -> UnitHint | None:
    """The unit a header, row label or note declares for the bare numbers under it, or None.

    >>> [(h.unit, int(h.factor)) for h in map(unit_hint, ["予算(百万円)", "(単位:億円)", "採択件数", "プロジェクト数"])]
    [('yen', 1000000), ('yen', 100000000), ('cases', 1), ('プロジェクト', 1)]
    >>> unit_hint("制度名(所管)") is None, unit_hint("年度") == YEAR_HINT
    (True, True)
    """
    cleaned = clean_text(label)
    if _YEAR_HEADER.search(cleaned):
        return YEAR_HINT
    for pattern in (_DECLARED_UNIT, _BRACKETED_UNIT):
        m = pattern.search(cleaned)
        if m is not None:
            declared = _typed_unit(m.group("u"), label)
            if declared is not None:
                return declared
    m = _COUNTED_HEADER.search(cleaned)
    if m is not None:
        noun = m.group("noun")
        counted = next((u for w, u in _COUNTED_NOUNS.items() if noun.endswith(w)), None)
        counted = counted or next((u for w, u in _KNOWN_COUNTERS.items() if noun.endswith(w)), None)
        if cleaned.endswith("件数"):
            counted = "cases"
        if counted is None and re.fullmatch(r"[ァ-ヶー]{2,12}", noun):
            counted = noun  # プロジェクト数: a counter the normalizer does not know, kept as the word
        if counted is not None:
            return UnitHint(counted, Decimal(1), cleaned)
    return None


def declared_unit(text: str) -> UnitHint | None:
    """A unit a title or a note declares for a whole table (単位:億円, 単位：百万円), or None.

    >>> declared_unit("(単位:百万円)").factor, declared_unit("(出典)経済産業省") is None
    (Decimal('1000000'), True)
    """
    m = _DECLARED_UNIT.search(clean_text(text))
    return _typed_unit(m.group("u"), text) if m else None


def _typed_unit(word: str, label: str) -> UnitHint | None:
    """A declared unit word (億円, 百万円, %, 人, 社, km2) read by the typed grammars: '1' + word."""
    probe = "1" + word
    for readings in _typed(probe, probe, None):
        if len(readings) == 1 and readings[0].span == (0, len(probe)) and readings[0].unit in BASE_UNITS:
            return UnitHint(readings[0].unit, readings[0].value, clean_text(label))
    return None
