"""The Record: the one contract between crawler, extractor, archive and service.

Field names and meanings are part of the public JSON format (JSON Lines output, JSON Schema,
archive, HTTP API). Changing one means bumping ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.text import canonical_url

SCHEMA_VERSION = "1.0"
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

FactKind = Literal[
    "new_members",
    "transfers",
    "badges",
    "party_members_total",
    "party_orgs_total",
    "candidates_trained",
]
Role = Literal["actual", "target", "previous", "cumulative", "comparison"]
Level = Literal["province", "district", "commune"]
Era = Literal["pre2025", "post2025"]

_PUBLISHED = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?\+07:00)?$")


def format_published(value: datetime | date | None) -> str | None:
    """ISO 8601 in Vietnam time: ``2023-11-28T16:01:00+07:00``, or ``2023-11-28`` for a bare day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def record_id(url: str | None, content_sha256: str) -> str:
    """Stable id: from the canonical URL when there is one, else from the content bytes."""
    key = canonical_url(url) if url else f"sha256:{content_sha256}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a fact stands: char offsets into ``Record.text`` and the sentence holding it."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class Period(_Model):
    start: date | None = None
    end: date | None = None
    label: str | None = Field(None, description='As written, e.g. "từ đầu năm 2023 đến nay"')


class Locality(_Model):
    """A unit of the administrative map, with its parents. Names are short names ("Gia Bình")."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    level: Level | None = None
    code: str | None = Field(None, description="Official code of the most specific unit, valid in `era`")
    era: Era | None = None
    province_code: str | None = None
    district_code: str | None = None
    mention: str | None = Field(None, description="The text that named the place, when one did")


class FactPart(_Model):
    """A breakdown of a fact: "trong đó có 35 đảng viên nữ" -> label "đảng viên nữ", value 35."""

    label: str
    value: int
    qualifier: str | None = None


class Fact(_Model):
    kind: FactKind
    value: int = Field(ge=0)
    qualifier: str | None = Field(None, description='"hơn", "gần", "khoảng", ... when the figure is approximate')
    badge_years: int | None = Field(None, description="Badge tier (30..90 years) for kind=badges")
    role: Role = "actual"
    period: Period | None = None
    place: Locality | None = None
    evidence: Evidence
    parts: list[FactPart] = Field(default_factory=list)


class Summary(_Model):
    """Headline figures: the actual figure for the article's subject place and current period."""

    new_members: int | None = None
    transfers: int | None = None
    badges: int | None = None
    badges_by_years: dict[str, int] = Field(default_factory=dict)


class ExtractorInfo(_Model):
    name: str = "vnnews"
    version: str


class Record(_Model):
    schema_version: str = SCHEMA_VERSION
    id: str
    url: str | None = None
    site: str | None = None
    fetched_at: str | None = Field(None, description="ISO 8601 time of capture")
    content_sha256: str
    title: str | None = None
    published: str | None = Field(None, description="YYYY-MM-DDTHH:MM:SS+07:00, or YYYY-MM-DD when no time is given")
    updated: str | None = None
    author: str | None = Field(None, description="A person's name as one would cite it; null if only an agency")
    source: str | None = Field(None, description='Agency/attribution, e.g. "Theo baobacninh.vn"')
    views: int | None = None
    text: str = ""
    lead: str | None = None
    locality: Locality | None = None
    facts: list[Fact] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    extractor: ExtractorInfo
    warnings: list[str] = Field(default_factory=list, description="Why a field is missing or doubtful")

    @field_validator("published", "updated")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is not None and not _PUBLISHED.match(v):
            raise ValueError(f"not ISO 8601 in +07:00: {v!r}")
        return v
