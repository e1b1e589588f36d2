"""Party-development facts: new members, transfers to full membership, badges, totals.

For every prefiltered sentence (see :mod:`extractor.facts_nlp`) each number is read (digits or words,
with its qualifier), then tied to what it counts (the noun after it: "đảng viên", "quần chúng ưu tú",
but never "hội viên"/"đoàn viên") and to the cue that governs it ("kết nạp", "chuyển Đảng chính
thức", "huy hiệu"), either the nearest cue before it or a passive cue right after it ("89 đảng viên
mới được kết nạp"). Roles, periods, places and breakdowns ("trong đó ...") are decided from the
same sentence, with the article's earlier period phrases as fallback context.

:func:`read_facts` returns the facts ordered by salience (figures the title or lead repeats first,
then text order) and, apart, the figures only the title or lead states; :func:`summarise` relies on
that order and takes both to pick headlines. :func:`find_facts` is the facts alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime

from extractor.facts_nlp import Sentence, engine, fold_same_length, split_sentences
from extractor.facts_summary import place_mentions, summarise
from extractor.numbers import NUMBER_SYLLABLES, parse_digits, parse_words
from extractor.periods import PeriodHit, find_periods
from models.record import Evidence, Fact, FactPart, Locality, Period
from models.text import normalize

__all__ = ["ArticleFacts", "find_facts", "read_facts", "summarise"]

FLOW_KINDS = ("new_members", "transfers", "badges", "candidates_trained")
_STOP = {",", ";", ".", ":", ")", "(", "!", "?", "…", "\"", "“", "”", "-", "–"}
# Syllables allowed between a counted noun and a passive cue after it ("89 đảng viên mới được kết nạp").
_PASSIVE_FILL = {"moi", "duoc", "da", "nhan", "trao", "tang", "vinh", "du", "bi", "dieu", "kien", "xet", "de", "nghi",
                 "uu", "tu", "cua", "toan", "huyen", "tinh", "xa", "nu", "la", "dong", "chi", "dang", "vien",
                 "quyet", "dinh"}
# Cues too common to govern a figure from afar ("Công tác phát triển đảng viên ..., có 5.000 đảng viên").
_TIGHT_CUES = {"phat trien"}
# Syllables allowed between a cue and an objectless count ("kết nạp được 5", "Huy hiệu 40 năm: 15").
_GAP_FILL = {"duoc", "moi", "la", ":", "dat", "da", "them", "cho"}


@dataclass
class _Num:
    i: int  # first syllable (after the qualifier)
    j: int  # end syllable
    value: int
    qualifier: str | None
    qi: int  # first syllable including the qualifier


@dataclass(slots=True)
class ArticleFacts:
    """What :func:`read_facts` finds in one article.

    ``headline_only`` holds figures the title or lead states that the text does not repeat. They are
    no facts of the record (their evidence is not in ``record.text``, so it spans 0..0), but
    :func:`summarise` may take a headline from them, title and lead first.
    """

    facts: list[Fact]
    headline_only: list[Fact]


def read_facts(text: str, *, title: str | None = None, lead: str | None = None,
               published: date | None = None) -> ArticleFacts:
    """The Party-development facts of ``text`` (record.text), title/lead-confirmed figures first,
    plus the figures only the title or lead states."""
    if isinstance(published, datetime):
        published = published.date()
    memo: dict[str, Sentence] = {}  # a lead usually repeats a body sentence: segment it once
    facts = _find(text, published, memo)
    headline_only: list[Fact] = []
    if not (title or lead):
        return ArticleFacts(facts, headline_only)
    echo: set[tuple[str, int, int | None]] = set()
    seen = {(f.kind, f.value, f.badge_years) for f in facts}
    for extra in (title, lead):
        if extra:
            for f in _find(normalize(extra), published, memo):
                key = (f.kind, f.value, f.badge_years)
                echo.add(key)
                if key not in seen:
                    f.evidence = Evidence(start=0, end=0, sentence=f.evidence.sentence)
                    headline_only.append(f)
                    seen.add(key)
    order = {id(f): n for n, f in enumerate(facts)}
    facts.sort(key=lambda f: (0 if (f.kind, f.value, f.badge_years) in echo else 1, order[id(f)]))
    return ArticleFacts(facts, headline_only)


def find_facts(text: str, *, title: str | None = None, lead: str | None = None,
               published: date | None = None) -> list[Fact]:
    """The facts of :func:`read_facts` alone, for callers that need no headline (a plain list)."""
    return read_facts(text, title=title, lead=lead, published=published).facts


def _find(text: str, published: date | None, memo: dict[str, Sentence]) -> list[Fact]:
    facts: list[Fact] = []
    if not text:
        return facts
    eng = engine()
    folded = fold_same_length(text)
    hits: list[PeriodHit] | None = None  # read on the first sentence that may hold a fact
    inherited: set[int] = set()
    for s, e in split_sentences(text):
        if not eng.wanted(folded[s:e]):
            continue
        if hits is None:
            hits = find_periods(folded, text, published)
        sent = eng.parse(text, s, e, memo)
        facts.extend(_sentence_facts(sent, hits, published, facts[-12:], inherited))
    _mark_previous(facts, inherited, published)
    return facts


# --- per sentence -------------------------------------------------------------------------------------


def _sentence_facts(sent: Sentence, hits: list[PeriodHit], published: date | None, history: list[Fact],
                    inherited: set[int]) -> list[Fact]:
    eng = engine()
    by_start: dict[int, list[tuple[str, int]]] = {}
    by_end: dict[int, list[tuple[str, int]]] = {}
    for label, s, e in sent.matches:
        by_start.setdefault(s, []).append((label, e))
        by_end.setdefault(e, []).append((label, s))
    nums = _numbers(sent, by_end, by_start)
    if not nums:
        return []
    cues = [(s, e, label.split(":")[1]) for label, s, e in sent.matches if label.startswith("cue:")]
    breakdowns = [s for label, s, _e in sent.matches if label == "breakdown"]
    has_badge_cue = any(k == "badges" for _s, _e, k in cues)
    mentions = place_mentions(sent)
    party_ctx: bool | None = None  # "đảng" said in the sentence; read only for new-member counts

    tiers: dict[int, int] = {}  # syllable index of a tier number -> years
    skip: set[int] = set()  # numbers that only name tiers: lists and ranges ("30, 40, 45 ... 70 năm")
    for n, num in enumerate(nums):
        if not _is_tier(sent, num, by_start, has_badge_cue, eng.tiers):
            continue
        # Walk back over "30, 40, ..., 65, 70 năm" / "từ 30 đến 65 năm": a list or range of tiers.
        k, chain = n, []
        while k > 0 and nums[k - 1].value in eng.tiers and nums[k - 1].j < num.i and all(
                x in (",", "va", "den", "-", "–", "toi") for x in sent.sylls[nums[k - 1].j:nums[k].qi]):
            chain.append(nums[k - 1].i)
            k -= 1
        after = sent.sylls[num.j + 1:num.j + 3]
        if chain or after in (["tro", "len"], ["tro", "xuong"]):
            skip.update(chain + [num.i])
            continue
        tiers[num.i] = num.value

    out: list[Fact] = []
    used_tiers: set[int] = set()
    # A sentence opening with "Trong đó"/"Trong số đảng viên mới kết nạp" breaks down an earlier fact.
    opens_bd = bool(breakdowns) and breakdowns[0] == 0
    for num in nums:
        if num.i in tiers or num.i in skip:
            continue
        obj = _object(sent, num.j, by_start)
        if obj and obj[0] == "unit":
            continue
        in_bd = _after_breakdown(num, breakdowns)
        if obj and obj[0] == "reject" and _into_party(sent, obj[1]):
            obj = ("person", obj[1])  # "89 đoàn viên được kết nạp vào Đảng"
        if obj and obj[0] == "reject":
            if not in_bd:
                continue  # "kết nạp 120 hội viên": a mass organisation, not the Party
            obj = ("part", obj[1])
        kind, cue_span = _governing(sent, num, obj, cues, by_start)
        if cue_span is not None and cue_span[1] <= num.qi and " ".join(sent.sylls[cue_span[0]:cue_span[1]]) in \
                _TIGHT_CUES and not _tight(sent, cue_span, num):
            kind, cue_span = None, None  # "phát triển" governs only the figure right after it
        tier = _tier_of(sent, num, tiers) if obj and obj[0] in ("person", "badge") else None
        if tier is not None:
            kind = "badges"
        place_at, place = _place_for(num, mentions, sent)
        if in_bd and num.qi >= 2 and sent.sylls[num.qi - 2:num.qi] == ["trong", "so"]:
            continue  # "Trong số 9 đảng viên mới kết nạp có ...": the total restated
        # A breakdown part qualifies the fact before it unless it names a place, has a cue of another
        # kind after "trong đó", or is a badge tier.
        own_cue = cue_span is not None and cue_span[0] >= in_bd - 1
        if in_bd and place_at < in_bd - 1:
            place = None  # named before "trong đó": the parent's place, the part gets none of its own
        if in_bd and place is None and tier is None and kind != "ignore":
            owner = _owner(out, history if opens_bd else [], kind if own_cue else None, sent.start)
            if owner is not None and (not own_cue or owner.kind == kind):
                if obj is not None and obj[0] in ("person", "part"):
                    label = _part_label(sent, num.j)
                    if label:
                        owner.parts.append(FactPart(label=label, value=num.value, qualifier=num.qualifier))
                continue
        if cue_span is not None and cue_span[1] <= num.qi and any(
                label == "object:reject" and cue_span[1] <= s0 and e0 <= num.qi for label, s0, e0 in sent.matches):
            continue  # "nâng tổng số hội viên lên 9.312 người": the count is of another body
        if kind is None and not in_bd and obj is not None and obj[0] in ("org", "person") and _has_before(
                sent, num, {"co", "gom", "voi"}) and sent.sylls[obj[1] - 2:obj[1]] in (["dang", "vien"], ["chi", "bo"]) \
                or (obj is not None and obj[0] == "org" and kind is None and _has_before(sent, num, {"co", "gom"})):
            kind = "party_members_total"  # "Đảng bộ có 09 chi bộ với 104 đảng viên"; orgs below
        if kind in (None, "party_members_total") and obj is not None and obj[0] == "person" and \
                sent.sylls[obj[1]:obj[1] + 1] == ["moi"] and any(c[2] == "new_members" for c in cues):
            kind = "new_members"  # "..., với tổng số 35 đảng viên mới"
        if kind is None or kind == "ignore":
            continue
        if any(o.lower() in ("nếu", "đủ") for o in sent.orig[max(0, num.qi - 3):num.qi]):
            continue  # a condition, not a count: "nếu có đủ ba đảng viên chính thức trở lên"
        if obj is None:
            # Objectless counts only right after their cue, or in a per-place breakdown.
            if not (_tight(sent, cue_span, num) or (place is not None and in_bd)) or not _ends_clause(sent, num.j):
                continue
        elif obj[0] == "org":
            if kind in FLOW_KINDS or (not _has_before(sent, num, {"co", "gom", "so", "voi"})
                                      and kind != "party_members_total"):
                continue  # "3 chi bộ kết nạp được đảng viên": branches are not admitted
            kind = "party_orgs_total"
        elif obj[0] == "badge":
            if kind != "badges":
                kind = "badges"
        elif obj[0] == "part":
            continue
        if kind == "new_members":
            if party_ctx is None:
                party_ctx = any(o.lower().startswith("đảng") for o in sent.orig)
            if not party_ctx:
                continue
        if kind == "badges" and obj is not None and obj[0] not in ("person", "badge"):
            continue
        years = None
        if kind == "badges" and tier is not None:
            years = tiers[tier]
            used_tiers.add(tier)
        end_syl = obj[1] if obj else num.j
        start_syl = cue_span[0] if cue_span and cue_span[0] < num.qi and num.qi - cue_span[1] <= 8 else num.qi
        if years is not None:  # the evidence shows the tier too: "70 năm: 3 đồng chí", "64 ... tròn 70 năm"
            start_syl, end_syl = min(start_syl, tier), max(end_syl, min(tier + 2, len(sent.sylls)))
        fact = Fact(kind=kind, value=num.value, qualifier=num.qualifier, badge_years=years,
                    evidence=Evidence(start=sent.starts[start_syl], end=sent.ends[end_syl - 1], sentence=sent.text),
                    place=Locality(mention=place) if place else None)
        _period_and_role(fact, sent, num, hits, published, by_end, by_start, inherited)
        out.append(fact)
    out.extend(_single_badges(sent, tiers, used_tiers, by_start, hits, published, inherited, mentions))
    return out


def _into_party(sent: Sentence, k: int) -> bool:
    """Whether the clause after a mass-organisation noun says its members were admitted into the Party."""
    _lo, hi = _segment(sent, k)
    words = sent.orig[k:hi]
    return any(words[x].lower() == "vào" and words[x + 1] == "Đảng" for x in range(len(words) - 1)) and any(
        label == "cue:new_members" and k <= s0 < hi for label, s0, _e in sent.matches)


def _owner(out: list[Fact], history: list[Fact], kind: str | None, sent_start: int) -> Fact | None:
    """The fact a breakdown qualifies: the last actual one (of the cue's kind) in this sentence,
    else, for a sentence opening with the breakdown, in the sentences just before."""
    for pool in (out, [f for f in history if sent_start - f.evidence.end < 600]):
        for f in reversed(pool):
            if (kind is None or f.kind == kind) and f.role == "actual" and f.badge_years is None:
                return f
    return None


_EN_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def _numbers(sent: Sentence, by_end: dict, by_start: dict) -> list[_Num]:
    """Numbers of the sentence that could be counts: not dates, ratios, years or decimals."""
    out: list[_Num] = []
    sy = sent.sylls
    n = len(sy)
    i = 0
    while i < n:
        s = sy[i]
        value: int | None = None
        j = i + 1
        if s[0].isdigit():
            prev = sy[i - 1] if i else ""
            nxt = sy[i + 1] if i + 1 < n else ""
            nxt2 = sy[i + 2] if i + 2 < n else ""
            glued_prev = i and sent.starts[i] == sent.ends[i - 1]
            glued_next = i + 1 < n and sent.ends[i] == sent.starts[i + 1]
            if (prev in ("/", "-") and glued_prev) or (nxt in ("/", "-") and glued_next and nxt2[:1].isdigit()):
                value = None  # dates and ratios: 25/32, 7-11, 1/2/2023
            elif "," in s:
                # Decimals ("90,26%") are no counts; "1,234 đảng viên" is an English-style thousands
                # separator, since a count of people has no fraction.
                obj = _object(sent, i + 1, by_start)
                value = int(s.replace(",", "")) if _EN_THOUSANDS.match(s) and obj and obj[0] in (
                    "person", "badge") else None
            else:
                value = parse_digits(s)
                if value is not None and 1900 <= value <= 2100 and "." not in s:
                    value = None  # a year
        elif s in NUMBER_SYLLABLES and (i == 0 or sy[i - 1] not in NUMBER_SYLLABLES):
            k = i
            while k < n and sy[k] in NUMBER_SYLLABLES:
                k += 1
            while k > i:
                v = parse_words(sy[i:k])
                if v is not None:
                    break
                k -= 1
            if k > i:
                lone_ambiguous = k - i == 1 and s in ("nam", "mot", "tu", "ba", "tram", "bon", "sau", "tam")
                obj = _object(sent, k, by_start)
                if lone_ambiguous and not (obj and obj[0] in ("person", "badge", "org")):
                    v = None
                if k - i == 1 and s == "mot" and k < n and sy[k] == "so":
                    v = None
                # Only a number word that starts a word counts ("ba", not the "ba" of "thứ ba"). Asked
                # last, where the answer changes the outcome: it may cost a segmentation.
                if (v is not None or k > i + 1) and sent.word_start[i]:
                    value, j = v, k
        if value is not None:
            qual, qi = None, i
            for label, qs in by_end.get(i, []):
                if label == "qualifier":
                    qual, qi = sent.span_text(qs, i), qs
            out.append(_Num(i, j, value, qual, qi))
        i = max(j, i + 1)
    return out


def _object(sent: Sentence, k: int, by_start: dict) -> tuple[str, int] | None:
    """What the number before syllable k counts: (kind of object, end syllable), or None."""
    best: tuple[str, int] | None = None
    for label, e in by_start.get(k, []):
        if label.startswith("object:") and (best is None or e > best[1]):
            best = (label.split(":")[1], e)
        elif label == "unit" and (best is None or e > best[1]):
            best = ("unit", e)
    return best


def _is_tier(sent: Sentence, num: _Num, by_start: dict, has_badge_cue: bool, tiers: set[int]) -> bool:
    if num.value not in tiers or num.j >= len(sent.sylls):
        return False
    nxt = sent.sylls[num.j:num.j + 3]
    if nxt[:2] == ["tuoi", "dang"]:
        return True
    if nxt[:1] != ["nam"]:
        return False
    return nxt[1:3] == ["tuoi", "dang"] or (has_badge_cue and nxt[1:2] != ["qua"])


def _tier_of(sent: Sentence, num: _Num, tiers: dict[int, int]) -> int | None:
    """The tier marker in the same segment as the count ("70 năm: 3 đồng chí"), nearest first."""
    lo, hi = _segment(sent, num.qi, _TIER_STOPS)
    # "Huy hiệu 70 năm: 3 đồng chí" pairs across a colon; "cho 9 đảng viên: Huy hiệu 75 năm ..." does not.
    inside = [t for t in tiers if lo <= t < hi
              and not (t > num.i and ":" in sent.sylls[num.i:t])]
    if not inside:
        return None
    return min(inside, key=lambda t: abs(t - num.i))


_TIER_STOPS = frozenset({",", ";", ".", "va"})


def _segment(sent: Sentence, i: int, stops: frozenset[str] = frozenset({",", ";", ":", "."})) -> tuple[int, int]:
    lo = i
    while lo > 0 and sent.sylls[lo - 1] not in stops:
        lo -= 1
    hi = i
    while hi < len(sent.sylls) and sent.sylls[hi] not in stops:
        hi += 1
    return lo, hi


def _governing(sent: Sentence, num: _Num, obj: tuple[str, int] | None, cues: list, by_start: dict
               ) -> tuple[str | None, tuple[int, int] | None]:
    """The cue governing a number: a passive cue right after its noun, else the nearest before it."""
    if obj is not None:
        k = num.j
        while k < len(sent.sylls) and k - obj[1] <= 5:
            here = [(label, e) for label, e in by_start.get(k, []) if label.startswith("cue:")]
            if here:
                label, e = max(here, key=lambda x: x[1])
                return label.split(":")[1], (k, e)
            if k >= obj[1] and sent.sylls[k] not in _PASSIVE_FILL:
                break
            k += 1
    if obj is not None and obj[0] == "person" and sent.sylls[obj[1] - 2:obj[1]] == ["du", "bi"]:
        # "60 đảng viên dự bị đã được Ban Thường vụ xét, công nhận đảng viên chính thức"
        _lo, hi = _segment(sent, obj[1], frozenset({";", "."}))
        later = [c for c in cues if obj[1] <= c[0] < hi and c[2] == "transfers"]
        if later:
            return "transfers", (later[0][0], later[0][1])
    # A cue before a ":" governs only figures close to it ("Huy hiệu 40 năm tuổi Đảng: 15 đồng chí"),
    # not a new statement after it ("... báo cáo đánh giá ...: toàn huyện có 09 chi bộ").
    colons = [k for k in range(num.qi) if sent.sylls[k] == ":"]
    before = [c for c in cues if c[1] <= num.qi and not any(c[1] <= k and num.qi - c[1] > 6 for k in colons)]
    if not before:
        return None, None
    s, e, kind = max(before, key=lambda c: (c[1], c[1] - c[0]))
    return kind, (s, e)


def _tight(sent: Sentence, cue_span: tuple[int, int] | None, num: _Num) -> bool:
    if cue_span is None or cue_span[1] > num.qi:
        return False
    gap = sent.sylls[cue_span[1]:num.qi]
    return len(gap) <= 3 and all(g in _GAP_FILL for g in gap)


def _ends_clause(sent: Sentence, j: int) -> bool:
    return j >= len(sent.sylls) or sent.sylls[j] in _STOP or sent.sylls[j] in ("va", "trong", "tang", "giam", "dat")


def _has_before(sent: Sentence, num: _Num, words: set[str]) -> bool:
    return any(s in words for s in sent.sylls[max(0, num.qi - 3):num.qi])


def _after_breakdown(num: _Num, breakdowns: list[int]) -> int:
    """Index of the breakdown cue ("trong đó") the number follows, or 0."""
    before = [b for b in breakdowns if b < num.qi]
    return max(before) + 1 if before else 0


def _part_label(sent: Sentence, j: int) -> str | None:
    k = j
    while k < len(sent.sylls) and sent.sylls[k] not in _STOP and sent.sylls[k] != "va" and k - j < 8 \
            and not sent.sylls[k][0].isdigit():
        k += 1
    return sent.span_text(j, k) if k > j else None


def _place_for(num: _Num, mentions: list[tuple[int, int, str]], sent: Sentence) -> tuple[int, str | None]:
    """(first syllable, text) of the place named nearest before the number in its clause (";" bounds a
    clause), or (-1, None)."""
    lo, _hi = _segment(sent, num.qi, frozenset({";"}))
    best, best_at = None, -1
    group_end = -10
    for s, e, text in mentions:
        if lo <= s and e <= num.qi:
            # "xã Trung Kênh (huyện Lương Tài)", "xã Gia Bình, tỉnh Bắc Ninh": the parent unit only
            # locates the first one.
            joined = all(x in (",", "(", ")", "-", "thuoc") for x in sent.sylls[group_end:s]) and s - group_end <= 2
            if not (best is not None and joined):
                best, best_at = text, s
            group_end = e
    return best_at, best


# --- roles and periods -----------------------------------------------------------------------------------


def _period_and_role(fact: Fact, sent: Sentence, num: _Num, hits: list[PeriodHit], published: date | None,
                     by_end: dict, by_start: dict, inherited: set[int]) -> None:
    pos = sent.starts[num.qi]
    first = bisect_left(hits, sent.start, key=lambda h: h.start)
    seg_lo, _seg_hi = _segment(sent, num.qi, frozenset({",", ";", "("}))
    seg_start = sent.starts[seg_lo] if seg_lo < len(sent.starts) else sent.start
    inside = []
    for h in hits[first:]:
        if h.start >= sent.end:
            break
        # A yardstick period ("so với năm 2022") dates only the figures in its own segment.
        if h.end <= sent.end and (not h.reference or h.start >= seg_start):
            inside.append(h)
    before = [h for h in inside if h.end <= pos]
    hit: PeriodHit | None = before[-1] if before else None
    if hit is None:
        lo, hi = _segment(sent, num.qi)
        seg_end = sent.ends[hi - 1] if hi > 0 else sent.end
        after = [h for h in inside if h.start >= pos and h.end <= seg_end]
        hit = after[0] if after else None
    carried = False
    if hit is None:
        hit = next((h for h in reversed(hits[:first])
                    if h.end <= sent.start and h.span != "previous" and not h.reference), None)
        carried = hit is not None
    if hit is not None:
        fact.period = Period(start=hit.period.start, end=hit.period.end, label=hit.period.label)
        if carried:
            inherited.add(id(fact))
    if fact.kind not in FLOW_KINDS:
        fact.role = "target" if _target_mode(sent, num) else "actual"
        return
    # Comparison: "tăng 10 đảng viên so với ...".
    lo, _hi = _segment(sent, num.qi)
    if any(label == "role:comparison_before" and lo <= e0 <= num.qi and (num.qi - e0 <= 1 or all(
            x in _YARDSTICK for x in sent.sylls[e0:num.qi])) for label, _s0, e0 in sent.matches):
        fact.role = "comparison"
        return
    if _target_mode(sent, num):
        fact.role = "target"
        return
    if hit is not None and (hit.span == "previous" or hit.reference) and not carried:
        fact.role = "previous"
    elif (hit is not None and hit.span == "cumulative") or any(
            label == "role:cumulative" for label, _s, e in sent.matches if e <= num.qi):
        fact.role = "cumulative"
    elif published and fact.period and fact.period.start and fact.period.start > published and not carried:
        fact.role = "target"


# Words allowed between "tăng"/"nhiều hơn" and its figure: "nhiều hơn năm trước 9 đảng viên".
_YARDSTICK = {"nam", "truoc", "ngoai", "cung", "ky", "so", "voi", "thang", "quy"}


def _target_mode(sent: Sentence, num: _Num) -> bool:
    """Scan the sentence up to the number: target cues switch to plan mode, result cues switch back."""
    # Checked with diacritics: "đạt 111% kế hoạch" measures a result, "đặt mục tiêu" sets a target.
    not_before = engine().not_target_before
    events = sorted((s, label) for label, s, _e in sent.matches
                    if label in ("role:target", "role:actual_reset") and s < num.qi)
    mode = False
    resets = [k for k in range(num.qi) if sent.sylls[k] in (";", ")")]
    events = sorted(events + [(k, "reset") for k in resets])
    for s, label in events:
        if label == "reset":
            mode = False
            continue
        if label == "role:actual_reset":
            if sent.sylls[s] == "da" and s + 1 < len(sent.sylls) and sent.sylls[s + 1] in ("de", "giao", "dang"):
                continue
            mode = False
        else:
            prev = [o.lower() for o in sent.orig[max(0, s - 2):s]]
            if any(p in not_before or p.endswith("%") for p in prev):
                continue
            mode = True
    return mode


def _mark_previous(facts: list[Fact], inherited: set[int], published: date | None) -> None:
    """An actual figure for a period that ended before another stated period began is a previous one."""
    for kind in FLOW_KINDS:
        dated = [f for f in facts if f.kind == kind and f.role == "actual" and id(f) not in inherited
                 and f.period and f.period.start and f.period.end
                 and (published is None or f.period.start <= published)]
        if len(dated) < 2:
            continue
        latest = max(f.period.start for f in dated)  # type: ignore[union-attr]
        for f in dated:
            if f.period.end < latest:  # type: ignore[union-attr,operator]
                f.role = "previous"


# --- badges awarded to one named person --------------------------------------------------------------------

_NAME_WORD = re.compile(r"^[A-ZĐÀ-ỸẠ-Ỹ][^\W\d_]*$")


def _single_badges(sent: Sentence, tiers: dict[int, int], used: set[int], by_start: dict, hits, published,
                   inherited, mentions) -> list[Fact]:
    """Tier markers without a count: an award to one named person ("cho cụ Phan Ngọc Bích") counts 1."""
    out: list[Fact] = []
    for t, years in tiers.items():
        if t in used:
            continue
        lo, hi = _segment(sent, t, frozenset({";", ":", "."}))
        name = None
        single = any(label == "single" for label, s, e in sent.matches if lo <= s < hi)
        # Recipient after "cho", else the person before the award in the sentence.
        for k in range(t, hi):
            if sent.sylls[k] == "cho":
                name = _name_after(sent, k + 1, hi)
                break
        if name is None:
            for k in range(t - 1, lo - 1, -1):
                name = _name_after(sent, k, t, strict=True)
                if name and _STRONG_TITLES & {" ".join(sent.sylls[k:e]) for lb, s, e in sent.matches
                                             if lb == "title" and s == k}:
                    break
            else:
                name = None
            if name is None:
                for k in range(t - 1, lo - 1, -1):
                    name = _name_after(sent, k, t, strict=True)
                    if name:
                        break
        if name is None and not single:
            continue
        fact = Fact(kind="badges", value=1, badge_years=years,
                    evidence=Evidence(start=sent.starts[t], end=sent.ends[min(t + 1, len(sent.sylls) - 1)],
                                      sentence=sent.text),
                    parts=[FactPart(label=name or "người duy nhất", value=1)])
        num = _Num(t, t + 1, years, None, t)
        _period_and_role(fact, sent, num, hits, published, {}, by_start, inherited)
        out.append(fact)
    return out


_STRONG_TITLES = {"ong", "ba", "cu", "dong chi", "d / c", "cu ong", "cu ba"}


def _name_after(sent: Sentence, k: int, hi: int, strict: bool = False) -> str | None:
    """A personal name after a title at syllable k ("ông Lê Thanh Hải", "nguyên Tổng bí thư Lê Khả Phiêu",
    "cụ Bích"). Without a title (``strict`` off) a name must start with a common surname."""
    start, strong, titled = k, False, False
    while True:
        here = [(e, " ".join(sent.sylls[s:e])) for label, s, e in sent.matches if label == "title" and s == start]
        if not here:
            break
        e, words = max(here)
        strong = strong or words in _STRONG_TITLES
        titled = True
        start = e
    if strict and not titled:
        return None
    m = start
    while m < min(hi, len(sent.orig)) and _NAME_WORD.match(sent.orig[m]) and m - start < 4:
        m += 1
    if m == start:
        return None
    if not (strong and m - start >= 1) and not (m - start >= 2 and sent.sylls[start] in _SURNAMES):
        return None
    return sent.span_text(start, m)


_SURNAMES = {"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
             "duong", "ly", "dinh", "truong", "luong", "dao", "mai", "cao", "to", "ta", "ha", "lam", "trinh", "quach",
             "vuong", "kieu", "thai", "luu", "phung", "trieu", "hua", "doan", "tang", "chau", "la", "dam", "mac",
             "nong", "thach", "kim", "lo", "lu", "tong", "khuat", "giang", "van", "au", "ong", "ton", "nghiem"}
