"""clean_text and split_footnotes on deck strings, expected output written by hand."""

import pytest

from pipelines.lib.normalize import clean_text, find_garble, split_footnotes

# (text as pdfplumber extracts it from the deck, cleaned text)
DECK_CLEAN = [
    ("約 230 万人", "約230万人"),
    ("第 17 回地域クラスターセミナー 講演資料", "第17回地域クラスターセミナー講演資料"),
    ("( 株 ) 東洋ボデー", "(株)東洋ボデー"),
    ("St. John's Innovation", "St. John's Innovation"),
    ("Route 128沿線に集中", "Route 128沿線に集中"),
    ("2005 年 6 月 21 日", "2005年6月21日"),
    ("(1970 年代～ 90 年代半ば )", "(1970年代～90年代半ば)"),
    ("< 第Ⅰ期 (2001 ～ 5) ～産業クラスターの立ち上げ期～ >", "<第I期(2001～5)～産業クラスターの立ち上げ期～>"),
    ("参画企業 : 約 5,800 社 参画大学 : 約 220 大学", "参画企業:約5,800社参画大学:約220大学"),
    ("・ 40 件以上の連携事例の成立※ 1", "・40件以上の連携事例の成立※1"),
    ("MIT, ハーバード大学", "MIT,ハーバード大学"),
    ("PDCA(Plan-Do-Check-Action) 方法", "PDCA(Plan-Do-Check-Action)方法"),
    ("3000万円～1\n億円以内", "3000万円～1億円以内"),
    ("南北50km東西15km程\n度", "南北50km東西15km程度"),
]


@pytest.mark.parametrize(("raw", "cleaned"), DECK_CLEAN)
def test_deck_clean_text(raw, cleaned):
    assert clean_text(raw) == cleaned
    assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("２００１〜５", "2001～5"),  # WAVE DASH becomes FULLWIDTH TILDE, digits become ASCII
        ("２００１～５", "2001～5"),
        ("（新規）", "(新規)"),
        ("３０％", "30%"),
        ("Cambridge  Science\nPark", "Cambridge Science Park"),
        ("  約24平方キロメートル  ", "約24平方キロメートル"),
        ("㍻16年度", "平成16年度"),
        ("Café 2", "Café 2"),
    ],
)
def test_clean_text_other_cases(raw, cleaned):
    assert clean_text(raw) == cleaned


# (text as in the deck, body, markers)
DECK_FOOTNOTES = [
    ("ハイテク企業約1750社*2", "ハイテク企業約1750社", ["*2"]),
    ("数:約1750社*2", "数:約1750社", ["*2"]),
    ("人口約230万人(サンタ\nクララ郡)*1", "人口約230万人(サンタクララ郡)", ["*1"]),
    ("就業人口3.2万人強*5", "就業人口3.2万人強", ["*5"]),
    ("・ 40 件以上の連携事例の成立※ 1", "・40件以上の連携事例の成立", ["*1"]),
    ("7の政府機関。*3", "7の政府機関。", ["*3"]),
    ("人口約12.4万人*2 うち、", "人口約12.4万人うち、", ["*2"]),
]


@pytest.mark.parametrize(("raw", "body", "markers"), DECK_FOOTNOTES)
def test_deck_footnotes(raw, body, markers):
    assert split_footnotes(raw) == (body, markers)


def test_full_width_star_marker():
    assert split_footnotes("企業約280社＊2") == ("企業約280社", ["*2"])
    assert split_footnotes("脚注なし") == ("脚注なし", [])


@pytest.mark.parametrize(
    ("text", "garble"),
    [
        ("クラスタ?の発展戦略", "?"),
        ("大学発ベンチャ\ufffd累計", "\ufffd"),
        ("(cid:12)年度", "(cid:12)"),
        ("具体的課題", None),
    ],
)
def test_find_garble(text, garble):
    assert find_garble(text) == garble
