"""The shared contract: text normalisation, folding, ids and the Record schema."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models import Record, canonical_url, fold, format_published, normalize, record_id
from models.record import ExtractorInfo


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Huyện uỷ Gia Bình", "Huyện ủy Gia Bình"),
        ("hoà bình", "hòa bình"),
        ("Thuỷ", "Thủy"),
        ("khoẻ", "khỏe"),
        ("quý", "quý"),  # qu + y: tone stays on y
        ("hoàn thành", "hoàn thành"),  # closed syllable: both conventions agree
        ("Đắk\u00a0Song", "Đắk Song"),
    ],
)
def test_normalize_tone_placement_and_spaces(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_turns_nfd_into_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Chính sách ngày hoà")
    assert normalize(nfd) == "Chính sách ngày hòa"
    assert unicodedata.is_normalized("NFC", normalize(nfd))


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đảng viên", "dang vien"), ("Đông Cứu", "dong cuu"), ("uỷ", "uy"), ("Đăk Song", "dak song")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(normalize(text)) == folded


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ "))
def test_normalize_is_idempotent_and_fold_agrees(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once
    assert fold(once) == fold(s)


def test_canonical_url_and_stable_ids() -> None:
    a = canonical_url("HTTP://GiaBinh.BacNinh.gov.vn:80/tin-tuc?b=2&a=1&utm_source=fb#top")
    assert a == "http://giabinh.bacninh.gov.vn/tin-tuc?a=1&b=2"
    assert record_id("http://giabinh.bacninh.gov.vn/tin-tuc?b=2&a=1", "x") == record_id(a, "y")
    assert record_id(None, "abc") != record_id(None, "abd")


def test_published_is_iso_in_vietnam_time() -> None:
    assert format_published(datetime(2023, 11, 28, 16, 1)) == "2023-11-28T16:01:00+07:00"
    assert format_published(date(2023, 11, 28)) == "2023-11-28"
    with pytest.raises(ValidationError):
        Record(id="x", content_sha256="0", extractor=ExtractorInfo(version="0"), published="28/11/2023")


def test_schema_command_prints_the_record_schema() -> None:
    out = subprocess.run([sys.executable, "-m", "service", "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(out.stdout)
    assert {"id", "published", "facts", "summary", "locality"} <= set(schema["properties"])
