"""The bundled corpus, scored field by field against its gold: floors only go up.

Floors are what the extractor achieves today (issue target: >= 0.97 for title, published day,
author, snippets kept and boilerplate dropped). The same run scores trafilatura when it is
installed and asserts we are at least as good on every shared field.
"""

from __future__ import annotations

import pytest

from extractor.evaluate import FIELDS, aggregate, misses, run_ours, run_trafilatura, score_page
from scrapers.inputs import iter_corpus

# Achieved on 87 pages: 1.000 everywhere except author 0.989 (one gold credits "PV" as no author,
# another as "PV"). Floors sit just under that so one new page can miss once, not twice.
FLOORS = {
    "title": 0.985,
    "published_day": 0.985,
    "published_minute": 0.985,
    "author": 0.98,
    "snippets_kept": 0.985,
    "boilerplate_dropped": 0.985,
    "text_f1": 0.99,
}
MIN_PAGES = 40


@pytest.fixture(scope="module")
def pages(corpus_dir):
    found = list(iter_corpus(corpus_dir))
    if len(found) < MIN_PAGES:
        pytest.fail(f"corpus has {len(found)} gold pages, expected >= {MIN_PAGES}")
    return found


def _table(totals: dict[str, dict]) -> str:
    names = list(totals)
    lines = [f"{'field':22}" + "".join(f"{n:>13}" for n in names)]
    for key, label in FIELDS:
        cells = "".join(f"{'-' if totals[n][key] is None else format(totals[n][key], '.3f'):>13}" for n in names)
        lines.append(f"{label:22}{cells}")
    return "\n".join(lines)


def test_corpus_floors_and_trafilatura(pages):
    ours, theirs, why = [], [], []
    try:
        import trafilatura  # noqa: F401
        compare = True
    except ImportError:
        compare = False
    for gp in pages:
        pred = run_ours(gp.body, gp.url, gp.http_charset)
        ours.append(score_page(pred, gp.gold))
        why.extend(f"{gp.slug}: {m}" for m in misses(pred, gp.gold))
        if compare:
            theirs.append(score_page(run_trafilatura(gp.body, gp.url, gp.http_charset), gp.gold))
    totals = {"vnnews": aggregate(ours)}
    if compare:
        totals["trafilatura"] = aggregate(theirs)
    print(f"\n{len(pages)} corpus pages\n" + _table(totals) + "\n" + "\n".join(why))
    for key, floor in FLOORS.items():
        assert totals["vnnews"][key] >= floor, (key, totals["vnnews"][key], why)
    if compare:
        for key, _ in FIELDS:
            assert totals["vnnews"][key] >= totals["trafilatura"][key], key


def test_density_fallback_alone_on_the_corpus(pages, monkeypatch):
    """Every template again, as if none of its container classes were known."""
    import dataclasses

    from extractor import clean

    blind = dataclasses.replace(clean.patterns(), content=())
    monkeypatch.setattr(clean, "patterns", lambda: blind)
    scores = [score_page(run_ours(gp.body, gp.url, gp.http_charset), gp.gold) for gp in pages]
    totals = aggregate(scores)
    assert totals["snippets_kept"] >= 1.0 and totals["boilerplate_dropped"] >= 1.0, totals
    assert totals["text_f1"] >= 0.99, totals
