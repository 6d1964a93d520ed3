"""Yen amounts from the deck (pages 6, 10–12, 25), expected values written by hand."""

from decimal import Decimal

import pytest

from pipelines.lib.normalize import Money, NormalizeError, find_grant_terms, find_money, parse_grant_terms, parse_money

OKU = 100_000_000

# (text as in the deck, yen, oku_yen, qualifier)
DECK_MONEY = [
    ("568億円", 568 * OKU, "568", "exact"),
    ("(490億円)", 490 * OKU, "490", "exact"),
    ("20.1億円", 2_010_000_000, "20.1", "exact"),
    ("(6.8億円)", 680_000_000, "6.8", "exact"),
    ("5.2億円", 520_000_000, "5.2", "exact"),
    ("0.8億円", 80_000_000, "0.8", "exact"),
    ("137.2億円", 13_720_000_000, "137.2", "exact"),
    ("(114.2億円)", 11_420_000_000, "114.2", "exact"),
    ("64.1億円", 6_410_000_000, "64.1", "exact"),
    ("(61.3億円)", 6_130_000_000, "61.3", "exact"),
    ("23億円", 2_300_000_000, "23", "exact"),
    ("1.3億円", 130_000_000, "1.3", "exact"),
    ("貿易産業省約180億円", 18_000_000_000, "180", "approx"),
    ("100億円(2001年の地域イノベーションファンド分)", 10_000_000_000, "100", "exact"),
    ("連邦教育研究省約120億\n円(5年間)", 12_000_000_000, "120", "approx"),
    ("連邦教育研究省約280億円(6年間)", 28_000_000_000, "280", "approx"),
    ("内務省約28億円(政府基礎資金としての総額)", 2_800_000_000, "28", "approx"),
    ("約28億円", 2_800_000_000, "28", "approx"),
    ("総額20億円", 2_000_000_000, "20", "exact"),
    ("総額18億円", 1_800_000_000, "18", "exact"),
    ("1億円以内", OKU, "1", "at_most"),
    ("3億円以内", 3 * OKU, "3", "at_most"),
    ("3000万円以内", 30_000_000, "0.3", "at_most"),
    ("ニューバイオ産業の市場規模は1.3兆円", 1_300_000_000_000, "13000", "exact"),
    ("研究100億円", 10_000_000_000, "100", "exact"),
    ("基\n盤80億円", 8_000_000_000, "80", "exact"),
]


@pytest.mark.parametrize(("text", "yen", "oku", "qualifier"), DECK_MONEY)
def test_deck_money(text, yen, oku, qualifier):
    m = parse_money(text)
    assert (m.yen, m.oku_yen, m.qualifier, m.is_new) == (yen, Decimal(oku), qualifier, False)
    assert (m.low_yen, m.high_yen) == (None, None)


@pytest.mark.parametrize("text", ["3000万円～1億円以内", "3000万円～1\n億円以内"])
def test_deck_money_range(text):
    m = parse_money(text)
    assert (m.qualifier, m.low_yen, m.high_yen) == ("range", 30_000_000, 100_000_000)
    assert (m.yen, m.oku_yen) == (100_000_000, Decimal(1))
    assert m.raw_text == "3000万円～1億円以内"


@pytest.mark.parametrize("text", ["(新規)", "新規", "（新規）"])
def test_new_budget_line(text):
    m = parse_money(text)
    assert m.is_new
    assert (m.yen, m.oku_yen, m.qualifier) == (None, None, "exact")


def test_find_money_in_a_budget_row():
    found = find_money("産学官ネットワーク形成 業の創出の基盤となる事業。実\n5.2億円 (新規)")
    assert [(m.yen, m.is_new) for m in found] == [(520_000_000, False), (None, True)]


def test_find_money_with_spans():
    found = find_money("貿易産業省約180億円(6\n年間、研究100億円、基\n盤80億円)")
    assert [m.oku_yen for m in found] == [Decimal(180), Decimal(100), Decimal(80)]
    assert [m.raw_text for m in found] == ["約180億円", "100億円", "80億円"]
    assert found[0].span == (5, 11)


def test_find_money_this_year_and_last():
    this_year, last_year = find_money("568億円 (490億円)")
    assert (this_year.yen, last_year.yen) == (568 * OKU, 490 * OKU)


def test_decimal_is_exact():
    assert parse_money("4.35兆円").yen == 4_350_000_000_000
    assert parse_money("0.1億円").yen == 10_000_000


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("1,000億円", 100_000_000_000),
        ("1兆2000億円", 1_200_000_000_000),
        ("5千万円", 50_000_000),
        ("12万3456円", 123_456),
        ("500千円", 500_000),
        ("800円", 800),
    ],
)
def test_other_amount_shapes(text, yen):
    assert parse_money(text).yen == yen


def test_low_end_borrows_unit():
    m = parse_money("100～200億円")
    assert (m.low_yen, m.high_yen, m.qualifier) == (100 * OKU, 200 * OKU, "range")
    m = parse_money("3000万～1億円")
    assert (m.low_yen, m.high_yen) == (30_000_000, OKU)
    assert parse_money("100～200円").low_yen == 100


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("最大1億円", "at_most"), ("1億円超", "at_least"), ("1億円程度", "approx"), ("約1億円程度", "approx")],
)
def test_qualifier_words(text, qualifier):
    assert parse_money(text).qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "",
        "予算なし",
        "568億円 (490億円)",  # two amounts
        "0.5円",  # not a whole number of yen
        "200～100億円",  # backwards
        "5000～1兆2000億円",  # which unit is 5000 in?
        "約1億円以上",  # conflicting qualifiers
        "1" * 30 + "円",  # absurd digit string
    ],
)
def test_money_errors(text):
    with pytest.raises(NormalizeError) as info:
        parse_money(text)
    assert info.value.text == text


def test_yaku_inside_a_word_is_not_approx():
    assert parse_money("契約3億円").qualifier == "exact"


def test_error_message_names_the_text():
    with pytest.raises(NormalizeError, match="予算なし"):
        parse_money("予算なし")


# Grant terms, page 11.
@pytest.mark.parametrize(
    ("text", "yen", "qualifier", "years"),
    [
        ("1億円以内×2年以内", OKU, "at_most", 2),
        ("(総額20億円、1億円以内×2年以内)", OKU, "at_most", 2),
        ("(総額18億円、3億円以内×3年以内)", 3 * OKU, "at_most", 3),
        ("3000万円～1\n億円以内×2年以内", OKU, "range", 2),
    ],
)
def test_deck_grant_terms(text, yen, qualifier, years):
    money, n_years = parse_grant_terms(text)
    assert (money.yen, money.qualifier, n_years) == (yen, qualifier, years)


def test_find_grant_terms_two_alternatives():
    text = "(従来の研究テーマは1億円以内×2年以内or3000万円以内×2年以内が中心)"
    terms = find_grant_terms(text)
    assert [(m.yen, y) for m, y in terms] == [(OKU, 2), (30_000_000, 2)]
    with pytest.raises(NormalizeError):
        parse_grant_terms(text)


def test_grant_terms_with_plain_years():
    money, years = parse_grant_terms("5000万円×3年")
    assert (money.yen, money.qualifier, years) == (50_000_000, "exact", 3)


def test_grant_terms_need_a_term():
    with pytest.raises(NormalizeError):
        parse_grant_terms("総額20億円")


def test_money_is_frozen():
    m = parse_money("568億円")
    assert isinstance(m, Money)
    with pytest.raises(AttributeError):
        m.yen = 1  # type: ignore[misc]
