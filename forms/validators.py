"""Validators: pure functions from what a citizen typed to a normalised value or an error code.

Each returns :class:`Valid` (normalised value, how to display it, warning codes) or
:class:`Invalid` (an error code and its parameters). The words said to the citizen come from
the catalog in their language; nothing here is user-facing text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Valid:
    value: Any
    display: str
    warnings: tuple[str, ...] = ()
    parts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


Result = Valid | Invalid

_DASHES = "‐‑‒–—―−－"  # hyphen-like characters people and keyboards produce
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip()
    for dash in _DASHES:
        text = text.replace(dash, "-")
    return _SPACES.sub(" ", text)


# --- resident registration number (주민등록번호) -------------------------------------------

RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_RRN = re.compile(r"(?<!\d)(\d{6})\s?-?\s?(\d{7})(?!\d)")
# Digit 7: century and sex. 9/0 = 1800s, 1/2 = 1900s, 3/4 = 2000s; 5–8 are foreigners' numbers.
_CITIZEN_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "3": 2000, "4": 2000}
_FOREIGNER_CENTURY = {"5": 1900, "6": 1900, "7": 2000, "8": 2000}


def rrn_check_digit(first12: str) -> int:
    """Check digit of numbers issued before October 2020: (11 − Σ dᵢ·wᵢ mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first12, RRN_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def mask_rrn(number: str) -> str:
    """``YYMMDD-G******``: what anyone but an authorised staff member sees."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 13:
        return "******-*******"
    return f"{digits[:6]}-{digits[6]}******"


def _registration_number(text: str, centuries: Mapping[str, int], today: date, kind: str) -> Result:
    cleaned = _clean(text)
    matches = _RRN.findall(cleaned)
    # Exactly one number, and nothing else that looks like digits of another.
    if len(matches) != 1 or sum(c.isdigit() for c in cleaned) != 13:
        return Invalid(f"{kind}.format")
    front, back = matches[0]
    century = centuries.get(back[0])
    if century is None:
        other = _FOREIGNER_CENTURY if centuries is _CITIZEN_CENTURY else _CITIZEN_CENTURY
        return Invalid(f"{kind}.other_kind" if back[0] in other else f"{kind}.gender")
    try:
        born = date(century + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError:
        return Invalid(f"{kind}.date")
    if born > today:
        return Invalid(f"{kind}.date")
    digits = front + back
    warnings = () if rrn_check_digit(digits[:12]) == int(digits[12]) else (f"{kind}.check_digit",)
    normalised = f"{front}-{back}"
    return Valid(normalised, mask_rrn(normalised), warnings, {"birth_date": born.isoformat()})


def rrn(text: str, *, today: date | None = None) -> Result:
    """주민등록번호: format, date and gender digit strictly; the check digit only warns
    (numbers issued since 2020-10 carry none)."""
    return _registration_number(text, _CITIZEN_CENTURY, today or date.today(), "rrn")


def foreigner_reg_no(text: str, *, today: date | None = None) -> Result:
    """외국인등록번호: the same layout as the RRN with 5–8 as digit 7."""
    return _registration_number(text, _FOREIGNER_CENTURY, today or date.today(), "frn")


# --- telephone numbers ------------------------------------------------------------------------

_PHONE_JUNK = re.compile(r"[\s\-.()]")


def _national_digits(text: str) -> str | None:
    raw = _PHONE_JUNK.sub("", _clean(text))
    if raw.startswith("+82"):
        raw = "0" + raw[3:].lstrip("0")
    elif raw.startswith("82") and len(raw) >= 11:
        raw = "0" + raw[2:].lstrip("0")
    return raw if raw.isdigit() else None


_PHONE_IN_TEXT = re.compile(
    r"(?<![\d+])(?:\+?82[\s\-.]*(?:\(0\))?|0)1[016789][\s\-.)]*\d{3,4}[\s\-.]*\d{4}(?!\d)"
)


def mobile_phone(text: str) -> Result:
    """Korean mobile: 010-XXXX-XXXX, or legacy 011/016–019 with a 3–4 digit exchange, alone or
    in a sentence ("my number is 010-…"). Stored as E.164 (+821012345678), shown with hyphens."""
    cleaned = _clean(text)
    found = _PHONE_IN_TEXT.findall(cleaned)
    digits = _national_digits(found[0] if len(found) == 1 else cleaned)
    if digits is None or not re.fullmatch(r"01[016789]\d{7,8}", digits):
        return Invalid("phone.format")
    if digits.startswith("010") and len(digits) != 11:
        return Invalid("phone.format")
    middle = digits[3:-4]
    display = f"{digits[:3]}-{middle}-{digits[-4:]}"
    return Valid("+82" + digits[1:], display)


def format_e164(number: str) -> str:
    """+821012345678 → 010-1234-5678 (mobile); other numbers are returned unchanged."""
    result = mobile_phone(number)
    return result.display if isinstance(result, Valid) else number


# --- names, counts, choices, free text -----------------------------------------------------------

_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'\-·])*$")


def person_name(text: str, *, max_length: int = 50) -> Result:
    name = _clean(text)
    if not name or len(name) > max_length or not _NAME.match(name):
        return Invalid("name.format", {"max": max_length})
    return Valid(name, name)


# Number words, by how they are found: whole words (Korean, English, Vietnamese) or anywhere
# in the text (Chinese and Thai, written without spaces).
_WHOLE_WORD_NUMBERS = {
    "한": 1,
    "하나": 1,
    "일": 1,
    "두": 2,
    "둘": 2,
    "이": 2,
    "세": 3,
    "셋": 3,
    "삼": 3,
    "네": 4,
    "넷": 4,
    "사": 4,
    "다섯": 5,
    "오": 5,
    "여섯": 6,
    "육": 6,
    "일곱": 7,
    "칠": 7,
    "여덟": 8,
    "팔": 8,
    "아홉": 9,
    "구": 9,
    "열": 10,
    "십": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
    "single": 1,
    "just one": 1,
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
_SUBSTRING_NUMBERS = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "หนึ่ง": 1,
    "เดียว": 1,
    "สอง": 2,
    "สาม": 3,
    "สี่": 4,
    "ห้า": 5,
    "หก": 6,
    "เจ็ด": 7,
    "แปด": 8,
    "เก้า": 9,
    "สิบ": 10,
}
# Counters and polite endings that follow a number word ("두 통이요", "สามฉบับครับ").
_COUNTER_SUFFIX = re.compile(
    r"(통|부|장|매|개|份|张|張|个|bản|tờ|ฉบับ|ใบ|copies|copy)?(이요|요|만|주세요|ครับ|ค่ะ|คะ|นะ|จ้า)?$"
)


def count(text: str, *, minimum: int = 1, maximum: int = 10) -> Result:
    """A small whole number such as a number of copies: "2", "2통", "두 통", "two", "两份",
    "สามฉบับครับ"."""
    cleaned = _clean(text).lower()
    digits = re.findall(r"\d+", cleaned)
    number: int | None = int(digits[0]) if len(digits) == 1 else None
    if number is None and not digits:
        words = [_COUNTER_SUFFIX.sub("", w) for w in re.split(r"[\s,.!?]+", cleaned) if w]
        for size in (2, 1):  # "just one" before "one"
            for i in range(len(words) - size + 1):
                phrase = " ".join(words[i : i + size])
                if phrase in _WHOLE_WORD_NUMBERS:
                    number = _WHOLE_WORD_NUMBERS[phrase]
                    break
            if number is not None:
                break
        if number is None:
            for word in sorted(_SUBSTRING_NUMBERS, key=len, reverse=True):
                if word in cleaned:
                    number = _SUBSTRING_NUMBERS[word]
                    break
    if number is None:
        return Invalid("count.format", {"min": minimum, "max": maximum})
    if not minimum <= number <= maximum:
        return Invalid("count.range", {"min": minimum, "max": maximum})
    return Valid(number, str(number))


def choice(text: str, options: Mapping[str, Sequence[str]]) -> Result:
    """One of a closed set. ``options`` maps each value to the words that name it (its labels
    in every language and synonyms); matching ignores case, spaces and punctuation."""

    def key(s: str) -> str:
        return re.sub(r"[\s\W_]+", "", _clean(s).lower())

    wanted = key(text)
    if not wanted:
        return Invalid("choice.unknown")
    for value, names in options.items():
        if wanted == key(value) or any(wanted == key(n) for n in names):
            return Valid(value, value)
    # A longer answer that names exactly one option ("등본으로 주세요").
    hits = {v for v, names in options.items() for n in (v, *names) if key(n) and key(n) in wanted}
    if len(hits) == 1:
        value = hits.pop()
        return Valid(value, value)
    return Invalid("choice.unknown")


def free_text(text: str, *, min_length: int = 1, max_length: int = 500) -> Result:
    cleaned = _clean(text)
    if len(cleaned) < min_length:
        return Invalid("text.too_short", {"min": min_length})
    if len(cleaned) > max_length:
        return Invalid("text.too_long", {"max": max_length})
    return Valid(cleaned, cleaned)


# --- road-name address (도로명주소) ------------------------------------------------------------

_ROAD = re.compile(
    r"(?P<road>[가-힣A-Za-z0-9·.]+(?:대로|로|길)(?:\s?\d+(?:번)?길)?)\s*"
    r"(?P<underground>지하\s*)?(?P<main>\d+)(?:\s*-\s*(?P<sub>\d+))?(?:번)?"
    r"(?=$|[\s,(])"
)
_ROAD_ONLY = re.compile(r"[가-힣A-Za-z0-9·.]+(?:대로|로|길)(?:$|[\s,(])")
_SIDO = re.compile(r"^\S+(?:특별시|광역시|특별자치시|특별자치도|도|시)$")
_SIGUNGU = re.compile(r"^\S+(?:시|군|구)$")
_EUPMYEON = re.compile(r"^\S+(?:읍|면)$")


def road_address(text: str) -> Result:
    """Splits a road-name address: 시·도 → 시·군·구 → (읍·면) → road name → building number,
    then the detail (동·층·호). A missing building number is an error the bot asks back about;
    a missing detail only warns (a detached house has none)."""
    cleaned = _clean(text)
    match = _ROAD.search(cleaned)
    if not match:
        code = "address.building_missing" if _ROAD_ONLY.search(cleaned) else "address.road_missing"
        return Invalid(code)
    region = cleaned[: match.start()].strip(" ,").split()
    parts: dict[str, Any] = {"sido": "", "sigungu": "", "eupmyeon": ""}
    for word in region:
        if not parts["sido"] and _SIDO.match(word) and not parts["sigungu"]:
            parts["sido"] = word
        elif _SIGUNGU.match(word):
            parts["sigungu"] = (parts["sigungu"] + " " + word).strip()
        elif _EUPMYEON.match(word):
            parts["eupmyeon"] = word
    number = match.group("main") + (f"-{match.group('sub')}" if match.group("sub") else "")
    underground = "지하 " if match.group("underground") else ""
    detail = cleaned[match.end() :].strip(" ,")
    parts.update(
        road=match.group("road").replace(" ", ""),
        building_no=number,
        underground=bool(underground),
        detail=detail,
    )
    base = " ".join(p for p in (*region, parts["road"], underground + number) if p)
    full = (
        f"{base}, {detail}" if detail and not detail.startswith("(") else f"{base} {detail}".strip()
    )
    warnings = () if detail else ("address.detail_missing",)
    return Valid(full, full, warnings, parts)


# --- registry ------------------------------------------------------------------------------------

Validator = Callable[..., Result]

VALIDATORS: dict[str, Validator] = {
    "rrn": rrn,
    "foreigner_reg_no": foreigner_reg_no,
    "mobile_phone": mobile_phone,
    "person_name": person_name,
    "count": count,
    "choice": choice,
    "free_text": free_text,
    "road_address": road_address,
}
