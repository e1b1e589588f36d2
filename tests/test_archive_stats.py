"""Aggregates against hand-computed answers (see archive_fixture's docstring)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from archive_fixture import fact, make, records

from archive import Archive, Filters
from models.errors import QueryError
from models.record import Locality, Record, Summary
from models.text import fold

R = records()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("stats") / "archive.db") as a:
        a.ingest_many(R.values())
        yield a


def table(result, *keys):
    """{folded keys: (total, articles, duplicates_dropped)}; superseded is checked where it can be non-zero."""
    return {tuple(fold(str(r[k])) for k in keys): (r["total"], r["articles"], r["duplicates_dropped"])
            for r in result.rows}


def full(result, *keys):
    return {tuple(fold(str(r[k])) for k in keys): (r["total"], r["articles"], r["duplicates_dropped"],
                                                     r["superseded"]) for r in result.rows}


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
                   "duplicates_dropped": 1, "superseded": 0}


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
    # 89 twice (one repeat dropped) and 90, same place and period: a conflict, not a second figure.
    # The latest-published report (R3, 2023-12-01: 89) supersedes the 90 (2023-11-28).
    assert full(res, "district", "year") == {("gia binh", "2023"): (89, 1, 1, 1)}
    assert res.superseded == 1


@pytest.mark.parametrize(("kind", "by", "per"), [("votes", "province", "year"), ("new_members", "ward", "year"),
                                                 ("new_members", "province", "week")])
def test_bad_arguments(archive, kind, by, per):
    with pytest.raises(QueryError):
        archive.stats(kind, by=by, per=per)


EVERYTHING = Filters(date_from="1900")  # matches every (dated) record
DATE_RANGES = [("1900", None), ("2023-12-01", None), ("2023-12-02", None), (None, "2023-12"), (None, "2023-12-01"),
               ("2024", "2024"), ("2023-12-02", "2024-01-04"), ("2021", "2022"), ("2030", None)]


@contextmanager
def exact_path() -> Iterator[None]:
    """Stats with a date filter computed by grouping every headline row that passes it (archive.stats
    ._groups), not from the kept groups: the reference the fast paths must equal."""
    import archive.stats

    fast = archive.stats._dated_groups
    archive.stats._dated_groups = archive.stats._groups
    try:
        yield
    finally:
        archive.stats._dated_groups = fast


def assert_paths_agree(a: Archive) -> None:
    """Unfiltered stats (read from stats_groups, kept at ingest) and stats filtered on dates (kept groups
    plus the straddling ones regrouped) equal the exact path's, every way."""
    assert a.conn.execute("SELECT count(*) FROM stats_groups").fetchone()[0] > 0
    assert_dates_agree(a, unfiltered=True)
    assert a.stats("new_members", filters=Filters(min_value=50)).to_dict() == \
        a.stats("new_members", filters=Filters(date_from="1900", min_value=50)).to_dict()


def assert_dates_agree(a: Archive, *, unfiltered: bool = False) -> None:
    """Stats filtered on dates equal the exact path's, every way (``unfiltered``: also stats without a
    filter, against a filter every dated record passes)."""
    calls = [(kind, by, per, f) for kind in ("new_members", "transfers", "badges")
             for by in ("province", "district", "commune") for per in ("year", "month", None)
             for f in [*([None] if unfiltered else []), *(Filters(date_from=lo, date_to=hi) for lo, hi in DATE_RANGES)]]
    calls.append(("new_members", "province", "year", Filters(date_from="2023-12-01", min_value=50)))
    fast = [a.stats(kind, by=by, per=per, filters=f).to_dict() for kind, by, per, f in calls]
    with exact_path():
        exact = [a.stats(kind, by=by, per=per, filters=f or EVERYTHING).to_dict() for kind, by, per, f in calls]
    for call, x, y in zip(calls, fast, exact, strict=True):
        assert x == y, call


def test_unfiltered_and_filtered_agree_after_updates(tmp_path):
    """A filter that keeps every record must not change any figure, after new, repeated, changed and
    re-extracted records (ingest rewrites headline rows in place)."""
    import hashlib

    from models.record import ExtractorInfo, Summary

    def changed(rec, **summary):
        text = rec.text + " (cập nhật)"
        return rec.model_copy(update={"text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                                      "summary": Summary(**summary)})

    with Archive(tmp_path / "a.db") as a:
        a.ingest_many(R.values())
        a.ingest(changed(R["R1"], new_members=89, transfers=100))  # still repeats R3's 89
        a.ingest(changed(R["R3"], new_members=95))  # no longer a repeat
        a.ingest(R["R2"].model_copy(update={"extractor": ExtractorInfo(version="test-2"),
                                            "summary": Summary(new_members=89)}))  # not the same place
        a.ingest(changed(R["R6"], new_members=120))  # Đăk Song 2019 vs Đắk Song 2018: other period
        assert_paths_agree(a)
        # R3's 95 has no fact of that value, so it stands for its published month (2023-12), which
        # R1's period (2023-01-01..2023-11-28) does not cover: two figures
        assert full(a.stats("new_members", by="district"), "district", "year")[("gia binh", "2023")] == \
            (89 + 95, 2, 0, 0)


# -- overlapping reports: hierarchy, conflicts, nested and disjoint periods ------------------------
# Hand-computed (kind new_members):
#   Đắk Song (district) 2021: own 165; Trường Xuân (its commune) 8 for the same year -> 165, 8 superseded.
#   Đắk Song 2022: no own report; Nâm N'Jang (its commune) 6 -> 6.
#   Bắc Ninh (province) 2023: 2315 (2023-12-20, repeated 2024-01-09 07:30) and 2016 (2024-01-09 08:45,
#     latest: wins);
#     Gia Bình (district) 89 and Đông Cứu (commune) 7 are inside it -> 2016; 1 repeat, 3 superseded.
#   Thanh Sơn (district) 2023: H1 50 nested in the year's 110 -> 110, 1 superseded.
#   Tam Nông (district) 2023: Q1 12 + Q2 9, disjoint -> 21.  Phú Thọ (no own report) 2023: 110 + 21 = 131.
DN = dict(province="Đắk Nông", era="pre2025")
BNP = dict(province="Bắc Ninh", era="pre2025")
PT = dict(province="Phú Thọ", era="pre2025")
Y21 = dict(start=date(2021, 1, 1), end=date(2021, 12, 31))
Y22 = dict(start=date(2022, 1, 1), end=date(2022, 12, 31))
Y23 = dict(start=date(2023, 1, 1), end=date(2023, 12, 31))


def report(slug: str, loc: Locality, value: int, published: str, **period) -> Record:
    text = f"Đảng bộ {loc.commune or loc.district or loc.province} kết nạp {value} đảng viên mới ({slug})."
    return make(slug, title=f"Kết nạp {value} đảng viên", text=text, published=published, locality=loc,
                summary=Summary(new_members=value),
                facts=[fact("new_members", value, text, f"kết nạp {value} đảng viên mới", **period)])


OVERLAPS = [
    report("ds-2021", Locality(**DN, district="Đắk Song", level="district"), 165, "2021-12-20", **Y21),
    report("tx-2021", Locality(**DN, district="Đắk Song", commune="Trường Xuân", level="commune"), 8,
           "2021-12-10", **Y21),
    report("nnj-2022", Locality(**DN, district="Đắk Song", commune="Nâm N'Jang", level="commune"), 6,
           "2022-12-01", **Y22),
    # ingested first, published last: the published time (not the date, not ingest order) decides
    report("bn-b", Locality(**BNP, level="province"), 2016, "2024-01-09T08:45:00+07:00", **Y23),
    report("bn-a", Locality(**BNP, level="province"), 2315, "2023-12-20", **Y23),
    report("bn-a-repeat", Locality(**BNP, level="province"), 2315, "2024-01-09T07:30:00+07:00", **Y23),
    report("gb-2023", Locality(**BNP, district="Gia Bình", level="district"), 89, "2023-12-02", **Y23),
    report("dc-2023", Locality(**BNP, district="Gia Bình", commune="Đông Cứu", level="commune"), 7,
           "2023-12-03", **Y23),
    report("ts-h1", Locality(**PT, district="Thanh Sơn", level="district"), 50, "2023-07-05",
           start=date(2023, 1, 1), end=date(2023, 6, 30)),
    report("ts-year", Locality(**PT, district="Thanh Sơn", level="district"), 110, "2023-12-28", **Y23),
    report("tn-q1", Locality(**PT, district="Tam Nông", level="district"), 12, "2023-04-02",
           start=date(2023, 1, 1), end=date(2023, 3, 31)),
    report("tn-q2", Locality(**PT, district="Tam Nông", level="district"), 9, "2023-07-02",
           start=date(2023, 4, 1), end=date(2023, 6, 30)),
]


@pytest.fixture(scope="module")
def overlaps(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("overlaps") / "archive.db") as a:
        a.ingest_many(OVERLAPS)
        yield a


def test_a_places_own_report_is_not_added_to_its_communes(overlaps):
    res = overlaps.stats("new_members", by="district", per="year", filters=Filters(province="Dak Nong"))
    assert full(res, "district", "year") == {("dak song", "2021"): (165, 1, 0, 1),  # not 165 + 8
                                             ("dak song", "2022"): (6, 1, 0, 0)}  # no own report: communes
    communes = overlaps.stats("new_members", by="commune", per="year", filters=Filters(province="Dak Nong"))
    assert full(communes, "commune", "year") == {("truong xuan", "2021"): (8, 1, 0, 0),
                                                 ("nam n'jang", "2022"): (6, 1, 0, 0)}
    whole = overlaps.stats("new_members", by="district", per=None, filters=Filters(province="Dak Nong"))
    assert full(whole, "district") == {("dak song",): (171, 2, 0, 1)}  # 165 (2021) + 6 (2022)


def test_the_latest_of_conflicting_reports_wins_over_everything_inside_it(overlaps):
    res = overlaps.stats("new_members", by="province", per="year")
    assert full(res, "province", "year")[("bac ninh", "2023")] == (2016, 1, 1, 3)
    row = next(r for r in res.rows if r["province"] == "Bắc Ninh")
    assert row == {"province": "Bắc Ninh", "year": "2023", "kind": "new_members", "total": 2016, "articles": 1,
                   "duplicates_dropped": 1, "superseded": 3}
    # the district itself: its own 89 covers its commune's 7
    districts = overlaps.stats("new_members", by="district", per="year", filters=Filters(province="Bắc Ninh"))
    assert full(districts, "district", "year") == {("gia binh", "2023"): (89, 1, 0, 1)}


def test_nested_periods_keep_the_widest_and_disjoint_periods_add_up(overlaps):
    res = overlaps.stats("new_members", by="district", per="year", filters=Filters(province="Phú Thọ"))
    assert full(res, "district", "year") == {("tam nong", "2023"): (21, 2, 0, 0),  # Q1 12 + Q2 9
                                             ("thanh son", "2023"): (110, 1, 0, 1)}  # not 50 + 110
    prov = overlaps.stats("new_members", by="province", per="year", filters=Filters(province="Phú Thọ"))
    assert full(prov, "province", "year") == {("phu tho", "2023"): (131, 3, 0, 1)}
    # per month the H1 figure (June) and the year figure (December) are in different buckets
    months = overlaps.stats("new_members", by="district", per="month", filters=Filters(district="Thanh Sơn"))
    assert full(months, "district", "month") == {("thanh son", "2023-06"): (50, 1, 0, 0),
                                                 ("thanh son", "2023-12"): (110, 1, 0, 0)}


def test_every_report_is_summed_superseded_or_a_dropped_repeat(overlaps):
    res = overlaps.stats("new_members", by="province", per=None)
    assert sum(r["articles"] + r["superseded"] + r["duplicates_dropped"] for r in res.rows) == len(OVERLAPS)
    assert (res.duplicates_dropped, res.superseded) == (1, 5)
    assert full(res, "province") == {("bac ninh",): (2016, 1, 1, 3), ("dak nong",): (171, 2, 0, 1),
                                     ("phu tho",): (131, 3, 0, 1)}


def test_stored_groups_follow_conflicts_changed_pages_and_migration(tmp_path):
    """The groups kept at ingest follow the winner rule (published time, then ingest order) when a
    changed page moves a figure or changes the latest report; an archive made before stats_groups
    gets them built on open."""
    import hashlib
    import sqlite3

    with Archive(tmp_path / "a.db") as a:
        a.ingest_many(OVERLAPS)
        assert_paths_agree(a)
        # same instant as bn-b's, ingested later: it wins the tie
        a.ingest(report("bn-c", Locality(**BNP, level="province"), 2100, "2024-01-09T08:45:00+07:00", **Y23))
        assert full(a.stats("new_members", by="province", per="year"), "province", "year")[("bac ninh", "2023")] \
            == (2100, 1, 1, 4)
        assert_paths_agree(a)
        old = OVERLAPS[9]  # ts-year: Thanh Sơn 110 for 2023
        text = old.text + " (cập nhật)"
        moved = old.model_copy(update={"text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                                       "summary": Summary(new_members=111), "facts": []})
        a.ingest(moved)  # its figure leaves the 2023 year group for its published month
        assert_paths_agree(a)
        expected = {k: a.stats(k, by="district", per="month").to_dict() for k in ("new_members", "transfers")}
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("DROP TABLE stats_groups")  # as in an archive made before schema v4
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    with Archive(tmp_path / "a.db") as a:
        assert {k: a.stats(k, by="district", per="month").to_dict() for k in ("new_members", "transfers")} == expected
        assert_paths_agree(a)


def test_groups_kept_at_ingest_equal_a_full_recompute(tmp_path):
    """Many small batches of repeated, conflicting, same-day, same-minute and undated reports, singly
    and in bulk, then a changed page: the groups updated in place at ingest are exactly the groups the
    migrations' full recompute builds from every headline row, and date-filtered stats read from them
    equal the exact grouping."""
    import random

    from archive.store import MIGRATIONS, _statements

    rng = random.Random(5)
    places = [Locality(**DN, district="Đắk Song", level="district"),
              Locality(**DN, district="Đắk Song", commune="Trường Xuân", level="commune"),
              Locality(province="Bắc Ninh", district="Gia Bình", level="district")]
    days = ["2023-12-01", "2023-12-01T08:00:00+07:00", "2023-12-01T09:30:00+07:00", "2024-01-05", None]
    recs = [report(f"r{i}", rng.choice(places), rng.choice([5, 6, 7]), rng.choice(days),
                   **rng.choice([Y21, Y22, {}])) for i in range(120)]
    rebuild = [s for s in _statements((MIGRATIONS / "005_stats_groups_winner.sql").read_text(encoding="utf-8"))
               if not s.startswith("CREATE TABLE")]
    rebuild += [s for s in _statements((MIGRATIONS / "012_stats_groups_dates.sql").read_text(encoding="utf-8"))
                if s.startswith("UPDATE")]

    def groups(a: Archive) -> list[tuple]:
        return a.conn.execute("SELECT * FROM stats_groups ORDER BY kind, place_key, period_key").fetchall()

    with Archive(tmp_path / "a.db") as a:
        for i in range(0, 100, 7):
            a.ingest_many(recs[i:i + 7], batch=3)
        for r in recs[100:]:
            a.ingest(r)
        kept = groups(a)
        assert len(kept) > 10 and any(g[12] > 1 for g in kept)  # some groups hold conflicting values
        a.conn.execute("DELETE FROM stats_groups")
        for stmt in rebuild[1:]:  # the INSERT ... SELECT over every headline (DROP skipped: table kept)
            a.conn.execute(stmt)
        assert groups(a) == kept
        assert_dates_agree(a)  # undated reports: the unfiltered path has figures no date filter keeps
