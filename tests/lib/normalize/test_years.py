"""Years, fiscal years and durations from the deck, expected values written by hand."""

import pytest

from pipelines.lib.normalize import (
    PIVOT,
    NormalizeError,
    clean_text,
    find_years,
    fiscal_year,
    parse_duration_years,
    parse_years,
)

# (text as in the deck, start, end, end_planned, kind, modifier)
DECK_YEARS = [
    ("1999年", 1999, 1999, False, "year", None),
    ("1999年～", 1999, None, False, "open", None),
    ("2003年～(2008年)", 2003, 2008, True, "range", None),
    ("1994年～(2004年)", 1994, 2004, True, "range", None),
    ("1999年～(2006年)", 1999, 2006, True, "range", None),
    ("1996年～2001", 1996, 2001, False, "range", None),
    ("・工業再配置促進法(72 年～ )", 1972, None, False, "open", None),
    ("72年～", 1972, None, False, "open", None),
    ("・テクノポリス法 (83 年～ 98 年 )", 1983, 1998, False, "range", None),
    ("83年～98年", 1983, 1998, False, "range", None),
    ("・頭脳立地法(88 年から 98 年)", 1988, 1998, False, "range", None),
    ("88年から98年", 1988, 1998, False, "range", None),
    ("・地方拠点法(92 年～ )", 1992, None, False, "open", None),
    ("・特定産業集積活性化法(97 年～ )", 1997, None, False, "open", None),
    ("・新事業創出促進法(98 年～ )", 1998, None, False, "open", None),
    ("95年以降300社の技術系", 1995, None, False, "open", None),
    ("95年以降", 1995, None, False, "open", None),
    ("1950年代、サイエンスパー\nクの設立。", 1950, 1959, False, "decade", None),
    ("1950年代", 1950, 1959, False, "decade", None),
    ("1980年代、国家的半導体研", 1980, 1989, False, "decade", None),
    ("60年代に州がリサーチパーク", 1960, 1969, False, "decade", None),
    ("90年代、GSKからのスピノ", 1990, 1999, False, "decade", None),
    ("90年代", 1990, 1999, False, "decade", None),
    ("1990年代半ば", 1990, 1999, False, "decade", "mid"),
    ("70年代から80年代にかけ、", 1970, 1989, False, "range", None),
    ("(1970 年代～ 90 年代半ば )", 1970, 1999, False, "range", "mid"),
    ("(1990 年代半ば～ )", 1990, None, False, "open", "mid"),
    ("(2001 年～ )", 2001, None, False, "open", None),
    ("2004年4月現在", 2004, 2004, False, "year", None),
    ("出典: 参画企業アンケート(2004年12月～2005年1月実施)", 2004, 2005, False, "range", None),
    ("71年に構想が発表された国", 1971, 1971, False, "year", None),
    ("構想は、1960年代。", 1960, 1969, False, "decade", None),
    ("1960年代", 1960, 1969, False, "decade", None),
    ("1990年代からベン\nチャー出現。", 1990, None, False, "open", None),
    ("97年のア\nジア通貨危機以来", 1997, 1997, False, "year", None),
    ("88年、政府がハイテク産業", 1988, 1988, False, "year", None),
    ("99年に北京", 1999, 1999, False, "year", None),
    ("1999年、北東イングランド\n開発公社設立。", 1999, 1999, False, "year", None),
    ("1980年にVTT所長がサイエ", 1980, 1980, False, "year", None),
    ("1996\n年にドイツのバイオ産業発展", 1996, 1996, False, "year", None),
    ("2005 年 6 月 21 日", 2005, 2005, False, "year", None),
    ("( 平成 14 年 4 月 )", 2002, 2002, False, "year", None),
    ("< 第Ⅰ期 (2001 ～ 5) ～産業クラスターの立ち上げ期～ >", 2001, 2005, False, "range", None),
    ("< 第Ⅱ期 (2006 ～ 10) ～産業クラスターの成長期～ >", 2006, 2010, False, "range", None),
    ("< 第Ⅲ期 (2011 ～ 20) ～産業クラスターの自律的發展期～ >", 2011, 2020, False, "range", None),
    ("2001～5", 2001, 2005, False, "range", None),
    ("2006～10", 2006, 2010, False, "range", None),
    ("2011～20", 2011, 2020, False, "range", None),
    ("M・ポーターの指導のもと2001年にリサーチトライアングル", 2001, 2001, False, "year", None),
    ("平成16年度産業クラスター研究会資料", 2004, 2004, False, "fiscal_year", None),
    ("平成17年度においては", 2005, 2005, False, "fiscal_year", None),
    ("平成13～15年度地域新生コンソーシアム研究開発事業採択件数", 2001, 2003, False, "fiscal_range", None),
]


@pytest.mark.parametrize(("text", "start", "end", "planned", "kind", "modifier"), DECK_YEARS)
def test_deck_years(text, start, end, planned, kind, modifier):
    y = parse_years(text)
    assert (y.start, y.end, y.end_planned, y.kind, y.modifier) == (start, end, planned, kind, modifier)


def test_modifier_position():
    y = parse_years("(1970年代～90年代半ば)")
    assert (y.start_modifier, y.end_modifier) == (None, "mid")
    y = parse_years("(1990年代半ば～)")
    assert (y.start_modifier, y.end_modifier) == ("mid", None)


def test_footnote_legend_years():
    found = find_years("*1 2003年 *2 1999年 *3 1997年 *4 2004年 *5 1998年")
    assert [y.start for y in found] == [2003, 1999, 1997, 2004, 1998]


def test_durations_are_not_years():
    assert find_years("計画期間は、 5 年間 (3 年目に中間評価 ) とし") == []
    assert find_years("5～10年") == []
    assert find_years("10年間") == []
    assert find_years("10年以上") == []


def test_pivot_is_a_parameter():
    assert PIVOT == 30
    assert parse_years("30年").start == 2030
    assert parse_years("31年").start == 1931
    assert parse_years("30年", pivot=20).start == 1930
    assert parse_years("1998年～02年").end == 2002


def test_era_decade():
    y = parse_years("昭和40年代")
    assert (y.start, y.end, y.kind) == (1965, 1974, "decade")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2003年～(2008年", [(2003, None), (2008, 2008)]),  # unclosed parenthesis: not a planned end
        ("1999年～(2006)", [(1999, None)]),  # a planned end needs its 年
        ("1996年～2001社", [(1996, None)]),  # 2001社 is a count, not a range end
        ("83年～5年", [(1983, None)]),  # a 1-digit end cannot complete a 2-digit start
        ("2001-5", []),  # plan periods need ～
    ],
)
def test_incomplete_ranges(text, expected):
    assert [(y.start, y.end) for y in find_years(text)] == expected


def test_open_until():
    y = parse_years("2005年まで")
    assert (y.start, y.end, y.kind) == (None, 2005, "open")


def test_spans_index_cleaned_text():
    text = "・テクノポリス法 (83 年～ 98 年 )"
    y = parse_years(text)
    assert y.raw_text == "83年～98年"
    assert y.span == (9, 16)  # cleaned: '・テクノポリス法(83年～98年)'
    assert clean_text(text)[9:16] == y.raw_text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "第 17 回地域クラスターセミナー",
        "83年～98年 と 88年から98年",  # two expressions
        "1995年代",  # not a decade
        "2005年～2001年",  # backwards
        "平成2004年",
        "17年度予算",  # era-less fiscal year without context
        "平成15年代",  # not a decade of the era
        "5年代",
        "100年度",
    ],
)
def test_year_errors(text):
    with pytest.raises(NormalizeError):
        parse_years(text)


# (text, context_era, start, end, kind)
DECK_FISCAL = [
    ("平成16年度", None, 2004, 2004, "fiscal_year"),
    ("(出典)経済産業省平成16年度産業クラスター研究会資料", None, 2004, 2004, "fiscal_year"),
    ("平成13～15年度", None, 2001, 2003, "fiscal_range"),
    ("17年度予算", "平成", 2005, 2005, "fiscal_year"),
    ("(16年度予算)", "平成", 2004, 2004, "fiscal_year"),
]


@pytest.mark.parametrize(("text", "era", "start", "end", "kind"), DECK_FISCAL)
def test_deck_fiscal_years(text, era, start, end, kind):
    y = fiscal_year(text, context_era=era)
    assert (y.start, y.end, y.kind) == (start, end, kind)


@pytest.mark.parametrize(
    ("text", "start"),
    [("昭和60年度", 1985), ("令和2年度", 2020), ("平成元年度", 1989), ("2004年度", 2004), ("大正元年度", 1912)],
)
def test_era_table(text, start):
    assert fiscal_year(text).start == start


def test_written_era_wins_over_context():
    assert fiscal_year("昭和60年度", context_era="平成").start == 1985


def test_budget_header_needs_context():
    with pytest.raises(NormalizeError, match="context_era"):
        find_years("施策名 17年度予算 (16年度予算) 概要")
    found = find_years("施策名 17年度予算 (16年度予算) 概要", context_era="平成")
    assert [(y.start, y.kind) for y in found] == [(2005, "fiscal_year"), (2004, "fiscal_year")]


@pytest.mark.parametrize(
    ("text", "era"),
    [("17年度予算", None), ("1999年", None), ("17年度予算", "天平"), ("17年度予算 (16年度予算)", "平成")],
)
def test_fiscal_year_errors(text, era):
    with pytest.raises(NormalizeError):
        fiscal_year(text, context_era=era)


# (text as in the deck, years)
DECK_DURATIONS = [
    ("6年間", 6),
    ("5年間", 5),
    ("(5年間)", 5),
    ("円(5年間)", 5),
    ("年間、研究100億円、基\n盤80億円)", None),
    ("2年以内", 2),
    ("3年以内", 3),
    ("計画期間は、 5 年間 (3 年目に中間評価 ) とし", 5),
    ("1億円以内×2年以内", 2),
]


@pytest.mark.parametrize(("text", "years"), DECK_DURATIONS)
def test_deck_durations(text, years):
    if years is None:
        with pytest.raises(NormalizeError):
            parse_duration_years(text)
    else:
        assert parse_duration_years(text) == years


@pytest.mark.parametrize("text", ["", "1.5年間", "2年以内×3年以内", "3年目"])
def test_duration_errors(text):
    with pytest.raises(NormalizeError):
        parse_duration_years(text)


def test_duration_counter_forms():
    assert parse_duration_years("3カ年") == 3
    assert parse_duration_years("5ヶ年計画") == 5
