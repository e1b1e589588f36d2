"""Hand-written fixture records for the archive tests, with known places and figures.

Expected aggregates (kind new_members, by province, per year), computed by hand:
  Bắc Ninh 2023: R1 89 + R2 102 (R3 repeats R1's 89 for the same place and period: dropped) = 191
  Bắc Ninh 2024: R4 5;  Bắc Ninh 2025: R7 40 (post-2025, formerly Bắc Giang territory)
  Đắk Nông 2018: R5 120 (period 2018);  Đắk Nông 2019: R6 30 (published 2019, no period)
"""

from __future__ import annotations

import hashlib
from datetime import date

from models.record import Evidence, ExtractorInfo, Fact, Locality, Period, Record, Summary, record_id


def make(slug: str, *, title: str, text: str, published: str | None, site: str | None = None,
         author: str | None = None, locality: Locality | None = None, summary: Summary | None = None,
         facts: list[Fact] | None = None, version: str = "test-1", salt: str = "") -> Record:
    url = f"https://{site or 'example.gov.vn'}/tin-tuc/{slug}.html"
    sha = hashlib.sha256((title + text + salt).encode()).hexdigest()
    return Record(id=record_id(url, sha), url=url, site=site, content_sha256=sha, title=title, text=text,
                  published=published, author=author, locality=locality, summary=summary or Summary(),
                  facts=facts or [], extractor=ExtractorInfo(version=version))


def fact(kind: str, value: int, text: str, needle: str, *, start: date | None = None, end: date | None = None,
         role: str = "actual", place: Locality | None = None) -> Fact:
    i = text.index(needle)
    period = Period(start=start, end=end) if (start or end) else None
    return Fact(kind=kind, value=value, role=role, period=period, place=place,
                evidence=Evidence(start=i, end=i + len(needle), sentence=needle))


BN = dict(province="Bắc Ninh", province_code="27", era="pre2025")
GIA_BINH = Locality(**BN, district="Gia Bình", district_code="263", level="district", code="263")
LUONG_TAI = Locality(**BN, district="Lương Tài", district_code="262", level="district", code="262")
DONG_CUU = Locality(**BN, district="Gia Bình", district_code="263", commune="Đông Cứu", level="commune",
                    code="09487")
DAK_SONG = Locality(province="Đắk Nông", province_code="67", district="Đắk Song", district_code="665",
                    level="district", code="665", era="pre2025")
DAK_SONG_ALT = Locality(province="Đắk Nông", district="Đăk Song", level="district", era="pre2025")
YEN_DUNG_NEW = Locality(province="Bắc Ninh", province_code="24", commune="Yên Dũng", level="commune",
                        code="07681", era="post2025")
THANH_SON = Locality(province="Phú Thọ", district="Thanh Sơn", level="district", era="pre2025")

T1 = ("Nhận thức rõ tầm quan trọng của công tác phát triển đảng viên, từ đầu năm 2023 đến nay, Huyện uỷ "
      "Gia Bình đã kết nạp được 89 đảng viên mới, đạt 111% kế hoạch. Chuyển đảng chính thức cho 99 đảng viên.")
T2 = "Năm 2023, Huyện ủy Lương Tài kết nạp 102 đảng viên mới, trong đó có nhiều đoàn viên ưu tú."
T3 = "Theo báo cáo, huyện Gia Bình đã kết nạp được 89 đảng viên mới từ đầu năm 2023 đến nay."
T4 = "Đảng bộ xã Đông Cứu kết nạp 5 đảng viên mới trong quý I năm 2024."
T5 = ("Ban tổ chức Huyện uỷ Đăk Song tổng kết công tác xây dựng Đảng năm 2018. Trong năm 2018, Huyện ủy "
      "kết nạp 120 đảng viên mới, tặng huy hiệu Đảng cho 17 đảng viên.")
T6 = "Huyen Dak Song ket nap 30 dang vien moi trong 6 thang dau nam 2019."
T7 = "Đảng ủy xã Yên Dũng, tỉnh Bắc Ninh kết nạp 40 đảng viên mới sau sắp xếp đơn vị hành chính."
T8 = "Đại hội Đảng bộ xã Đông Cửu, huyện Thanh Sơn nhiệm kỳ 2020-2025 thành công tốt đẹp."

Y2023 = dict(start=date(2023, 1, 1), end=date(2023, 11, 28))


def records() -> dict[str, Record]:
    return {
        "R1": make("gia-binh-ket-nap-2023", title="Huyện Gia Bình kết nạp được 89 đảng viên mới", text=T1,
                   published="2023-11-28T16:01:00+07:00", site="giabinh.bacninh.gov.vn", author="Lê Hà",
                   locality=GIA_BINH, summary=Summary(new_members=89, transfers=99),
                   facts=[fact("new_members", 89, T1, "kết nạp được 89 đảng viên mới", **Y2023),
                          fact("transfers", 99, T1, "Chuyển đảng chính thức cho 99 đảng viên", **Y2023)]),
        "R2": make("luong-tai-2023", title="Lương Tài kết nạp 102 đảng viên mới", text=T2,
                   published="2023-12-05", site="luongtai.bacninh.gov.vn", author="Nguyễn Thị Thu Trang",
                   locality=LUONG_TAI, summary=Summary(new_members=102),
                   facts=[fact("new_members", 102, T2, "kết nạp 102 đảng viên mới")]),
        "R3": make("bao-gia-binh-89", title="Gia Bình: 89 đảng viên mới", text=T3,
                   published="2023-12-01T08:00:00+07:00", site="baobacninh.vn", locality=GIA_BINH,
                   summary=Summary(new_members=89),
                   facts=[fact("new_members", 89, T3, "kết nạp được 89 đảng viên mới", **Y2023)]),
        "R4": make("dong-cuu-2024", title="Xã Đông Cứu kết nạp 5 đảng viên", text=T4,
                   published="2024-03-15", site="giabinh.bacninh.gov.vn", locality=DONG_CUU,
                   summary=Summary(new_members=5), facts=[fact("new_members", 5, T4, "kết nạp 5 đảng viên mới")]),
        "R5": make("dak-song-2018", title="BTC Huyện uỷ Đăk Song tổng kết năm 2018", text=T5,
                   published="2019-01-01T09:17:00+07:00", site="daksong.daknong.gov.vn", author="Kim Ngân",
                   locality=DAK_SONG, summary=Summary(new_members=120, badges=17),
                   facts=[fact("new_members", 120, T5, "kết nạp 120 đảng viên mới",
                               start=date(2018, 1, 1), end=date(2018, 12, 31)),
                          fact("badges", 17, T5, "tặng huy hiệu Đảng cho 17 đảng viên",
                               start=date(2018, 1, 1), end=date(2018, 12, 31))]),
        "R6": make("dak-song-2019", title="Huyen Dak Song ket nap dang vien", text=T6,
                   published="2019-06-10", site="daksong.daknong.gov.vn", locality=DAK_SONG_ALT,
                   summary=Summary(new_members=30), facts=[fact("new_members", 30, T6, "ket nap 30 dang vien")]),
        "R7": make("yen-dung-2025", title="Xã Yên Dũng kết nạp 40 đảng viên", text=T7,
                   published="2025-09-10", site="bacninh.gov.vn", locality=YEN_DUNG_NEW,
                   summary=Summary(new_members=40), facts=[fact("new_members", 40, T7, "kết nạp 40 đảng viên mới")]),
        "R8": make("dong-cuu-thanh-son", title="Đại hội Đảng bộ xã Đông Cửu", text=T8, published="2020-05-20",
                   site="thanhson.phutho.gov.vn", locality=THANH_SON),
    }
