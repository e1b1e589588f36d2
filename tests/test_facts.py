"""Fact extraction, one phrasing class at a time: what must be found, and the distractors that must not."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.facts import find_facts, read_facts, summarise
from extractor.facts_nlp import fold_same_length, split_sentences
from models.record import Fact, Locality
from models.text import normalize

PUB = date(2023, 11, 28)
DISTRICT = Locality(province="Bắc Ninh", district="Gia Bình", level="district")


def facts(text: str, published: date | None = PUB, **kw: str) -> list[Fact]:
    text = normalize(text)
    found = find_facts(text, published=published, **kw)
    for f in found:  # every fact points back at its figure in the text
        assert str(f.value) in text[f.evidence.start:f.evidence.end].replace(".", "") or f.value == 1 \
            or not text[f.evidence.start:f.evidence.end][:1].isdigit()
        assert f.evidence.sentence in text
    return found


def one(found: list[Fact], kind: str) -> Fact:
    matching = [f for f in found if f.kind == kind]
    assert len(matching) == 1, [(f.kind, f.value) for f in found]
    return matching[0]


def test_seed_sentence_three_kinds_with_period_and_evidence() -> None:
    text = ("Nhờ những biện pháp tích cực đó, công tác phát triển đảng viên luôn được duy trì. Từ đầu năm 2023 đến "
            "nay đã kết nạp được 89 đảng viên mới; chuyển Đảng chính thức cho 99 đảng viên dự bị đủ điều kiện; "
            "trao tặng huy hiệu Đảng cho 396 đảng viên theo quy định.")
    found = facts(text)
    new, tr, bd = one(found, "new_members"), one(found, "transfers"), one(found, "badges")
    assert (new.value, tr.value, bd.value) == (89, 99, 396)
    assert new.period.start == date(2023, 1, 1) and new.period.end == PUB
    assert new.period.label == "Từ đầu năm 2023 đến nay"
    assert {f.role for f in found} == {"actual"}
    assert text[new.evidence.start:new.evidence.end] == "kết nạp được 89 đảng viên"
    s = summarise(found, DISTRICT)
    assert (s.new_members, s.transfers, s.badges, s.badges_by_years) == (89, 99, 396, {})


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Năm 2023, huyện kết nạp mười lăm đảng viên mới.", "new_members", 15),
    ("Quý I/2021, Đảng bộ huyện kết nạp một trăm linh năm đảng viên mới.", "new_members", 105),
    ("Năm 2022, Đảng bộ tỉnh kết nạp một nghìn hai trăm đảng viên.", "new_members", 1200),
    ("Năm 2023, Đảng bộ xã kết nạp 05 đảng viên mới.", "new_members", 5),
    ("Toàn tỉnh đã kết nạp 1.234 đảng viên, đạt 49,4% kế hoạch năm.", "new_members", 1234),
    ("6 tháng đầu năm đã tham mưu kết nạp 26 đồng chí ưu tú vào Đảng.", "new_members", 26),
    ("Trong năm có 89 đảng viên mới được kết nạp.", "new_members", 89),
    ("Sáng 3/2, 15 đảng viên được nhận quyết định kết nạp Đảng tại lễ kết nạp.", "new_members", 15),
    ("Chi bộ tổ chức lễ kết nạp 2 quần chúng ưu tú vào Đảng.", "new_members", 2),
    ("Năm 2023, toàn huyện phát triển 89 đảng viên mới.", "new_members", 89),
    ("Kết quả, 12/12 chi bộ kết nạp được đảng viên, với tổng số 35 đảng viên mới.", "new_members", 35),
    ("Năm 2023, Đảng bộ kết nạp 1,234 đảng viên.", "new_members", 1234),
    ("Công tác phát triển đảng viên được quan tâm, toàn huyện có 5.000 đảng viên.", "party_members_total", 5000),
    ("Có 56 đồng chí được nhận Huy hiệu Đảng đợt này.", "badges", 56),
    ("Đảng ủy đề nghị công nhận đảng viên chính thức cho 45 đồng chí.", "transfers", 45),
    ("Cùng với đó, các cấp ủy đã xét chuyển 64 đảng viên dự bị thành đảng viên chính thức.", "transfers", 64),
    ("Khoảng 60 đảng viên dự bị đã được Ban Thường vụ Huyện ủy xét, công nhận đảng viên chính thức.", "transfers", 60),
    ("Toàn tỉnh xét công nhận đảng viên chính thức cho 1.087 đồng chí.", "transfers", 1087),
    ("Huyện ủy trao tặng 396 Huy hiệu Đảng cho các đảng viên.", "badges", 396),
    ("Đợt này, toàn Đảng bộ có 2.405 đảng viên được trao huy hiệu Đảng.", "badges", 2405),
    ("Mở lớp bồi dưỡng nhận thức về Đảng cho 73 quần chúng ưu tú.", "candidates_trained", 73),
    ("Đảng bộ huyện có 45 tổ chức cơ sở đảng với 5.248 đảng viên.", "party_orgs_total", 45),
    ("Đảng bộ huyện có 45 tổ chức cơ sở đảng với 5.248 đảng viên.", "party_members_total", 5248),
    ("Trong nhiệm kỳ đã kết nạp 580 quần chúng ưu tú vào Đảng nâng tổng số đảng viên lên 2.648 đồng chí.",
     "party_members_total", 2648),
])
def test_phrasings(text: str, kind: str, value: int) -> None:
    assert one(facts(text), kind).value == value


@pytest.mark.parametrize(("text", "qualifier", "value"), [
    ("Từ đầu năm đến nay kết nạp gần 90 đảng viên.", "gần", 90),
    ("Năm 2023 kết nạp hơn 120 đảng viên mới.", "hơn", 120),
    ("Năm 2023 kết nạp khoảng 300 đảng viên.", "khoảng", 300),
    ("Năm 2023 kết nạp gần như 50 đảng viên.", "gần như", 50),
    ("Năm 2023 kết nạp trên 1.000 đảng viên.", "trên", 1000),
])
def test_qualifiers_kept_apart_from_value(text: str, qualifier: str, value: int) -> None:
    f = one(facts(text), "new_members")
    assert (f.qualifier, f.value) == (qualifier, value)


@pytest.mark.parametrize("text", [
    "Hội Nông dân huyện kết nạp 120 hội viên mới, nâng tổng số hội viên lên 9.312 người.",
    "Năm 2023, Đoàn Thanh niên kết nạp 250 đoàn viên mới, trong đó có 30 đoàn viên là người dân tộc thiểu số.",
    "Nhiệm kỳ qua, các cấp Hội đã vận động kết nạp 120 hội viên mới, giúp đỡ 346 hội viên nghèo.",
    "Hội Cựu chiến binh nâng tổng số hội viên lên 9.312 đồng chí.",
    "Năm 2023, toàn huyện gieo cấy 9.500 ha lúa, năng suất đạt 62 tạ/ha; có 1.200 hộ tham gia mô hình.",
    "Thu ngân sách đạt 120 tỷ đồng, bằng 105% dự toán; 100% đảng viên được học tập nghị quyết.",
    "Tổng số Đảng viên được đánh giá là 2.384 Đảng viên đạt 90,26%.",
    "Phối hợp mở lớp đảng viên mới có 75 đồng chí tham gia.",
    "Đồng chí Võ Văn Khiết tham gia cách mạng từ năm 1946, được kết nạp vào Đảng năm 1949.",
    "Đại hội đã bầu Ban Chấp hành khóa mới gồm 14 đồng chí, bầu 13 đại biểu chính thức.",
    "Công an huyện đã bắt giữ 12 đối tượng, trong đó có 3 đảng viên bị khởi tố.",
    "Đảng ủy tiếp nhận chuyển sinh hoạt đảng chính thức cho 12 đảng viên.",
    "Ủy ban Kiểm tra Huyện ủy đã thi hành kỷ luật 15 đảng viên, khai trừ 2 đảng viên.",
    "Đại hội Đoàn đã bầu 25 đồng chí vào Ban Chấp hành, kết nạp 150 đoàn viên mới trong nhiệm kỳ.",
])
def test_distractors_yield_no_counts(text: str) -> None:
    found = facts(text)
    assert not [f for f in found if f.kind in ("new_members", "transfers", "badges")], found


def test_targets_in_plans_and_parentheses() -> None:
    text = ("6 tháng đầu năm 2024, Đảng bộ xã đã kết nạp 05 đảng viên mới, đạt 62,5% chỉ tiêu cả năm "
            "(chỉ tiêu 08 đảng viên); xét chuyển đảng chính thức cho 04 đảng viên dự bị. "
            "Năm 2025, Đảng bộ xã phấn đấu kết nạp từ 10 đảng viên trở lên.")
    found = facts(text, published=date(2024, 7, 10))
    roles = {(f.kind, f.value): f.role for f in found}
    assert roles == {("new_members", 5): "actual", ("new_members", 8): "target", ("transfers", 4): "actual",
                     ("new_members", 10): "target"}
    assert summarise(found, None).new_members == 5


def test_result_against_plan_is_actual() -> None:
    f = one(facts("Năm 2023 kết nạp 89 đảng viên, đạt 111% kế hoạch, vượt chỉ tiêu đề ra."), "new_members")
    assert f.role == "actual"


def test_previous_year_and_comparison() -> None:
    text = ("Từ đầu năm 2024 đến nay, Đảng bộ huyện kết nạp gần 90 đảng viên, tăng 19 đảng viên so với cùng kỳ. "
            "Cùng kỳ năm 2023, Đảng bộ kết nạp 71 đảng viên.")
    found = facts(text, published=date(2024, 10, 2))
    roles = {f.value: f.role for f in found}
    assert roles == {90: "actual", 19: "comparison", 71: "previous"}
    assert summarise(found, None).new_members == 90


@pytest.mark.parametrize(("text", "roles"), [
    ("Năm 2023 kết nạp 89 đảng viên, nhiều hơn năm trước 9 đảng viên.", {89: "actual", 9: "comparison"}),
    ("Năm 2023, kết nạp 89 đảng viên, tăng 10 đảng viên so với năm 2022.", {89: "actual", 10: "comparison"}),
    # "tặng" (award) folds to "tăng" (increase): still an actual badge count
    ("Năm 2023, Huyện ủy tặng huy hiệu Đảng cho 17 đảng viên.", {17: "actual"}),
    ("Qua 5 năm, Đảng bộ đã kết nạp 480 đảng viên.", {480: "cumulative"}),
    ("Lũy kế từ đầu nhiệm kỳ đến nay, toàn huyện kết nạp 450 đảng viên.", {450: "cumulative"}),
    ("Chỉ tiêu năm 2023 kết nạp 80 đảng viên, kết quả kết nạp được 89 đảng viên.", {80: "target", 89: "actual"}),
    ("Dự kiến trong tháng 12 sẽ kết nạp thêm 15 đảng viên.", {15: "target"}),
])
def test_roles(text: str, roles: dict[int, str]) -> None:
    assert {f.value: f.role for f in facts(text, published=date(2023, 11, 28))} == roles


def test_yardstick_year_dates_only_its_own_figure() -> None:
    text = ("Năm 2017, công tác phát triển đảng viên được quan tâm. Toàn Đảng bộ huyện kết nạp 164 đảng viên mới, "
            "tăng 13 đảng viên so với năm 2016 (năm 2016 kết nạp 151 đảng viên); xét công nhận đảng viên chính "
            "thức cho 158 đồng chí.")
    found = facts(text, published=date(2018, 1, 10))
    assert {f.value: f.role for f in found} == {164: "actual", 13: "comparison", 151: "previous", 158: "actual"}
    assert one(found, "transfers").period.label == "Năm 2017"


def test_setting_a_goal_is_a_target() -> None:
    # "đặt mục tiêu" (set a goal) folds like "đạt" (reached), which would mark a result.
    found = facts("Năm 2024, Đảng bộ tỉnh kết nạp 5.427 đảng viên. Năm 2025, Tỉnh ủy đặt mục tiêu kết nạp 5.500 "
                  "đảng viên trở lên.", published=date(2025, 1, 20))
    assert {f.value: f.role for f in found} == {5427: "actual", 5500: "target"}


def test_earlier_year_is_previous_when_a_later_one_is_stated() -> None:
    text = "Năm 2022, huyện kết nạp 80 đảng viên. Năm 2023, huyện kết nạp 89 đảng viên."
    found = facts(text, published=date(2024, 1, 5))
    assert {f.value: f.role for f in found} == {80: "previous", 89: "actual"}
    assert summarise(found, None).new_members == 89


def test_cumulative_term_figures_never_headline() -> None:
    text = ("Trong nhiệm kỳ vừa qua, Đảng bộ xã đã đoàn kết, nỗ lực phấn đấu.\n\n"
            "Công tác xây dựng Đảng được tăng cường. Tổ chức kết nạp được 44 đảng viên mới.")
    f = one(facts(text, published=date(2020, 6, 15)), "new_members")
    assert f.role == "cumulative"
    text2 = "Nhiệm kỳ 2015-2020, Đảng bộ huyện kết nạp 580 đảng viên; riêng năm 2020 kết nạp 120 đảng viên."
    found = facts(text2, published=date(2020, 8, 11))
    assert {f.value: f.role for f in found} == {580: "cumulative", 120: "actual"}
    assert summarise(found, None).new_members == 120


@pytest.mark.parametrize(("text", "published", "start", "end"), [
    ("6 tháng đầu năm 2024, huyện kết nạp 64 đảng viên.", date(2024, 7, 5), date(2024, 1, 1), date(2024, 6, 30)),
    ("9 tháng đầu năm, huyện kết nạp 71 đảng viên.", date(2023, 10, 2), date(2023, 1, 1), date(2023, 9, 30)),
    ("Quý III/2023, huyện kết nạp 30 đảng viên.", date(2023, 10, 2), date(2023, 7, 1), date(2023, 9, 30)),
    ("Trong quý I năm 2021, huyện kết nạp 30 đảng viên.", date(2021, 4, 2), date(2021, 1, 1), date(2021, 3, 31)),
    ("Năm 2018, Huyện ủy kết nạp 120 đảng viên mới.", date(2019, 1, 1), date(2018, 1, 1), date(2018, 12, 31)),
    ("Năm 2018, Đảng ủy làm tốt công tác chính trị.\n\nTrong năm kết nạp được 8 đảng viên mới.",
     date(2019, 1, 30), date(2018, 1, 1), date(2018, 12, 31)),
    ("Trong năm, huyện kết nạp 8 đảng viên mới.", date(2023, 12, 20), date(2023, 1, 1), date(2023, 12, 31)),
    ("Trong 9 tháng, huyện kết nạp 71 đảng viên.", date(2023, 10, 2), date(2023, 1, 1), date(2023, 9, 30)),
    ("Đầu năm đến nay, huyện kết nạp 50 đảng viên.", date(2023, 5, 4), date(2023, 1, 1), date(2023, 5, 4)),
    ("Tháng 11/2023, huyện kết nạp 9 đảng viên.", date(2023, 12, 4), date(2023, 11, 1), date(2023, 11, 30)),
])
def test_periods_resolved_against_publish_date(text: str, published: date, start: date, end: date) -> None:
    f = one(facts(text, published=published), "new_members")
    assert (f.period.start, f.period.end) == (start, end)
    assert f.role == "actual"


def test_term_period() -> None:
    f = one(facts("Nhiệm kỳ 2020-2025, Đảng bộ kết nạp 1.200 đảng viên.", published=date(2025, 6, 1)), "new_members")
    assert (f.period.start, f.period.end, f.role) == (date(2020, 1, 1), date(2025, 12, 31), "cumulative")


def test_future_year_is_a_target() -> None:
    f = one(facts("Năm 2024, Huyện ủy kết nạp 150 đảng viên.", published=date(2023, 12, 20)), "new_members")
    assert f.role == "target"


def test_breakdown_parts() -> None:
    text = ("6 tháng đầu năm 2023, Đảng bộ huyện kết nạp 64 đảng viên, trong đó có 35 đảng viên nữ, "
            "20 đoàn viên thanh niên, 5 người dân tộc thiểu số.")
    f = one(facts(text), "new_members")
    assert [(p.label, p.value) for p in f.parts] == [
        ("đảng viên nữ", 35), ("đoàn viên thanh niên", 20), ("người dân tộc thiểu số", 5)]


def test_breakdown_in_next_sentence() -> None:
    text = ("Quý I/2021, huyện kết nạp 105 đảng viên mới; chuyển đảng chính thức cho 92 đảng viên dự bị. "
            "Trong số đảng viên mới kết nạp có 61 đoàn viên thanh niên, 38 người dân tộc thiểu số.")
    found = facts(text)
    assert [(p.label, p.value) for p in one(found, "new_members").parts] == [
        ("đoàn viên thanh niên", 61), ("người dân tộc thiểu số", 38)]
    assert one(found, "transfers").parts == []


def test_per_place_breakdown_is_not_the_headline() -> None:
    text = ("Năm 2023, toàn huyện kết nạp 89 đảng viên, trong đó Đảng bộ xã Đông Cứu kết nạp 5 đảng viên, "
            "xã Xuân Lai 4 đảng viên.")
    found = facts(text)
    by_value = {f.value: f for f in found if f.kind == "new_members"}
    assert set(by_value) == {89, 5, 4}
    assert by_value[89].place is None
    assert by_value[5].place.mention == "Đảng bộ xã Đông Cứu"
    assert by_value[4].place.mention == "xã Xuân Lai"
    assert summarise(found, DISTRICT).new_members == 89
    # A commune figure alone does not make a district headline.
    only_commune = facts("Năm 2023, Đảng bộ xã Đông Cứu kết nạp 5 đảng viên.")
    assert summarise(only_commune, DISTRICT).new_members is None
    commune = Locality(province="Bắc Ninh", district="Gia Bình", commune="Đông Cứu", level="commune")
    assert summarise(only_commune, commune).new_members == 5


def test_place_with_parent_in_parentheses() -> None:
    f = one(facts("Năm 2023, Đảng bộ xã Trung Kênh (huyện Lương Tài) kết nạp 07 đảng viên."), "new_members")
    assert f.place.mention == "Đảng bộ xã Trung Kênh"


def test_badge_tiers_without_total() -> None:
    text = ("Nhân dịp 3/2, Huyện ủy trao Huy hiệu 70 năm tuổi Đảng cho 3 đồng chí; 60 năm cho 12 đồng chí; "
            "50 năm cho 20 đồng chí.")
    s = summarise(facts(text), None)
    assert (s.badges, s.badges_by_years) == (35, {"70": 3, "60": 12, "50": 20})


def test_badge_total_with_tiers_in_next_sentence() -> None:
    text = ("Đảng bộ thị trấn trao Huy hiệu Đảng đợt 3/2/2024 cho 19 đảng viên. Trong đó có 1 đồng chí nhận Huy "
            "hiệu 65 năm tuổi Đảng, 4 đồng chí nhận Huy hiệu 50 năm tuổi Đảng, 6 đồng chí nhận Huy hiệu 40 năm "
            "tuổi Đảng và 8 đồng chí nhận Huy hiệu 30 năm tuổi Đảng.")
    s = summarise(facts(text), None)
    assert (s.badges, s.badges_by_years) == (19, {"65": 1, "50": 4, "40": 6, "30": 8})


def test_badge_tiers_with_colons() -> None:
    text = ("Huyện ủy trao Huy hiệu Đảng cho 9 đảng viên: Huy hiệu 75 năm tuổi Đảng cho 1 đồng chí; 70 năm: "
            "3 đồng chí; 65 năm: 5 đồng chí.")
    s = summarise(facts(text), None)
    assert (s.badges, s.badges_by_years) == (9, {"75": 1, "70": 3, "65": 5})


def test_badge_tier_lists_and_ranges_are_not_tiers() -> None:
    s = summarise(facts("Dịp này, Huyện ủy trao tặng Huy hiệu 30, 40, 45, 50, 55, 60, 65, 70 năm tuổi Đảng cho "
                        "156 đảng viên."), None)
    assert (s.badges, s.badges_by_years) == (156, {})
    s = summarise(facts("Trao Huy hiệu Đảng 30 năm trở lên cho 48 đảng viên."), None)
    assert (s.badges, s.badges_by_years) == (48, {})
    found = facts("Trao Huy hiệu Đảng cho 120 đảng viên, trong đó: 2 đồng chí nhận Huy hiệu 75 năm tuổi Đảng; 5 đồng "
                  "chí Huy hiệu 70 năm tuổi Đảng; 113 đồng chí nhận Huy hiệu từ 30 đến 65 năm tuổi Đảng.")
    s = summarise(found, None)
    assert (s.badges, s.badges_by_years) == (120, {"75": 2, "70": 5})
    assert [p.value for p in found[0].parts] == [113]


def test_named_recipient_beside_tier_counts() -> None:
    text = ("Huyện ủy trao Huy hiệu 40 năm tuổi Đảng cho đồng chí Nguyễn Văn An và Huy hiệu 30 năm tuổi Đảng cho "
            "5 đồng chí.")
    s = summarise(facts(text), None)
    assert (s.badges, s.badges_by_years) == (6, {"40": 1, "30": 5})


def test_mass_organisation_members_admitted_into_the_party() -> None:
    f = one(facts("Năm 2023, có 89 đoàn viên ưu tú được kết nạp vào Đảng."), "new_members")
    assert f.value == 89
    assert facts("Huyện đoàn giới thiệu 120 đoàn viên ưu tú cho Đảng xem xét kết nạp.") == []
    assert facts("Trong 6 tháng, có 3 chi bộ kết nạp được đảng viên.") == []


def test_conditions_are_not_counts() -> None:
    assert facts("Nếu có đủ ba đảng viên chính thức trở lên thì thành lập chi bộ.") == []


def test_badge_to_one_named_person_counts_one() -> None:
    text = ("Sáng 7/11, Ban Thường vụ Tỉnh ủy tổ chức trao Huy hiệu 85 năm tuổi Đảng cho cụ Phan Ngọc Bích "
            "(103 tuổi). Hiện, cụ Bích là người duy nhất trong cả nước được tặng Huy hiệu 85 năm tuổi Đảng.")
    found = facts(text, published=date(2015, 11, 8))
    s = summarise(found, None)
    assert (s.badges, s.badges_by_years) == (1, {"85": 1})
    assert found[0].parts[0].label == "Phan Ngọc Bích"


def test_number_word_badge_count() -> None:
    f = one(facts("Hai đảng viên nhận huy hiệu 70 năm tuổi Đảng là ông A và ông B."), "badges")
    assert (f.value, f.badge_years) == (2, 70)


def test_title_figure_ranks_first() -> None:
    text = ("Năm 2023, Đảng bộ kết nạp 120 đảng viên. Riêng 6 tháng cuối năm 2023, Đảng bộ kết nạp 70 đảng viên.")
    found = facts(text, title="Đảng bộ kết nạp 70 đảng viên trong 6 tháng cuối năm")
    assert found[0].value == 70
    assert summarise(found, None).new_members == 70


def test_lead_only_figure_is_no_fact_but_may_be_the_headline() -> None:
    text = "Công tác phát triển đảng viên được quan tâm. Trong số đảng viên mới có 3 đảng viên nữ."
    lead = "6 tháng đầu năm 2024, toàn Đảng bộ tỉnh đã kết nạp 1.234 đảng viên."
    got = read_facts(normalize(text), lead=lead, published=date(2024, 7, 1))
    assert not [f for f in got.facts if f.value == 1234]
    assert [(f.kind, f.value, f.evidence.start, f.evidence.end) for f in got.headline_only] == [
        ("new_members", 1234, 0, 0)]
    assert summarise(got.facts, None, headline_only=got.headline_only).new_members == 1234
    # Plain lists carry it: a copy of the facts loses nothing, and the text alone has no headline.
    assert summarise(list(got.facts), None, headline_only=tuple(got.headline_only)).new_members == 1234
    assert summarise(got.facts, None).new_members is None
    assert type(find_facts(normalize(text), lead=lead, published=date(2024, 7, 1))) is list


def test_sentence_splitter_keeps_abbreviations_and_numbers() -> None:
    text = "TP. Bắc Ninh kết nạp 1.234 đảng viên, đạt 90,26%. H. Gia Bình kết nạp 89 đ/c. Xong!"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["TP. Bắc Ninh kết nạp 1.234 đảng viên, đạt 90,26%.", "H. Gia Bình kết nạp 89 đ/c.", "Xong!"]


def test_empty_text() -> None:
    assert find_facts("", published=PUB) == []
    assert summarise([], None).new_members is None


_PIECES = st.sampled_from(["kết nạp", "đảng viên", "hội viên", " ", ", ", "; ", ". ", "\n\n", "trong đó", "12", "1.234",
                           "hai mươi mốt", "huy hiệu", "70 năm tuổi Đảng", "cho", "ông Lê Văn A", "xã Đông Cứu",
                           "năm 2023", "chỉ tiêu", "(", ")", ":", "%", "90,26", "7-11", "đ/c", "TP.", "chuyển chính thức"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_text_gives_well_formed_facts(text: str) -> None:
    """Whatever the text, extraction never fails and every fact points inside the text."""
    got = read_facts(text, title=text[:40], lead=text[-40:], published=PUB)
    for f in got.facts:
        assert 0 <= f.evidence.start < f.evidence.end <= len(text)
        assert f.value >= 0
    for f in got.headline_only:  # no evidence in the text: an empty span at 0
        assert (f.evidence.start, f.evidence.end) == (0, 0)
    summarise(got.facts, DISTRICT, headline_only=got.headline_only)


# --- lazy word segmentation gives what eager segmentation gave ------------------------------------


def _eager(text: str, windows: list[tuple[int, int]]) -> list[tuple[str, int, bool]]:
    """Reference: (piece, offset, starts a word) of every piece of a sentence, windows segmented by
    underthesea's word_tokenize, the stretches between them split on spaces."""
    from extractor.facts_nlp import _PIECE, _segment_words

    out: list[tuple[str, int, bool]] = []
    bounds = [0] + [x for w in windows for x in w] + [len(text)]
    for n in range(len(bounds) - 1):
        lo, hi = bounds[n], bounds[n + 1]
        words = _segment_words(text[lo:hi]) if n % 2 else text[lo:hi].split()
        cursor = lo
        for word in words:
            first = True
            for piece in _PIECE.findall(word):
                pos = text.find(piece, cursor)
                if pos < 0:
                    continue
                cursor = pos + len(piece)
                out.append((piece, pos, first))
                first = False
    return out


def test_lazy_word_starts_equal_eager_segmentation(corpus_dir) -> None:
    import json

    from extractor.facts_nlp import _PIECE, _segment_words, _tokenize, engine

    texts = [normalize("Theo tin_bài __số 1.234,5.6 của đ/c Hùng ngày thứ ba, Đảng bộ tỉnh Hà Nam kết nạp ba mươi lăm "
                       "đảng viên; năm 2023 có 5 đảng viên mới, mười hai quần chúng ưu tú và một trăm linh năm đồng "
                       "chí nhận Huy hiệu 30 năm tuổi Đảng.")]
    for gold in sorted((corpus_dir / "gold").glob("*.json")):
        texts.append(json.loads(gold.read_text("utf-8"))["text"])
    eng, windows = engine(), 0
    for text in texts:
        for s, e in split_sentences(text):
            if not eng.wanted(fold_same_length(text[s:e])):
                continue
            sent = eng._parse_text(text[s:e])
            spans = [(lo, hi) for _t, lo, hi, _k in sent.word_start.windows]
            for lo, hi in spans:  # the tokenizer's pieces are the segmented words' pieces
                window = sent.text[lo:hi]
                assert [p for t in _tokenize(window) for p in _PIECE.findall(t)] == \
                       [p for w in _segment_words(window) for p in _PIECE.findall(w)]
            # every syllable, and its word-start flag asked lazily, is the eager one
            got = [(o, st, sent.word_start[i]) for i, (o, st) in enumerate(zip(sent.orig, sent.starts, strict=True))]
            assert got == _eager(sent.text, spans)
            windows += len(spans)
    assert windows > 100
