"""Main-text cleaning: boilerplate out, paragraphs/lines/captions/tables in, on known and unknown templates."""

from __future__ import annotations

from pathlib import Path

from extractor import extract

P = [
    "Nhận thức rõ tầm quan trọng của công tác phát triển đảng viên, Huyện ủy đã tập trung lãnh đạo các chi bộ.",
    "Các tổ chức cơ sở Đảng tập trung đẩy mạnh công tác tuyên truyền, giáo dục chính trị tư tưởng cho đoàn viên.",
    "Từ đầu năm 2023 đến nay đã kết nạp được 89 đảng viên mới; chuyển Đảng chính thức cho 99 đảng viên dự bị.",
]
BOILER = ["Trang chủ", "Giới thiệu chung", "Tin mới nhất", "Huyện Lương Tài kết nạp 45 đảng viên mới", "Tin liên quan",
          "Đảng bộ huyện Hải Hà trao Huy hiệu Đảng cho 68 đảng viên", "In bài viết", "Chia sẻ Facebook",
          "Cơ quan chủ quản", "Gửi bình luận", "Thời tiết", "Lượt truy cập", "Văn bản mới", "Kế hoạch số 152-KH/HU",
          "var _gaq", "color: red", "Tin khác", "Hội thi tuyên truyền viên giỏi năm 2023"]


def chrome(article: str) -> str:
    """A realistic portal around ``article``: menus, breadcrumbs, sidebars, share bar, comments, footer."""
    return f"""<html><head><meta charset="utf-8"><title>Tin bài - Cổng TTĐT huyện</title>
<style>.x {{ color: red }}</style><script>var _gaq = [];</script></head><body>
<div id="header"><div class="logo">Cổng thông tin điện tử huyện Gia Bình</div></div>
<ul class="main-menu"><li><a href="/">Trang chủ</a></li><li><a href="/gt">Giới thiệu chung</a></li></ul>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/tt">Tin tức</a></div>
<div class="row"><div class="col-md-8">
{article}
<div class="share-tools"><a href="#">In bài viết</a> <a href="#">Chia sẻ Facebook</a></div>
<div class="related"><h3>Tin liên quan</h3><ul>
<li><a href="/1">Đảng bộ huyện Hải Hà trao Huy hiệu Đảng cho 68 đảng viên</a> (12/11/2023)</li>
<li><a href="/2">Hội thi tuyên truyền viên giỏi năm 2023</a> (10/11/2023)</li></ul></div>
<div class="comment-box"><h4>Gửi bình luận</h4><form><textarea></textarea><input value="Gửi"></form></div>
</div><div class="col-md-4">
<div class="block"><h3>Tin mới nhất</h3><ul><li><a href="/3">Huyện Lương Tài kết nạp 45 đảng viên mới</a></li>
<li><a href="/4">Tin khác</a></li></ul></div>
<div class="block"><h3>Văn bản mới</h3><ul><li><a href="/5">Kế hoạch số 152-KH/HU về thực hiện Chỉ thị 28</a></li></ul></div>
<div class="weather"><b>Thời tiết</b> 25°C</div><div class="counter">Lượt truy cập: 1.234.567</div>
</div></div><div class="footer">Cơ quan chủ quản: UBND huyện Gia Bình</div></body></html>"""


def assert_clean(text: str) -> None:
    for p in P:
        assert p in text
    for b in BOILER:
        assert b not in text, b


def test_known_container_with_full_chrome():
    html = chrome('<h1>Huyện Gia Bình kết nạp 89 đảng viên</h1><div class="content-detail">'
                  + "".join(f"<p>{p}</p>" for p in P) + "</div>")
    r = extract(html)
    assert r.text == "\n\n".join(P)
    assert_clean(r.text)


def test_unknown_template_falls_back_to_density():
    body = "".join(f"<p>{p} {p}</p>" for p in P)
    html = chrome(f'<h1>Huyện Gia Bình kết nạp 89 đảng viên</h1><div class="xyz-main-col">{body}</div>')
    r = extract(html)
    assert_clean(r.text)
    assert any("density" in w for w in r.warnings)


def test_br_separated_lines_become_paragraphs():
    html = chrome('<div class="noidung">' + "<br><br>\n".join(P) + "<br>Dòng cuối cùng của bài viết.</div>")
    r = extract(html)
    assert r.text.split("\n\n") == [*P, "Dòng cuối cùng của bài viết."]


def test_tables_become_rows_of_cells():
    table = ("<table border=1><tr><th>Nội dung</th><th>Chỉ tiêu</th><th>Thực hiện</th></tr>"
             "<tr><td>Kết nạp đảng viên</td><td>10</td><td>12</td></tr>"
             "<tr><td>Chuyển chính thức</td><td>8</td><td>8</td></tr></table>")
    html = chrome(f'<div class="news-content"><p>{P[0]}</p>{table}<p>{P[2]}</p></div>')
    r = extract(html)
    assert "Nội dung | Chỉ tiêu | Thực hiện\nKết nạp đảng viên | 10 | 12\nChuyển chính thức | 8 | 8" in r.text
    assert r.text.startswith(P[0] + "\n\n")


def test_layout_table_is_not_a_figures_table():
    html = (f'<html><body><table><tr><td class="menu"><a href="/">Trang chủ</a></td>'
            f'<td><table><tr><td class="noidung"><p>{P[0]}</p><p>{P[1]}</p><p>{P[2]}</p></td></tr></table></td>'
            f"</tr></table></body></html>")
    r = extract(html)
    assert r.text == "\n\n".join(P)


def test_image_captions_are_kept():
    fig = '<figure><img src="/a.jpg"><figcaption>Đồng chí Bí thư Huyện ủy trao quyết định kết nạp.</figcaption></figure>'
    old = '<p style="text-align:center"><img src="/b.jpg"></p><p style="text-align:center"><em>Quang cảnh hội nghị</em></p>'
    r = extract(chrome(f'<div class="article-body"><p>{P[0]}</p>{fig}<p>{P[1]}</p>{old}<p>{P[2]}</p></div>'))
    assert "Đồng chí Bí thư Huyện ủy trao quyết định kết nạp." in r.text
    assert "Quang cảnh hội nghị" in r.text


def test_word_pasted_soup_gives_clean_paragraphs():
    soup = "".join(
        f'<p class=MsoNormal style="text-align:justify"><span style="font-size:14.0pt;font-family:&quot;Times New Roman&quot;">'
        f'&nbsp;&nbsp;{p.replace(" ", " <span lang=VI>", 3)}</span></span></span></span><o:p></o:p></span></p>'
        f'<p class=MsoNormal><o:p>&nbsp;</o:p></p>' for p in P)
    r = extract(chrome(f'<div class="content-detail">{soup}</div>'))
    assert r.text == "\n\n".join(P)


def test_print_script_copy_is_not_text():
    escaped = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in P)
    html = chrome('<div id="content-print"><div class="ExternalClass1A2B">'
                  + "".join(f"<p>{p}</p>" for p in P)
                  + f"</div></div><script>function popuponclick() {{ var c = '{escaped}'; "
                  f"my_window.document.write('<h1>Tiêu đề</h1><h3>{P[0]}</h3>'); }}</script>")
    r = extract(html)
    for p in P:
        assert r.text.count(p) == 1


def test_hidden_and_tool_lines_dropped():
    html = chrome(f'<div class="article-body"><p>{P[0]}</p><p style="display:none">Nội dung ẩn không hiển thị</p>'
                  f"<p>{P[1]}</p><p>In bài viết</p><p>{P[2]}</p>"
                  f'<div class="tags">Từ khóa: <a href="/t">đảng viên</a></div></div>')
    r = extract(html)
    assert r.text == "\n\n".join(P)


def test_related_links_inside_the_body_are_dropped():
    links = "".join(f'<li><a href="/{i}">Tin bài liên quan số {i} về công tác Đảng</a></li>' for i in range(5))
    html = chrome(f'<div class="article-body"><p>{P[0]}</p><p>{P[1]}</p><p>{P[2]}</p>'
                  f"<p><b>Tin khác</b></p><ul>{links}</ul></div>")
    r = extract(html)
    assert r.text == "\n\n".join(P)


def test_a_box_heading_word_inside_the_article_is_kept():
    html = chrome(f'<div class="article-body"><div><p><b>Thông báo</b></p><p>{P[0]}</p><p>{P[1]}</p></div>'
                  f"<p>{P[2]}</p></div>")
    r = extract(html)
    assert r.text == "\n\n".join(["Thông báo", *P])


# --- the lean tree builder builds BeautifulSoup's own tree -------------------------------------

_TRICKY = [
    "", "x", "<p>", "<p>a\r\nb</p><p> \x0c </p><pre>  \n </pre><textarea> </textarea><div hidden>h</div>",
    "<meta charset=utf-8><meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
    "<p class=' a  b ' id=x>x<!-- c --><!----><![CDATA[z]]><?pi x?></p><script>a<b</script><style>s</style>"
    "<template>t</template><rt>r</rt><rp>p</rp>",
    "<table><tr><td headers='a b'>1<td>2</table><a rel='x y' href=/>l</a><b><i>x</b>y</i><p>unclosed<div>z",
    "<!DOCTYPE html><html xmlns:fb='http://ogp.me/ns/fb#'><body fb:x='1'><svg xmlns='http://www.w3.org/2000/svg'>"
    "<a xlink:href='x'>t</a></svg><fb:like>q</fb:like></body></html>",
]


def _same_tree(markup: str) -> int:
    """Node-for-node comparison of every attribute of every node, links mapped to positions."""
    from bs4 import BeautifulSoup, PageElement, Tag

    from extractor.soup import parse_html

    def nodes(root: Tag) -> list:
        out, stack = [], [root]
        while stack:
            n = stack.pop()
            out.append(n)
            if isinstance(n, Tag):
                stack.extend(reversed(n.contents))
        return out

    def comparable(v, pos: dict[int, int]):
        if isinstance(v, PageElement):
            return ("node", pos.get(id(v)), type(v).__name__)
        if isinstance(v, dict):
            return type(v).__name__, [(k, comparable(x, pos)) for k, x in v.items()]
        if isinstance(v, list):
            return type(v).__name__, [comparable(x, pos) for x in v]
        if isinstance(v, set | frozenset):
            return type(v).__name__, sorted(map(repr, v))
        return type(v).__name__, repr(v)

    stock, lean = BeautifulSoup(markup, "lxml"), parse_html(markup)
    a, b = nodes(stock), nodes(lean)
    assert len(a) == len(b)
    pa, pb = {id(n): i for i, n in enumerate(a)}, {id(n): i for i, n in enumerate(b)}
    for x, y in zip(a[1:], b[1:], strict=True):
        assert type(x) is type(y) and str(x) == str(y)
        assert list(vars(x)) == list(vars(y))
        for key in vars(x):
            assert comparable(vars(x)[key], pa) == comparable(vars(y)[key], pb), key
    assert [pa[id(n)] for n in stock.descendants] == [pb[id(n)] for n in lean.descendants]
    assert stock.decode() == lean.decode()
    return len(a)


def test_lean_builder_builds_the_stock_tree_on_tricky_markup():
    for markup in _TRICKY:
        _same_tree(markup)
    _same_tree(chrome("<div class='content-detail'>" + "".join(f"<p>{p}</p>" for p in P) + "</div>"))


def test_lean_builder_builds_the_stock_tree_on_corpus_pages(corpus_dir):
    """One page of every corpus template (the whole corpus takes seconds; the templates are what
    vary the markup)."""
    import json

    from extractor.decode import decode

    by_template: dict[str, Path] = {}
    for gold in sorted((corpus_dir / "gold").glob("*.json")):
        by_template.setdefault(json.loads(gold.read_text("utf-8"))["template"], corpus_dir / "pages" / f"{gold.stem}.html")
    assert len(by_template) >= 5
    assert sum(_same_tree(decode(p.read_bytes()).text) for p in by_template.values()) > 1_000
