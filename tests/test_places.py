"""Place mentions, subject-locality resolution, the site registry and `vnnews places`."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extractor.places import find_mentions, resolve_locality, resolve_place
from extractor.sites import infer_unit, load_sites, profile_for, unit_for_host, unit_of_profile
from models.errors import InputError, NotFoundError
from models.gazetteer import gazetteer, lookup
from models.text import fold

PRE = date(2023, 11, 28)
POST = date(2026, 3, 2)


def loc(title: str, lead: str | None = None, text: str = "", site: str | None = None, published=PRE):
    return resolve_locality(title=title, lead=lead, text=text, site=site, published=published)


# -- every province, both eras, with and without diacritics ----------------------------------------
def _provinces(era: str):
    g = gazetteer()
    return [u for u in g.units.values() if u.era == era and u.level == "province"]


@pytest.mark.parametrize("era,published", [("pre2025", PRE), ("post2025", POST)])
def test_every_province_resolves_from_its_name(era, published):
    provinces = _provinces(era)
    assert len(provinces) == (63 if era == "pre2025" else 34)
    for u in provinces:
        word = "Thành phố" if u.type == "Thành phố Trung ương" else "Tỉnh"
        # bare "Hồ Chí Minh" names the man ("tư tưởng Hồ Chí Minh"); the city bare is "TP.HCM"
        bare = "TP.HCM" if u.short == "Hồ Chí Minh" else u.short
        for title in (f"{word} {u.short} kết nạp 120 đảng viên mới",
                      fold(f"{word} {u.short} kết nạp 120 đảng viên mới"),  # no diacritics at all
                      f"Năm 2023, {bare} kết nạp 120 đảng viên mới"):  # bare province name
            got = loc(title, published=published)
            assert got is not None, title
            assert (got.level, got.code, got.era, got.province) == ("province", u.code, era, u.short), title


def test_bare_province_without_diacritics_keeps_capitals():
    got = loc("Nam 2023, Bac Ninh ket nap 2.016 dang vien moi")
    assert got is not None and got.province_code == "27"
    assert loc("ket nap dang vien o bac ninh") is None  # lower-case bare words are not a name


# -- mentions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,level_hint,name", [
    ("Huyện ủy Gia Bình trao Huy hiệu Đảng", ("district",), "Gia Bình"),
    ("Huyện uỷ Gia Bình trao Huy hiệu Đảng", ("district",), "Gia Bình"),  # new tone placement
    ("huyện Gia Bình", ("district",), "Gia Bình"),
    ("Đảng bộ xã Đông Cứu kết nạp", ("commune",), "Đông Cứu"),
    ("Đảng ủy xã Đông Cứu", ("commune",), "Đông Cứu"),
    ("thị trấn Gia Bình", ("commune",), "Gia Bình"),
    ("TP. Bắc Ninh", ("province", "district"), "Bắc Ninh"),
    ("tỉnh Bắc Ninh", ("province",), "Bắc Ninh"),
    ("H. Gia Bình", ("district",), "Gia Bình"),
    ("TX. Từ Sơn", ("district",), "Từ Sơn"),
    ("Q.10", ("district",), "10"),
    ("quận 10", ("district",), "10"),
    ("phường 03", ("commune",), "03"),
    ("Thành ủy Bắc Ninh", ("province", "district"), "Bắc Ninh"),
    ("huyen Gia Binh", ("district",), "Gia Binh"),
    ("Thị xã Hoà Bình", ("district",), "Hòa Bình"),
])
def test_mention_forms(text, level_hint, name):
    ms = find_mentions(text)
    assert len(ms) == 1, ms
    assert ms[0].levels == level_hint and ms[0].name == name


def test_mentions_in_nfd_text_and_lists():
    nfd = unicodedata.normalize("NFD", "các xã Đông Cứu, Giang Sơn và Lãng Ngâm")
    ms = find_mentions(nfd)
    assert [m.name for m in ms] == ["Đông Cứu", "Giang Sơn", "Lãng Ngâm"]
    assert all(m.levels == ("commune",) for m in ms)


def test_not_mentions():
    # "xa" (far) is not "xã" in a text written with marks; a lower-case bare name is not a name
    assert [m.levels for m in find_mentions("Đường đi còn xa Gia Bình")] == [None]
    assert find_mentions("bắc ninh") == []
    assert find_mentions("Hôm nay trời đẹp") == []
    # "Đoàn TNCS Hồ Chí Minh" names the man, not the city
    assert loc("Đại hội Đoàn TNCS Hồ Chí Minh lần thứ XII") is None


# -- disambiguation ---------------------------------------------------------------------------------
def test_ambiguous_district_needs_context():
    title = "Huyện ủy Châu Thành trao Huy hiệu Đảng đợt 7/11"
    assert loc(title) is None  # Châu Thành is a district in several provinces
    tg = loc(title, text="Ngày 7/11, Huyện ủy Châu Thành (tỉnh Tiền Giang) tổ chức lễ trao Huy hiệu Đảng.")
    bt = loc(title, text="Sáng 7/11, Huyện ủy Châu Thành, tỉnh Bến Tre tổ chức lễ trao Huy hiệu Đảng.")
    kg = loc(title, site="chauthanh.kiengiang.gov.vn")
    assert (tg.province, tg.district, tg.code) == ("Tiền Giang", "Châu Thành", "821")
    assert (bt.province, bt.district, bt.code) == ("Bến Tre", "Châu Thành", "831")
    assert (kg.province, kg.district) == ("Kiên Giang", "Châu Thành")


def test_type_word_tells_same_named_units_apart():
    city = loc("TP. Bắc Ninh kết nạp 300 đảng viên mới")
    assert (city.level, city.code, city.district) == ("district", "256", "Bắc Ninh")
    assert loc("Tỉnh Bắc Ninh kết nạp 2.016 đảng viên mới").level == "province"


def test_unknown_names_give_none():
    assert loc("Huyện Xyzabc kết nạp 50 đảng viên mới") is None
    assert loc("Kết nạp 50 đảng viên mới", text="Từ đầu năm đến nay đã kết nạp 50 đảng viên.") is None
    assert loc("Kết nạp đảng viên", site="example.org") is None


def test_district_with_its_province_and_commune_with_its_district():
    got = loc("Huyện Gia Bình kết nạp được 89 đảng viên mới")
    assert (got.province, got.district, got.commune, got.level, got.code) == ("Bắc Ninh", "Gia Bình", None,
                                                                             "district", "263")
    assert got.era == "pre2025" and got.province_code == "27" and got.mention == "Huyện Gia Bình"
    got = loc("Đảng bộ xã Đông Cứu kết nạp 5 đảng viên mới", site="giabinh.bacninh.gov.vn")
    assert (got.province, got.district, got.commune, got.code) == ("Bắc Ninh", "Gia Bình", "Đông Cứu", "09487")


def test_province_wide_article_with_breakdown_has_the_province_as_subject():
    got = loc("Năm 2023, toàn tỉnh kết nạp 2.016 đảng viên mới",
              lead="Năm 2023, Đảng bộ tỉnh Bắc Ninh kết nạp 2.016 đảng viên, trong đó huyện Gia Bình "
                   "kết nạp 89, huyện Lương Tài 112.")
    assert (got.level, got.province, got.district) == ("province", "Bắc Ninh", None)
    got = loc("Huyện Gia Bình và huyện Lương Tài kết nạp 201 đảng viên")
    assert (got.level, got.province) == ("province", "Bắc Ninh")


def test_sentence_naming_sibling_units_has_their_parent_as_subject():
    got = loc("Kết nạp 650 đảng viên mới",
              text="Trong năm, TP Thái Nguyên kết nạp 300, huyện Đại Từ 200, huyện Phú Lương 150.")
    assert (got.level, got.province, got.mention) == ("province", "Thái Nguyên", None)
    # a breakdown after the subject does not move it
    got = loc("Kết nạp 89 đảng viên", lead="Năm 2023, huyện Gia Bình kết nạp 89 đảng viên, trong đó "
                                             "xã Đông Cứu 5, xã Giang Sơn 4.")
    assert (got.level, got.district) == ("district", "Gia Bình")


def test_abolished_unit_after_the_reform_gives_its_new_province():
    got = loc("Huyện ủy Gia Bình tổng kết công tác xây dựng Đảng", published=date(2025, 7, 2))
    assert (got.level, got.province, got.province_code, got.era, got.district) == (
        "province", "Bắc Ninh", "24", "post2025", None)


def test_site_gives_the_unit_when_the_text_does_not():
    got = loc("Kết nạp 89 đảng viên mới", text="Từ đầu năm, Đảng bộ huyện đã kết nạp 89 đảng viên.",
              site="giabinh.bacninh.gov.vn")
    assert (got.province, got.district, got.mention) == ("Bắc Ninh", "Gia Bình", None)
    # a bare district name counts on its own province's paper
    got = loc("Gia Bình: kết nạp 89 đảng viên mới", site="baobacninh.vn")
    assert (got.province, got.district) == ("Bắc Ninh", "Gia Bình")


def test_post_reform_article_is_a_commune_without_district():
    got = loc("Xã Gia Bình kết nạp 20 đảng viên mới", lead="Đảng ủy xã Gia Bình, tỉnh Bắc Ninh ...",
              published=POST)
    assert (got.province, got.district, got.commune, got.level, got.code, got.era, got.province_code) == (
        "Bắc Ninh", None, "Gia Bình", "commune", "09454", "post2025", "24")
    # before the reform the same words name the thị trấn of Huyện Gia Bình (code 09454 too, another unit)
    old = loc("Thị trấn Gia Bình kết nạp 20 đảng viên mới", published=PRE)
    assert (old.district, old.commune, old.era, old.province_code) == ("Gia Bình", "Gia Bình", "pre2025", "27")
    # an old district portal, read after the reform: the new province, its new communes as context
    got = loc("Xã Đông Cứu kết nạp 12 đảng viên", site="giabinh.bacninh.gov.vn", published=POST)
    assert (got.province_code, got.code, got.district) == ("24", "09487", None)


def test_resolve_place_uses_the_subject_as_context():
    subject = loc("Huyện Gia Bình kết nạp được 89 đảng viên mới")
    got = resolve_place("xã Đông Cứu", context=subject, published=PRE)
    assert (got.province, got.district, got.commune, got.code) == ("Bắc Ninh", "Gia Bình", "Đông Cứu", "09487")
    tg = loc("Tỉnh Tiền Giang kết nạp 3.000 đảng viên")
    assert resolve_place("huyện Châu Thành", context=tg, published=PRE).code == "821"
    assert resolve_place("huyện Châu Thành", context=None, published=PRE) is None
    assert resolve_place("nơi nào đó", context=subject, published=PRE) is None
    # the context outweighs the type word: Quế Võ's Việt Hùng is a phường, still called "xã"
    que_vo = loc("Đảng bộ thị xã Quế Võ kết nạp 268 đảng viên")
    got = resolve_place("xã Việt Hùng", context=que_vo, published=PRE)
    assert (got.code, got.district) == ("09283", "Quế Võ")


# -- sites ------------------------------------------------------------------------------------------
def test_site_registry_and_inference(tmp_path: Path):
    assert str(unit_for_host("giabinh.bacninh.gov.vn").short) == "Gia Bình"
    p = profile_for("daksong.daknong.gov.vn")
    assert p is not None and p.listings and unit_of_profile(p).short == "Đắk Song"
    u = infer_unit("dongcuu.giabinh.bacninh.gov.vn")
    assert (u.level, u.short, u.district_code) == ("commune", "Đông Cứu", "263")
    assert infer_unit("sotnmt.bacninh.gov.vn").level == "province"  # a department: the province only
    assert infer_unit("example.com") is None and infer_unit("nowhere.gov.vn") is None
    # provincial papers and Party sites named after the province; national papers are nobody's
    assert unit_for_host("baonghean.vn").short == "Nghệ An"
    assert unit_for_host("baothaibinh.com.vn").short == "Thái Bình"
    assert unit_for_host("baochinhphu.vn") is None and unit_for_host("baomoi.com") is None
    # labels more specific than a registered parent domain win; new-map commune portals
    assert unit_for_host("trungkenh.luongtai.bacninh.gov.vn").short == "Trung Kênh"
    u = unit_for_host("xalucnam.bacninh.gov.vn")
    assert (u.era, u.level, u.short, u.province_code) == ("post2025", "commune", "Lục Nam", "24")
    got = loc("Lục Nam: kết nạp 18 đảng viên trong 9 tháng", site="xalucnam.bacninh.gov.vn", published=POST)
    assert (got.province, got.district, got.commune, got.era) == ("Bắc Ninh", None, "Lục Nam", "post2025")
    user = tmp_path / "sites.toml"
    user.write_text('[sites."tin.example.org"]\nname = "Tin Gia Bình"\nprovince = "Bắc Ninh"\n'
                    'district = "Gia Bình"\nlistings = ["https://tin.example.org/dang"]\n', encoding="utf-8")
    sites = load_sites(user)
    assert profile_for("www.tin.example.org", sites).district == "Gia Bình"
    assert "giabinh.bacninh.gov.vn" in sites  # the shipped entries stay
    user.write_text("[sites.x\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_sites(user)
    user.write_text('[sites."a.example.org"]\nprovince = "Bắc Ninh"\ndistrict = "Gia Bìnhh"\n', encoding="utf-8")
    with pytest.raises(InputError, match="no single"):
        load_sites(user)


def test_every_shipped_site_entry_names_one_unit():
    for host, p in load_sites().items():
        named = p.commune or p.district or p.province
        if named:
            u = unit_of_profile(p)
            assert u is not None and u.short == named, host


# -- lookups and the CLI ----------------------------------------------------------------------------
def test_lookup_lineage_both_ways():
    old = lookup("huyen gia binh", era="pre2025")
    assert [u["code"] for u in old] == ["263"]
    assert {n["short"] for n in old[0]["became"]} == {"Gia Bình", "Cao Đức", "Đại Lai", "Nhân Thắng", "Đông Cứu"}
    new = lookup("Nhân Thắng", era="post2025")
    assert {o["code"] for o in new[0]["formed_from"]} == {"09460", "09475", "09481"}
    assert lookup("24", era="post2025")[0]["formed_from"][0]["short"] in ("Bắc Giang", "Bắc Ninh")
    with pytest.raises(NotFoundError):
        lookup("Xyzabc")


def test_cli_places(capsys):
    from service.cli import main

    assert main(["places", "dong cuu", "--era", "post2025", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["code"] == "09487" and out[0]["era"] == "post2025"
    assert {o["short"] for o in out[0]["formed_from"]} == {"Giang Sơn", "Lãng Ngâm", "Đông Cứu"}
    assert main(["places", "Gia Bình"]) == 0
    table = capsys.readouterr().out
    assert "Huyện Gia Bình" in table and "263" in table and "(09475)" in table  # -> Xã Nhân Thắng
    assert main(["places", "Xyzabc"]) == 4
    assert "no administrative unit" in capsys.readouterr().err


# -- corpus -----------------------------------------------------------------------------------------
def _score(rows):
    n = len(rows)
    return {k: sum(1 for got, gold in rows if (getattr(got, k) if got else None) == gold.get(k)) / n
            for k in ("province", "district", "commune")}


def test_corpus_locality_from_gold_fields(corpus_dir: Path):
    """resolve_locality on the gold title/lead/text/url/date of every corpus article."""
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus_dir / "gold").glob("*.json"))]
    assert golds, "corpus/gold is empty: the corpus is committed, run corpus/build.py"
    rows = []
    for g in golds:
        got = resolve_locality(title=g["title"], lead=g["lead"], text=g["text"], site=urlsplit(g["url"]).hostname,
                               published=date.fromisoformat(g["published"][:10]))
        rows.append((got, g["locality"]))
    acc = _score(rows)
    print(f"\ncorpus locality (gold fields, {len(rows)} articles):", {k: round(v, 3) for k, v in acc.items()})
    assert all(v >= 0.97 for v in acc.values()), acc


def test_corpus_locality_end_to_end(corpus_dir: Path):
    """The same through extractor.extract on the rendered pages (decode, clean, metadata, places)."""
    from extractor import extract

    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus_dir / "gold").glob("*.json"))]
    assert golds, "corpus/gold is empty: the corpus is committed, run corpus/build.py"
    rows = []
    for g in golds:
        html = (corpus_dir / "pages" / f"{g['slug']}.html").read_bytes()
        rows.append((extract(html, url=g["url"]).locality, g["locality"]))
    acc = _score(rows)
    print(f"\ncorpus locality (extractor.extract, {len(rows)} pages):", {k: round(v, 3) for k, v in acc.items()})
    assert all(v >= 0.97 for v in acc.values()), acc


def test_realpages_dak_song_portal(shared_dir: Path):
    """The twelve real Đắk Song portal articles: every one is placed in huyện Đắk Song (Đắk Nông),
    the two about one commune in that commune; none is placed elsewhere."""
    import html
    import re

    want_commune = {"04": "Thuận Hà", "06": "Nam Bình"}
    files = sorted((shared_dir / "realpages").glob("[01][0-9]_daksong_*.md"))
    assert len(files) == 12
    for f in files:
        front, body = f.read_text(encoding="utf-8").split("\n---\n", 1)
        meta = json.loads(front.removeprefix("---json"))
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        parts = meta["date"][:10].split("-")  # "2019-01-01T02:17:00.000Z" or "28-10-2017"
        y, m, d = (int(x) for x in (parts if len(parts[0]) == 4 else parts[::-1]))
        got = loc(meta["title"], lead=meta.get("description") or None, text=text,
                  site="daksong.daknong.gov.vn", published=date(y, m, d))
        assert got is not None, f.name
        assert (got.province, got.district, got.commune) == ("Đắk Nông", "Đắk Song", want_commune.get(f.name[:2])), f.name
