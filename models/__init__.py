"""Typed records shared by every stage (floor 1: imports nothing of ours).

The public surface is listed in ``__all__``; everything else is private.
"""

from models.errors import (
    DecodeError,
    FetchError,
    InputError,
    NotFoundError,
    PlaceError,
    QueryError,
    StoreError,
    UnsafeAddressError,
    VnnewsError,
)
from models.record import (
    SCHEMA_VERSION,
    Evidence,
    ExtractorInfo,
    Fact,
    FactKind,
    FactPart,
    Locality,
    Period,
    Record,
    Role,
    Summary,
    format_published,
    record_id,
)
from models.text import canonical_url, fold, normalize

__all__ = [
    "SCHEMA_VERSION",
    "DecodeError",
    "Evidence",
    "ExtractorInfo",
    "Fact",
    "FactKind",
    "FactPart",
    "FetchError",
    "InputError",
    "Locality",
    "NotFoundError",
    "Period",
    "PlaceError",
    "QueryError",
    "Record",
    "Role",
    "StoreError",
    "Summary",
    "UnsafeAddressError",
    "VnnewsError",
    "canonical_url",
    "fold",
    "format_published",
    "normalize",
    "record_id",
]
