"""Facts on real portal articles (../shared/realpages): the figures SOURCES.md lists for each page.

01-12 are CKEditor bodies from the Đắk Song district portal (JSON front matter + HTML); 13-18 are
word-segmented online news (syllables joined by "_"), turned back into plain text here.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from extractor import extract, places
from extractor.facts import find_facts, summarise
from models.text import normalize


def _front_matter_page(path: Path):
    raw = path.read_text(encoding="utf-8")
    fm_text, body = raw.split("---json", 1)[1].split("\n---\n", 1)
    fm = json.loads(fm_text)
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)", fm["date"]) or re.match(r"(\d\d)-(\d\d)-(\d{4})", fm["date"])
    y, mo, d = (m[1], m[2], m[3]) if len(m[1]) == 4 else (m[3], m[2], m[1])
    text = extract(body, f"http://daksong.daknong.gov.vn/{fm['slug']}.html").text
    lead = normalize(fm.get("description") or "") or None
    return normalize(fm["title"]), lead, text, date(int(y), int(mo), int(d)), "daksong.daknong.gov.vn"


def _segmented_page(path: Path):
    def plain(line: str) -> str:
        line = line.replace("_", " ")
        line = re.sub(r" ([,.;:!?)%”])", r"\1", line)
        return normalize(re.sub(r"([(“]) ", r"\1", line))

    lines = [plain(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines[0], lines[1], "\n\n".join(lines[2:]), None, None


@cache
def run(shared: Path, number: str):
    path = next((shared / "realpages").glob(f"{number}_*"))
    title, lead, text, published, site = (_front_matter_page if path.suffix == ".md" else _segmented_page)(path)
    facts = find_facts(text, title=title, lead=lead, published=published)
    locality = places.resolve_locality(title=title, lead=lead, text=text, site=site, published=published)
    for f in facts:
        if f.place is not None and f.place.mention:
            f.place = places.resolve_place(f.place.mention, context=locality, published=published) or f.place
    return tuple(facts), summarise(facts, locality)


# number -> (new_members, transfers, badges, badges_by_years) headline figures
HEADLINES = {
    "01": (120, 147, 17, {}),
    "02": (26, None, None, {}),
    "03": (8, None, None, {}),
    "04": (None, None, None, {}),
    "05": (None, None, None, {}),
    "06": (None, None, None, {}),
    "07": (None, None, None, {}),
    "08": (None, None, None, {}),
    "09": (None, None, None, {}),
    "10": (None, None, None, {}),
    "11": (None, None, None, {}),
    "12": (None, None, None, {}),
    "13": (None, None, 2405, {"70": 64, "65": 7, "60": 41}),
    "14": (None, None, 6, {"50": 1}),
    "15": (None, None, 1, {"70": 1}),
    "16": (None, None, 1, {"85": 1}),
    "17": (None, None, None, {}),
    "18": (None, None, None, {}),
}


@pytest.mark.parametrize("number", sorted(HEADLINES))
def test_headlines(shared_dir: Path, number: str) -> None:
    _facts, s = run(shared_dir, number)
    assert (s.new_members, s.transfers, s.badges, s.badges_by_years) == HEADLINES[number]


def test_facts_behind_the_headlines(shared_dir: Path) -> None:
    def kv(number: str) -> set[tuple[str, int, str]]:
        return {(f.kind, f.value, f.role) for f in run(shared_dir, number)[0]}

    assert {("new_members", 120, "actual"), ("transfers", 147, "actual"), ("badges", 17, "actual")} <= kv("01")
    assert {("new_members", 26, "actual"), ("candidates_trained", 73, "actual")} <= kv("02")
    # A congress article reviewing the past term: the 44 admissions are the 2015-2020 term's total.
    assert ("new_members", 44, "cumulative") in kv("04")
    assert {("new_members", 580, "cumulative"), ("party_members_total", 2648, "actual")} <= kv("07")
    assert {("party_orgs_total", 9, "actual"), ("party_members_total", 104, "actual")} <= kv("08")
    for number in ("09", "10", "11", "12", "17"):
        assert kv(number) == set(), number
    # 18 is about one admission's procedure: no admission, transfer or badge counts (it does say the
    # branch "chỉ có 1 đảng viên chính thức", a size, not a flow).
    assert not {k for k, _v, _r in kv("18")} & {"new_members", "transfers", "badges"}
    # 13: the city-wide 2,405 is the headline (the title says so); Quận 10's 132 is a fact with its place.
    q10 = [f for f in run(shared_dir, "13")[0] if f.value == 132]
    assert q10 and q10[0].kind == "badges" and q10[0].place is not None


def test_periods_on_real_pages(shared_dir: Path) -> None:
    facts = {f.value: f for f in run(shared_dir, "02")[0]}
    assert (facts[26].period.start, facts[26].period.end) == (date(2019, 1, 1), date(2019, 6, 30))
    facts = {f.value: f for f in run(shared_dir, "03")[0]}
    assert (facts[8].period.start, facts[8].period.end) == (date(2018, 1, 1), date(2018, 12, 31))


FULL = {  # whole rendered portal pages (menus, sidebars, "TIN ĐÃ ĐƯA", print script) through extract()
    "11-08-2020-01.html": (None, None, None),
    "btc-huyen-uy-dak-song-tong-ket-cong-tac-xay-dung-dang-nam-2018-trien-khai-nhiem-vu-nam-2019.html": (120, 147, 17),
    "chuong-trinh-ocop-tao-dong-luc-thuc-day-nong-nghiep-nong-thon-phat-trien.html": (None, None, None),
    "dai-hoi-dang-bo-xa-thuan-ha-lan-thu-iii-nhiem-ky-2020-2025.html": (None, None, None),
    "dang-uy-co-quan-chinh-quyen-tong-ket-cong-tac-xay-dung-dang-nam-2018-de-ra-phuong-huong-nam-2019.html":
        (8, None, None),
    "hn-so-ket-cttcxd-dang-6-thang-dau-phuong-huong-nv-6-thang-cuoi-2019.html": (26, None, None),
}


@pytest.mark.parametrize("name", sorted(FULL))
def test_full_pages_through_the_whole_extractor(shared_dir: Path, name: str) -> None:
    page = shared_dir / "realpages" / "full" / name
    rec = extract(page.read_bytes(), f"http://daksong.daknong.gov.vn/{page.stem}/")
    assert (rec.summary.new_members, rec.summary.transfers, rec.summary.badges) == FULL[name]
    if name.startswith("chuong-trinh-ocop"):
        assert rec.facts == []  # farming news: no counts at all
