"""Property tests: round trips, junk input, clean_text invariants, spans."""

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import pipelines.lib.normalize as nz
from pipelines.lib.normalize import (
    NormalizeError,
    clean_text,
    find_counts,
    find_money,
    find_percents,
    find_years,
    parse_count,
    parse_money,
    parse_percent,
    parse_years,
)

PUBLIC_TEXT_FUNCTIONS = [
    nz.clean_text,
    nz.split_footnotes,
    nz.parse_money,
    nz.find_money,
    nz.parse_count,
    nz.find_counts,
    nz.parse_area,
    nz.find_areas,
    nz.parse_percent,
    nz.find_percents,
    nz.parse_years,
    nz.find_years,
    nz.fiscal_year,
    nz.parse_duration_years,
    nz.parse_grant_terms,
    nz.find_grant_terms,
]

# Pieces of the grammar, so random strings reach deep into the parsers and not only "no match".
GRAMMAR_PIECES = [
    *"0123456789０１２.,，．～〜~-()（）*※＊ 　\n約人名社件校%％×x元の",
    *["年", "年代", "年度", "月", "億", "万", "千", "兆", "円", "億円", "万人", "平成", "昭和", "令和"],
    *["以上", "以内", "未満", "強", "超", "程度", "ほど", "から", "以降", "まで", "半ば", "後半", "末"],
    *["平方キロメートル", "キロ四方", "km", "南北", "東西", "半径", "範囲内", "(新規)", "機関", "大学"],
    *["年間", "ヶ年", "パーセント", "およそ", "契約"],
]
grammar_text = st.lists(st.sampled_from(GRAMMAR_PIECES), max_size=20).map("".join)


def amount(places_max: int):
    return st.integers(min_value=0, max_value=places_max).flatmap(
        lambda places: st.decimals(min_value=0, max_value=10**7, places=places, allow_nan=False, allow_infinity=False)
    )


@given(amount(8), st.sampled_from(["", "約", "およそ"]))
def test_oku_yen_round_trip(n, prefix):
    m = parse_money(f"{prefix}{n:f}億円")
    assert m.oku_yen == n
    assert m.yen == n * 100_000_000
    assert m.qualifier == ("approx" if prefix else "exact")


@given(st.integers(min_value=0, max_value=10**15))
def test_yen_with_thousands_commas(n):
    assert parse_money(f"{n:,}円").yen == n


@given(amount(4), st.sampled_from(["", "約"]), st.sampled_from(["", "以上", "強", "ほど"]))
def test_man_nin_round_trip(n, prefix, suffix):
    expected = {"": "approx" if prefix else "exact", "以上": "at_least", "強": "at_least", "ほど": "approx"}
    if prefix and suffix in ("以上", "強"):
        return  # 約…以上 is refused as conflicting; covered in test_counts
    c = parse_count(f"{prefix}{n:f}万人{suffix}")
    assert c.value == n * 10_000
    assert c.unit == "persons"
    assert c.qualifier == expected[suffix]


@given(amount(3), st.sampled_from(["", "約"]))
def test_percent_round_trip(n, prefix):
    p = parse_percent(f"{prefix}{n:f}%")
    assert p.value == n
    assert p.qualifier == ("approx" if prefix else "exact")


@given(st.integers(min_value=1000, max_value=2999))
def test_four_digit_year_round_trip(year):
    y = parse_years(f"{year}年")
    assert (y.start, y.end, y.kind) == (year, year, "year")


@given(st.integers(min_value=1000, max_value=2989), st.integers(min_value=0, max_value=10))
def test_year_range_round_trip(start, length):
    y = parse_years(f"{start}年～{start + length}年")
    assert (y.start, y.end, y.kind) == (start, start + length, "range")


@given(st.integers(min_value=1, max_value=31))
def test_heisei_round_trip(n):
    assert nz.fiscal_year(f"平成{n}年度").start == 1988 + n


@settings(max_examples=300)
@given(st.text(), st.sampled_from(PUBLIC_TEXT_FUNCTIONS))
def test_random_text_raises_only_normalize_error(text, func):
    try:
        func(text)
    except NormalizeError as err:
        assert err.text == text


@settings(max_examples=1500)
@given(grammar_text, st.sampled_from(PUBLIC_TEXT_FUNCTIONS))
def test_grammar_soup_raises_only_normalize_error(text, func):
    try:
        func(text)
    except NormalizeError as err:
        assert err.text == text


@given(st.text())
def test_clean_text_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once


@given(st.one_of(st.text(), grammar_text))
def test_clean_text_preserves_range_dashes(text):
    assert clean_text(text).count("～") == len(re.findall("[〜～]", text))
    assert "〜" not in clean_text(text)


@settings(max_examples=500)
@given(grammar_text)
def test_spans_point_into_cleaned_text(text):
    cleaned = clean_text(text)
    for finder in (find_money, find_counts, find_percents, find_years, nz.find_areas):
        try:
            found = finder(text)
        except NormalizeError:
            continue
        for item in found:
            assert cleaned[item.span[0] : item.span[1]] == item.raw_text
        assert [item.span for item in found] == sorted(item.span for item in found)


@given(amount(2))
def test_decimal_values_are_tidy(n):
    c = parse_count(f"{n:f}社")
    assert isinstance(c.value, Decimal)
    assert c.value == n
    assert "E" not in str(c.value)  # 2000, not 2E+3


GARBLED = ["1?.9%", "約61?0社", "56\ufffd億円", "1?99年", "約?.4平方キロメートル", "6?年間"]


@given(st.sampled_from(GARBLED), st.sampled_from(PUBLIC_TEXT_FUNCTIONS[2:]))
def test_garbled_digits_are_refused_not_read_as_a_fragment(text, func):
    try:
        func(text)
    except NormalizeError as err:
        assert err.text == text
    else:
        raise AssertionError(f"{func.__name__} read {text!r}")


def test_ellipsis_before_a_number_is_fine():
    assert [c.value for c in find_counts("…7500人以上")] == [Decimal(7500)]
    assert find_counts("No.5社") == []  # a lone '.' before digits is not a number start
