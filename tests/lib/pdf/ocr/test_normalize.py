"""The OCR normalisations, one rule each, on strings the engines wrote for this deck's slides."""

from __future__ import annotations

import pytest

from pipelines.lib.pdf.ocr.normalize import normalize_chars, normalize_ocr_text, roman_ordinals


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("約２３０万人", "約230万人"),  # full-width digits
        ("（ボストン市）", "(ボストン市)"),  # full-width brackets
        ("ＭＩＴ", "MIT"),
        ("13 000人", "13000人"),  # a space inside a number
        ("5, 800社", "5,800社"),
        ("1.7 万人", "1.7 万人"),  # a space after a number is not inside it (the layout drops spaces beside CJK)
        ("1億円以内x2年以内", "1億円以内×2年以内"),  # × read as x
        ("3 X 4", "3 × 4"),
        ("Xerox", "Xerox"),  # an x that is a letter stays
        ("Route x2", "Route x2"),
        ("2001〜5", "2001～5"),  # both wave dashes and ~ are ～
        ("83年~98年", "83年～98年"),
        ("▴20.1", "▲20.1"),  # a decrease
        ("△5", "△5"),
        ("イ才関連", "イオ関連"),  # 才 beside katakana
        ("コス卜化", "コスト化"),  # 卜 beside katakana
        ("センタ一", "センター"),  # 一 after katakana
        ("一方で", "一方で"),  # a real 一 stays
        ("5才", "5才"),
        ("ミュンヘン工科大学", "ミュンヘン工科大学"),  # 工 after katakana is right
        ("大学発ベンチヤーの創出", "大学発ベンチャーの創出"),  # a small ャ read big
        ("ニュース", "ニュース"),
        ("研究開発プロジエクト形成", "研究開発プロジェクト形成"),  # a small ェ read big
        ("チエック", "チェック"),
        ("シエ", "シエ"),  # no katakana after: left alone
        ("シヨー", "ショー"),
        ("タイヤー", "タイヤー"),  # イ is no i-row katakana of a yōon
        ("約5キ口四方", "約5キロ四方"),  # 口 after katakana is ロ, whatever follows
        ("ブランド力", "ブランド力"),  # 力 after katakana stays
        ("人口約12万人", "人口約12万人"),  # a real 口
        ("ア力ウント", "アカウント"),  # 力 between katakana is カ
        ("によリ", "により"),  # katakana リ among hiragana
        ("主要大学·研究機関", "主要大学・研究機関"),
        ("経済规模", "経済規模"),  # a simplified form
        ("自律的發展期", "自律的発展期"),  # a traditional form
        ("【例：南東】", "【例：南東】"),  # the full-width colon stays
    ],
)
def test_ocr_normalisation(read, printed):
    assert normalize_ocr_text(read) == printed


def test_each_character_keeps_its_place():
    """Characters are normalised one by one, so each keeps its box: a dropped space becomes ''."""
    assert normalize_chars(list("5 800")) == ["5", "", "8", "0", "0"]


def test_a_wrapped_line_continues_the_line_above():
    """バイ / 才 wrapped in a cell: the line above gives the first character its context."""
    assert normalize_chars(["才"], before="イ") == ["オ"]
    assert normalize_chars(["才"]) == ["才"]


def _pages(*texts: str) -> list[list[dict]]:
    return [[{"text": t, "x0": float(i), "x1": i + 1.0} for i, t in enumerate(text)] for text in texts]


def _texts(pages: list[list[dict]]) -> list[str]:
    return ["".join(c["text"] for c in page) for page in pages]


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        (("<第1期(2001～5)>", "<第Ⅱ期>"), ("<第Ⅰ期(2001～5)>", "<第Ⅱ期>")),  # the document's numerals
        (("第11期と第Ⅲ期",), ("第Ⅱ期と第Ⅲ期",)),  # two strokes are Ⅱ
        (("第I期",), ("第Ⅰ期",)),  # Latin strokes are a numeral, whatever the rest
        (("第1期から第2期",), ("第1期から第2期",)),  # Arabic ordinals, no Roman numeral anywhere: unchanged
        (("第12期", "第Ⅱ期"), ("第12期", "第Ⅱ期")),  # 1 and 2 are no strokes of one numeral
    ],
)
def test_roman_ordinals_follow_the_documents_numbering(read, printed):
    pages = _pages(*read)
    roman_ordinals(pages)
    assert _texts(pages) == list(printed)


def test_a_merged_numeral_spans_its_strokes():
    pages = _pages("第11期", "第Ⅲ期")
    roman_ordinals(pages)
    assert [(c["text"], c["x0"], c["x1"]) for c in pages[0]][1:3] == [("Ⅱ", 1.0, 3.0), ("", 2.0, 3.0)]
