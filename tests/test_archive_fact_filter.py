"""Search with a fact-kind filter over an archive bigger than the rank window: exact totals, and
work that grows with the matches, not with matches x facts (the HTTP API once took seconds on
1,740 records and reported the unfiltered total)."""

from __future__ import annotations

import pytest
from archive_fixture import make

from archive import Archive, Filters
from archive.search import RANK_WINDOW
from models.record import Evidence, Fact, Locality, Summary

N = RANK_WINDOW + 800
OLD = 500  # the oldest records carry no figure: a density estimate from the newest matches overshoots
BN = Locality(province="Bắc Ninh", district="Gia Bình", level="district", era="pre2025")
DN = Locality(province="Đắk Nông", district="Đắk Song", level="district", era="pre2025")


def _record(i: int):
    if i < OLD:
        return make(f"tin-{i}", title=f"Tin {i}", text=f"Hội nghị đảng viên số {i}.", published="2014-01-02",
                    locality=BN if i % 2 else DN)
    kind = "new_members" if i % 3 else "transfers"
    value = i % 40  # values 0..39: min 10 keeps three quarters
    text = f"Chi bộ số {i} kết nạp {value} đảng viên mới." if kind == "new_members" else \
        f"Chi bộ số {i} chuyển đảng chính thức cho {value} đảng viên."
    needle = text[text.index(str(value)):]
    fact = Fact(kind=kind, value=value, evidence=Evidence(start=text.index(needle), end=len(text), sentence=needle))
    return make(f"chi-bo-{i}", title=f"Chi bộ {i}", text=text, published=f"{2015 + i % 10}-05-{1 + i % 28:02d}",
                locality=BN if i % 2 else DN, summary=Summary(**{kind: value}), facts=[fact])


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    with Archive(tmp_path_factory.mktemp("factfilter") / "a.db") as a:
        a.ingest_many((_record(i) for i in range(N)), batch=400)
        yield a


def _expected(kind: str | None = None, lo: int | None = None, hi: int | None = None, odd: bool | None = None,
              years: tuple[int, int] | None = None) -> int:
    n = 0
    for i in range(N):
        if i < OLD:
            n += kind is None and lo is None and hi is None and years is None and (odd is None or bool(i % 2) == odd)
            continue
        k, v = ("new_members" if i % 3 else "transfers"), i % 40
        n += ((kind is None or k == kind) and (lo is None or v >= lo) and (hi is None or v <= hi)
              and (odd is None or bool(i % 2) == odd) and (years is None or years[0] <= 2015 + i % 10 <= years[1]))
    return n


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(kind="new_members", min_value=10), _expected("new_members", 10)),
    (Filters(kind="new_members"), _expected("new_members")),
    (Filters(kind="transfers", min_value=5, max_value=20), _expected("transfers", 5, 20)),
    (Filters(min_value=30), _expected(lo=30)),
    (Filters(max_value=39), _expected(hi=39)),  # more than RANK_WINDOW matches, none among the oldest
    (Filters(kind="new_members", province="Bắc Ninh"), _expected("new_members", odd=True)),
    (Filters(province="Đắk Nông", date_from="2017", date_to="2018"), _expected(odd=False, years=(2017, 2018))),
    (Filters(date_from="2022-06"), _expected(years=(2023, 2024))),  # open-ended: bounded by the archive's dates
    (Filters(district="Gia Bình", kind="transfers", max_value=9), _expected("transfers", hi=9, odd=True)),
])
def test_filtered_totals_are_exact_in_a_small_archive(archive, filters, expected):
    res = archive.search("dang vien", filters, limit=10)
    assert res.total_exact
    assert res.total == expected
    assert len(res.hits) == 10
    for h in res.hits:  # every hit satisfies the filter
        rec = archive.get(h.id)
        if filters.kind:
            assert any(f.kind == filters.kind and (filters.min_value is None or f.value >= filters.min_value)
                       for f in rec.facts)
        if filters.province:
            assert rec.locality.province == filters.province


def test_fact_filter_work_grows_with_matches_not_matches_times_facts(archive):
    """SQLite VM steps (deterministic, unlike wall time): a kind filter may cost a few times an
    unfiltered search, never a scan of every fact of that kind per match (that was ~N/2 x)."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    def cost(filters: Filters | None) -> int:
        steps[0] = 0
        archive.conn.set_progress_handler(tick, 100)
        try:
            archive.search("dang vien", filters, limit=20)
        finally:
            archive.conn.set_progress_handler(None, 0)
        return steps[0]

    plain = cost(None)
    assert cost(Filters(kind="new_members", min_value=10)) < 10 * plain
    assert cost(Filters(kind="transfers")) < 10 * plain


def test_filter_tags_are_not_searchable_words(archive):
    """The tags column serves filters only: its tokens never answer a user's query."""
    for q in ("y2023", "knewmembers", "pnbacninh", "av2", "kn*"):
        assert archive.search(q).total == 0, q
