"""Headline figures of an article, and the place mentions facts are tied to.

The headline for a kind is the actual figure for the article's subject place and current period:
never a target, a previous-year, a cumulative-term or a comparison figure, and never a per-commune
breakdown of a district article. Facts arrive ordered by salience (title/lead-confirmed first), so
the first eligible fact wins; figures only the title or lead states come before them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from extractor.facts_nlp import Sentence, engine, syllables
from models.record import Fact, Locality, Summary
from models.text import fold

_LEVELS = {"province": 0, "district": 1, "commune": 2}


@cache
def _keywords() -> tuple[list[tuple[tuple[str, ...], str, str]], frozenset[str],
                         dict[str, list[tuple[tuple[str, ...], str, str]]]]:
    """Place keywords as folded syllable tuples with their level, longest first (also by first syllable)."""
    data = engine().data["places"]
    out = []
    for level in ("commune", "district", "city", "province"):
        for kw in data[level]:
            out.append((tuple(syllables(kw)), level, kw.lower()))
    out.sort(key=lambda x: -len(x[0]))
    cities = frozenset(fold(c) for c in data["province_cities"])
    first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for item in out:
        first.setdefault(item[0][0], []).append(item)
    return out, cities, first


def _keyword_at(sent: Sentence, k: int) -> tuple[int, str] | None:
    kws = _keywords()[2].get(sent.sylls[k])
    if not kws:
        return None
    for sylls, level, kw in kws:
        e = k + len(sylls)
        if tuple(sent.sylls[k:e]) != sylls:
            continue
        # One-letter abbreviations ("H.", "P.", "Q.") only in capitals; words in any case but with
        # their diacritics ("quận", not the "quan" of "cơ quan").
        if len(kw) <= 3 and kw.endswith("."):
            if not sent.orig[k][:1].isupper():
                continue
        elif " ".join(o.lower() for o in sent.orig[k:e]).replace(" ,", ",") != kw:
            continue
        return e, level
    return None


def place_mentions(sent: Sentence) -> list[tuple[int, int, str]]:
    """Administrative-unit mentions in a sentence: (first syllable, end syllable, text)."""
    out: list[tuple[int, int, str]] = []
    n = len(sent.sylls)
    starts = _keywords()[2]
    k = 0
    while k < n:
        hit = _keyword_at(sent, k) if sent.sylls[k] in starts else None  # most syllables start no keyword
        if hit is None:
            k += 1
            continue
        e, _level = hit
        chained = _keyword_at(sent, e) if e < n else None
        while chained is not None:
            e = chained[0]
            chained = _keyword_at(sent, e) if e < n else None
        m = e
        while m < n and m - e < 4 and (sent.orig[m][:1].isupper() or (m == e and sent.orig[m].isdigit())):
            m += 1
            if sent.orig[m - 1].isdigit():
                break
        if m > e:
            out.append((k, m, sent.span_text(k, m)))
            k = m
        else:
            k = e
    return out


def mention_level(mention: str) -> tuple[str | None, str]:
    """(level, folded name) of an unresolved mention, from its unit keyword."""
    kws, cities, _first = _keywords()
    sylls = syllables(mention)
    level: str | None = None
    k = 0
    progressed = True
    while progressed:
        progressed = False
        for kw, lvl, _text in kws:
            if tuple(sylls[k:k + len(kw)]) == kw:
                k += len(kw)
                level = lvl
                progressed = True
                break
    name = " ".join(s for s in sylls[k:] if s != ".")
    if level == "city":
        level = "province" if name in cities or name.replace(" ", "") in {c.replace(" ", "") for c in cities} \
            else "district"
    return level, name


def _about_subject(f: Fact, locality: Locality | None) -> bool | None:
    """True/False when decidable against the subject locality; None when the fact names no place."""
    place = f.place
    if place is None or (place.mention is None and place.level is None):
        return None
    if locality is None or locality.level is None:
        return False
    subj_level = locality.level
    if place.level is not None:
        if place.level != subj_level:
            return False
        if place.code and locality.code:
            return place.code == locality.code
        return fold(getattr(place, subj_level) or "") == fold(getattr(locality, subj_level) or "")
    level, name = mention_level(place.mention or "")
    if level != subj_level:
        return False
    subj_name = fold(getattr(locality, subj_level) or "")
    initials = "".join(w[0] for w in subj_name.split())
    return bool(name) and (name == subj_name or name.replace(" ", "") in (subj_name.replace(" ", ""), initials))


def _eligible(facts: list[Fact], locality: Locality | None) -> list[Fact]:
    out = []
    for f in facts:
        if f.role != "actual":
            continue
        about = _about_subject(f, locality)
        if about is None or about:
            out.append(f)
    if locality is None or locality.level is None:
        # Unknown subject: facts naming no place, else those naming the coarsest level named.
        unplaced = [f for f in facts if f.role == "actual" and f.place is None]
        placed = [f for f in facts if f.role == "actual" and f.place is not None]
        if placed:
            levels = [mention_level(f.place.mention or "")[0] if f.place.level is None else f.place.level
                      for f in placed]
            ranks = [_LEVELS.get(lv or "", 9) for lv in levels]
            best = min(ranks)
            coarse = [f for f, r in zip(placed, ranks, strict=True) if r == best]
        else:
            coarse = []
        keep = {id(f) for f in unplaced} | {id(f) for f in coarse}
        out = [f for f in facts if id(f) in keep]
    return out


def _is_single(f: Fact) -> bool:
    return f.value == 1 and len(f.parts) == 1 and f.parts[0].value == 1 and f.badge_years is not None


def summarise(facts: Sequence[Fact], locality: Locality | None, *, headline_only: Sequence[Fact] = ()) -> Summary:
    """Headline figure per kind, from facts ordered by salience and the figures only the title or lead
    states (both from :func:`extractor.facts.read_facts`); without ``headline_only`` only the text counts."""
    ok = _eligible([*headline_only, *facts], locality)
    summary = Summary()
    for kind in ("new_members", "transfers"):
        first = next((f for f in ok if f.kind == kind), None)
        setattr(summary, kind, first.value if first else None)
    badges = [f for f in ok if f.kind == "badges"]
    totals = [f for f in badges if f.badge_years is None]
    tiered = [f for f in badges if f.badge_years is not None and not _is_single(f)]
    singles = [f for f in badges if _is_single(f)]
    by_years: dict[str, int] = {}
    if totals:
        total = totals[0]
        summary.badges = total.value
        after = sorted((f for f in tiered if f.evidence.start > total.evidence.start), key=lambda f: f.evidence.start)
        group = _first_run(after) or _first_run(sorted(tiered, key=lambda f: f.evidence.start))
        if group:
            for f in group:
                by_years.setdefault(str(f.badge_years), f.value)
            _add_singles(by_years, group, singles)
        else:
            for f in _distinct_people(singles):
                by_years[str(f.badge_years)] = by_years.get(str(f.badge_years), 0) + 1
    elif tiered:
        group = _first_run(sorted(tiered, key=lambda f: f.evidence.start))
        for f in group:
            by_years.setdefault(str(f.badge_years), f.value)
        _add_singles(by_years, group, singles)
        summary.badges = sum(by_years.values())
    elif singles:
        people = _distinct_people(singles)
        for f in people:
            by_years[str(f.badge_years)] = by_years.get(str(f.badge_years), 0) + 1
        summary.badges = len(people)
    summary.badges_by_years = dict(sorted(by_years.items(), key=lambda kv: -int(kv[0])))
    return summary


def _add_singles(by_years: dict[str, int], group: list[Fact], singles: list[Fact]) -> None:
    """Named recipients listed in the same sentence as tier counts ("40 năm cho đồng chí A và 30 năm cho
    5 đồng chí") join the tiers, unless their tier already has a count."""
    sentences = {f.evidence.sentence for f in group}
    for f in _distinct_people([f for f in singles if f.evidence.sentence in sentences]):
        if str(f.badge_years) not in by_years:
            by_years[str(f.badge_years)] = 1


def _first_run(tiered: list[Fact]) -> list[Fact]:
    """The first group of tier facts standing together (no more than two sentences apart)."""
    run: list[Fact] = []
    for f in tiered:
        if run and f.evidence.start - run[-1].evidence.end > 600:
            break
        run.append(f)
    return run


def _distinct_people(singles: list[Fact]) -> list[Fact]:
    """One fact per person: "Phan Ngọc Bích" and "cụ Bích" are the same given name."""
    seen: set[str] = set()
    out = []
    named = [f for f in singles if f.parts[0].label != "người duy nhất"]
    for f in named or singles[:1]:
        key = fold(f.parts[0].label).split()[-1] if f.parts[0].label else ""
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out
