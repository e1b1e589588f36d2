"""``models.text.fold`` memoised for the short strings extraction folds over and over.

Labels, menu lines, title candidates, bylines and number words recur within a page and across the
pages of a site, and ``fold`` (NFD, a Python-level filter over every character, lower) costs
microseconds each time. Same function, same results; long texts bypass the cache, and the key is
always a plain ``str`` so no parse tree is kept alive by it.
"""

from __future__ import annotations

from functools import lru_cache

from models.text import fold as _fold

_SHORT = 200  # characters; longer strings rarely repeat and would crowd the cache


@lru_cache(maxsize=16384)
def _fold_short(text: str) -> str:
    return _fold(text)


def fold(text: str) -> str:
    """:func:`models.text.fold`, memoised for short strings."""
    if len(text) > _SHORT:
        return _fold(text)
    return _fold_short(text if type(text) is str else str(text))
