"""Percentages from the deck (pages 3, 4, 19, 20), expected values written by hand."""

from decimal import Decimal

import pytest

from pipelines.lib.normalize import NormalizeError, find_percents, parse_percent

# (text as in the deck, value in percent, qualifier)
DECK_PERCENTS = [
    ("新たに連携が始まった企業 38.5%", "38.5", "exact"),
    ("新事業を開始した企業 58.7%", "58.7", "exact"),
    ("第二創業を行った企業 18.9%", "18.9", "exact"),
    ("38.5%", "38.5", "exact"),
    ("(2) 参画企業アンケート結果 (回収率約40%)", "40", "approx"),
    ("回収率約40%", "40", "approx"),
    ("バイオ関連企業:250社(全\n米の18%)。*3", "18", "exact"),
    ("(全米の18%)", "18", "exact"),
    ("ドイツにおけるバイオ分野\nの就業者の20%が集中。", "20", "exact"),
    ("就業者の20%", "20", "exact"),
]


@pytest.mark.parametrize(("text", "value", "qualifier"), DECK_PERCENTS)
def test_deck_percents(text, value, qualifier):
    p = parse_percent(text)
    assert (p.value, p.qualifier) == (Decimal(value), qualifier)


def test_find_percents_keeps_order_and_spans():
    text = "新事業を開始した企業 58.7%\n第二創業を行った企業 18.9%"
    found = find_percents(text)
    assert [p.value for p in found] == [Decimal("58.7"), Decimal("18.9")]
    assert found[0].raw_text == "58.7%"


def test_other_percent_forms():
    assert parse_percent("３０％程度").qualifier == "approx"
    assert parse_percent("50パーセント以上").qualifier == "at_least"
    p = parse_percent("10～20%")
    assert (p.qualifier, p.low, p.high) == ("range", Decimal(10), Decimal(20))


# 補助率は1/2以内 (page 11) is a fraction, not a percentage; it is refused, not converted.
@pytest.mark.parametrize(
    "text", ["補助率は1/2以内", "2/3以内", "", "38.5", "20%と30%", "30～20%", "1?.9%", "1\ufffd9%", ".5%"]
)
def test_percent_errors(text):
    with pytest.raises(NormalizeError):
        parse_percent(text)
