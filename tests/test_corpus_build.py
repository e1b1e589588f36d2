"""The development corpus renderer: deterministic output, valid gold, gold that agrees with the pages."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from models.text import normalize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _load_build():
    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_build"] = module
    spec.loader.exec_module(module)
    return module


build = _load_build()
RENDERED, ERRORS = build.build(write=False)
GOLDS = {slug: json.loads(gold) for slug, (_, gold) in RENDERED.items()}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?")
SUMMARY = {"new_members", "transfers", "badges", "badges_by_years"}
KEYS = {"slug", "template", "url", "http_charset", "encoding", "title", "published", "author", "source", "views",
        "lead", "text", "must_contain", "must_not_contain", "party", "summary", "locality"}


def visible(page: bytes, encoding: str) -> str:
    soup = BeautifulSoup(page.decode(encoding), "lxml")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    return " ".join(normalize(soup.get_text(" ")).split())


def squash(s: str) -> str:
    return " ".join(normalize(s).split())


def test_every_source_renders():
    assert not ERRORS, ERRORS
    assert len(RENDERED) >= 40


def test_build_is_deterministic_and_pages_on_disk_are_current():
    again, _ = build.build(write=False)
    assert again == RENDERED
    stale = [s for s, (page, gold) in RENDERED.items()
             if (CORPUS / "pages" / f"{s}.html").read_bytes() != page
             or (CORPUS / "gold" / f"{s}.json").read_bytes() != gold]
    assert not stale, f"run python corpus/build.py: {stale}"


def test_templates_are_all_used():
    used = {g["template"] for g in GOLDS.values()}
    assert used == set(build.TEMPLATES)
    for name in build.TEMPLATES:
        assert sum(g["template"] == name for g in GOLDS.values()) >= 3, name


@pytest.mark.parametrize("slug", sorted(GOLDS))
def test_gold_is_valid(slug):
    g = GOLDS[slug]
    assert set(g) == KEYS
    assert ISO.fullmatch(g["published"]), g["published"]
    assert set(g["summary"]) == SUMMARY
    assert set(g["locality"]) == {"province", "district", "commune", "era"}
    assert g["text"] == unicodedata.normalize("NFC", g["text"])
    assert g["must_contain"] and g["must_not_contain"]
    if not g["party"]:
        assert all(g["summary"][k] is None for k in ("new_members", "transfers", "badges"))
        assert g["summary"]["badges_by_years"] == {}
    tiers = g["summary"]["badges_by_years"]
    if tiers:
        assert g["summary"]["badges"] >= sum(tiers.values())
    if g["locality"]["era"] == "post2025":
        assert g["locality"]["district"] is None
        assert g["published"] >= "2025-07-01"
    for s in g["must_not_contain"]:
        assert s.casefold() not in g["text"].casefold(), s


@pytest.mark.parametrize("slug", sorted(GOLDS))
def test_gold_snippets_are_on_the_page(slug):
    g = GOLDS[slug]
    page, _ = RENDERED[slug]
    text = visible(page, g["encoding"])
    for s in g["must_contain"]:
        assert squash(s) in text, s
    assert squash(g["title"]) in text
    for s in g["must_not_contain"]:  # boilerplate the gold forbids really is there to be dropped
        assert squash(s).casefold() in text.casefold(), s


def test_windows_1258_pages_are_really_windows_1258():
    pages = [(RENDERED[s][0], g) for s, g in GOLDS.items() if g["template"] == "legacy-1258"]
    assert len(pages) >= 3
    for page, g in pages:
        assert g["encoding"] == "windows-1258"
        with pytest.raises(UnicodeDecodeError):
            page.decode("utf-8")
        decoded = page.decode("cp1258")
        assert "charset=windows-1258" in decoded
        assert any(unicodedata.combining(c) for c in decoded)  # tone marks stored as combining characters
        assert squash(g["title"]) in squash(decoded)


def test_nfd_pages_are_really_decomposed():
    pages = [(RENDERED[s][0], g) for s, g in GOLDS.items() if g["template"] == "nfd-portal"]
    assert len(pages) >= 3
    for page, g in pages:
        text = page.decode("utf-8")
        assert text == unicodedata.normalize("NFD", text) != unicodedata.normalize("NFC", text)
        assert g["title"] not in text and squash(g["title"]) in squash(text)


def test_non_party_articles_exist():
    assert sum(not g["party"] for g in GOLDS.values()) >= 15


@pytest.mark.parametrize("mutation, message", [
    (lambda s: 'colour = "red"\n' + s, "unknown key"),
    (lambda s: s.replace('template = "district-portal"', 'template = "blog"'), "unknown template"),
    (lambda s: s.replace('published = "2023-11-28T16:01:00+07:00"', 'published = "28/11/2023"'), "published"),
    (lambda s: s.replace('published = "2023-11-28T16:01:00+07:00"', 'published = "2023-11-28T16:01:00Z"'), "published"),
    (lambda s: s.replace('title = "Huyện Gia Bình kết nạp được 89 đảng viên mới"\n', ""), "missing key"),
    (lambda s: s.replace('party = true', 'party = false'), "non-party"),
])
def test_bad_sources_get_a_clear_error_naming_the_file(tmp_path, mutation, message):
    src = (CORPUS / "src" / "articles" / "a-gia-binh-ket-nap-2023.toml").read_text(encoding="utf-8")
    (tmp_path / "a-gia-binh-ket-nap-2023.toml").write_text(mutation(src), encoding="utf-8")
    good = (CORPUS / "src" / "articles" / "a-luong-tai-huy-hieu-2024.toml").read_text(encoding="utf-8")
    (tmp_path / "a-luong-tai-huy-hieu-2024.toml").write_text(good, encoding="utf-8")
    out, errors = build.build(write=False, src=tmp_path)
    assert list(out) == ["a-luong-tai-huy-hieu-2024"]  # the other sources still render
    assert len(errors) == 1 and "a-gia-binh-ket-nap-2023.toml" in errors[0] and message in errors[0]


def test_cp1258_encoder_round_trips_vietnamese():
    s = "Huyện ủy Gia Bình kết nạp được 89 đảng viên mới “Ỹ ữ ặ” – …"
    data = build.to_cp1258(s)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == s


def test_every_date_style_and_byline_position_is_exercised():
    articles = [build.load(p) for p in sorted((CORPUS / "src" / "articles").glob("*.toml"))]
    assert {a.date_style for a in articles} == set(build.DATE_STYLES)
    assert {a.byline_position for a in articles} == build.POSITIONS


def test_sidebar_dates_are_never_the_publish_day():
    for slug, g in GOLDS.items():
        page, _ = RENDERED[slug]
        soup = BeautifulSoup(page.decode(g["encoding"].replace("windows-1258", "cp1258")), "lxml")
        day = "{2}/{1}/{0}".format(*g["published"][:10].split("-"))
        for li in soup.find_all("li"):
            if li.find("a") and len(li.get_text(" ").split()) > 4:
                assert day not in li.get_text(" "), (slug, li.get_text(" "))
