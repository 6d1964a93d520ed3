"""Areas from the deck (pages 3–4), expected values written by hand."""

from decimal import Decimal

import pytest

from pipelines.lib.normalize import NormalizeError, find_areas, parse_area

D = Decimal

# (text as in the deck, km2, qualifier, shape, extents)
DECK_AREAS = [
    ("約24平方キロメートル", D(24), "approx", "area", ()),
    ("北京北西部の340平方キ\nロメートルのエリア", D(340), "exact", "area", ()),
    ("340平方キロメートル", D(340), "exact", "area", ()),
    ("約5キロ四方", D(25), "approx", "square", (D(5), D(5))),
    ("南北50km東西15km程\n度", D(750), "approx", "rectangle", (D(50), D(15))),
    ("(およそ東西30km、南\n北20kmに囲まれた範\n囲)", D(600), "approx", "rectangle", (D(30), D(20))),
    ("ケンブリッジ中心から半\n径50km範囲内", D("7853.98"), "at_most", "radius", (D(50),)),
]


@pytest.mark.parametrize(("text", "km2", "qualifier", "shape", "extents"), DECK_AREAS)
def test_deck_areas(text, km2, qualifier, shape, extents):
    a = parse_area(text)
    assert (a.km2, a.qualifier, a.shape, a.extents_km) == (km2, qualifier, shape, extents)


def test_radius_is_recomputable_from_extents():
    a = parse_area("半径50km範囲内")
    # π·50² = 7853.981633… km²; rounded to 0.01 km².
    assert a.km2 == D("7853.98")
    assert a.extents_km == (D(50),)


def test_plain_radius_is_exact_and_other_shapes():
    assert parse_area("半径1km").qualifier == "exact"
    assert parse_area("半径1km").km2 == D("3.14")
    assert parse_area("30km×20km").km2 == D(600)
    assert parse_area("5㎢").km2 == D(5)
    assert parse_area("2.5km四方").km2 == D("6.25")


# 中心から10km (Martinsried, page 4) is a distance from the city centre, not an area.
@pytest.mark.parametrize("text", ["中心から10km", "10km、20km", "", "広大な敷地"])
def test_not_areas(text):
    assert find_areas(text) == []
    with pytest.raises(NormalizeError, match="no area"):
        parse_area(text)


@pytest.mark.parametrize("text", ["10～20平方キロメートル", "南北10km南北20km", "約3km四方以上"])
def test_area_errors(text):
    with pytest.raises(NormalizeError):
        parse_area(text)
