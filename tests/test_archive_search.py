"""Search over a real SQLite archive of hand-written records: folding, syntax, ranking, snippets."""

from __future__ import annotations

import sqlite3

import pytest
from archive_fixture import records

from archive import Archive
from archive.search import make_snippet, parse_query, positive_terms
from models.errors import QueryError

R = records()
NAME = {r.id: k for k, r in R.items()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "archive.db"
    with Archive(path) as a:
        a.ingest_many(R.values())
        yield a


def found(archive, query, **kw) -> list[str]:
    return [NAME[h.id] for h in archive.search(query, limit=100, **kw).hits]


def test_query_without_diacritics_finds_accented_text(archive):
    assert set(found(archive, "dang vien")) == {"R1", "R2", "R3", "R4", "R5", "R6", "R7"}
    assert set(found(archive, "Dong Cuu")) == {"R4", "R8"}  # Đông Cứu and Đông Cửu fold alike


def test_both_tone_placements_are_found(archive):
    # R1 writes "Huyện uỷ" (new placement), R2 "Huyện ủy" (classic)
    assert {"R1", "R2"} <= set(found(archive, "uy"))
    assert {"R1", "R2"} <= set(found(archive, "huyện uỷ"))
    assert {"R1", "R2"} <= set(found(archive, "huyện ủy"))


def test_dak_song_spellings_find_the_same_records(archive):
    sets = [set(found(archive, q)) for q in ("Đắk Song", "Dak Song", "Đăk Song", "dak song")]
    assert sets[0] == {"R5", "R6"}
    assert all(s == sets[0] for s in sets)


def test_exact_accent_match_ranks_first(archive):
    hits = archive.search("Đông Cứu").hits
    assert [NAME[h.id] for h in hits] == ["R4", "R8"]
    assert hits[0].exact and not hits[1].exact
    # the folded query has no preference of its own, the accented one lifts the other commune
    assert NAME[archive.search("Đông Cửu").hits[0].id] == "R8"


def test_phrase_prefix_and_boolean_syntax(archive):
    assert set(found(archive, '"dang vien moi"')) == {"R1", "R2", "R3", "R4", "R5", "R6", "R7"}
    assert set(found(archive, '"vien dang"')) == set()  # word order matters in a phrase
    assert set(found(archive, "luong*")) == {"R2"}
    assert set(found(archive, "Gia OR Luong")) == {"R1", "R2", "R3"}
    assert set(found(archive, "dang vien NOT Gia")) == {"R2", "R4", "R5", "R6", "R7"}
    assert set(found(archive, "(Gia OR Luong) AND 102")) == {"R2"}
    assert set(found(archive, "ket nap 89")) == {"R1", "R3"}


def test_total_and_paging(archive):
    first = archive.search("dang vien", limit=3)
    second = archive.search("dang vien", limit=3, offset=3)
    assert first.total == second.total == 7 and first.total_exact
    assert len(first.hits) == 3 and len(second.hits) == 3
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_empty_query_lists_newest_first(archive):
    hits = archive.search("", limit=3).hits
    assert [NAME[h.id] for h in hits] == ["R7", "R4", "R2"]


def test_snippet_highlights_accented_text(archive):
    # two records hold "dong cuu" folded (Đông Cứu, Đông Cửu); their bm25 order is not the point here
    hit = next(h for h in archive.search("dong cuu").hits if h.id == R["R4"].id)
    assert "[[Đông Cứu]]" in hit.snippet
    assert "<mark>Đông Cứu</mark>" in hit.snippet_html
    assert hit.title == "Xã Đông Cứu kết nạp 5 đảng viên"


def test_snippet_offsets_survive_unfolded_characters():
    # a stray combining mark (fold() drops it) before the match must not shift the highlight
    text = "Cafe\u0301 sáng. " + "x " * 200 + "kết nạp ĐẢNG VIÊN & quần chúng"
    plain, html = make_snippet(text, positive_terms(parse_query("dang vien")))
    assert "[[ĐẢNG VIÊN]]" in plain
    assert "<mark>ĐẢNG VIÊN</mark> &amp; quần" in html
    plain, _ = make_snippet("Tin – “Đảng viên” mới", positive_terms(parse_query("dang vien")))
    assert plain == "Tin – “[[Đảng viên]]” mới"


@pytest.mark.parametrize("query", ['"dang vien', "dang AND", "OR dang", "(dang", "dang)", "NOT", '""', "dang OR OR x"])
def test_bad_queries_raise_query_error(archive, query):
    with pytest.raises(QueryError) as e:
        archive.search(query)
    assert e.value.message and "\n" not in e.value.message


def test_fts_operators_in_words_are_plain_text(archive):
    # FTS5 syntax typed by a user (column filters, NEAR, ^) is searched as words, never executed
    for q in ["title_folded:dang", "NEAR(dang vien)", "^dang", "dang + vien", "{text_folded}: x", "'; DROP"]:
        archive.search(q)


def test_database_opens_in_sqlite_utils_with_search(archive):
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = sqlite_utils.Database(archive.path)
    assert db["records"].detect_fts() == "records_fts"
    rows = list(db["records"].search("dong cuu", columns=["id", "title"]))
    assert {NAME[r["id"]] for r in rows} == {"R4", "R8"}
    db.conn.execute("INSERT INTO records_fts(records_fts) VALUES ('integrity-check')")
    db.conn.close()


def test_index_stays_in_sync_when_edited_outside_vnnews(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as a:
        a.ingest(R["R4"])
    con = sqlite3.connect(path)
    con.execute("UPDATE records SET title = 'Tin khác', text = 'Một bài khác hoàn toàn' WHERE id = ?", (R["R4"].id,))
    con.commit()
    con.close()
    with Archive(path) as a:
        assert a.search("dong cuu").total == 0
        assert a.search("hoan toan").total == 1


def test_large_archive_ranking_paths(archive, monkeypatch):
    """Past RANK_WINDOW matches the newest window is ranked and the total estimated; past
    BM25_MAX_RECORDS the ranking is by query terms in the title (O(window), not O(archive))."""
    import archive.search as s

    full = archive.search("dang vien", limit=100).total
    monkeypatch.setattr(s, "RANK_WINDOW", 3)
    res = archive.search("dang vien", limit=2)  # a small archive still counts exactly
    assert res.total_exact and res.total == full and len(res.hits) == 2
    monkeypatch.setattr(s, "BM25_MAX_RECORDS", 0)
    monkeypatch.setattr(s, "BIG_RANK_WINDOW", 3)
    res = archive.search("dang vien", limit=2)  # a big archive ranks its newest BIG_RANK_WINDOW
    assert not res.total_exact and res.total >= 3 and len(res.hits) == 2
    monkeypatch.setattr(s, "BM25_MAX_RECORDS", 0)
    monkeypatch.setattr(s, "RANK_WINDOW", 1000)
    hits = archive.search("luong tai dang vien").hits
    assert NAME[hits[0].id] == "R2"  # the only title holding all the words
    hits = archive.search("dak song").hits
    assert {NAME[h.id] for h in hits} == {"R5", "R6"}
    assert NAME[archive.search("Đông Cứu").hits[0].id] == "R4"  # exact accents still first


@pytest.mark.parametrize("query", ["dan*", "Đảng vi*", "ket na*", '"dang vien m"*', "huy* NOT luong*", "d*"])
def test_prefix_expanded_from_the_vocabulary_finds_what_fts5_prefix_finds(archive, monkeypatch, query):
    """Prefixes are rewritten as ORs of the index's own tokens (fts_terms); with expansion off, FTS5's
    prefix query must find exactly the same records."""
    import archive.search as s

    expanded = sorted(found(archive, query))
    assert expanded
    monkeypatch.setattr(s, "MAX_EXPANSIONS", 0)
    assert sorted(found(archive, query)) == expanded


def test_vocabulary_holds_folded_tokens_and_is_rebuilt_by_the_migration(tmp_path):
    from archive.search import expand_prefixes

    path = tmp_path / "a.db"
    with Archive(path) as a:
        a.ingest_many(R.values())
        terms = {t for (t,) in a.conn.execute("SELECT term FROM fts_terms")}
        assert {"dang", "vien", "dong", "cuu"} <= terms and not any("đ" in t or "ả" in t for t in terms)
        tree = expand_prefixes(a.conn, parse_query("đản*"))
        assert tree == parse_query("dang")  # one completion: an exact term
        a.conn.execute("DROP TABLE fts_terms")
        a.conn.execute("PRAGMA user_version = 8")  # re-run migration 009 (and those after it)
    with Archive(path) as a:  # migration 009 reads the vocabulary back from the index itself
        assert terms <= {t for (t,) in a.conn.execute("SELECT term FROM fts_terms")}
