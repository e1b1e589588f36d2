"""Vietnamese numerals: digit forms reports use, spelled-out counts, and the way back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.numbers import parse_digits, parse_words, to_words


@pytest.mark.parametrize(("token", "value"), [
    ("120", 120), ("1.234", 1234), ("2.405", 2405), ("12.345.678", 12345678), ("09", 9), ("05", 5), ("0", 0),
])
def test_digit_counts(token: str, value: int) -> None:
    assert parse_digits(token) == value


@pytest.mark.parametrize("token", ["90,26", "25/32", "7-11", "1.23", "12.34.567", "abc", ""])
def test_not_counts(token: str) -> None:
    """Decimal commas, ratios, dates and malformed thousands are never read as counts."""
    assert parse_digits(token) is None


@pytest.mark.parametrize(("words", "value"), [
    ("mười lăm", 15), ("hai mươi mốt", 21), ("một trăm linh năm", 105), ("một nghìn hai trăm", 1200),
    ("ba mươi tư", 34), ("năm mươi lăm", 55), ("mười", 10), ("chín", 9), ("hai mươi", 20),
    ("một trăm lẻ một", 101), ("bảy trăm", 700), ("một ngàn", 1000), ("hai mươi bốn", 24),
    ("Mười Lăm", 15), ("muoi lam", 15), ("một nghìn không trăm linh năm", 1005), ("hai triệu", 2_000_000),
])
def test_number_words(words: str, value: int) -> None:
    assert parse_words(words) == value


@pytest.mark.parametrize("words", ["mười tư", "một hai", "trăm", "năm năm", "hai mươi mươi", "đảng viên", "lăm"])
def test_malformed_number_words(words: str) -> None:
    assert parse_words(words) is None


@pytest.mark.parametrize(("n", "words"), [
    (0, "không"), (5, "năm"), (15, "mười lăm"), (21, "hai mươi mốt"), (34, "ba mươi tư"), (55, "năm mươi lăm"),
    (105, "một trăm linh năm"), (1200, "một nghìn hai trăm"), (1005, "một nghìn không trăm linh năm"),
    (100010, "một trăm nghìn không trăm mười"),
])
def test_to_words(n: int, words: str) -> None:
    assert to_words(n) == words


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_words_round_trip(n: int) -> None:
    """Every count up to 999,999 spelled out reads back as itself."""
    assert parse_words(to_words(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=999_999))
def test_digits_round_trip(n: int) -> None:
    """Vietnamese thousands dots ("12.345") read back as the number they group."""
    dotted = f"{n:,}".replace(",", ".")
    assert parse_digits(dotted) == n
    assert parse_digits(str(n)) == n


def test_to_words_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        to_words(-1)
