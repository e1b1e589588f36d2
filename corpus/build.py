"""Render the development corpus: corpus/src/articles/*.toml -> corpus/pages/<slug>.html + corpus/gold/<slug>.json.

The TOML sources are the single source of truth; pages and gold are generated so that the gold can never drift
from what the page shows (boilerplate the template printed is listed as must-not-contain automatically).
Output is deterministic: templates vary their boilerplate with ``random.Random(slug)`` only.

Usage: python corpus/build.py [--check]   (--check: render in memory and fail if pages/gold on disk differ)
"""

from __future__ import annotations

import json
import random
import re
import sys
import tomllib
import unicodedata
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(HERE), str(ROOT)):
    if p not in sys.path:
        sys.path.insert(0, p)

from templates import TEMPLATES  # noqa: E402
from templates.common import DATE_STYLES, STYLE_ALIASES, Article, Block  # noqa: E402

from models.text import normalize  # noqa: E402

SRC = HERE / "src" / "articles"
PAGES = HERE / "pages"
GOLD = HERE / "gold"

KEYS = {"slug", "template", "url", "site_name", "title", "published", "date_style", "author", "byline",
        "byline_position", "source", "views", "lead", "body", "party", "sidebar", "gold"}
REQUIRED = {"slug", "template", "url", "site_name", "title", "published", "body", "party"}
GOLD_KEYS = {"must_contain", "must_not_contain", "summary", "badges_by_years", "locality"}
SUMMARY_KEYS = {"new_members", "transfers", "badges"}
LOCALITY_KEYS = {"province", "district", "commune", "era"}
BADGE_TIERS = {"30", "40", "45", "50", "55", "60", "65", "70", "75", "80", "85", "90"}
POSITIONS = {"bottom", "top", "meta", "none"}
REFORM = "2025-07-01"
URL_DATE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-Ỹ0-9Đ])")
SNIPPET_MAX = 160
VIEW_LABELS = ("Số lượt người xem", "Số lượt xem", "Lượt xem")


class SourceError(Exception):
    """A source file that cannot be rendered; the message names the file and the problem."""


def clean(text: str) -> str:
    """Gold form of a paragraph: models.text.normalize (NFC, classic tones, plain spaces), single spaces."""
    return " ".join(normalize(text).split())


def parse_blocks(body: str) -> list[Block]:
    """Paragraphs separated by blank lines; '!img: caption' is a captioned image; '|'-lines form a table."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [ln.strip() for ln in chunk.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith("|") for ln in lines):
            rows = [[clean(c) for c in ln.strip().strip("|").split("|")] for ln in lines]
            blocks.append(Block("table", rows=rows))
        elif lines[0].startswith("!img:"):
            blocks.append(Block("img", text=" ".join([lines[0][5:].strip(), *lines[1:]])))
        else:
            blocks.append(Block("p", text=" ".join(lines)))
    return blocks


def _parse_published(value: str) -> tuple[datetime, bool]:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.fromisoformat(value + "T00:00:00+07:00"), False
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?\+07:00", value):
        raise ValueError(f"published {value!r} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]+07:00")
    return datetime.fromisoformat(value), True


def load(path: Path) -> Article:
    """Read and validate one source; every problem raises SourceError naming the file."""
    def fail(msg: str) -> SourceError:
        return SourceError(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {msg}")

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise fail(f"not valid TOML: {e}") from None
    if unknown := set(raw) - KEYS:
        raise fail(f"unknown key(s) {sorted(unknown)}")
    if missing := REQUIRED - set(raw):
        raise fail(f"missing key(s) {sorted(missing)}")
    if raw["slug"] != path.stem or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", raw["slug"]):
        raise fail(f"slug {raw['slug']!r} must be lowercase ascii with hyphens and equal the file name")
    if raw["template"] not in TEMPLATES:
        raise fail(f"unknown template {raw['template']!r} (known: {', '.join(sorted(TEMPLATES))})")
    if not re.match(r"https?://[a-z0-9.-]+\.[a-z]{2,}/", raw["url"]):
        raise fail(f"url {raw['url']!r} is not an absolute http(s) URL with a path")
    try:
        moment, has_time = _parse_published(str(raw["published"]))
    except ValueError as e:
        raise fail(str(e)) from None
    style = raw.get("date_style", DEFAULT_STYLE[raw["template"]])
    style = STYLE_ALIASES.get(style, style)
    if style not in DATE_STYLES:
        raise fail(f"unknown date_style {style!r} (known: {', '.join(DATE_STYLES)} or their example aliases)")
    author, byline = raw.get("author", ""), raw.get("byline", raw.get("author", ""))
    position = raw.get("byline_position", "bottom" if byline else "none")
    if position not in POSITIONS:
        raise fail(f"byline_position {position!r} must be one of {sorted(POSITIONS)}")
    if author and (position == "none" or normalize(author) not in normalize(byline)):
        raise fail("author is set but the page shows no byline containing it")
    views = raw.get("views")
    if views is not None and (not isinstance(views, int) or views < 0):
        raise fail("views must be a non-negative integer")
    if not isinstance(raw["party"], bool):
        raise fail("party must be true or false")
    blocks = parse_blocks(raw["body"])
    if not any(b.kind == "p" for b in blocks):
        raise fail("body has no paragraph")
    # A page that shows no time anywhere cannot have a gold time.
    shows_time = DATE_STYLES[style][0] or raw["template"] in META_TIME
    if has_time and not shows_time:
        raise fail(f"published has a time but template {raw['template']} with date_style {style!r} shows none")
    if style == "none" and raw["template"] not in META_TIME:
        m = URL_DATE.search(raw["url"])
        if not m or "-".join(m.groups()) != moment.date().isoformat():
            raise fail("date_style 'none' needs the publish date in the URL path as /yyyy/mm/dd/")
    gold = raw.get("gold", {})
    if unknown := set(gold) - GOLD_KEYS:
        raise fail(f"unknown [gold] key(s) {sorted(unknown)}")
    summary = dict(gold.get("summary", {}))
    tiers = gold.get("badges_by_years", summary.pop("badges_by_years", {}))
    if unknown := set(summary) - SUMMARY_KEYS:
        raise fail(f"unknown [gold.summary] key(s) {sorted(unknown)}")
    if any(not isinstance(v, int) or v < 0 for v in summary.values()):
        raise fail("summary values must be non-negative integers")
    if set(tiers) - BADGE_TIERS or any(not isinstance(v, int) or v <= 0 for v in tiers.values()):
        raise fail(f"badges_by_years keys must be tiers {sorted(BADGE_TIERS, key=int)} with positive counts")
    if tiers and summary.get("badges", -1) < sum(tiers.values()):
        raise fail("summary.badges must be given and at least the sum of badges_by_years")
    if not raw["party"] and (summary or tiers):
        raise fail("a non-party article must state no summary figures")
    loc = gold.get("locality", {})
    if unknown := set(loc) - LOCALITY_KEYS:
        raise fail(f"unknown [gold.locality] key(s) {sorted(unknown)}")
    era = loc.get("era") or ("post2025" if moment.date().isoformat() >= REFORM else "pre2025")
    if era not in ("pre2025", "post2025") or (era == "post2025" and loc.get("district")):
        raise fail(f"locality era {era!r} is invalid or a post-2025 locality names a district")
    gold = {**gold, "summary": summary, "badges_by_years": tiers, "locality": {**loc, "era": era} if loc else {}}
    return Article(
        slug=raw["slug"], template=raw["template"], url=raw["url"], site_name=raw["site_name"], title=raw["title"],
        published=str(raw["published"]), moment=moment, has_time=has_time, date_style=style, author=author,
        byline=byline, byline_position=position, source=raw.get("source", ""), views=views,
        lead=raw.get("lead", "").strip(), blocks=blocks, party=raw["party"], sidebar=list(raw.get("sidebar", [])),
        gold=gold,
    )


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _head(s: str) -> str:
    return s if len(s) <= SNIPPET_MAX else s[:SNIPPET_MAX].rsplit(" ", 1)[0]


def _tail(s: str) -> str:
    return s if len(s) <= SNIPPET_MAX else s[-SNIPPET_MAX:].split(" ", 1)[1]


def gold_of(a: Article, boilerplate: list[str], encoding: str) -> dict:
    """The gold record for a rendered page; raises SourceError when the author's snippets contradict the text."""
    paras = [clean(a.lead)] if a.lead else []
    paras += [clean(b.gold()) if b.kind != "table" else "\n".join(clean(x) for x in b.gold().split("\n"))
              for b in a.blocks]
    text = "\n\n".join(p for p in paras if p)
    ps = [clean(b.text) for b in a.blocks if b.kind == "p"]
    auto = [_head(sentences(ps[0])[0]), _tail(sentences(ps[-1])[-1])]
    must = [clean(s) for s in a.gold.get("must_contain", [])]
    folded = text.casefold()
    for s in must:
        if s not in text:
            raise SourceError(f"{a.slug}: must_contain {s!r} is not in the gold text")
    must_not = [clean(s) for s in a.gold.get("must_not_contain", [])]
    for s in must_not:
        if s.casefold() in folded:
            raise SourceError(f"{a.slug}: must_not_contain {s!r} occurs in the gold text")
    # Boilerplate that happens to occur in the article itself is not a leak: drop it.
    must_not += [c for s in boilerplate if (c := clean(s)) and c.casefold() not in folded]
    summary = {k: a.gold["summary"].get(k) for k in ("new_members", "transfers", "badges")}
    summary["badges_by_years"] = dict(sorted(a.gold["badges_by_years"].items(), key=lambda kv: -int(kv[0])))
    loc = a.gold["locality"]
    return {
        "slug": a.slug, "template": a.template, "url": a.url,
        "http_charset": "windows-1258" if encoding == "windows-1258" else None, "encoding": encoding,
        "title": clean(a.title), "published": a.iso, "author": clean(a.author) or None,
        "source": clean(a.source) or None, "views": a.views, "lead": clean(a.lead) or None, "text": text,
        "must_contain": list(dict.fromkeys(auto + must)), "must_not_contain": list(dict.fromkeys(must_not)),
        "party": a.party, "summary": summary,
        "locality": {k: loc.get(k) for k in ("province", "district", "commune", "era")},
    }


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 as Windows writes it: precomposed letters where the code page has them, otherwise the
    base letter (with circumflex/breve/horn composed) followed by a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))
        out.append(base + "".join(c for c in d if c in _TONE_MARKS))
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def render(a: Article) -> tuple[bytes, dict]:
    page = TEMPLATES[a.template](a, random.Random(a.slug))
    if a.views is not None:  # the view counter's label is boilerplate too, whichever spelling the template used
        shown = unicodedata.normalize("NFC", page.html)
        page.boilerplate += [label for label in VIEW_LABELS if label in shown][:1]
    encoding = "windows-1258" if a.template == "legacy-1258" else "utf-8"
    data = to_cp1258(page.html) if encoding == "windows-1258" else page.html.encode("utf-8")
    return data, gold_of(a, page.boilerplate, encoding)


def gold_json(gold: dict) -> bytes:
    return (json.dumps(gold, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build(write: bool = True, src: Path = SRC) -> tuple[dict[str, tuple[bytes, bytes]], list[str]]:
    """Render every source; returns {slug: (page bytes, gold bytes)} and the list of error lines."""
    out, errors = {}, []
    for path in sorted(src.glob("*.toml")):
        try:
            a = load(path)
            page, gold = render(a)
        except SourceError as e:
            errors.append(str(e))
            continue
        out[a.slug] = (page, gold_json(gold))
    if write:
        PAGES.mkdir(exist_ok=True)
        GOLD.mkdir(exist_ok=True)
        for slug, (page, gold) in out.items():
            for target, data in ((PAGES / f"{slug}.html", page), (GOLD / f"{slug}.json", gold)):
                if not target.exists() or target.read_bytes() != data:
                    target.write_bytes(data)
        sources = {p.stem for p in src.glob("*.toml")}
        for stale in [*PAGES.glob("*.html"), *GOLD.glob("*.json")]:
            if stale.stem not in sources:
                stale.unlink()
    return out, errors


DEFAULT_STYLE = {
    "district-portal": "dd/mm/yyyy hh:mm", "provincial-paper": "thu, dd/mm/yyyy - hh:mm", "party-site": "cap-nhat",
    "table-layout": "ngay-dang", "br-soup": "ngay-thang-nam", "word-paste": "dd/mm/yyyy hh:mm",
    "legacy-1258": "dd/mm/yyyy", "nfd-portal": "dd/mm/yyyy hh:mm", "sharepoint-portal": "dd/mm/yyyy",
    "commune-portal": "none",
}
META_TIME = {"provincial-paper", "party-site", "nfd-portal"}  # templates that also carry the date-time in meta


def main(argv: list[str]) -> int:
    check = "--check" in argv
    out, errors = build(write=not check)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if check:
        stale = [s for s, (page, gold) in out.items()
                 if not (PAGES / f"{s}.html").exists() or (PAGES / f"{s}.html").read_bytes() != page
                 or (GOLD / f"{s}.json").read_bytes() != gold]
        for s in stale:
            print(f"error: {s}: pages/gold on disk are out of date; run python corpus/build.py", file=sys.stderr)
        errors += stale
    counts: dict[str, int] = {}
    for gold in (json.loads(g) for _, g in out.values()):
        counts[gold["template"]] = counts.get(gold["template"], 0) + 1
    print(f"{len(out)} pages rendered ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}); {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
