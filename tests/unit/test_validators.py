from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms import validators as v

TODAY = date(2026, 11, 21)


def rrn_with_check(front: str, middle: str) -> str:
    digits = front + middle
    return f"{front}-{middle}{v.rrn_check_digit(digits)}"


class TestRrn:
    def test_valid_number_is_normalised_and_masked(self):
        number = rrn_with_check("900101", "123456")
        result = v.rrn(number.replace("-", ""), today=TODAY)
        assert isinstance(result, v.Valid)
        assert result.value == number
        assert result.display == "900101-1******"
        assert result.warnings == ()

    def test_number_inside_a_sentence(self):
        number = rrn_with_check("850505", "212345")
        assert isinstance(v.rrn(f"제 번호는 {number} 입니다", today=TODAY), v.Valid)

    def test_impossible_date_is_an_error(self):
        assert v.rrn("901301-1234567", today=TODAY) == v.Invalid("rrn.date")

    def test_future_birth_date_is_an_error(self):
        assert v.rrn("301231-3234567", today=TODAY) == v.Invalid("rrn.date")

    def test_foreigner_digit_is_refused_with_its_own_code(self):
        assert v.rrn("900101-5234567", today=TODAY).code == "rrn.other_kind"

    def test_wrong_check_digit_only_warns(self):
        good = rrn_with_check("900101", "123456")
        bad = good[:-1] + str((int(good[-1]) + 1) % 10)
        result = v.rrn(bad, today=TODAY)
        assert isinstance(result, v.Valid)
        assert result.warnings == ("rrn.check_digit",)

    @pytest.mark.parametrize(
        "text", ["", "abc", "900101-123456", "900101-12345678", "9001011234567 1"]
    )
    def test_malformed(self, text):
        assert isinstance(v.rrn(text, today=TODAY), v.Invalid)

    def test_known_number_from_research_passes_its_check_digit(self):
        # python-stdnum's example: 971013-9019902 (a 1800s number) passes; …903 fails.
        assert v.rrn("971013-9019902", today=TODAY).warnings == ()
        assert v.rrn("971013-9019903", today=TODAY).warnings == ("rrn.check_digit",)

    @given(st.text(max_size=40))
    def test_garbage_never_raises(self, text):
        assert isinstance(v.rrn(text, today=TODAY), v.Valid | v.Invalid)


class TestMobilePhone:
    @pytest.mark.parametrize(
        "text",
        ["010-1234-5678", "01012345678", "010 1234 5678", "+82 10-1234-5678", "+821012345678"],
    )
    def test_formats_normalise_to_e164(self, text):
        result = v.mobile_phone(text)
        assert result == v.Valid("+821012345678", "010-1234-5678")

    def test_legacy_three_digit_exchange(self):
        assert v.mobile_phone("011-234-5678").display == "011-234-5678"

    @pytest.mark.parametrize("text", ["02-123-4567", "010-123-4567", "012-1234-5678", "phone", ""])
    def test_not_a_mobile(self, text):
        assert v.mobile_phone(text) == v.Invalid("phone.format")

    def test_e164_round_trip(self):
        assert v.format_e164("+821098765432") == "010-9876-5432"


class TestOthers:
    @pytest.mark.parametrize(
        ("text", "number"),
        [("2", 2), ("2통", 2), ("두 통", 2), ("three", 3), ("两份", 2), ("hai bản", 2)],
    )
    def test_counts(self, text, number):
        assert v.count(text).value == number

    def test_count_out_of_range(self):
        assert v.count("11", maximum=10) == v.Invalid("count.range", {"min": 1, "max": 10})

    def test_names(self):
        assert v.person_name(" 홍길동 ").value == "홍길동"
        assert v.person_name("Nguyễn Văn An").value == "Nguyễn Văn An"
        assert isinstance(v.person_name("010-1234-5678"), v.Invalid)

    def test_choice_by_label_or_sentence(self):
        options = {"등본": ["household copy"], "초본": ["abstract"]}
        assert v.choice("Household Copy", options).value == "등본"
        assert v.choice("초본으로 주세요", options).value == "초본"
        assert isinstance(v.choice("both", options), v.Invalid)

    def test_road_address_parts(self):
        result = v.road_address("서울특별시 종로구 세종대로 209, 101동 1203호")
        assert isinstance(result, v.Valid)
        assert result.parts["road"] == "세종대로"
        assert result.parts["building_no"] == "209"
        assert result.parts["detail"] == "101동 1203호"

    def test_road_address_without_building_number_asks_back(self):
        assert v.road_address("서울특별시 종로구 세종대로") == v.Invalid("address.building_missing")

    def test_road_address_without_detail_warns(self):
        assert v.road_address("부산광역시 해운대구 센텀중앙로 79").warnings == (
            "address.detail_missing",
        )
