"""Decoding: every way a Vietnamese portal declares (or mis-declares) its encoding ends in NFC text."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.decode import decode
from models.errors import DecodeError
from models.text import normalize
from models.text import normalize_reference as normalize_text

TITLE = "Huyện ủy Gia Bình kết nạp 89 đảng viên mới"
BODY = "Từ đầu năm 2023 đến nay, toàn Đảng bộ đã kết nạp được 89 đảng viên mới; trao tặng huy hiệu Đảng."
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def page(charset_meta: str = '<meta charset="utf-8">', title: str = TITLE, body: str = BODY) -> str:
    return (f"<!DOCTYPE html><html><head>{charset_meta}<title>{title} - Cổng thông tin điện tử huyện</title></head>"
            f"<body><h1>{title}</h1><div class=\"content-detail\"><p>{body}</p><p>{body}</p></div></body></html>")


def to_cp1258(text: str) -> bytes:
    """Encode the way windows-1258 pages are written: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in d if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def test_utf8_meta_charset():
    r = extract(page().encode("utf-8"))
    assert r.title == TITLE
    assert BODY in r.text


def test_http_charset_wins_over_missing_meta():
    html = to_cp1258(page(charset_meta=""))
    r = extract(html, http_charset="windows-1258")
    assert r.title == TITLE
    assert unicodedata.is_normalized("NFC", r.text) and BODY in r.text


def test_http_charset_wrong_then_meta_used():
    html = to_cp1258(page(charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'))
    r = extract(html, http_charset="utf-8")  # server lies; bytes are not UTF-8, so the <meta> decides
    assert r.title == TITLE
    assert any("http charset" in w for w in r.warnings)


def test_windows_1258_page_with_combining_tones_becomes_nfc():
    raw = to_cp1258(page(charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'))
    assert b"\xec" in raw or b"\xf2" in raw  # really has combining tone bytes
    r = extract(raw)
    assert r.title == TITLE
    assert BODY in r.text
    assert not any(unicodedata.combining(c) for c in r.text)


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_bom_decides(bom, codec):
    html = bom + page(charset_meta='<meta charset="iso-8859-1">').encode(codec)
    d = decode(html)
    assert d.source == "bom"
    assert TITLE in d.text


def test_nfd_page_becomes_nfc():
    html = unicodedata.normalize("NFD", page()).encode("utf-8")
    r = extract(html)
    assert r.title == TITLE
    assert BODY in r.text
    assert unicodedata.is_normalized("NFC", r.text)


def test_entities_for_letters_are_decoded():
    body = "Huy&#7879;n &#7911;y &#x47;ia B&igrave;nh k&#7871;t n&#7841;p &quot;89&quot; &#273;&#7843;ng vi&ecirc;n m&#7899;i tr&ecirc;n &#273;&#7883;a b&agrave;n huy&#7879;n."
    r = extract(page(body=body).encode("utf-8"))
    assert 'Huyện ủy Gia Bình kết nạp "89" đảng viên mới trên địa bàn huyện.' in r.text


def test_latin1_label_on_utf8_bytes_trusts_the_bytes():
    r = extract(page(charset_meta='<meta charset="iso-8859-1">').encode("utf-8"))
    assert r.title == TITLE
    assert any("valid UTF-8" in w for w in r.warnings)


def test_no_declaration_guesses():
    html = to_cp1258(page(charset_meta=""))
    d = decode(html)
    assert d.source == "guess"
    assert "ng vi" in d.text


def test_new_style_tone_placement_is_unified():
    r = extract(page(title="Huyện uỷ Gia Bình hoà nhịp").encode("utf-8"))
    assert r.title == "Huyện ủy Gia Bình hòa nhịp"


def test_str_input_is_accepted():
    assert extract(page()).title == TITLE


@pytest.mark.parametrize("data,why", [(b"", "empty"), (b"  \n\t ", "empty"), (b"%PDF-1.7\n...", "PDF"),
                                      (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "PNG"), (b"\xff\xd8\xff\xe0JFIF", "JPEG"),
                                      (b"PK\x03\x04zip", "ZIP"), (b"\x00\x01\x02\x00" * 500, "NUL")])
def test_non_pages_are_refused_clearly(data, why):
    with pytest.raises(DecodeError) as e:
        extract(data)
    assert why.lower() in e.value.message.lower()


_VI = st.text(alphabet=st.sampled_from(list("hoà hóa thoả khoẻ uỷ thuý quý Huỳnh oA aé \u00a0\u200bđĐ,.x1\t")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_VI)
def test_fast_normalize_equals_models_normalize(text):
    assert normalize_text(text) == normalize(text)
    assert normalize_text(unicodedata.normalize("NFD", text)) == normalize(unicodedata.normalize("NFD", text))


def test_server_default_latin1_does_not_override_the_pages_1258():
    raw = to_cp1258(page(charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'))
    r = extract(raw, http_charset="ISO-8859-1")
    assert r.title == TITLE and BODY in r.text
