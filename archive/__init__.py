"""Floor 2: the archive. Stores and queries Records in SQLite; never calls the extractor.

``Archive`` is the storage interface (a PostgreSQL backend can implement the same methods later);
``Filters`` restricts search, stats and export. Schema: docs/archive-schema.md.
"""

from archive.filters import Filters
from archive.search import Hit, SearchResult
from archive.stats import StatsResult
from archive.store import Archive

__all__ = ["Archive", "Filters", "Hit", "SearchResult", "StatsResult"]
