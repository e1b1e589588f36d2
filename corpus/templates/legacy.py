"""Old-style templates: table layout, <br> soup, Word paste, windows-1258 portal, SharePoint portal, commune site."""

from __future__ import annotations

import html
import html.entities
import random
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
    slugify,
)


def _td_menu(labels: list[str]) -> str:
    return "".join(f'<td class="menu" nowrap><a href="/index.php?cat={i}"><font color="#FFFFFF"><b>{esc(x)}</b></font></a></td>'
                   f'<td width="1"><img src="/images/line.gif"></td>' for i, x in enumerate(labels))


def _weather(rng: random.Random) -> str:
    lo = rng.randint(14, 24)
    return (f'<table class="weather" width="100%"><tr><td class="boxtitle"><b>THỜI TIẾT</b></td></tr>'
            f'<tr><td><font size="1">Nhiệt độ: {lo}°C - {lo + rng.randint(4, 9)}°C<br>Độ ẩm: {rng.randint(60, 95)}%<br>'
            f"Trời nhiều mây, có mưa rào nhẹ</font></td></tr></table>")


def _counter(rng: random.Random) -> str:
    return (f'<table class="counter" width="100%"><tr><td class="boxtitle"><b>LƯỢT TRUY CẬP</b></td></tr>'
            f'<tr><td align="center"><font size="1">Lượt truy cập: {rng.randint(100000, 2999999):,}'.replace(",", ".")
            + f'<br>Đang trực tuyến: {rng.randint(3, 40)}</font></td></tr></table>')


def _old_portal(a: Article, rng: random.Random, charset: str) -> Page:
    """Shared by table-layout and legacy-1258: nested tables, <font>, <td> navigation, counters."""
    menu = DATA["menus"]["table"]
    news = headlines(a, rng, 6)
    dt = date_text(a)
    font = '<font face="Arial" size="2">{t}</font>'

    def img(src: str, cap: str) -> str:
        return (f'<table align="center" width="450" border="0"><tr><td><img src="{src}" width="450" border="0"></td></tr>'
                f'<tr><td align="center"><font size="1"><i>{esc(cap)}</i></font></td></tr></table>')

    body = blocks_html(a, p='<p align="justify">' + font + "</p>", img=img)
    top_by = f'<tr><td align="right"><font size="2"><b>{esc(a.byline)}</b></font></td></tr>' \
        if a.byline_position == "top" and a.byline else ""
    views = f'<font size="1" color="#666666">Lượt xem: {a.views}</font>' if a.views is not None else ""
    others = sidebar_list(news, other_dates(a, rng, len(news)), "(%d/%m/%Y)", rng)
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(a.site_name)} :: {esc(a.title)}</title>
{meta_author(a)}
<link href="/style.css" rel="stylesheet" type="text/css">
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/banner.jpg" width="980" height="150" alt="{esc(a.site_name)}"></td></tr>
<tr><td bgcolor="#003399"><table border="0" cellpadding="4" cellspacing="0"><tr>{_td_menu(menu)}</tr></table></td></tr>
<tr><td bgcolor="#FFFFCC"><marquee scrollamount="3"><font size="2" color="#CC0000">Chào mừng quý vị đến với {esc(a.site_name)}</font></marquee></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="4">
<tr>
<td width="190" valign="top">
<table width="100%" class="box"><tr><td class="boxtitle"><b>DANH MỤC</b></td></tr>
<tr><td><a href="/index.php?cat=2">Tin trong huyện</a><br><a href="/index.php?cat=3">Kinh tế - Xã hội</a><br><a href="/index.php?cat=4">Xây dựng Đảng</a><br><a href="/index.php?cat=5">Văn bản chỉ đạo</a></td></tr></table>
{_weather(rng)}
{_counter(rng)}
</td>
<td valign="top">
<table width="100%" border="0" cellpadding="2">
<tr><td><font face="Arial" size="4" color="#003399"><b>{esc(a.title)}</b></font></td></tr>
<tr><td><font size="1" color="#666666">{esc(dt)}</font> {views}</td></tr>
{top_by}
{f'<tr><td><font face="Arial" size="2"><b>{esc(a.lead)}</b></font></td></tr>' if a.lead else ''}
<tr><td class="noidung">
{body}
{bottom_byline_html(a, rng, ['<p align="right"><font face="Arial" size="2"><b>{b}</b></font></p>', '<p align="right"><b><i>{b}</i></b></p>'])}
</td></tr>
<tr><td align="right"><a href="javascript:window.print()"><img src="/images/print.gif" border="0"> In trang</a> <a href="javascript:history.back()">Quay lại</a></td></tr>
</table>
<table width="100%" class="box"><tr><td class="boxtitle"><b>CÁC TIN KHÁC</b></td></tr><tr><td><ul>
{others}
</ul></td></tr></table>
</td>
</tr>
</table>
<table width="980" align="center" bgcolor="#003399"><tr><td align="center"><font color="#FFFFFF" size="1">
Bản quyền thuộc {esc(a.site_name)}<br>Địa chỉ: {esc(a.owner)} - Điện thoại: 02{rng.randint(10, 99)}.{rng.randint(3800000, 3899999)}<br>
Thiết kế và phát triển bởi Trung tâm Công nghệ thông tin và Truyền thông</font></td></tr></table>
</body>
</html>
"""
    bp = news + ["CÁC TIN KHÁC", "LƯỢT TRUY CẬP", "Lượt truy cập", "THỜI TIẾT", "Chào mừng quý vị", "Bản quyền thuộc",
                 "Thiết kế và phát triển bởi", "DANH MỤC", "Quay lại"]
    return Page(page, bp)


def table_layout(a: Article, rng: random.Random) -> Page:
    return _old_portal(a, rng, "utf-8")


def legacy_1258(a: Article, rng: random.Random) -> Page:
    """Encoded by build.py into windows-1258 with combining tone marks; the markup declares it."""
    return _old_portal(a, rng, "windows-1258")


def br_soup(a: Article, rng: random.Random) -> Page:
    """The whole article is one div of text lines separated by <br><br>; the first line carries the date."""
    news = headlines(a, rng, 5)
    lines = [f"<i>{esc(a.owner[:1].upper() + a.owner[1:])}, {esc(date_text(a))}</i>"] if date_text(a) else []
    if a.byline_position == "top" and a.byline:
        lines.append(f"<b>{esc(a.byline)}</b>")
    if a.lead:
        lines.append(f"<b>{esc(a.lead)}</b>")
    for b in a.blocks:
        if b.kind == "p":
            lines.append(esc(b.text))
        elif b.kind == "img":
            lines.append(f'<img src="/upload/{slugify(b.text)[:30]}.jpg" border="0"><br><i>{esc(b.text)}</i>')
        else:
            lines.append("<br>".join(esc(" | ".join(r)) for r in b.rows))
    if a.byline_position == "bottom" and a.byline:
        lines.append(f"<b>{esc(a.byline)}</b>")
    if a.source:
        lines.append(f"<i>{esc(a.source)}</i>")
    soup = "<br><br>\n".join(lines)
    lis = sidebar_list(news, other_dates(a, rng, len(news)), "%d/%m/%Y", rng)
    views = f"<div class=\"luotxem\">Lượt xem: {a.views}</div>" if a.views is not None else ""
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(a.title)}</title>
{meta_author(a)}
</head>
<body>
<div id="top"><a href="/"><img src="/img/logo.gif" alt="logo"></a> <span class="sitename">{esc(a.site_name)}</span></div>
<div id="nav"><a href="/">Trang chủ</a> | <a href="/gioi-thieu">Giới thiệu</a> | <a href="/tin-tuc">Tin tức</a> | <a href="/van-ban">Văn bản</a> | <a href="/lien-he">Liên hệ</a></div>
<div id="main">
<h3 class="tieude">{esc(a.title)}</h3>
<div class="noidung">
{soup}
</div>
{views}
<div class="tinkhac"><b>Tin đã đăng:</b><ul>
{lis}
</ul></div>
</div>
<div id="foot">{esc(a.site_name)} - Giấy phép số {rng.randint(10, 99)}/GP-STTTT<br>Ghi rõ nguồn khi phát hành lại thông tin từ website này</div>
</body>
</html>
"""
    return Page(page, news + ["Tin đã đăng", "Giấy phép số", "Ghi rõ nguồn khi phát hành lại"])


# Word's HTML export spells Latin-1 letters as named entities and keeps the rest raw.
_ENTITY = {c: f"&{name};" for name, c in html.entities.html5.items()
           if not name.endswith(";") and len(c) == 1 and "\u00c0" <= c <= "\u00ff"}


def _word_text(text: str, rng: random.Random) -> str:
    out = "".join(_ENTITY.get(c, html.escape(c, quote=False)) for c in text)
    # runs split at spaces into spans (Word keeps changing lang/style), and a few &nbsp; runs
    words = out.split(" ")
    spans, cur = [], []
    for w in words:
        cur.append(w)
        if len(cur) > 6 and rng.random() < 0.15:
            spans.append(" ".join(cur))
            cur = []
    if cur:
        spans.append(" ".join(cur))
    joined = []
    for i, s in enumerate(spans):
        sep = " " if i < len(spans) - 1 else ""
        if sep and rng.random() < 0.3:
            sep = "&nbsp;"
        lang = "VI" if rng.random() < 0.7 else "EN-US"
        joined.append(f"<span lang={lang} style='font-size:14.0pt;line-height:150%;font-family:\"Times New Roman\",serif'>{s}{sep}</span>")
    return "".join(joined)


def word_paste(a: Article, rng: random.Random) -> Page:
    news = headlines(a, rng, 6)
    paras = []
    for b in a.blocks:
        if b.kind == "p":
            paras.append("<p class=MsoNormal style='margin-bottom:6.0pt;text-align:justify;text-indent:36.0pt;line-height:150%'>"
                         f"{_word_text(b.text, rng)}<o:p></o:p></p>")
        elif b.kind == "img":
            paras.append(f"<p class=MsoNormal align=center style='text-align:center'><span><img width=480 src=\"/Uploads/images/{slugify(b.text)[:24]}.jpg\"></span><o:p></o:p></p>"
                         f"<p class=MsoCaption align=center style='text-align:center'><i><span lang=VI>{_word_text(b.text, rng)}</span></i><o:p></o:p></p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td width=160 valign=top style='border:solid windowtext 1.0pt;padding:0in 5.4pt'>"
                                            f"<p class=MsoNormal align=center style='text-align:center'><span lang=VI>{_word_text(c, rng)}</span><o:p></o:p></p></td>"
                                            for c in r) + "</tr>" for r in b.rows)
            paras.append(f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>{rows}</table>")
    if a.byline_position == "bottom" and a.byline:
        paras.append(f"<p class=MsoNormal align=right style='text-align:right'><b><span lang=VI style='font-size:14.0pt'>{_word_text(a.byline, rng)}</span></b><o:p></o:p></p>")
    if a.source:
        paras.append(f"<p class=MsoNormal align=right style='text-align:right'><i><span lang=VI>{_word_text(a.source, rng)}</span></i><o:p></o:p></p>")
    paras.insert(rng.randint(1, max(1, len(paras) - 1)), "<p class=MsoNormal><span lang=VI>&nbsp;</span><o:p></o:p></p>")
    dt = date_text(a)
    top_by = f'<div class="tacgia">{esc(a.byline)}</div>' if a.byline_position == "top" and a.byline else ""
    views = f' | Lượt xem: {a.views}' if a.views is not None else ""
    lis = sidebar_list(news, other_dates(a, rng, len(news)), "%d/%m/%Y", rng)
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{esc(a.title)} | {esc(a.site_name)}</title>
{meta_author(a)}
</head>
<body>
<div class="header"><div class="logo"><a href="/">{esc(a.site_name)}</a></div>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản</a></li><li><a href="/thu-tuc">Thủ tục hành chính</a></li><li><a href="/lien-he">Liên hệ</a></li></ul></div>
<div class="wrap">
<div class="main-col">
<div class="crumb"><a href="/">Trang chủ</a> / <a href="/tin-tuc">Tin tức - Sự kiện</a></div>
<h1 class="detail-title">{esc(a.title)}</h1>
<div class="detail-time">{esc(dt)}{views}</div>
{top_by}
{f'<div class="detail-sapo"><p><strong>{esc(a.lead)}</strong></p></div>' if a.lead else ''}
<div class="detail-content">
<div class=WordSection1>
{chr(10).join(paras)}
</div>
</div>
<div class="print-share"><a href="javascript:window.print()">In bài</a> <a href="#">Gửi bài</a></div>
</div>
<div class="side-col"><div class="box"><h4>Tin mới</h4><ul>
{lis}
</ul></div>
<div class="box"><h4>Tiện ích</h4><a href="/lich-cong-tac">Lịch công tác</a><br><a href="/danh-ba">Danh bạ điện thoại</a></div></div>
</div>
<div class="footer">© {a.moment.year} {esc(a.site_name)}. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>
</body>
</html>
"""
    return Page(page, news + ["Tin mới", "Tiện ích", "Lịch công tác", "Danh bạ điện thoại", "Gửi bài",
                              "Ghi rõ nguồn khi phát hành lại"])


def sharepoint_portal(a: Article, rng: random.Random) -> Page:
    """Like the Đắk Song SharePoint portal: huge menus, TIN ĐÃ ĐƯA, date dd/mm/yyyy, a print script that embeds
    an HTML-escaped copy of the article."""
    menu = DATA["menus"]["sharepoint"]
    subs = ["Tin trong tỉnh", "Tin trong huyện", "Tin xã, thị trấn", "Thông báo", "Gương người tốt việc tốt"]
    menu_html = "".join(f'<li class="parent "><a class="tmenu" href="/Pages/{slugify(m)}.aspx">{esc(m)}</a><ul class="children">'
                        + "".join(f'<li><a class="leftsubmenu" href="/Pages/{slugify(m)}-{j}.aspx">{esc(s)}</a></li>'
                                  for j, s in enumerate(pick(rng, subs, 3))) + "</ul></li>" for m in menu)
    news = headlines(a, rng, 6)
    dates = other_dates(a, rng, len(news))
    tin = "".join(f'<li><a href="./{slugify(h)}">{esc(h)}</a>\n<SPAN class="ShowDate">({d:%d/%m/%Y})</SPAN></li>\n'
                  for h, d in zip(news, dates, strict=True))
    body = blocks_html(a, p='<p style="text-align:justify"><span style="font-size:14.0pt">{t}</span></p>')
    body += "\n" + bottom_byline_html(a, rng, ['<p style="text-align:right"><span style="font-size:14.0pt">{b}</span></p>',
                                               '<p style="text-align:right"><strong>{b}</strong></p>'])
    if a.byline_position == "top" and a.byline:
        body = f'<p><em>{esc(a.byline)}</em></p>\n' + body
    escaped = html.escape(body.replace("&", "&amp;"), quote=True).replace("'", "&#39;")
    print_js = ("<script>\nfunction popuponclick() {\n  var content = '" + escaped.replace("\n", "\\n")
                + "'.replace(/&quot;/g, '\"').replace(/&#39;/g, \"'\").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');\n"
                "  my_window = window.open('', 'mywindow', 'status=1,width=800,height=600');\n"
                "  my_window.document.write('<html><head><title>Print Me</title></head><body onafterprint=\"self.close()\">');\n"
                f"  my_window.document.write('<h1>{esc(a.title)}</h1>');\n"
                "  my_window.document.write(content);\n  my_window.document.write('</body></html>');\n  my_window.print();\n}\n</script>")
    dt = date_text(a)
    clock = "<SCRIPT language=JavaScript>function tS(){x=new Date();return x;} document.write(tS().toLocaleDateString('vi-VN'));</SCRIPT>"
    views = f'<span class="css_readCounter">Số lượt người xem : <b id="viewCounter">{a.views}</b></span>' if a.views is not None \
        else '<span class="css_readCounter">Số lượt người xem : <b id="viewCounter"></b></span>'
    left = "".join(f'<div class="div-leftsubmenu"><a class="leftsubmenu" href="/Pages/l{i}.aspx">{esc(m)}</a></div>'
                   for i, m in enumerate(menu[3:]))
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr" lang="vi-VN">
<head><meta http-equiv="X-UA-Compatible" content="IE=8"/><meta http-equiv="Content-type" content="text/html; charset=utf-8" />
<title>{esc(a.title)}</title>{meta_author(a)}
<link rel="stylesheet" type="text/css" href="/Style Library/en-us/Core Styles/portal.css" /></head>
<body class="v4master1" scroll="no">
<form name="aspnetForm" method="post" action="/Pages/default.aspx" id="aspnetForm">
<div id="s4-workspace"><div id="s4-bodyContainer">
<div class="v4-banner"><img src="/PublishingImages/banner.jpg" alt="{esc(a.site_name)}" /></div>
<div class="menu-top"><ul class="main-level">{menu_html}</ul><div class="mn-dangnhap"><a href="/_layouts/Authenticate.aspx">Đăng nhập</a></div></div>
<div class="dateSearch"><div class="time" style="float:left">{clock}</div><div class="search"><input type="text" value="Tìm kiếm..." /></div></div>
<table width="100%"><tr>
<td valign="top" width="200" class="ms-quickLaunch"><div class="navList">{left}</div>
<div class="ms-WPBody noindex"><div class="OtherTitle">THĂM DÒ Ý KIẾN</div><p>Bạn đánh giá thế nào về giao diện Cổng thông tin?</p></div></td>
<td valign="top">
<div class="s4-clust s4-breadcrumb"><span class="s4-breadcrumbRootNode"><a href="/">Trang chủ</a></span> &gt; <span class="s4-breadcrumbNode">Tin tức sự kiện</span> &gt; <span class="s4-breadcrumbCurrentNode">Tin Chính trị - Xã hội</span></div>
<div class="ms-WPBody noindex"><div class="container_top_mid2"><table width="100%"><tr class="ms-news-header">
<td class="FolderTitle" valign="top">Tin Chính trị - Xã hội</td>
<td style="TEXT-ALIGN: right" class="Time" valign="top" align="right">{esc(dt)}</td></tr></table></div>
<div id="part1"><table id="tableforprint" width="100%"><tr><td width="100%"><p class="Title">{esc(a.title)} </p></td></tr>
<tr><td style="TEXT-ALIGN: justify"><b class="lv_description_mode1 allowMenu">{esc(a.lead)}</b></td></tr>
<tr><td style="TEXT-ALIGN: justify"><div class="ExternalClass{rng.getrandbits(64):016X}">
{body}
</div></td></tr></table><br />
{views}
<span class="css_printandback"><a class="print" href="javascript: popuponclick()"> Bản in </a></span>
{print_js}
</div>
<div id="part2"><table class="tbtinkhac" width="100%"><tr><td class="OtherTitle"><p class="OtherTitle">TIN ĐÃ ĐƯA  </p></td></tr></table>
<table width="100%"><tr><td class="Other" width="100%"><ul>
{tin}</ul></td></tr></table>
<div class="css_Xemtiep"><a href="/TinTuc/Lists/Posts/AllPosts.aspx"><img alt="Xem tiếp" src="/_layouts/images/xemtiep.gif" /></a></div></div>
</div></td>
<td valign="top" width="220"><div class="ms-WPBody noindex"><div class="OtherTitle">LIÊN KẾT WEBSITE</div>
<ul class="style-ul"><li><a href="http://chinhphu.vn">Cổng TTĐT Chính phủ</a></li><li><a href="/">Cổng TTĐT tỉnh</a></li></ul></div>
<div class="ms-WPBody noindex"><div class="OtherTitle">THỐNG KÊ TRUY CẬP</div><p>Đang truy cập: {rng.randint(5, 60)}<br/>Tổng lượt truy cập: {rng.randint(200000, 900000)}</p></div></td>
</tr></table>
<div class="footer"><p>CỔNG THÔNG TIN ĐIỆN TỬ {esc(a.owner.upper())}</p><p>Cơ quan chủ quản: Ủy ban nhân dân {esc(a.owner)}</p>
<p>Chịu trách nhiệm: Chánh Văn phòng HĐND và UBND - Ghi rõ nguồn khi phát hành lại thông tin từ website này</p></div>
</div></div></form>
</body>
</html>
"""
    bp = news + ["TIN ĐÃ ĐƯA", "THĂM DÒ Ý KIẾN", "LIÊN KẾT WEBSITE", "THỐNG KÊ TRUY CẬP", "Số lượt người xem", "Bản in",
                 "Cơ quan chủ quản", "Đăng nhập", "Gương người tốt việc tốt", "Danh bạ điện thoại"]
    return Page(page, bp)


def commune_portal(a: Article, rng: random.Random) -> Page:
    """A small commune WordPress-like site: minimal markup; no visible date (only /yyyy/mm/dd/ in the URL)."""
    news = headlines(a, rng, 4, party_share=0.3)
    lis = "".join(f'<li><a href="/{(a.moment - timedelta(days=rng.randint(1, 90))):%Y/%m/%d}/{slugify(h)}/">{esc(h)}</a></li>'
                  for h in news)
    dt = date_text(a)

    def table(rows: list[list[str]]) -> str:
        return "<table>" + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"

    body = blocks_html(a, p="<p>{t}</p>", table=table)
    top = f"<p><em>{esc(a.byline)}</em></p>" if a.byline_position == "top" and a.byline else ""
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="UTF-8">
<title>{esc(a.title)} &#8211; {esc(a.site_name)}</title>
{meta_author(a)}
</head>
<body class="post-template-default single single-post">
<div id="page">
<header id="masthead"><p class="site-title"><a href="/">{esc(a.site_name)}</a></p>
<nav><ul>{''.join(f'<li><a href="/{slugify(m)}/">{esc(m)}</a></li>' for m in DATA["menus"]["commune"])}</ul></nav></header>
<main id="main">
<article class="post">
<h1 class="entry-title">{esc(a.title)}</h1>
{f'<div class="entry-meta">{esc(dt)}</div>' if dt else ''}
{top}
<div class="entry-content">
{f'<p><strong>{esc(a.lead)}</strong></p>' if a.lead else ''}
{body}
{bottom_byline_html(a, rng, ['<p style="text-align:right"><strong>{b}</strong></p>', '<p style="text-align: right;">{b}</p>'])}
</div>
</article>
</main>
<aside id="secondary"><section class="widget"><h2 class="widget-title">Bài viết mới</h2><ul>{lis}</ul></section></aside>
<footer id="colophon"><p>{esc(a.site_name)} &#8211; Đơn vị quản lý: Ủy ban nhân dân {esc(a.owner)}</p></footer>
</div>
</body>
</html>
"""
    return Page(page, news + ["Bài viết mới", "Đơn vị quản lý"])

