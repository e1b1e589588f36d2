"""Aggregates against hand-computed answers (see archive_fixture's docstring)."""

from __future__ import annotations

import pytest
from archive_fixture import records

from archive import Archive, Filters
from models.errors import QueryError
from models.text import fold

R = records()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("stats") / "archive.db") as a:
        a.ingest_many(R.values())
        yield a


def table(result, *keys):
    return {tuple(fold(str(r[k])) for k in keys): (r["total"], r["articles"], r["duplicates_dropped"])
            for r in result.rows}


def test_by_province_per_year_drops_the_repeated_figure(archive):
    res = archive.stats("new_members", by="province", per="year")
    assert res.duplicates_dropped == 1
    assert table(res, "province", "year") == {
        ("bac ninh", "2023"): (191, 2, 1),  # 89 (R1; R3 repeats it) + 102 (R2)
        ("bac ninh", "2024"): (5, 1, 0),
        ("bac ninh", "2025"): (40, 1, 0),
        ("dak nong", "2018"): (120, 1, 0),  # the fact's period is 2018, published 2019
        ("dak nong", "2019"): (30, 1, 0),
    }
    row = next(r for r in res.rows if r["province"] == "Bắc Ninh" and r["year"] == "2023")
    assert row == {"province": "Bắc Ninh", "year": "2023", "kind": "new_members", "total": 191, "articles": 2,
                   "duplicates_dropped": 1}


def test_by_district_groups_spellings_and_skips_units_without_district(archive):
    res = archive.stats("new_members", by="district", per=None)
    assert table(res, "province", "district") == {
        ("bac ninh", "gia binh"): (94, 2, 1),  # 89 (2023) + 5 (Đông Cứu, 2024)
        ("bac ninh", "luong tai"): (102, 1, 0),
        ("dak nong", "dak song"): (150, 2, 0),  # "Đắk Song" and "Đăk Song" are one district
    }


def test_by_commune_per_month(archive):
    res = archive.stats("new_members", by="commune", per="month")
    assert table(res, "commune", "month") == {("dong cuu", "2024-03"): (5, 1, 0), ("yen dung", "2025-09"): (40, 1, 0)}


def test_other_kinds_and_filters(archive):
    assert table(archive.stats("transfers", by="district", per="year"), "district", "year") == {
        ("gia binh", "2023"): (99, 1, 0)}
    assert table(archive.stats("badges"), "province", "year") == {("dak nong", "2018"): (17, 1, 0)}
    res = archive.stats("new_members", by="district", per="year", filters=Filters(province="Bắc Ninh",
                                                                                   date_from="2023-12-01"))
    # R1 (published 2023-11-28) is filtered out, so R3's 89 is no longer a repeat
    assert table(res, "district", "year") == {("gia binh", "2023"): (89, 1, 0), ("luong tai", "2023"): (102, 1, 0),
                                              ("gia binh", "2024"): (5, 1, 0)}
    res = archive.stats("new_members", filters=Filters(min_value=90))
    assert table(res, "province", "year") == {("bac ninh", "2023"): (102, 1, 0), ("dak nong", "2018"): (120, 1, 0)}
    assert archive.stats("new_members", filters=Filters(site="baobacninh.vn")).rows[0]["total"] == 89


def test_dropping_is_by_place_kind_period_and_value(tmp_path):
    r1 = R["R1"]
    other_value = r1.model_copy(update={"id": "x1", "summary": r1.summary.model_copy(update={"new_members": 90})})
    with Archive(tmp_path / "a.db") as a:
        a.ingest_many([r1, R["R3"], other_value])
        res = a.stats("new_members", by="district")
    assert table(res, "district", "year") == {("gia binh", "2023"): (89 + 90, 2, 1)}


@pytest.mark.parametrize(("kind", "by", "per"), [("votes", "province", "year"), ("new_members", "ward", "year"),
                                                 ("new_members", "province", "week")])
def test_bad_arguments(archive, kind, by, per):
    with pytest.raises(QueryError):
        archive.stats(kind, by=by, per=per)


def test_precomputed_cells_match_the_exact_query_after_updates(tmp_path):
    """Unfiltered stats come from stats_cells kept at ingest; a filter forces the query over every
    figure. Both must agree after new, repeated, changed and re-extracted records."""
    import hashlib

    from models.record import ExtractorInfo, Summary

    def changed(rec, **summary):
        text = rec.text + " (cập nhật)"
        return rec.model_copy(update={"text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                                      "summary": Summary(**summary)})

    everything = Filters(date_from="1900")  # matches every (dated) record, but takes the exact path
    with Archive(tmp_path / "a.db") as a:
        a.ingest_many(R.values())
        a.ingest(changed(R["R1"], new_members=89, transfers=100))  # still repeats R3's 89
        a.ingest(changed(R["R3"], new_members=95))  # no longer a repeat
        a.ingest(R["R2"].model_copy(update={"extractor": ExtractorInfo(version="test-2"),
                                            "summary": Summary(new_members=89)}))  # not the same place
        a.ingest(changed(R["R6"], new_members=120))  # Đăk Song 2019 vs Đắk Song 2018: other period
        for kind in ("new_members", "transfers", "badges"):
            for by in ("province", "district", "commune"):
                for per in ("year", "month", None):
                    fast = a.stats(kind, by=by, per=per)
                    exact = a.stats(kind, by=by, per=per, filters=everything)
                    assert fast.rows == exact.rows, (kind, by, per)
                    assert fast.duplicates_dropped == exact.duplicates_dropped
        assert table(a.stats("new_members", by="district"), "district", "year")[("gia binh", "2023")] == \
            (89 + 95, 2, 0)
