"""The era and the year a document dates itself by, read from its own text."""

import pytest

from pipelines.lib.normalize import document_era, document_year


@pytest.mark.parametrize(
    ("texts", "era"),
    [
        (["平成17年度においては、民間の推進機関に…", "平成13～15年度地域新生コンソーシアム"], "平成"),
        (["令和6年度予算", "令和5年度", "平成30年度"], "令和"),
        (["令和元年度", "平成31年度"], "令和"),  # a tie goes to the later era
        (["1990年代後半", "2004年4月現在"], None),
    ],
)
def test_document_era(texts, era):
    assert document_era(texts) == era


@pytest.mark.parametrize(
    ("texts", "year"),
    [
        (["平成17年度においては", "平成13～15年度"], 2005),
        (["令和元年度"], 2019),
        (["2004年4月現在", "参画企業アンケート(2004年12月～2005年1月実施)"], 2005),
        (["1950年代、サイエンスパークの設立。", "2099年"], None),  # plain years do not date the document
    ],
)
def test_document_year(texts, year):
    assert document_year(texts) == year
