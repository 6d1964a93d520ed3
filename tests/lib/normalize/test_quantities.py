"""find_quantities: every quantity of a text, typed, with what is not a quantity left out.

The strings are real: printed in the bundled deck, in the sample deck of another document
(../shared/decks/jst_regional_programs_2003.pdf) or in the kinds of government documents users drop in
(budget requests with 百万円 tables, evaluations with ratios and decreases).
"""

from decimal import Decimal

import pytest

from pipelines.lib.normalize import NormalizeError, declared_unit, find_quantities, unit_hint
from pipelines.lib.normalize.counts import UNITS as COUNT_UNITS
from pipelines.lib.normalize.quantities import BASE_UNITS, UNTYPED, YEAR_HINT, mask_non_quantities

D = Decimal


def one(text, **kwargs):
    found = find_quantities(text, **kwargs)
    assert len(found) == 1, [q.raw_text for q in found]
    return found[0]


def read(text, **kwargs):
    return [(q.raw_text, q.value, q.unit, q.qualifier) for q in find_quantities(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("86億5,000万円", D(8_650_000_000), "yen", "exact"),
        ("1兆2,000億円", D(1_200_000_000_000), "yen", "exact"),
        ("3千万円", D(30_000_000), "yen", "exact"),
        ("1,234百万円", D(1_234_000_000), "yen", "exact"),
        ("500千円", D(500_000), "yen", "exact"),
        ("5,000万円程度以内", D(50_000_000), "yen", "at_most"),
        ("2.5億円程度", D(250_000_000), "yen", "approx"),
        ("16 億円", D(1_600_000_000), "yen", "exact"),
        ("約6,100の企業", D(6100), "companies", "approx"),
        ("約250の大学", D(250), "universities", "approx"),
        ("13000人ほど", D(13000), "persons", "approx"),
        ("3.2万人強", D(32000), "persons", "at_least"),
        ("3百万人", D(3_000_000), "persons", "exact"),
        ("200機関以上", D(200), "institutions", "at_least"),
        ("回収率約40%", D(40), "percent", "approx"),
        ("補助率は1/2以内", D(50), "percent", "at_most"),
        ("3割", D(30), "percent", "exact"),
        ("約2.3倍", D("2.3"), "times", "approx"),
        ("中心から10km", D(10), "km", "exact"),
        ("約5キロ四方", D(25), "km2", "approx"),
        ("3年間", D(3), "duration_years", "exact"),
        ("2年以内", D(2), "duration_years", "at_most"),
        ("10年以上", D(10), "duration_years", "at_least"),
        ("平成9年", D(1997), "year", "exact"),
        ("2005 年 6 月 21 日", D(2005), "year", "exact"),
        ("1999年～", D(1999), "year", "at_least"),
        ("19プロジェクト", D(19), "プロジェクト", "exact"),
        ("全国12箇所", D(12), "箇所", "exact"),
        ("当選3地域", D(3), "地域", "exact"),
        ("産学官で6つのフォーラム", D(6), "つ", "exact"),
        ("企業数は約1100。", D(1100), "companies", "approx"),
        ("ハイテク企業は500以上", D(500), "companies", "at_least"),
        ("25の民間研究所", D(25), "民間研究所", "exact"),
        ("プロジェクトとして20 程度を立ち上げ", D(20), "プロジェクト", "approx"),
        ("20程度を立ち上げ", D(20), UNTYPED, "approx"),
    ],
)
def test_each_kind_of_quantity(text, value, unit, qualifier):
    q = one(text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "raw_text", "context"),
    [
        # read by the count grammar: the counter word is one of its units
        ("200を超える大学が参加", D(200), "universities", "at_least", "200を超える大学", "が参加"),
        ("1,000を超える企業", D(1000), "companies", "at_least", "1,000を超える企業", None),
        ("30以上の機関", D(30), "institutions", "at_least", "30以上の機関", None),
        ("100近い大学", D(100), "universities", "approx", "100近い大学", None),
        ("20強の大学", D(20), "universities", "at_least", "20強の大学", None),
        ("50弱の企業", D(50), "companies", "at_most", "50弱の企業", None),
        ("約1,000を超える企業が集積", D(1000), "companies", "at_least", "約1,000を超える企業", "が集積"),
        # read generically: a counter word the grammar does not know is the unit
        ("全国19のプロジェクト", D(19), "プロジェクト", "exact", "19のプロジェクト", "全国"),
        ("50余りの地域", D(50), "地域", "at_least", "50余りの地域", None),
        ("10を上回るプロジェクト", D(10), "プロジェクト", "at_least", "10を上回るプロジェクト", None),
        ("100万を超える世帯", D(1_000_000), "世帯", "at_least", "100万を超える世帯", None),
        # 3割強 is a share: a little over 30 percent of the companies, not 3 companies
        ("3割強の企業", D(30), "percent", "at_least", "3割強", "の企業"),
    ],
)
def test_a_counter_after_a_particle_or_a_bound_phrase(text, value, unit, qualifier, raw_text, context):
    q = one(text)
    assert (q.value, q.unit, q.qualifier, q.raw_text, q.context) == (value, unit, qualifier, raw_text, context)


def test_a_bound_phrase_without_a_counter_still_bounds_the_number():
    assert read("100を超える") == [("100を超える", D(100), UNTYPED, "at_least")]
    assert read("100近い") == [("100近い", D(100), UNTYPED, "approx")]  # 近い is no counter word
    assert read("50余り") == [("50余り", D(50), UNTYPED, "at_least")]
    assert read("1億の予算") == [("1億", D(100_000_000), UNTYPED, "exact")]  # の after a multiplier counts nothing


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("3,000万円〜1億円以内/年", D(30_000_000), D(100_000_000), "yen"),
        ("平成13〜14年度", D(2001), D(2002), "year"),
        ("(2001 ～ 5)", D(2001), D(2005), "year"),
        ("1950年代", D(1950), D(1959), "year"),
        ("5～10年", D(5), D(10), "duration_years"),
        ("10～20%", D(10), D(20), "percent"),
    ],
)
def test_a_range_keeps_its_bounds_and_its_high_bound_is_the_value(text, low, high, unit):
    q = one(text)
    assert (q.qualifier, q.low, q.high, q.value, q.unit) == ("range", low, high, high, unit)


@pytest.mark.parametrize(
    ("text", "value"),
    [("▲1.5億円", D(-150_000_000)), ("△5.0%", D(-5)), ("対前年度比 ▲3社", D(-3)), ("-12", D(-12))],
)
def test_a_decrease_printed_with_a_triangle_or_minus_is_negative(text, value):
    q = one(text)
    assert q.value == value
    assert q.raw_text[0] in "▲△-"


def test_a_plus_sign_and_a_hyphenated_name_are_not_decreases():
    assert [q.value for q in find_quantities("+20.1%")] == [D("20.1")]
    assert find_quantities("K-12") == []  # a name: the number follows a Latin letter


def test_era_less_fiscal_years_take_the_documents_era_and_are_never_guessed():
    assert one("14年度", context_era="平成").value == D(2002)
    assert one(["20年度予算", "97億円"][0], context_era="平成").value == D(2008)
    untyped = one("14年度")
    assert (untyped.unit, untyped.value, untyped.raw_text) == (UNTYPED, D(14), "14年度")


@pytest.mark.parametrize(
    "text",
    [
        "第 17 回地域クラスターセミナー",  # ordinal
        "2年度目",
        "初年度目",
        "2年目以降",
        "3年目に中間評価",
        "その 1",
        "活動事例 1 ：首都圏西部地域",  # ordinals
        "区分 20世紀 21世紀",
        "第2位",
        "第19回のプロジェクト",
        "第2のプロジェクト",
        "その3の地域",
        "2年目の企業",  # ordinals, also before の and a counter
        "(1) 地域における産学官のネットワーク形成",
        "1. 産業クラスター政策の背景",
        "①研究開発",
        "⑵背景",  # list numbers
        "1件当り事業規模",
        "1地域あたり",
        "1地域1年度あたり",
        "1社あたり数",
        "1社あたりの件数",  # a rate's denominator
        "*1 ※2 ＊3",  # footnote markers
        "Route 128沿線",
        "COSMOS2データ",
        "<STEP 1>",
        "3D",
        "ISO 9001",  # names
        "地域経済レポート2003",
        "「地域経済レポート2003」",
        "『ものづくり白書2004』",
        "新産業創造戦略2005",
        "ビジョン2020",  # the edition in a publication's or a plan's name
        "6月21日",
        "10:30",  # a date or a time without a year
        "―",
        "-",  # a dash in an empty cell
    ],
)
def test_what_is_not_a_quantity(text):
    assert find_quantities(text) == []


def test_numbers_around_non_quantities_are_still_read():
    assert read("1地域あたり2.5億円程度/年") == [("2.5億円程度", D(250_000_000), "yen", "approx")]
    assert read("初年度目:1億円以内、2年度目:5,000万円以内") == [
        ("1億円以内", D(100_000_000), "yen", "at_most"),
        ("5,000万円以内", D(50_000_000), "yen", "at_most"),
    ]
    assert read("5 年間 (3 年目に中間評価 )") == [("5年間", D(5), "duration_years", "exact")]


def test_a_year_in_a_title_is_masked_but_a_year_a_range_or_a_count_after_a_title_noun_is_read():
    assert read("地域経済レポート2003によると、200を超える大学") == [
        ("200を超える大学", D(200), "universities", "at_least")
    ]
    assert read("『ものづくり白書』2004年版") == [("2004年", D(2004), "year", "exact")]
    assert read("産業クラスター計画2005年度予算") == [("2005年度", D(2005), "year", "exact")]
    assert read("計画2001～2005") == [("2001～2005", D(2005), "year", "range")]
    assert read("産業クラスター計画19プロジェクト") == [("19プロジェクト", D(19), "プロジェクト", "exact")]
    assert read("年次計画2003 2004", hint=YEAR_HINT) == [  # a list of years, not an edition
        ("2003", D(2003), "year", "exact"),
        ("2004", D(2004), "year", "exact"),
    ]
    assert mask_non_quantities("「地域経済レポート2003」で2003年") == "「地域経済レポート____」で2003年"


def test_mask_keeps_the_length_and_hides_only_the_digits_of_non_quantities():
    text = "第17回 1件当り 49件"
    masked = mask_non_quantities(text)
    assert len(masked) == len(text)
    assert masked == "第__回 _件当り 49件"


def test_context_is_the_words_of_the_clause():
    q = find_quantities("49件(応募483件)")
    assert [(x.raw_text, x.context) for x in q] == [("49件", None), ("483件", "応募")]
    rate = one("1地域あたり2.5億円程度/年\n(各都道府県等の同等の負担が必要)")
    assert rate.context == "1地域あたり … /年"
    lines = find_quantities("約24平方キロメートル\n従業員2.2万人")
    assert [x.context for x in lines] == [None, "従業員"]  # a printed line break ends a clause


def test_spans_index_the_cleaned_text_and_raw_text_is_what_was_printed():
    text = "貿易産業省約180億円(6 年間、研究100億円、基盤80億円)"
    found = find_quantities(text)
    assert [q.raw_text for q in found] == ["約180億円", "6年間", "100億円", "80億円"]
    assert [q.context for q in found] == ["貿易産業省", None, "研究", "基盤"]


def test_several_kinds_in_one_passage_in_order():
    assert read("●平成 18 年度政府予算額 100 億円 ( 平成 17 年度予算額 100 億円 )") == [
        ("平成18年度", D(2006), "year", "exact"),
        ("100億円", D(10_000_000_000), "yen", "exact"),
        ("平成17年度", D(2005), "year", "exact"),
        ("100億円", D(10_000_000_000), "yen", "exact"),
    ]
    assert read("(事業規模及び期間 :1 地域 1 年度あたり 2 億円程度 ×3 年間 )") == [
        ("2億円程度", D(200_000_000), "yen", "approx"),
        ("3年間", D(3), "duration_years", "exact"),
    ]


def test_a_phrase_one_grammar_refuses_is_left_to_the_next_not_an_error():
    # qualifiers that disagree: the bound printed after the number is what the count says
    assert read("約100社以上") == [("約100社以上", D(100), "companies", "at_least")]
    # a range that runs backwards: each number is kept for someone to read, never refused
    assert read("20～10億円") == [("20", D(20), UNTYPED, "exact"), ("10億円", D(1_000_000_000), "yen", "exact")]


@pytest.mark.parametrize("text", ["約61?0社", "1?.9%", "12\ufffd0億円"])
def test_garbled_digits_stop_the_reading(text):
    with pytest.raises(NormalizeError):
        find_quantities(text)


@pytest.mark.parametrize(
    ("label", "unit", "factor"),
    [
        ("予算(百万円)", "yen", D(1_000_000)),
        ("金額（千円）", "yen", D(1000)),
        ("(単位:億円)", "yen", D(100_000_000)),
        ("割合(%)", "percent", D(1)),
        ("面積(km2)", "km2", D(1)),
        ("採択件数", "cases", D(1)),
        ("参画企業数", "companies", D(1)),
        ("プロジェクト数", "プロジェクト", D(1)),
        ("地域数", "地域", D(1)),
        ("人数", "persons", D(1)),
    ],
)
def test_unit_hint_reads_the_unit_a_header_declares(label, unit, factor):
    hint = unit_hint(label)
    assert hint is not None and (hint.unit, hint.factor) == (unit, factor)


@pytest.mark.parametrize("label", ["制度名(所管)", "概要", "1件当り事業規模", "地域", "(注)"])
def test_unit_hint_is_none_where_nothing_is_declared(label):
    assert unit_hint(label) is None


def test_year_headers_and_declared_units():
    assert unit_hint("年度") == YEAR_HINT and unit_hint("開始年") == YEAR_HINT
    assert declared_unit("(単位：百万円)").factor == D(1_000_000)
    assert declared_unit("(出典)経済産業省平成16年度産業クラスター研究会資料") is None


def test_a_bare_number_takes_the_declared_unit():
    hint = unit_hint("予算(百万円)")
    assert read("1,234", hint=hint) == [("1,234", D(1_234_000_000), "yen", "exact")]
    assert read("約40", hint=unit_hint("採択件数")) == [("約40", D(40), "cases", "approx")]
    assert read("2004", hint=YEAR_HINT) == [("2004", D(2004), "year", "exact")]
    assert read("12", hint=YEAR_HINT) == [("12", D(12), UNTYPED, "exact")]  # 12 is no Western year
    assert read("3社", hint=hint) == [("3社", D(3), "companies", "exact")]  # a printed unit wins


def test_every_count_unit_is_a_base_unit():
    assert set(COUNT_UNITS.values()) <= set(BASE_UNITS)
