"""A small, hand-checked archive for the API, live-server, browser tests and the service bench.

Records are built here (not extracted) so the expected search hits, totals and evidence spans are
known exactly; extraction itself is exercised through POST /extract.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from models.gazetteer import gazetteer
from models.record import Evidence, ExtractorInfo, Fact, Locality, Period, Record, Summary, record_id


def locality(province: str, district: str | None = None, commune: str | None = None) -> Locality:
    g = gazetteer()
    prov = g.named(province, era="pre2025", level="province")[0]
    dist = next(u for u in g.named(district, era="pre2025", level="district")
                if u.province_code == prov.code) if district else None
    level = "commune" if commune else "district" if district else "province"
    return Locality(province=province, district=district, commune=commune, level=level,
                    code=(dist or prov).code if not commune else None, era="pre2025", province_code=prov.code,
                    district_code=dist.code if dist else None)


def fact(text: str, phrase: str, kind: str, value: int, place: Locality, year: int,
         role: str = "actual") -> Fact:
    start = text.index(phrase)
    end = start + len(phrase)
    dot = text.rfind(". ", 0, start)
    s0 = max(dot + 2 if dot >= 0 else 0, text.rfind("\n", 0, start) + 1)
    s1 = text.find(".", end)
    return Fact(kind=kind, value=value, role=role, place=place,
                period=Period(label=f"năm {year}"),
                evidence=Evidence(start=start, end=end, sentence=text[s0:s1 + 1 if s1 >= 0 else len(text)]))


def make_record(url: str, title: str, text: str, published: str, place: Locality,
                facts: list[tuple[str, str, int]] = (), author: str | None = None) -> Record:
    year = int(published[:4])
    fs = [fact(text, phrase, kind, value, place, year) for phrase, kind, value in facts]
    summary = Summary(**{k: v for _, k, v in facts if k in ("new_members", "transfers", "badges")})
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Record(id=record_id(url, sha), url=url, site=url.split("/")[2], content_sha256=sha, title=title,
                  published=published, author=author, text=text, lead=text.split("\n\n")[0], locality=place,
                  facts=fs, summary=summary, extractor=ExtractorInfo(version="test"))


def records() -> list[Record]:
    gia_binh = locality("Bắc Ninh", "Gia Bình")
    luong_tai = locality("Bắc Ninh", "Lương Tài")
    dak_song = locality("Đắk Nông", "Đắk Song")
    t1 = ("Từ đầu năm 2023 đến nay, Đảng bộ huyện Gia Bình đã kết nạp được 89 đảng viên mới, đạt 111% "
          "kế hoạch.\n\nĐồng thời xét chuyển đảng chính thức cho 99 đảng viên dự bị. Xã Đông Cứu là đơn vị "
          "dẫn đầu về công tác phát triển đảng viên.")
    t2 = ("Năm 2023, Đảng bộ huyện Lương Tài kết nạp 45 đảng viên mới.\n\nCác chi bộ tiếp tục quan tâm "
          "bồi dưỡng quần chúng ưu tú.")
    t3 = ("Năm 2019, toàn Đảng bộ huyện Đắk Song kết nạp 120 đảng viên mới và trao Huy hiệu Đảng cho "
          "15 đồng chí.\n\nCông tác xây dựng Đảng được chú trọng.")
    t5 = 'Thông báo <script>window.__xss=2</script> lịch tiếp công dân tháng 5 của <b onmouseover="x()">UBND</b> quận.'
    t4 = "Xã Đông Cứu tổ chức lễ hội truyền thống đầu xuân với nhiều hoạt động văn hóa, thể thao."
    return [
        make_record("https://giabinh.bacninh.gov.vn/tin-tuc/gia-binh-ket-nap-89-dang-vien-moi.html",
                    "Huyện Gia Bình kết nạp 89 đảng viên mới", t1, "2023-11-28T16:01:00+07:00", gia_binh,
                    [("89 đảng viên mới", "new_members", 89), ("99 đảng viên dự bị", "transfers", 99)],
                    author="Lê Hà"),
        make_record("https://luongtai.bacninh.gov.vn/tin-tuc/luong-tai-ket-nap-45-dang-vien.html",
                    "Lương Tài kết nạp 45 đảng viên", t2, "2023-12-20", luong_tai,
                    [("45 đảng viên mới", "new_members", 45)]),
        make_record("https://daksong.daknong.gov.vn/tin-tuc/dak-song-tong-ket-2019.html",
                    "Đắk Song tổng kết công tác xây dựng Đảng năm 2019", t3, "2019-12-30T08:00:00+07:00",
                    dak_song, [("120 đảng viên mới", "new_members", 120), ("15 đồng chí", "badges", 15)]),
        make_record("https://giabinh.bacninh.gov.vn/tin-tuc/le-hoi-dong-cuu.html",
                    "Lễ hội đầu xuân ở Đông Cứu", t4, "2024-02-15", locality("Bắc Ninh", "Gia Bình")),
        # Markup inside archived text must reach the page as text, never as HTML.
        make_record("https://badinh.hanoi.gov.vn/thong-bao/lich-tiep-cong-dan.html",
                    '<img src=x onerror="window.__xss=1">Lịch tiếp công dân', t5, "2022-05-01",
                    locality("Hà Nội", "Ba Đình")),
    ]


def build_archive(path: Path) -> list[Record]:
    """A real SQLite archive at ``path`` holding :func:`records`."""
    from archive import Archive

    recs = records()
    archive = Archive(str(path))
    try:
        for rec in recs:
            archive.ingest(rec)
    finally:
        close = getattr(archive, "close", None)
        if close:
            close()
    return recs


ARTICLE_HTML = """<!doctype html><html lang="vi"><head><meta charset="{charset}">
<title>Huyện Gia Bình kết nạp 89 đảng viên mới - Cổng thông tin huyện Gia Bình</title>
<meta property="article:published_time" content="2023-11-28T16:01:00+07:00"></head>
<body><div class="menu"><a href="/">Trang chủ</a></div>
<article><h1>Huyện Gia Bình kết nạp 89 đảng viên mới</h1>
<div class="date">28/11/2023 16:01</div>
<p>Từ đầu năm 2023 đến nay, Đảng bộ huyện Gia Bình đã kết nạp được 89 đảng viên mới, đạt 111% kế hoạch.</p>
<p>Đồng thời xét chuyển đảng chính thức cho 99 đảng viên dự bị; trao Huy hiệu Đảng cho 396 đảng viên.</p>
<p style="text-align:right"><b>Lê Hà</b></p></article></body></html>"""


def cp1258(text: str) -> bytes:
    """Windows-1258 the way Vietnamese pages use it: base letters precomposed, tones combining."""
    clusters: list[list[str]] = []  # [base with its non-tone marks, tone marks]
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            if ch in "\u0300\u0301\u0303\u0309\u0323":
                clusters[-1][1] += ch
            else:
                clusters[-1][0] = unicodedata.normalize("NFC", clusters[-1][0] + ch)
        else:
            clusters.append([ch, ""])
    return "".join(base + tones for base, tones in clusters).encode("cp1258")
