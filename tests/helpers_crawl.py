"""Synthetic district portals for crawler tests: articles, paginated listings, sitemaps, feeds,
robots.txt and injected faults, served by :class:`helpers_http.LocalServer` on 127.0.0.x."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from helpers_http import LocalServer, Reply, Request, lazy_bytes

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Vietnamese as windows-1258 writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
            out.append((base + "".join(c for c in d if c in _TONES)).encode("cp1258"))
    return b"".join(out)


@dataclass
class Article:
    path: str
    title: str
    day: str  # dd/mm/yyyy
    charset: str = "utf-8"

    def html(self) -> bytes:
        text = (f'<!doctype html><html lang="vi"><head><meta charset="{self.charset}">'
                f"<title>{self.title} | Cổng thông tin điện tử</title></head><body>"
                f'<div class="menu"><a href="/">Trang chủ</a></div>'
                f'<h1 class="title">{self.title}</h1><div class="date">{self.day} 08:30</div>'
                f'<div class="content"><p>{self.title}. Sáng nay, Đảng ủy xã tổ chức hội nghị sơ kết '
                f"công tác xây dựng Đảng, đánh giá kết quả lãnh đạo thực hiện nhiệm vụ chính trị.</p>"
                f"<p>Hội nghị đã thảo luận phương hướng nhiệm vụ trong thời gian tới và thống nhất "
                f"các giải pháp nâng cao chất lượng sinh hoạt chi bộ ở các thôn, tổ dân phố.</p></div>"
                f"</body></html>")
        return to_cp1258(text) if self.charset == "windows-1258" else text.encode("utf-8")


@dataclass
class Portal:
    """One host. ``handler`` answers every request; ``faults`` maps paths to special replies."""

    name: str
    n_articles: int
    crawl_delay: float | None = None
    cp1258_every: int = 0
    per_page: int = 10
    faults: dict[str, Reply | list[Reply]] = field(default_factory=dict)
    sitemap_index: bool = False
    hits: Counter[str] = field(default_factory=Counter)
    articles: list[Article] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i in range(self.n_articles):
            day = f"{(i % 28) + 1:02d}/{(i // 28) % 12 + 1:02d}/{2024 - i // 336}"
            charset = "windows-1258" if self.cp1258_every and i % self.cp1258_every == 0 else "utf-8"
            self.articles.append(Article(f"/tin-tuc/{self.name}-bai-viet-so-{i}-{1000 + i}.html",
                                         f"Bài viết số {i} của {self.name}: Chi bộ họp bàn công tác",
                                         day, charset))
        # newest first, as portals list them
        self.articles.sort(key=lambda a: tuple(reversed(a.day.split("/"))), reverse=True)
        self.by_path = {a.path: a for a in self.articles}

    def robots(self) -> str:
        lines = ["User-agent: *", "Disallow: /private/"]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay}")
        lines.append("Sitemap: /sitemap_index.xml" if self.sitemap_index else "Sitemap: /sitemap.xml")
        return "\n".join(lines) + "\n"

    def listing(self, page: int) -> str:
        chunk = self.articles[(page - 1) * self.per_page: page * self.per_page]
        pages = -(-len(self.articles) // self.per_page)
        items = "".join(f'<li><a href="{a.path}">{a.title}</a> <span>{a.day}</span></li>' for a in chunk)
        pager = "".join(f'<a href="/tin-tuc?page={n}">{n}</a> ' for n in range(1, pages + 1) if n != page)
        if page < pages:
            pager += f'<a href="/tin-tuc?page={page + 1}">Trang sau</a>'
        extra = ""
        if page == 1:
            extra = ('<a href="/private/tai-lieu-noi-bo-so-1-99999.html">Nội bộ</a>'
                     '<a href="/files/bao-cao-tong-ket-2023.pdf">Báo cáo (PDF)</a>'
                     '<a href="/dang-nhap">Đăng nhập</a><a href="/in-bai?id=1">In</a>'
                     '<a href="https://www.facebook.com/sharer/sharer.php?u=x">Chia sẻ</a>'
                     '<img src="/logo.png">')
            extra += "".join(f'<li><a href="{p}">Tin đặc biệt {i}</a> <span>01/01/2024</span></li>'
                             for i, p in enumerate(self.faults))
        return (f"<html><head><meta charset='utf-8'><title>Tin tức {self.name}</title></head><body>"
                f"<ul>{items}{extra}</ul><div class='pager'>{pager}</div></body></html>")

    def sitemap(self) -> str:
        urls = "".join(f"<url><loc>{a.path}</loc></url>" for a in self.articles[::2])
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def handler(self, req: Request) -> Reply:
        self.hits[req.target] += 1
        if req.target in self.faults:
            fault = self.faults[req.target]
            if isinstance(fault, list):
                n = self.hits[req.target]
                return fault[min(n, len(fault)) - 1]
            return fault
        path = req.path
        if path == "/robots.txt":
            return Reply(body=self.robots(), content_type="text/plain")
        if path == "/":
            return Reply(body="<html><body><a href='/tin-tuc'>Tin tức</a> <a href='/rss'>RSS</a>"
                              "<link rel='alternate' type='application/rss+xml' href='/rss.xml'></body></html>")
        if path == "/tin-tuc":
            page = int(req.query.get("page", ["1"])[0])
            return Reply(body=self.listing(page))
        if path == "/sitemap_index.xml":
            return Reply(content_type="application/xml",
                         body='<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              "<sitemap><loc>/sitemap.xml</loc></sitemap></sitemapindex>")
        if path == "/sitemap.xml":
            return Reply(body=self.sitemap(), content_type="application/xml")
        if path == "/rss.xml":
            items = "".join(f"<item><title>t</title><link>{a.path}</link></item>" for a in self.articles[:5])
            return Reply(content_type="application/rss+xml",
                         body=f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')
        art = self.by_path.get(path)
        if art is None:
            return Reply(status=404, body="<html><body>Không tìm thấy</body></html>")
        body = art.html()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if req.headers.get("if-none-match") == etag:
            return Reply(status=304, content_type=None, headers=[("ETag", etag)])
        return Reply(body=body, content_type=f"text/html; charset={art.charset}", headers=[("ETag", etag)])


def fault_portal(name: str, n_articles: int) -> Portal:
    """A portal whose listing also links to every kind of failure the crawler must survive."""
    ok = Reply(body="<html><head><meta charset='utf-8'><title>Hồi phục</title></head><body><h1>Đã hồi phục"
                    "</h1><p>Trang này trả lời sau một lần lỗi 503.</p><p>28/11/2023</p></body></html>")
    faults: dict[str, Reply | list[Reply]] = {
        "/tin-tuc/loi-503-roi-hoi-phuc-50301.html": [
            Reply(status=503, headers=[("Retry-After", "1")], body="busy"), ok],
        "/tin-tuc/luon-loi-500-50001.html": Reply(status=500, body="oops"),
        "/tin-tuc/khong-ton-tai-40401.html": Reply(status=404, body="not here"),
        "/tin-tuc/vong-lap-chuyen-huong-30201.html": Reply(status=302, headers=[
            ("Location", "/tin-tuc/vong-lap-chuyen-huong-30202.html")]),
        "/tin-tuc/vong-lap-chuyen-huong-30202.html": Reply(status=302, headers=[
            ("Location", "/tin-tuc/vong-lap-chuyen-huong-30201.html")]),
        "/tin-tuc/chuyen-huong-dung-30101.html": Reply(status=301, headers=[
            ("Location", f"/tin-tuc/{name}-bai-viet-so-0-1000.html")]),
        "/tin-tuc/sai-kieu-noi-dung-41501.html": Reply(content_type="application/pdf", body=b"%PDF-1.4 ..."),
        "/tin-tuc/trang-50mb-41301.html": Reply(body=lazy_bytes(50 * 1024 * 1024)),  # chunked, no length
        "/tin-tuc/nho-giot-40801.html": Reply(body=[b"<p>.</p>"] * 400, chunk_delay=0.02),
        "/tin-tuc/ngat-ket-noi-10401.html": Reply(reset=True),
        "/tin-tuc/qua-han-40802.html": Reply(delay=3.0, body="late"),
    }
    return Portal(name, n_articles, faults=faults)


def warm_extractor() -> None:
    """Load the extractor's models before timing-sensitive crawls: the first extraction imports
    spaCy and builds the place matchers, which starves the event loop for seconds on a busy box."""
    from extractor import extract

    extract(b"<html><body><h1>Tin</h1><p>Chi b\xe1\xbb\x99 x\xc3\xa3 h\xe1\xbb\x8dp.</p></body></html>",
            "http://127.0.0.1/a")


def serve(portal: Portal, address: str) -> LocalServer:
    return LocalServer(portal.handler, host=address).start()
