"""Property tests for every validator: valid values round-trip, single-digit corruptions of
checked numbers are caught or warned, and garbage never raises."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from forms import validators as v

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 15, 0)
anything = st.text(max_size=80) | st.from_regex(r"[\d\- +()]{0,20}", fullmatch=True)


@st.composite
def registration_numbers(draw, foreigner: bool = False) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    if born.year < 2000:
        digit = draw(st.sampled_from("56" if foreigner else "12"))
    else:
        digit = draw(st.sampled_from("78" if foreigner else "34"))
    body = f"{born:%y%m%d}{digit}" + draw(st.from_regex(r"[0-9]{5}", fullmatch=True))
    return f"{body[:6]}-{body[6:]}{v.rrn_check_digit(body)}"


def corruptions(number: str):
    digits = number.replace("-", "")
    for i, old in enumerate(digits):
        for new in "0123456789":
            if new != old:
                bad = digits[:i] + new + digits[i + 1 :]
                yield i, f"{bad[:6]}-{bad[6:]}"


@given(registration_numbers())
def test_rrn_round_trips(number):
    result = v.rrn(number.replace("-", ""), today=TODAY)
    assert isinstance(result, v.Valid) and result.value == number and result.warnings == ()


@given(registration_numbers(foreigner=True))
def test_foreigner_number_round_trips(number):
    result = v.foreigner_reg_no(number, today=TODAY)
    assert isinstance(result, v.Valid) and result.value == number


@settings(max_examples=30)
@given(registration_numbers())
def test_every_single_digit_corruption_of_an_rrn_is_caught_or_warned(number):
    for _position, bad in corruptions(number):
        result = v.rrn(bad, today=TODAY)
        if isinstance(result, v.Valid) and not result.warnings:
            # The official check maps S mod 11 = 0 and 10 to the same digit: the algorithm's own
            # blind spot, the only way a corruption can pass.
            digits = bad.replace("-", "")
            assert v.rrn_check_digit(digits[:12]) == int(digits[12])
            weights = (*v.RRN_WEIGHTS, 0)
            total = sum(int(d) * w for d, w in zip(number.replace("-", ""), weights, strict=True))
            bad_total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
            assert {total % 11, bad_total % 11} == {0, 10}


@given(anything)
def test_garbage_never_raises(text):
    for validator in (
        lambda t: v.rrn(t, today=TODAY),
        lambda t: v.foreigner_reg_no(t, today=TODAY),
        v.passport_no,
        v.mobile_phone,
        v.landline_phone,
        v.any_phone,
        v.email,
        v.postal_code,
        v.vehicle_plate,
        lambda t: v.calendar_date(t, today=TODAY, deadline_days=14),
        lambda t: v.date_time(t, now=NOW),
        v.person_name,
        v.count,
        lambda t: v.choice(t, {"등본": ["household"], "초본": ["abstract"]}),
        v.free_text,
        v.road_address,
        v.people,
    ):
        assert isinstance(validator(text), v.Valid | v.Invalid)


@given(
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.sampled_from(
        [
            "010-{a}-{b}",
            "010{a}{b}",
            "010 {a} {b}",
            "+82 10 {a} {b}",
            "+8210{a}{b}",
            "010.{a}.{b}",
            "제 번호는 010-{a}-{b}입니다",
        ]
    ),
)
def test_mobile_numbers_round_trip_to_e164(a, b, shape):
    result = v.mobile_phone(shape.format(a=a, b=b))
    assert isinstance(result, v.Valid)
    assert result.value == f"+8210{a}{b}" and result.display == f"010-{a}-{b}"


@given(
    st.sampled_from(["02", "031", "051", "064", "070"]),
    st.from_regex(r"[1-9][0-9]{2,3}", fullmatch=True),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
def test_landlines_round_trip(area, middle, last):
    result = v.landline_phone(f"{area}-{middle}-{last}")
    assert result == v.Valid(f"+82{area[1:]}{middle}{last}", f"{area}-{middle}-{last}")


@given(st.from_regex(r"[a-z][a-z0-9._]{0,15}@[a-z]{2,10}\.(com|kr|go\.kr|net)", fullmatch=True))
def test_emails_round_trip(address):
    assume(".." not in address and not address.split("@")[0].endswith("."))
    assert v.email(address).value == address


@given(st.integers(1, 63), st.integers(0, 999))
def test_postal_codes_round_trip(region, rest):
    code = f"{region:02d}{rest:03d}"
    assert v.postal_code(code).value == code


@given(
    st.sampled_from(["", "서울", "경기", "부산"]),
    st.integers(10, 99),
    st.sampled_from(
        list("가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호")
    ),
    st.integers(1000, 9999),
    st.sampled_from(["", " "]),
)
def test_plates_round_trip(region, kind, letter, serial, space):
    plate = f"{region}{kind}{letter}{serial}"
    assert v.vehicle_plate(f"{region}{space}{kind}{space}{letter}{space}{serial}").value == plate


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=TODAY),
    st.sampled_from(
        [
            "{:%Y-%m-%d}",
            "{:%Y.%m.%d}",
            "{:%Y%m%d}",
            "{:%d/%m/%Y}",
            "{d.year}년 {d.month}월 {d.day}일",
        ]
    ),
)
def test_dates_round_trip_and_warn_past_the_deadline(day, shape):
    text = shape.format(day, d=day) if "{d." in shape else shape.format(day)
    result = v.calendar_date(text, today=TODAY, deadline_days=14)
    assert isinstance(result, v.Valid) and result.value == day.isoformat()
    assert (result.warnings == ("date.late",)) == (TODAY - day > timedelta(days=14))


@given(st.integers(1, 10))
def test_counts_round_trip(n):
    assert v.count(str(n)).value == n and v.count(f"{n}통").value == n


@given(st.from_regex(r"[A-Z]{1,2}[0-9]{7,8}", fullmatch=True))
def test_passports_round_trip(number):
    assume(len(number) <= 9)
    assert v.passport_no(number.lower()).value == number


@given(
    st.sampled_from(
        ["서울특별시 종로구", "경기도 수원시 팔달구", "부산광역시 해운대구", "세종특별자치시"]
    ),
    st.sampled_from(["세종대로", "효원로", "센텀중앙로", "한누리대로", "올림픽로35길"]),
    st.integers(1, 999),
    st.sampled_from(["", ", 101동 1203호", ", 3층"]),
)
def test_road_addresses_keep_their_parts(region, road, number, detail):
    result = v.road_address(f"{region} {road} {number}{detail}")
    assert isinstance(result, v.Valid)
    assert result.parts["road"] == road and result.parts["building_no"] == str(number)
    assert result.parts["detail"] == detail.strip(", ")
