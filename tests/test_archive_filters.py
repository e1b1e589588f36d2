"""Every filter, checked against hand-picked answers on the fixture archive."""

from __future__ import annotations

import pytest
from archive_fixture import records

from archive import Archive, Filters
from models.errors import PlaceError, QueryError

R = records()
NAME = {r.id: k for k, r in R.items()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("filters") / "archive.db") as a:
        a.ingest_many(R.values())
        yield a


def listed(archive, query="", **kw) -> set[str]:
    return {NAME[h.id] for h in archive.search(query, Filters(**kw), limit=100).hits}


@pytest.mark.parametrize(("kw", "expected"), [
    ({"province": "Bắc Ninh"}, {"R1", "R2", "R3", "R4", "R7"}),
    ({"province": "bac ninh"}, {"R1", "R2", "R3", "R4", "R7"}),
    ({"province": "tỉnh Bắc Ninh"}, {"R1", "R2", "R3", "R4", "R7"}),
    ({"province": "27"}, {"R1", "R2", "R3", "R4"}),  # the pre-2025 code
    ({"province": "24"}, {"R7"}),  # the post-2025 code
    ({"district": "Gia Bình"}, {"R1", "R3", "R4"}),
    ({"district": "huyện Đắk Song"}, {"R5", "R6"}),
    ({"district": "Dak Song"}, {"R5", "R6"}),
    ({"district": "Đăk Song"}, {"R5", "R6"}),
    ({"district": "665"}, {"R5"}),
    ({"commune": "Đông Cứu"}, {"R4"}),
    ({"commune": "xa dong cuu"}, {"R4"}),
    ({"commune": "09487"}, {"R4"}),
    ({"date_from": "2023-12-01", "date_to": "2023-12-31"}, {"R2", "R3"}),
    ({"date_from": "2023-12", "date_to": "2023-12"}, {"R2", "R3"}),
    ({"date_from": "2024"}, {"R4", "R7"}),
    ({"date_to": "2019"}, {"R5", "R6"}),
    ({"date_from": "01/01/2020", "date_to": "31/12/2020"}, {"R8"}),
    ({"site": "bacninh.gov.vn"}, {"R1", "R2", "R4", "R7"}),
    ({"site": "https://baobacninh.vn/"}, {"R3"}),
    ({"author": "Lê Hà"}, {"R1"}),
    ({"author": "le ha"}, {"R1"}),
    ({"author": "thu trang"}, {"R2"}),
    ({"kind": "new_members", "min_value": 100}, {"R2", "R5"}),
    ({"kind": "new_members", "min_value": 30, "max_value": 89}, {"R1", "R3", "R6", "R7"}),
    ({"kind": "badges"}, {"R5"}),
    ({"kind": "transfers", "max_value": 99}, {"R1"}),
    ({"min_value": 100, "max_value": 110}, {"R2"}),
    ({"province": "Bắc Ninh", "date_from": "2024", "kind": "new_members"}, {"R4", "R7"}),
])
def test_filter(archive, kw, expected):
    assert listed(archive, **kw) == expected


def test_filters_combine_with_a_query(archive):
    assert listed(archive, "ket nap", province="Bắc Ninh", date_to="2023") == {"R1", "R2", "R3"}


def test_old_era_name_finds_new_era_unit(archive):
    # Bắc Giang merged into Bắc Ninh on 2025-07-01: R7 is about a post-2025 Bắc Ninh commune
    assert listed(archive, province="Bắc Giang") == {"R7"}


def test_unknown_place_is_a_place_error(archive):
    with pytest.raises(PlaceError, match="unknown province 'Xứ Sở Thần Tiên'"):
        archive.search("", Filters(province="Xứ Sở Thần Tiên"))
    with pytest.raises(PlaceError):
        archive.stats("new_members", filters=Filters(district="Không Có Huyện Này"))


@pytest.mark.parametrize("kw", [
    {"date_from": "2023-13-01"}, {"date_from": "yesterday"}, {"date_to": "2023-02-30"},
    {"date_from": "2024", "date_to": "2023"}, {"kind": "votes"}, {"min_value": 10, "max_value": 5},
])
def test_bad_filters_are_query_errors(archive, kw):
    with pytest.raises(QueryError):
        archive.search("", Filters(**kw))
