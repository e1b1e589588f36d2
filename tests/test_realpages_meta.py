"""Real pages from the Đắk Song district portal (../shared/realpages): an external check on cleaning
and metadata. The gold below was read off the pages by a person; nothing is copied into the repo."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from extractor import extract
from extractor.pipeline import read_page

# file, title, published, author, lead starts with (None: page shows no sapo), first words of text, text ends with
FULL = [
    ("11-08-2020-01.html", "ĐẢNG BỘ HUYỆN ĐĂK SONG KHỞI SẮC SAU MỘT NHIỆM KỲ ĐẠI HỘI.", "2020-08-11", "Lê Xuân",
     "Thưa quý vị và các bạn! Nhiệm kỳ 2015-2020", "Thưa quý vị và các bạn!", "ngày càng giàu đẹp, văn minh…"),
    ("btc-huyen-uy-dak-song-tong-ket-cong-tac-xay-dung-dang-nam-2018-trien-khai-nhiem-vu-nam-2019.html",
     "BTC Huyện ủy Đăk Song tổng kết công tác xây dựng Đảng năm 2018, triển khai nhiệm vụ năm 2019", "2019-01-01",
     "Kim Ngân", None, "Ngày 13/12, Ban tổ chức Huyện ủy Đăk Song", "thực hiện các đề án của Huyện ủy./."),
    ("chuong-trinh-ocop-tao-dong-luc-thuc-day-nong-nghiep-nong-thon-phat-trien.html",
     "Chương trình OCOP tạo động lực thúc đẩy nông nghiệp, nông thôn phát triển", "2019-10-16", "Kim Ngân", None,
     "Với nhiều mặt hàng nông sản có giá trị kinh tế cao", "ban hành khung pháp lý và chính sách để thực hiện."),
    ("dai-hoi-dang-bo-xa-thuan-ha-lan-thu-iii-nhiem-ky-2020-2025.html",
     "Đại hội Đảng bộ xã Thuận Hà lần thứ III, nhiệm kỳ 2020-2025", "2020-06-15", "Lê Xuân",
     "Ngày 5/6/2020 Đảng bộ xã Thuận Hà", "Ngày 5/6/2020 Đảng bộ xã Thuận Hà",
     "1 đại biểu dự khuyết đi dự Đại hội cấp trên."),
    ("dang-uy-co-quan-chinh-quyen-tong-ket-cong-tac-xay-dung-dang-nam-2018-de-ra-phuong-huong-nam-2019.html",
     "Đảng ủy cơ quan Chính quyền tổng kết công tác xây dựng Đảng năm 2018, đề ra phương hướng năm 2019",
     "2019-01-30", "Trí Song", None, "Ngày 25/1/2019, Đảng ủy khối cơ quan Chính quyền",
     "trong các phong trào thi đua yêu nước và công công tác xây dựng Đảng năm 2018."),
    ("hn-so-ket-cttcxd-dang-6-thang-dau-phuong-huong-nv-6-thang-cuoi-2019.html",
     "Hội nghị sơ kết công tác tổ chức xây dựng Đảng 6 tháng đầu năm; phương hướng, nhiệm vụ 6 tháng cuối năm 2019",
     "2019-07-05", "Kim Ngân", None, "Ngày 3/7/2019, Ban tổ chức Huyện ủy tổ chức sơ kết",
     "phát huy sức mạnh đại đoàn kết toàn dân."),
]
# Portal chrome every full page carries, and headlines of its "TIN ĐÃ ĐƯA" lists.
NEVER = ["TIN ĐÃ ĐƯA", "Số lượt người xem", "Bản in", "Đăng nhập", "Print Me", "Tin Chính trị - Xã hội",
         "Trang Thông Tin Điện Tử", "popuponclick", "Xã Nâm N’ Jang đã đạt 19/19 tiêu chí",
         "Đăk Song chuyến xe “nghĩa tình”", "Vườn rau thủy canh nhỏ", "Thủ tướng chỉ đạo ngăn chặn",
         "Huyện Đắk Song tổ chức Đại hội thi đua yêu nước lần thứ IV", "Kim Ngân", "Lê Xuân", "Trí Song"]

# .md bodies (raw CKEditor HTML): signature -> author, and how the text ends once it is removed
MD = {
    "01": ("Kim Ngân", "thực hiện các đề án của Huyện ủy./."),
    "02": ("Kim Ngân", "phát huy sức mạnh đại đoàn kết toàn dân."),
    "03": ("Trí Song", "công công tác xây dựng Đảng năm 2018."),
    "04": ("Lê Xuân", "1 đại biểu dự khuyết đi dự Đại hội cấp trên."),
    "05": ("Lê Xuân", "trở thành Đảng viên Đảng cộng sản Việt Nam."),
    "06": ("Lê Xuân, Vương Hợp", "niềm tin của nhân dân đối với Đảng."),
    "07": ("Lê Xuân", "ngày càng giàu đẹp, văn minh…"),
    "08": ("Kim Ngân", "Hướng dẫn số 35 – của Ban tổ chức Trung Ương."),
    "09": ("Trí Song", "góp phần bảo đảm an ninh, an toàn địa bàn."),
    "10": (None, "Khen thưởng các cá nhân có thành tích xuất sắc nhân dịp 20 năm thành lập huyện"),
    "11": ("HL", "Hình ảnh tại Hội nghị"),
    "12": ("Vương Hợp", "đấu tranh trên không gian mạng năm 2019."),
}


@pytest.mark.parametrize("name,title,published,author,lead,first,last", FULL, ids=[f[0][:24] for f in FULL])
def test_full_pages(shared_dir, name, title, published, author, lead, first, last):
    html = (shared_dir / "realpages" / "full" / name).read_bytes()
    r = extract(html, url=f"http://daksong.daknong.gov.vn/{name.removesuffix('.html')}")
    assert r.title == title
    assert r.published == published  # the date beside the title, not a "TIN ĐÃ ĐƯA" date
    assert r.author == author
    if lead is None:
        assert r.lead is None
    else:
        assert r.lead.startswith(lead)
    assert r.text.startswith(first)
    assert r.text.endswith(last)
    for junk in NEVER:
        assert junk not in r.text, junk
    # the print script embeds an escaped copy of the article: it must not double the text
    middle = r.text.split("\n\n")[len(r.text.split("\n\n")) // 2]
    assert r.text.count(middle) == 1
    assert unicodedata.is_normalized("NFC", r.text)


@pytest.mark.parametrize("num", sorted(MD))
def test_md_bodies_are_clean(shared_dir, num):
    (path,) = (shared_dir / "realpages").glob(f"{num}_*.md")
    raw = path.read_text("utf-8")
    front, body = raw.split("\n---\n", 1)
    meta = json.loads(front.split("---json", 1)[1])
    page = read_page(body)
    author, ending = MD[num]
    assert page.meta.author == author
    text = page.text
    assert text.endswith(ending)
    assert unicodedata.is_normalized("NFC", text)  # file 10 pastes one sentence in NFD
    assert not re.search(r"&[a-z]+;|&#\d+;|<[a-z/]", text)  # entities and tags all decoded
    assert "  " not in text and "\u00a0" not in text
    paras = text.split("\n\n")
    assert all(p == p.strip() and p for p in paras)
    if author:
        assert author.split(",")[0] not in paras[-1]  # the signature left the text
    assert meta["title"]  # the front matter is what we think it is


def test_decomposed_sentence_of_file_10_is_composed(shared_dir):
    (path,) = (shared_dir / "realpages").glob("10_*.md")
    body = path.read_text("utf-8").split("\n---\n", 1)[1]
    assert any(unicodedata.combining(c) for c in body)
    text = read_page(body).text
    assert not any(unicodedata.combining(c) for c in text)


def test_full_pages_scored_against_trafilatura(shared_dir):
    """The same per-field scoring as `vnnews eval`, on the real pages, both extractors side by side."""
    from extractor.evaluate import FIELDS, aggregate, run_ours, run_trafilatura, score_page

    try:
        import trafilatura  # noqa: F401
    except ImportError:
        pytest.skip("trafilatura not installed")
    ours, theirs = [], []
    for name, title, published, author, _lead, first, last in FULL:
        body = (shared_dir / "realpages" / "full" / name).read_bytes()
        url = f"http://daksong.daknong.gov.vn/{name.removesuffix('.html')}"
        gold = {"title": title, "published": published, "author": author, "must_contain": [first, last],
                "must_not_contain": NEVER[:13]}
        ours.append(score_page(run_ours(body, url, None), gold))
        theirs.append(score_page(run_trafilatura(body, url, None), gold))
    a, b = aggregate(ours), aggregate(theirs)
    print("\nrealpages/full (6 pages)     vnnews  trafilatura")
    for key, label in FIELDS:
        if a[key] is not None:
            print(f"{label:26} {a[key]:8.3f} {b[key]:12.3f}")
    for key, _ in FIELDS:
        if a[key] is not None:
            assert a[key] >= b[key], key
            assert a[key] == 1.0, key


def test_density_fallback_alone_finds_the_same_bodies(shared_dir, monkeypatch):
    """With no content selector known (an unknown template), text-density scoring must still find
    each real page's body and keep the same text."""
    import dataclasses

    from extractor import clean

    known = {name: read_page((shared_dir / "realpages" / "full" / name).read_bytes()).text for name, *_ in FULL}
    blind = dataclasses.replace(clean.patterns(), content=())
    monkeypatch.setattr(clean, "patterns", lambda: blind)
    for name, *_ in FULL:
        page = read_page((shared_dir / "realpages" / "full" / name).read_bytes())
        assert page.method == "density"
        assert page.text == known[name], name
