"""Floor 2: pure extraction. Bytes in, :class:`models.Record` out; no I/O, no database.

Stages, one module each: decode -> clean -> meta -> facts (numbers, patterns) -> places,
orchestrated by :mod:`extractor.pipeline`.
"""

from extractor.pipeline import EXTRACTOR_VERSION, extract

__all__ = ["EXTRACTOR_VERSION", "extract"]
