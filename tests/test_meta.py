"""Metadata: title, every date format portals print, bylines and signatures, views, lead."""

from __future__ import annotations

import json

import pytest

from extractor import extract
from extractor.meta import date_from_url, parse_byline

TITLE = "Huyện Gia Bình kết nạp được 89 đảng viên mới"
P1 = "Nhận thức rõ tầm quan trọng của công tác phát triển đảng viên, Huyện ủy đã tập trung lãnh đạo, chỉ đạo các chi bộ."
P2 = "Từ đầu năm 2023 đến nay đã kết nạp được 89 đảng viên mới; chuyển Đảng chính thức cho 99 đảng viên dự bị."
SIDEBAR = """<div class="box-news"><h3>Tin mới nhất</h3><ul>
<li><a href="/a">Huyện Lương Tài kết nạp 45 đảng viên mới</a> <span class="date">05/12/2023 08:30</span></li>
<li><a href="/b">Hội thi tuyên truyền viên giỏi năm 2023</a> <span>(01/12/2023)</span></li></ul></div>"""


def page(date_line: str = "", *, head: str = "", signature: str = "", top: str = "", sidebar_first: bool = True,
         body_extra: str = "", title_tag: str | None = None) -> str:
    title_tag = title_tag if title_tag is not None else f"{TITLE} - Cổng thông tin điện tử huyện Gia Bình"
    side = f'<aside class="col-right">{SIDEBAR}</aside>'
    return f"""<html><head><meta charset="utf-8"><title>{title_tag}</title>{head}</head><body>
<div class="menu"><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></div>
{side if sidebar_first else ""}
<div class="news-detail"><h1>{TITLE}</h1><div class="meta">{date_line}</div>{top}
<div class="article-body"><p>{P1}</p><p>{P2}</p>{body_extra}{signature}</div></div>
{"" if sidebar_first else side}
<footer>Cơ quan chủ quản: UBND huyện Gia Bình - 30/11/2023</footer></body></html>"""


@pytest.mark.parametrize("line,expected", [
    ("28/11/2023 16:01", "2023-11-28T16:01:00+07:00"),
    ("Thứ Ba, 28/11/2023 - 16:01", "2023-11-28T16:01:00+07:00"),
    ("Cập nhật: 10:15 | 12/12/2023", "2023-12-12T10:15:00+07:00"),
    ("Ngày đăng: 05/01/2024", "2024-01-05"),
    ("ngày 12 tháng 12 năm 2023", "2023-12-12"),
    ("Đăng lúc 16h01 ngày 28/11/2023", "2023-11-28T16:01:00+07:00"),
    ("15/03/2024", "2024-03-15"),
    ("15-03-2024", "2024-03-15"),
    ("<span class='date'>28/11/2023</span> <span>16:01</span>", "2023-11-28T16:01:00+07:00"),
])
def test_visible_date_formats(line, expected):
    for sidebar_first in (True, False):
        r = extract(page(line, sidebar_first=sidebar_first))
        assert r.published == expected, (line, sidebar_first)


def test_sidebar_dates_are_never_the_article_date():
    r = extract(page(""), url="https://giabinh.bacninh.gov.vn/tin-tuc/bai-viet-123.html")
    assert r.published is None
    assert any(w.startswith("published:") for w in r.warnings)


def test_date_mentioned_in_a_sentence_is_not_the_publication_date():
    r = extract(page("", body_extra="<p>Ngày 15/01/1953, đồng chí được kết nạp vào Đảng tại chi bộ thôn, "
                                    "khi đó mới 20 tuổi và là đoàn viên tiêu biểu của xã.</p>"))
    assert r.published is None


def test_jsonld_beats_visible_and_meta():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE,
          "datePublished": "2023-11-28T09:01:00Z", "author": {"@type": "Person", "name": "Lê Hà"}}
    head = (f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
            '<meta property="article:published_time" content="2023-11-27T10:00:00+07:00">')
    r = extract(page("01/01/2020 10:00", head=head))
    assert r.published == "2023-11-28T16:01:00+07:00"  # UTC converted to Vietnam time
    assert r.author == "Lê Hà"


def test_article_published_time_meta():
    r = extract(page("01/01/2020", head='<meta property="article:published_time" content="2023-11-28T16:01:00+07:00">'))
    assert r.published == "2023-11-28T16:01:00+07:00"


def test_jsonld_organisation_author_is_not_a_person():
    ld = {"@type": "NewsArticle", "headline": TITLE, "datePublished": "2023-11-28",
          "author": {"@type": "Organization", "name": "Báo Bắc Ninh"}}
    r = extract(page(head=f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'))
    assert r.author is None
    assert r.published == "2023-11-28"


@pytest.mark.parametrize("url,expected", [
    ("https://x.gov.vn/2024/03/15/tin-bai.html", "2024-03-15"),
    ("https://x.gov.vn/tin-tuc/ket-nap-dang-vien-20240315093000.htm", "2024-03-15"),
    ("https://x.gov.vn/tin-tuc/ket-nap-dang-vien-2024-03-15/", "2024-03-15"),
])
def test_url_date_is_last_resort(url, expected):
    assert date_from_url(url).isoformat() == expected
    r = extract(page(""), url=url)
    assert r.published == expected
    assert "published: only the URL gives a date" in r.warnings


def test_title_site_suffix_and_prefix_removed():
    html = page("28/11/2023").replace(f"<h1>{TITLE}</h1>", "")
    assert extract(html).title == TITLE
    html = page("28/11/2023", title_tag=f"Báo Bắc Ninh | {TITLE}").replace(f"<h1>{TITLE}</h1>", "")
    assert extract(html).title == TITLE


def test_og_title_used_without_h1():
    html = page("28/11/2023", title_tag="Cổng thông tin", head=f'<meta property="og:title" content="{TITLE}">')
    assert extract(html.replace(f"<h1>{TITLE}</h1>", "")).title == TITLE


@pytest.mark.parametrize("line,author,source", [
    ("Lê Hà", "Lê Hà", None),
    ("Tin, ảnh: Nguyễn Thị Thu Trang", "Nguyễn Thị Thu Trang", None),
    ("Bài và ảnh: Kim Ngân", "Kim Ngân", None),
    ("Minh Hằng (Trung tâm VH-TT&TT huyện)", "Minh Hằng", None),
    ("Trí Song – Đài TT Huyện", "Trí Song", None),
    ("Trí Song Đài TT Huyện", "Trí Song", None),
    ("Phan Tâm - Trung tâm VH-TT&TT", "Phan Tâm", None),
    ("Lê Xuân- Vương Hợp.", "Lê Xuân, Vương Hợp", None),
    ("PV", "PV", None),
    ("HL st", "HL", None),
    ("Theo baobacninh.vn", None, "Theo baobacninh.vn"),
    ("Nguồn: Báo Đắk Nông", None, "Nguồn: Báo Đắk Nông"),
    ("Văn phòng Huyện ủy", None, "Văn phòng Huyện ủy"),
    ("TTXVN", None, "TTXVN"),
])
def test_byline_forms(line, author, source):
    assert parse_byline(line) == (author, source)


@pytest.mark.parametrize("line", ["Trân trọng", "Hội nghị kết thúc lúc 17 giờ cùng ngày.",
                                  "Các đại biểu thống nhất cao với dự thảo báo cáo của Ban Thường vụ"])
def test_sentences_are_not_bylines(line):
    assert parse_byline(line) is None


@pytest.mark.parametrize("signature,author", [
    ('<p style="text-align:right"><strong>Lê Hà</strong></p>', "Lê Hà"),
    ('<p style="text-align: right;"><b><i>Tin, ảnh: Nguyễn Thị Thu Trang</i></b></p>', "Nguyễn Thị Thu Trang"),
    ('<p class="author" style="text-align:right">Minh Hằng (Trung tâm VH-TT&amp;TT huyện)</p>', "Minh Hằng"),
    ('<p style="text-align:right">' + "&nbsp;" * 80 + ' <strong>Kim Ngân</strong></p><p>&nbsp;</p>', "Kim Ngân"),
    ('<div align="right"><b>PV</b></div>', "PV"),
])
def test_signature_is_author_and_leaves_text(signature, author):
    r = extract(page("28/11/2023", signature=signature))
    assert r.author == author
    assert r.text.endswith(P2)


def test_source_line_after_signature():
    sig = '<p style="text-align:right"><b>Lê Hà</b></p><p class="source"><em>Theo baobacninh.vn</em></p>'
    r = extract(page("28/11/2023", signature=sig))
    assert (r.author, r.source) == ("Lê Hà", "Theo baobacninh.vn")
    assert r.text.endswith(P2)


def test_agency_only_credit_gives_no_author():
    r = extract(page("28/11/2023", signature='<p style="text-align:right"><b>Theo baobacninh.vn</b></p>'))
    assert r.author is None and r.source == "Theo baobacninh.vn"
    assert any(w.startswith("author:") for w in r.warnings)


def test_top_byline():
    r = extract(page("28/11/2023", top='<div class="post-author">Tin, ảnh: Nguyễn Thị Thu Trang</div>'))
    assert r.author == "Nguyễn Thị Thu Trang"
    r = extract(page("28/11/2023", top='<div align="right"><b>Hà Thanh</b></div>'))
    assert r.author == "Hà Thanh"


def test_meta_author():
    r = extract(page("28/11/2023", head='<meta name="author" content="Thu Hà">'))
    assert r.author == "Thu Hà"


@pytest.mark.parametrize("line,views", [("Số lượt xem: 159", 159), ("Lượt xem: 1.234", 1234),
                                        ("<span>Lượt xem:</span> <b>2,051</b>", 2051)])
def test_views(line, views):
    r = extract(page(f"28/11/2023 16:01 {line}"))
    assert r.views == views
    assert r.published == "2023-11-28T16:01:00+07:00"


def test_visitor_counter_is_not_views():
    html = page("28/11/2023").replace("</footer>", "<p>Lượt truy cập: 1.285.533</p></footer>")
    assert extract(html).views is None


def test_sapo_is_lead_and_opens_text_once():
    sapo = "Sáng 28/11, Huyện ủy Gia Bình tổng kết công tác phát triển đảng viên năm 2023 với nhiều kết quả nổi bật."
    r = extract(page("28/11/2023", top=f'<div class="sapo"><strong>{sapo}</strong></div>'))
    assert r.lead == sapo
    assert r.text.startswith(sapo + "\n\n" + P1)
    assert r.text.count(sapo) == 1
    # the same sapo repeated as the body's first paragraph is not doubled
    r = extract(page("28/11/2023", top=f'<div class="sapo">{sapo}</div>').replace(f"<p>{P1}", f"<p>{sapo}</p><p>{P1}"))
    assert r.text.count(sapo) == 1


def test_labelled_date_at_the_foot_of_a_long_article():
    long_body = "".join(f"<p>{P1} Đoạn {i}.</p>" for i in range(60))
    html = page("", body_extra=long_body).replace("</div></div>", '</div><div class="ngay-dang">Ngày đăng: 05/01/2024</div></div>', 1)
    assert extract(html).published == "2024-01-05"


def test_updated_from_metadata():
    head = ('<meta property="article:published_time" content="2023-11-28T16:01:00+07:00">'
            '<meta property="article:modified_time" content="2023-11-29T08:00:00+07:00">')
    r = extract(page(head=head))
    assert (r.published, r.updated) == ("2023-11-28T16:01:00+07:00", "2023-11-29T08:00:00+07:00")


def test_dated_items_after_the_body_are_not_the_date_even_without_lists():
    side = ('<div class="box-news"><div class="item"><span>12/11/2023</span> Huyện Lương Tài kết nạp 45 đảng viên</div>'
            '<div class="item"><span>10/11/2023</span> Hội thi tuyên truyền viên giỏi</div></div>')
    html = page("").replace("<footer>", side + "<footer>")
    r = extract(html, url="https://x.gov.vn/tin-tuc/bai-viet-2023-11-28.html")
    assert r.published == "2023-11-28"  # from the URL, not from the box after the article
