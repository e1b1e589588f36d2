"""Modern div-layout templates: district portal, provincial newspaper, Party-committee site, NFD portal."""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import timedelta

from templates.common import (
    DATA,
    Article,
    Page,
    blocks_html,
    bottom_byline_html,
    date_text,
    esc,
    headlines,
    meta_author,
    other_dates,
    pick,
    sidebar_list,
)


def _menu(labels: list[str], cls: str = "nav-item") -> str:
    return "\n".join(f'<li class="{cls}"><a href="/{i}">{esc(x)}</a></li>' for i, x in enumerate(labels))


def _footer(a: Article, rng: random.Random) -> tuple[str, list[str]]:
    chief = rng.choice(["Nguyễn Văn Hùng", "Trần Minh Đức", "Phạm Thị Hạnh", "Lê Quang Vinh", "Hoàng Anh Tuấn"])
    lines = [
        f"Cơ quan chủ quản: Ủy ban nhân dân {a.owner}",
        f"Chịu trách nhiệm chính: Ông {chief} - Chánh Văn phòng HĐND và UBND",
        f"Điện thoại: 0222.{rng.randint(3600000, 3899999)} - Email: vanphong@{a.host}",
        "Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin điện tử này",
    ]
    html_ = "<footer class=\"footer\"><div class=\"container\">" + "".join(f"<p>{esc(x)}</p>" for x in lines) + "</div></footer>"
    return html_, ["Cơ quan chủ quản", "Chịu trách nhiệm chính", "Ghi rõ nguồn khi phát hành lại"]


def district_portal(a: Article, rng: random.Random) -> Page:
    menu = DATA["menus"]["district"]
    latest = headlines(a, rng, 6)
    related = headlines(a, random.Random(a.slug + "/rel"), 4, party_share=0.8)
    related = [h for h in related if h not in latest] or related
    footer, foot_bp = _footer(a, rng)
    dt = date_text(a)
    date_line = f'<span class="post-date"><i class="fa fa-clock-o"></i> {esc(dt)}</span>' if dt else ""
    views = f'<span class="post-views">Số lượt xem: {a.views}</span>' if a.views is not None else ""
    top_by = f'<div class="post-author">{esc(a.byline)}</div>' if a.byline_position == "top" and a.byline else ""
    lead = f'<div class="post-sapo"><strong>{esc(a.lead)}</strong></div>' if a.lead else ""
    body = blocks_html(a, p='<p style="text-align: justify;">{t}</p>')
    if rng.random() < 0.5:  # CKEditor leaves empty &nbsp; paragraphs where editors pressed Enter twice
        body = body.replace("</p>\n", "</p>\n<p>&nbsp;</p>\n", 1)
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(a.title)} - {esc(a.site_name)}</title>
<meta name="description" content="{esc(a.lead or a.title)}">
{meta_author(a)}
<link rel="stylesheet" href="/themes/portal/css/bootstrap.min.css">
<link rel="stylesheet" href="/themes/portal/css/style.css">
</head>
<body class="page-news-detail">
<div class="top-bar"><div class="container"><span class="today">Hôm nay: {esc(date_text(a, "thu, dd/mm/yyyy - hh:mm", d=a.moment + timedelta(days=rng.randint(20, 400)), with_time=False))}</span>
<a href="/lien-he">Liên hệ</a> | <a href="/so-do-cong">Sơ đồ cổng</a> | <a href="/rss">RSS</a></div></div>
<header class="header"><div class="container"><a class="logo" href="/"><img src="/themes/portal/images/logo.png" alt="{esc(a.site_name)}"></a>
<div class="site-title"><h2>{esc(a.site_name.upper())}</h2></div>
<form class="search" action="/tim-kiem"><input name="q" placeholder="Tìm kiếm..."><button>Tìm</button></form></div></header>
<nav class="main-menu"><div class="container"><ul class="nav">{_menu(menu)}</ul></div></nav>
<div class="container main">
<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc-su-kien">Tin tức - Sự kiện</a></li><li class="active">Tin hoạt động</li></ol>
<div class="row">
<div class="col-md-8 content">
<div class="news-detail">
<h1 class="post-title">{esc(a.title)}</h1>
<div class="post-meta">{date_line} {views}</div>
{top_by}
{lead}
<div class="post-content detail-content">
{body}
{bottom_byline_html(a, rng)}
</div>
<div class="share-tools"><a class="print" href="javascript:window.print()">In bài viết</a> <a href="#" class="mail">Gửi email</a>
<a class="fb-share" href="https://www.facebook.com/sharer.php?u={esc(a.url)}">Chia sẻ Facebook</a> <a class="zalo-share" href="#">Chia sẻ Zalo</a></div>
</div>
<div class="related-news"><h3 class="block-title">Tin liên quan</h3><ul>
{sidebar_list(related, other_dates(a, rng, len(related)), "%d/%m/%Y", rng)}
</ul></div>
</div>
<aside class="col-md-4 sidebar">
<div class="block"><h3 class="block-title">Tin mới nhất</h3><ul class="list-news">
{sidebar_list(latest, other_dates(a, rng, len(latest)), "%d/%m/%Y %H:%M", rng)}
</ul></div>
<div class="block"><h3 class="block-title">Liên kết website</h3><select><option>Cổng TTĐT Chính phủ</option><option>Cổng TTĐT tỉnh</option></select></div>
<div class="block stats"><h3 class="block-title">Thống kê truy cập</h3><p>Đang truy cập: {rng.randint(8, 90)}</p><p>Tổng lượt truy cập: {rng.randint(1000000, 9000000):,}</p></div>
</aside>
</div>
</div>
{footer}
</body>
</html>
"""
    bp = latest + related + ["Tin mới nhất", "Tin liên quan", "Liên kết website", "Thống kê truy cập",
                             "Dịch vụ công trực tuyến", "In bài viết", "Chia sẻ Facebook", *foot_bp]
    return Page(page, bp)


def _jsonld(a: Article, section: str) -> str:
    author = {"@type": "Person", "name": a.byline} if a.byline and a.byline_position != "none" and a.author else \
        {"@type": "Organization", "name": a.site_name}
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title, "description": a.lead or a.title,
        "datePublished": a.iso, "dateModified": a.iso, "author": author, "articleSection": section,
        "publisher": {"@type": "Organization", "name": a.site_name, "logo": {"@type": "ImageObject",
                                                                          "url": f"https://{a.host}/logo.png"}},
        "mainEntityOfPage": {"@type": "WebPage", "@id": a.url},
    }
    return '<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False) + "</script>"


def provincial_paper(a: Article, rng: random.Random) -> Page:
    menu = DATA["menus"]["paper"]
    others = headlines(a, rng, 6, party_share=0.4)
    most = headlines(a, random.Random(a.slug + "/most"), 5, party_share=0.3)
    most = [h for h in most if h not in others]
    section = "Xây dựng Đảng" if a.party else rng.choice(["Xã hội", "Kinh tế", "Văn hóa"])
    dt = date_text(a)
    top_by = f'<p class="article-author">{esc(a.byline)}</p>' if a.byline_position == "top" and a.byline else ""
    views = f'<span class="views">Lượt xem: {a.views}</span>' if a.views is not None else ""

    def img(src: str, cap: str) -> str:
        return (f'<table class="image center"><tbody><tr><td><img src="{src}" alt="{esc(cap)}"></td></tr>'
                f'<tr><td class="image_desc">{esc(cap)}</td></tr></tbody></table>')

    body = blocks_html(a, p="<p>{t}</p>", img=img)
    page = f"""<!doctype html>
<html lang="vi" prefix="og: http://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<title>{esc(a.title)} | {esc(a.site_name)}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(a.title)}">
<meta property="og:description" content="{esc(a.lead or a.title)}">
<meta property="og:url" content="{esc(a.url)}">
<meta property="og:site_name" content="{esc(a.site_name)}">
<meta property="article:published_time" content="{a.iso}">
<meta property="article:section" content="{esc(section)}">
{meta_author(a)}
{_jsonld(a, section)}
</head>
<body>
<div class="header-top"><span class="hotline">Đường dây nóng: 0912 {rng.randint(100000, 999999)}</span> <a href="/epaper">Báo in</a> <a href="/dang-ky">Đăng ký</a></div>
<header><a href="/" class="logo">{esc(a.site_name)}</a><nav><ul class="menu">{_menu(menu, "menu-item")}</ul></nav></header>
<main class="container">
<div class="breadcrumbs"><a href="/">Trang chủ</a> » <a href="/{section}">{esc(section)}</a></div>
<article class="article-detail">
<h1 class="article-title">{esc(a.title)}</h1>
<div class="article-meta"><span class="article-date">{esc(dt)}</span> {views}</div>
{top_by}
{f'<h2 class="article-sapo">{esc(a.lead)}</h2>' if a.lead else ''}
<div class="article-body" id="content">
{body}
{bottom_byline_html(a, rng, ['<p class="author" style="text-align:right"><strong>{b}</strong></p>', '<p style="text-align:right"><strong>{b}</strong></p>'])}
</div>
<div class="article-tags">Từ khóa: <a href="/tag/xay-dung-dang">xây dựng Đảng</a> <a href="/tag/co-so">cơ sở</a></div>
<div class="social"><a href="#">Facebook</a> <a href="#">Zalo</a> <a href="#" onclick="window.print()">In bài</a></div>
</article>
<section class="comments"><h3>Ý kiến bạn đọc</h3><form action="/binh-luan" method="post">
<textarea name="noidung" placeholder="Nhập nội dung bình luận (tiếng Việt có dấu)"></textarea>
<input name="hoten" placeholder="Họ và tên"><input name="email" placeholder="Email"><button>Gửi bình luận</button></form></section>
<section class="other-news"><h3>Tin khác</h3><ul>
{sidebar_list(others, other_dates(a, rng, len(others)), "%H:%M %d/%m/%Y", rng)}
</ul></section>
<aside class="most-read"><h3>Đọc nhiều</h3><ol>
{sidebar_list(most, other_dates(a, rng, len(most)), "%d/%m/%Y", rng)}
</ol></aside>
</main>
<footer><p>{esc(a.site_name)} - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh</p>
<p>Giấy phép hoạt động báo điện tử số {rng.randint(100, 499)}/GP-BTTTT</p><p>Tổng Biên tập: {rng.choice(['Nguyễn Văn Thắng', 'Đỗ Thị Minh', 'Vũ Đức Long'])}</p></footer>
</body>
</html>
"""
    bp = others + most + ["Tin khác", "Đọc nhiều", "Ý kiến bạn đọc", "Gửi bình luận", "Tổng Biên tập", "Giấy phép hoạt động",
                          "Đường dây nóng", "Từ khóa"]
    return Page(page, bp)


def party_site(a: Article, rng: random.Random) -> Page:
    menu = DATA["menus"]["party"]
    news = headlines(a, rng, 5, party_share=0.8)
    docs = pick(rng, DATA["docs"]["items"], 4)
    dt = date_text(a)
    by = ""
    if a.byline_position == "top" and a.byline:
        by = f'<div class="tacgia"><i>{esc(a.byline)}</i></div>'
    body = blocks_html(a, p='<p style="text-align:justify"><span style="font-size:14px">{t}</span></p>')
    meta_time = f'<meta itemprop="datePublished" content="{a.iso}">'
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(a.site_name)} - {esc(a.title)}</title>
{meta_author(a)}
{meta_time}
</head>
<body>
<div id="banner"><img src="/images/banner-tinhuy.jpg" alt="{esc(a.site_name)}" /><div class="slogan">ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM</div></div>
<div id="menu"><ul>{_menu(menu, "mnu")}</ul></div>
<div id="wrapper">
<div id="left">
<div class="path"><a href="/">Trang chủ</a> &gt; <a href="/xay-dung-dang">Xây dựng Đảng</a></div>
<div class="news-detail" itemscope itemtype="http://schema.org/Article">
<h1 class="title" itemprop="headline">{esc(a.title)}</h1>
<div class="ngaydang">{esc(dt)}</div>
{by}
{f'<div class="sapo"><b>{esc(a.lead)}</b></div>' if a.lead else ''}
<div class="content-detail" itemprop="articleBody">
{body}
{bottom_byline_html(a, rng)}
</div>
{f'<div class="luotxem">Lượt xem: {a.views}</div>' if a.views is not None else ''}
<div class="tools"><a href="javascript:window.print()">In trang</a> | <a href="#top">Về đầu trang</a></div>
</div>
<div class="tincungchuyenmuc"><div class="hd">Các tin khác</div><ul>
{sidebar_list(news, other_dates(a, rng, len(news)), "(%d/%m/%Y)", rng)}
</ul></div>
</div>
<div id="right">
<div class="box"><div class="box-title">Văn bản mới</div><ul>{''.join(f'<li><a href="/van-ban/{i}">{esc(d)}</a></li>' for i, d in enumerate(docs))}</ul></div>
<div class="box"><div class="box-title">Thư viện video</div><div class="video"><iframe src="about:blank" title="video"></iframe></div></div>
<div class="box"><div class="box-title">Thăm dò ý kiến</div><p>Bạn quan tâm chuyên mục nào nhất?</p></div>
</div>
</div>
<div id="footer">Bản quyền thuộc {esc(a.site_name)}<br />Địa chỉ: Số {rng.randint(1, 99)} đường Lý Thái Tổ - Điện thoại: 0222.{rng.randint(3800000, 3899999)}<br />Ghi rõ nguồn khi phát hành lại thông tin từ website này</div>
</body>
</html>
"""
    bp = news + docs + ["Văn bản mới", "Các tin khác", "Thư viện video", "Thăm dò ý kiến", "Bản quyền thuộc",
                        "Về đầu trang", "Học tập và làm theo Bác", "QUANG VINH MUÔN NĂM"]
    return Page(page, bp)


def nfd_portal(a: Article, rng: random.Random) -> Page:
    """A modern portal whose CMS stores text decomposed (NFD): same markup, every letter split."""
    page = district_portal(a, rng)
    meta = f'<meta property="article:published_time" content="{a.iso}">\n</head>'
    text = page.html.replace("</head>", meta, 1).replace('class="page-news-detail"', 'class="page-news-detail nfd"')
    return Page(unicodedata.normalize("NFD", text), page.boilerplate)
