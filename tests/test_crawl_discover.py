"""Discovery: which links of a listing, sitemap or feed become articles, listings or skips."""

from __future__ import annotations

from datetime import date

from scrapers.discover import filter_reason, links_from_html, looks_like_article, parse_xml_links

BASE = "http://127.0.0.2:8000/tin-tuc"

LISTING = """<html><body><ul>
<li><a href="/tin-tuc/huyen-gia-binh-ket-nap-89-dang-vien-moi-12345.html">Huyện Gia Bình kết nạp 89 đảng viên</a>
    <span>28/11/2023</span></li>
<li><a href="/index.php?option=com_content&view=article&id=2741:phu-cat">Phù Cát kết nạp</a> <i>15/11/2023</i></li>
<li><a href="/tin-tuc/so-ket-6-thang-2023-54321.html">Sơ kết 6 tháng</a> <span>03/07/2023</span></li>
</ul>
<a href="/uploads/ke-hoach.pdf">PDF</a> <a href="/dang-nhap">Đăng nhập</a> <a href="/in-bai?id=3">In</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=x">Chia sẻ</a> <a href="/logo.png">logo</a>
<a href="javascript:void(0)">x</a> <a href="/tin-tuc/thoi-su">Thời sự</a>
<div class="pager"><a href="/tin-tuc?page=2">2</a> <a href="/tin-tuc?page=2">Trang sau</a></div>
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
</body></html>"""


def _by_kind(links):
    out: dict[str, set[str]] = {}
    for link in links:
        out.setdefault(link.kind if link.kind != "skip" else f"skip:{link.reason}", set()).add(
            link.url.removeprefix("http://127.0.0.2:8000"))
    return out


def test_listing_links_are_classified():
    links, reached = links_from_html(LISTING.encode(), BASE)
    kinds = _by_kind(links)
    assert kinds["page"] == {"/tin-tuc/huyen-gia-binh-ket-nap-89-dang-vien-moi-12345.html",
                             "/index.php?id=2741%3Aphu-cat&option=com_content&view=article",
                             "/tin-tuc/so-ket-6-thang-2023-54321.html"}
    assert kinds["listing"] == {"/tin-tuc/thoi-su", "/tin-tuc?page=2"}
    assert kinds["feed"] == {"/rss.xml"}
    assert kinds["skip:filter"] == {"/uploads/ke-hoach.pdf", "/dang-nhap", "/in-bai?id=3", "/logo.png",
                                    "https://www.facebook.com/sharer/sharer.php?u=x"}
    assert not reached
    assert next(link.listed for link in links if "12345" in link.url) == date(2023, 11, 28)


def test_since_skips_older_items_and_stops_paging():
    links, reached = links_from_html(LISTING.encode(), BASE, since=date(2023, 11, 1))
    kinds = _by_kind(links)
    assert reached
    assert kinds["skip:since"] == {"/tin-tuc/so-ket-6-thang-2023-54321.html", "/tin-tuc?page=2"}
    assert "/tin-tuc/huyen-gia-binh-ket-nap-89-dang-vien-moi-12345.html" in kinds["page"]


def test_filter_and_article_shapes():
    for url in ("http://h/a.jpg", "http://h/files/x.PDF", "http://h/dang-nhap", "http://h/tin/in-bai/123",
                "http://h/x?print=1", "https://facebook.com/sharer.php", "mailto:a@b", "http://h/wp-login.php"):
        assert filter_reason(url) == "filter", url
    assert filter_reason("http://h/tin-tuc/ket-nap-dang-vien-moi-123.html") is None
    assert looks_like_article("http://h/tin-tuc/ket-nap-dang-vien-moi-123.html")
    assert looks_like_article("http://h/Default.aspx?newsid=4567")
    assert not looks_like_article("http://h/tin-tuc")


def test_sitemap_index_urlset_rss_and_atom():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>http://h/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    assert [(x.url, x.kind) for x in parse_xml_links(index, "http://h/")] == [("http://h/sitemap-1.xml", "sitemap")]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>http://h/a-b-c-d-1.html</loc><lastmod>2024-02-01</lastmod></url>
      <url><loc>http://h/old-e-f-g-2.html</loc><lastmod>2019-02-01T10:00:00+07:00</lastmod></url>
      <url><loc>http://h/doc.pdf</loc></url></urlset>"""
    got = {(x.url, x.kind, x.reason) for x in parse_xml_links(urlset, "http://h/", since=date(2023, 1, 1))}
    assert got == {("http://h/a-b-c-d-1.html", "page", None), ("http://h/old-e-f-g-2.html", "skip", "since"),
                   ("http://h/doc.pdf", "skip", "filter")}
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title>
      <link>http://h/bai-1.html</link><pubDate>Tue, 28 Nov 2023 16:01:00 +0700</pubDate></item></channel></rss>"""
    assert [(x.url, x.listed) for x in parse_xml_links(rss, "http://h/")] == [("http://h/bai-1.html", date(2023, 11, 28))]
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link href="http://h/bai-2.html"/><updated>2023-12-01T00:00:00Z</updated></entry></feed>"""
    assert [x.url for x in parse_xml_links(atom, "http://h/")] == ["http://h/bai-2.html"]
    assert parse_xml_links(b"<not xml", "http://h/") == []
