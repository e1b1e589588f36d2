"""Shared pieces of the corpus templates: the validated article, date styles, body blocks, sidebars.

Every template is a function ``render(article, rng) -> Page``. The page carries the HTML text and the
boilerplate strings the template really printed (menus, sidebar headlines, counters, footers), so the
gold file can list exactly those as must-not-contain snippets.
"""

from __future__ import annotations

import html
import random
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

DATA = tomllib.loads((Path(__file__).with_name("boilerplate.toml")).read_text(encoding="utf-8"))

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]

# date style key -> (has a time slot, aliases). Aliases are the example strings the corpus contract uses.
DATE_STYLES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "dd/mm/yyyy hh:mm": (True, ("28/11/2023 16:01",)),
    "thu, dd/mm/yyyy - hh:mm": (True, ("Thứ Ba, 28/11/2023 - 16:01",)),
    "cap-nhat": (True, ("Cập nhật: 10:15 | 12/12/2023",)),
    "hh:mm dd/mm/yyyy": (True, ("16:01 28/11/2023",)),
    "ngay-dang": (False, ("Ngày đăng: 05/01/2024",)),
    "ngay-thang-nam": (False, ("ngày 12 tháng 12 năm 2023",)),
    "dd/mm/yyyy": (False, ("05/01/2024",)),
    "none": (False, ()),
}
STYLE_ALIASES = {alias: key for key, (_, aliases) in DATE_STYLES.items() for alias in aliases}


@dataclass
class Block:
    """One body block: a paragraph, an image with its caption, or a table of rows."""

    kind: str  # "p" | "img" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)

    def gold(self) -> str:
        if self.kind == "table":
            return "\n".join(" | ".join(cells) for cells in self.rows)
        return self.text


@dataclass
class Article:
    slug: str
    template: str
    url: str
    site_name: str
    title: str
    published: str
    moment: datetime
    has_time: bool
    date_style: str
    author: str
    byline: str
    byline_position: str
    source: str
    views: int | None
    lead: str
    blocks: list[Block]
    party: bool
    sidebar: list[str]
    gold: dict

    @property
    def host(self) -> str:
        return self.url.split("/")[2]

    @property
    def owner(self) -> str:
        """The unit behind the site, for footers: 'Cổng thông tin điện tử huyện Gia Bình' -> 'huyện Gia Bình'."""
        for prefix in DATA["site_prefixes"]:
            if self.site_name.lower().startswith(prefix.lower()):
                return self.site_name[len(prefix):].strip()
        return self.site_name

    @property
    def iso(self) -> str:
        return self.moment.isoformat() if self.has_time else self.moment.date().isoformat()


@dataclass
class Page:
    html: str
    boilerplate: list[str]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def date_text(a: Article, style: str | None = None, d: datetime | None = None, with_time: bool | None = None) -> str:
    """The date as the page prints it in ``style`` (article's own style unless given)."""
    style = STYLE_ALIASES.get(style or a.date_style, style or a.date_style)
    d = d or a.moment
    t = a.has_time if with_time is None else with_time
    day = d.strftime("%d/%m/%Y")
    hm = d.strftime("%H:%M")
    if style == "dd/mm/yyyy hh:mm":
        return f"{day} {hm}" if t else day
    if style == "thu, dd/mm/yyyy - hh:mm":
        return f"{WEEKDAYS[d.weekday()]}, {day} - {hm}" if t else f"{WEEKDAYS[d.weekday()]}, {day}"
    if style == "cap-nhat":
        return f"Cập nhật: {hm} | {day}" if t else f"Cập nhật: {day}"
    if style == "hh:mm dd/mm/yyyy":
        return f"{hm} {day}" if t else day
    if style == "ngay-dang":
        return f"Ngày đăng: {day}"
    if style == "ngay-thang-nam":
        return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    if style == "dd/mm/yyyy":
        return day
    return ""


def other_dates(a: Article, rng: random.Random, n: int) -> list[datetime]:
    """Dates for sidebar items: around the article's date, some after it (lists are rendered later)."""
    out = []
    for _ in range(n):
        delta = timedelta(days=rng.randint(-75, 30), minutes=rng.randint(-600, 600))
        d = a.moment + delta
        if d.date() == a.moment.date():
            d += timedelta(days=rng.choice([-2, 3]))
        out.append(d)
    return sorted(out, reverse=True)


def headlines(a: Article, rng: random.Random, n: int, party_share: float = 0.5) -> list[str]:
    """Sidebar headlines: the article's own extra ones first, then generated ones naming other places
    and carrying their own figures (the trap: none of them may reach the text or the summary)."""
    out = list(a.sidebar)
    year = a.moment.year
    pools = DATA["headlines"]
    # Neighbours of the same province make the trap realistic; the article's own places are left out.
    neighbours = DATA["places_by_province"].get(a.gold.get("locality", {}).get("province", ""), [])
    own = a.title + " " + " ".join(b.text for b in a.blocks)
    for _ in range(50 * n):
        if len(out) >= n:
            break
        pool = pools["party"] if rng.random() < party_share else pools["other"]
        pattern = rng.choice(pool)
        place = rng.choice(neighbours) if neighbours and rng.random() < 0.7 else rng.choice(DATA["places"])
        commune = rng.choice(DATA["communes"])
        if place.split(" ", 1)[-1] in own or commune in own:
            continue
        h = pattern.format(
            Place=place[0].upper() + place[1:], place=place, n=rng.randint(12, 260), k=rng.randint(5, 19),
            y=year, commune=commune,
        )
        if h not in out:
            out.append(h)
    return out[:n]


def pick(rng: random.Random, seq: list[str], k: int) -> list[str]:
    return rng.sample(seq, k=min(k, len(seq)))


def bottom_byline_html(a: Article, rng: random.Random, styles: list[str] | None = None) -> str:
    """The signature after the body (and the source line under it), in one of the house styles."""
    parts = []
    if a.byline_position == "bottom" and a.byline:
        styles = styles or [
            '<p style="text-align:right"><strong>{b}</strong></p>',
            '<p style="text-align: right;"><b><i>{b}</i></b></p>',
            '<p class="author" style="text-align:right">{b}</p>',
            '<div class="author-name" style="text-align:right"><strong>{b}</strong></div>',
        ]
        parts.append(rng.choice(styles).format(b=esc(a.byline)))
    if a.source:
        parts.append(f'<p class="source" style="text-align:right"><em>{esc(a.source)}</em></p>')
    return "\n".join(parts)


def meta_author(a: Article) -> str:
    if a.byline_position == "meta" and a.byline:
        return f'<meta name="author" content="{esc(a.byline)}">'
    return ""


def blocks_html(a: Article, p: str = "<p>{t}</p>", img=None, table=None) -> str:
    """Body blocks with per-template markup for paragraphs, captioned images and tables."""
    out = []
    for i, b in enumerate(a.blocks):
        if b.kind == "p":
            out.append(p.format(t=esc(b.text)))
        elif b.kind == "img":
            src = f"/uploads/{a.moment:%Y/%m}/{a.slug[:18]}-{i}.jpg"
            out.append((img or default_img)(src, b.text))
        else:
            out.append((table or default_table)(b.rows))
    return "\n".join(out)


def default_img(src: str, caption: str) -> str:
    return (f'<figure class="image"><img src="{src}" alt="{esc(caption)}" width="600">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def default_table(rows: list[list[str]]) -> str:
    head, *rest = rows
    cells = "".join(f"<th>{esc(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rest)
    return f'<table class="table table-bordered" border="1"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def sidebar_list(items: list[str], dates: list[datetime], fmt: str, rng: random.Random) -> str:
    """<li> items with links and dates in ``fmt`` ('(dd/mm/yyyy)', 'dd/mm/yyyy hh:mm', ...)."""
    lis = []
    for h, d in zip(items, dates, strict=False):
        href = f"/tin-tuc/{slugify(h)}-{rng.randint(1000, 99999)}.html"
        ds = d.strftime(fmt)
        lis.append(f'<li><a href="{href}" title="{esc(h)}">{esc(h)}</a> <span class="date">{ds}</span></li>')
    return "\n".join(lis)


def slugify(text: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in s).split())[:80]


def today_of(a: Article) -> date:
    return a.moment.date()
