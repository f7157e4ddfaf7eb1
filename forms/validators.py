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
from datetime import date, datetime, timedelta
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


def mask_passport(number: str) -> str:
    cleaned = re.sub(r"\s", "", number)
    return (
        cleaned[:2] + "*" * max(len(cleaned) - 4, 2) + cleaned[-2:] if len(cleaned) > 4 else "****"
    )


# Vault token kinds of the identifier field types.
IDENTIFIER_KINDS = {"rrn": "rrn", "foreigner_reg_no": "frn", "passport": "ppt"}


def mask_identifier(kind: str, value: str) -> str:
    """How an identifier is shown to anyone but authorised staff, by its token kind."""
    if kind in ("rrn", "frn"):
        return mask_rrn(value)
    if kind == "ppt":
        return mask_passport(value)
    return "*" * min(len(value), 8)


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
    """+821012345678 → 010-1234-5678, +8221234567 → 02-123-4567; others unchanged."""
    result = any_phone(number)
    return result.display if isinstance(result, Valid) else number


# --- names, counts, choices, free text -----------------------------------------------------------

_NAME_PUNCTUATION = frozenset(" .'-·")


def _is_name(text: str) -> bool:
    """Letters of any script with their combining marks (Thai vowels and tones, Vietnamese
    tone marks), spaces and the punctuation names use; starting with a letter."""
    if not text or not unicodedata.category(text[0]).startswith("L"):
        return False
    return all(unicodedata.category(c)[0] in "LM" or c in _NAME_PUNCTUATION for c in text)


def person_name(text: str, *, max_length: int = 50) -> Result:
    name = _clean(text)
    if not name or len(name) > max_length or not _is_name(name):
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
    # A longer answer that names exactly one option ("등본으로 주세요"). A name inside a longer
    # matched name of another option does not count ("공개" inside "비공개").
    hits = [
        (v, key(n))
        for v, names in options.items()
        for n in (v, *names)
        if key(n) and key(n) in wanted
    ]
    kept = {
        v
        for v, name in hits
        if not any(name != other and name in other for w, other in hits if w != v)
    }
    if len(kept) == 1:
        value = kept.pop()
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


# --- other identifiers and contact details ------------------------------------------------------

_PASSPORT = re.compile(r"^[A-Z][A-Z0-9]{5,8}$|^[0-9]{6,9}$")

_LATIN = "A-Za-zＡ-Ｚａ-ｚ"  # half- and full-width
_DIGIT = "0-9０-９"
# A passport number somewhere in free text (the vault swaps it for a token): one or two Latin
# letters and 7–8 digits, nine characters at most as passport_no wants (M12345678, E12345678,
# GB1234567), or the Korean 2021 format M123A4567. Only a whole token: not part of a longer
# word, number, code or e-mail address, so a receipt number (MW-20261121-ABC234, MW20261121),
# a plate (12가3456), a phone number or a postal code is never taken. Hangul, Chinese or Thai
# letters may touch it (여권번호M12345678이에요).
PASSPORT_IN_TEXT = re.compile(
    rf"(?<![{_LATIN}{_DIGIT}_@])(?<![{_LATIN}{_DIGIT}][-/])"
    rf"(?:[{_LATIN}][{_DIGIT}]{{7,8}}|[{_LATIN}]{{2}}[{_DIGIT}]{{7}}"
    rf"|[{_LATIN}][{_DIGIT}]{{3}}[{_LATIN}][{_DIGIT}]{{4}})"
    rf"(?![{_LATIN}{_DIGIT}_@])(?![-/][{_LATIN}{_DIGIT}])"
)


def passport_no(text: str) -> Result:
    """Passport number: 6–9 letters and digits (Korean: M12345678 or the 2021 format M123A4567).
    Stored upper-case without spaces."""
    cleaned = re.sub(r"[\s\-]", "", _clean(text)).upper()
    found = re.findall(r"[A-Z0-9]{6,9}", cleaned)
    candidate = found[0] if len(found) == 1 else cleaned
    if not _PASSPORT.match(candidate) or not any(c.isdigit() for c in candidate):
        return Invalid("passport.format")
    return Valid(candidate, mask_passport(candidate))


# Area codes of Korean landlines (02 Seoul; 0AB elsewhere) and other non-mobile prefixes.
_AREA_CODES = (
    "02",
    "031",
    "032",
    "033",
    "041",
    "042",
    "043",
    "044",
    "051",
    "052",
    "053",
    "054",
    "055",
    "061",
    "062",
    "063",
    "064",
    "070",
)


def landline_phone(text: str) -> Result:
    """Korean landline or VoIP number (02-XXX(X)-XXXX, 0AB-XXX(X)-XXXX, 070-XXXX-XXXX)."""
    digits = _national_digits(text)
    if digits is None:
        return Invalid("phone.landline_format")
    for code in sorted(_AREA_CODES, key=len, reverse=True):
        rest = digits[len(code) :]
        if digits.startswith(code) and len(rest) in (7, 8) and rest[0] != "0":
            middle = rest[:-4]
            return Valid("+82" + digits[1:], f"{code}-{middle}-{rest[-4:]}")
    return Invalid("phone.landline_format")


def any_phone(text: str) -> Result:
    """A mobile or a landline number."""
    result = mobile_phone(text)
    if isinstance(result, Valid):
        return result
    landline = landline_phone(text)
    return landline if isinstance(landline, Valid) else Invalid("phone.any_format")


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def email(text: str) -> Result:
    found = re.findall(r"\S+@\S+", _clean(text))
    candidate = found[0].strip(".,;:()<>\"'") if len(found) == 1 else _clean(text)
    if len(candidate) > 254 or not _EMAIL.match(candidate):
        return Invalid("email.format")
    local, domain = candidate.rsplit("@", 1)
    value = f"{local}@{domain.lower()}"
    return Valid(value, value)


_POSTAL_FIRST_TWO = range(1, 64)  # 01 Seoul … 63 Jeju (국가기초구역번호, since 2015-08-01)


def postal_code(text: str) -> Result:
    found = re.findall(r"(?<!\d)\d{5}(?!\d)", _clean(text))
    if len(found) != 1 or int(found[0][:2]) not in _POSTAL_FIRST_TWO:
        return Invalid("postal.format")
    return Valid(found[0], found[0])


# --- vehicle plates (자동차 등록번호판) -----------------------------------------------

_REGIONS = (
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)
# Hangul letters in use: private cars, rental (하·허·호), commercial (바·사·아·자), 배 (delivery).
_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호"
_PLATE = re.compile(
    r"^(?P<region>"
    + "|".join(_REGIONS)
    + r")?(?P<type>\d{2,3})(?P<use>["
    + _PLATE_LETTERS
    + r"])(?P<serial>\d{4})$"
)


_PLATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:" + "|".join(_REGIONS) + r")?\d{2,3}[" + _PLATE_LETTERS + r"]\d{4}(?!\d)"
)


def vehicle_plate(text: str) -> Result:
    """Korean plates: new 12가3456 and 123가4567 (since 2019), old regional 서울12가3456; alone or
    in a sentence ("차량번호는 34나5678입니다")."""
    compact = re.sub(r"[\s\-·.]", "", _clean(text))
    found = _PLATE_IN_TEXT.findall(compact)
    match = _PLATE.match(found[0]) if len(found) == 1 else None
    if not match:
        return Invalid("plate.format")
    if match.group("region") and len(match.group("type")) == 3:
        return Invalid("plate.format")  # regional prefixes were dropped before 3-digit types
    plate = match.group()
    return Valid(plate, plate, (), dict(match.groupdict()))


# --- dates and times ----------------------------------------------------------------------------

_RELATIVE_DAYS = {
    0: ("오늘", "today", "今天", "今日", "hôm nay", "hom nay", "วันนี้"),
    1: ("어제", "yesterday", "昨天", "昨日", "hôm qua", "hom qua", "เมื่อวาน", "เมื่อวานนี้"),
    2: ("그저께", "그제", "the day before yesterday", "前天", "hôm kia", "เมื่อวานซืน"),
}


_THAI_MONTHS = {
    "มกราคม": 1,
    "ม.ค.": 1,
    "กุมภาพันธ์": 2,
    "ก.พ.": 2,
    "มีนาคม": 3,
    "มี.ค.": 3,
    "เมษายน": 4,
    "เม.ย.": 4,
    "พฤษภาคม": 5,
    "พ.ค.": 5,
    "มิถุนายน": 6,
    "มิ.ย.": 6,
    "กรกฎาคม": 7,
    "ก.ค.": 7,
    "สิงหาคม": 8,
    "ส.ค.": 8,
    "กันยายน": 9,
    "ก.ย.": 9,
    "ตุลาคม": 10,
    "ต.ค.": 10,
    "พฤศจิกายน": 11,
    "พ.ย.": 11,
    "ธันวาคม": 12,
    "ธ.ค.": 12,
}
_ENGLISH_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}


def _named_month(lowered: str) -> str:
    """Rewrites "3 พ.ย. 2569" or "November 3, 2026" as "3/11/2026" (Buddhist-era years, used
    in Thailand, are 543 ahead)."""
    for name, month in sorted(_THAI_MONTHS.items(), key=lambda item: -len(item[0])):
        if name in lowered:
            match = re.search(r"(\d{1,2})\s*" + re.escape(name) + r"\s*(\d{4})?", lowered)
            if match:
                year = int(match.group(2)) if match.group(2) else None
                if year and year > 2400:
                    year -= 543
                return (
                    f"{match.group(1)}/{month}/{year}" if year else f"{month}월 {match.group(1)}일"
                )
    for pattern in (
        r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?,?\s*(\d{4})?",
        r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s*(\d{4})?",
    ):
        for match in re.finditer(pattern, lowered):
            first, second, year = match.groups()
            month_name, day = (first, second) if first.isalpha() else (second, first)
            if month_name in _ENGLISH_MONTHS:
                month = _ENGLISH_MONTHS[month_name]
                return f"{day}/{month}/{year}" if year else f"{month}월 {day}일"
    return lowered


def _parse_date(cleaned: str, today: date) -> date | None:
    lowered = _named_month(cleaned.lower())
    for back, words in sorted(_RELATIVE_DAYS.items(), reverse=True):
        if any(w in lowered for w in words):
            return date.fromordinal(today.toordinal() - back)
    patterns = (
        r"(?P<y>\d{4})\s*[-./년]\s*(?P<m>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})",
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})",
        r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)",
        r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})",  # vi/th: d/m/y
        r"(?<!\d)(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])(?=.*[ก-๙])",  # Thai d/m without year
        r"ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})(?:\s*năm\s*(?P<y>\d{4}))?",
        r"(?P<m>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})",
        r"(?<![\d:])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])",  # 11/20: month first, as in Korea
    )
    for pattern in patterns:
        match = re.search(pattern, lowered)
        if match:
            parts = match.groupdict()
            year = int(parts["y"]) if parts.get("y") else today.year
            if year > 2400:  # Buddhist era
                year -= 543
            try:
                found = date(year, int(parts["m"]), int(parts["d"]))
            except ValueError:
                return None
            if not parts.get("y") and found > today:  # "11월 30일" said in January: last year
                found = found.replace(year=year - 1)
            return found
    return None


def calendar_date(
    text: str,
    *,
    today: date | None = None,
    not_future: bool = True,
    deadline_days: int | None = None,
) -> Result:
    """A date: 2026-11-20, 2026.11.20, 20261120, 20/11/2026, 11월 20일, "어제", "yesterday" …
    With ``deadline_days`` a date more than that many days ago warns ``date.late``."""
    today = today or date.today()
    found = _parse_date(_clean(text), today)
    if found is None:
        return Invalid("date.format")
    if not_future and found > today:
        return Invalid("date.future")
    if found.year < 1900:
        return Invalid("date.format")
    warnings: tuple[str, ...] = ()
    late_by = (today - found).days - (deadline_days or 0)
    if deadline_days is not None and late_by > 0:
        warnings = ("date.late",)
    return Valid(found.isoformat(), found.isoformat(), warnings, {"late_by_days": max(late_by, 0)})


_TIME = re.compile(
    r"(?P<ampm>오전|오후|am|pm|a\.m\.|p\.m\.|上午|下午|sáng|chiều|tối|เช้า|บ่าย)?\s*"
    r"(?P<h>\d{1,2})\s*(?:[:시时點点h]|giờ|โมง|นาฬิกา)\s*(?P<m>\d{1,2})?\s*(?:분|分|phút|นาที)?\s*"
    r"(?P<ampm2>am|pm|a\.m\.|p\.m\.)?"
)


def date_time(text: str, *, now: datetime | None = None) -> Result:
    """When something was seen: a date (or today) and a time, not in the future."""
    now = now or datetime.now()
    cleaned = _clean(text).lower()
    if any(
        w in cleaned
        for w in (
            "지금",
            "방금",
            "now",
            "just now",
            "现在",
            "刚才",
            "bây giờ",
            "vừa",
            "ตอนนี้",
            "เมื่อกี้",
        )
    ):
        stamp = now.replace(second=0, microsecond=0)
        return Valid(stamp.isoformat(timespec="minutes"), stamp.strftime("%Y-%m-%d %H:%M"))
    day = _parse_date(
        re.sub(r"\d{1,2}\s*(?::|시|时|点|giờ|โมง)\s*\d{0,2}", " ", cleaned), now.date()
    )
    time_match = None
    for match in _TIME.finditer(cleaned):
        if (
            match.group("ampm")
            or match.group("ampm2")
            or re.search(r"[:시时點点h]|giờ|โมง|นาฬิกา", match.group())
        ):
            time_match = match
    if time_match is None:
        return Invalid("datetime.format")
    hour, minute = int(time_match.group("h")), int(time_match.group("m") or 0)
    marker = (time_match.group("ampm") or time_match.group("ampm2") or "").replace(".", "")
    if marker in ("오후", "pm", "下午", "chiều", "tối", "บ่าย") and hour < 12:
        hour += 12
    if marker in ("오전", "am", "上午") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return Invalid("datetime.format")
    stamp = datetime.combine(day or now.date(), datetime.min.time()).replace(
        hour=hour, minute=minute
    )
    if stamp > now + timedelta(minutes=5):
        return Invalid("datetime.future")
    return Valid(stamp.isoformat(timespec="minutes"), stamp.strftime("%Y-%m-%d %H:%M"))


# --- several people (전입 세대원) -----------------------------------------------------------------

_NOBODY = (
    "본인만",
    "혼자",
    "없어요",
    "없음",
    "없습니다",
    "just me",
    "only me",
    "nobody",
    "none",
    "no one",
    "只有我",
    "没有",
    "一个人",
    "chỉ mình tôi",
    "không có",
    "một mình",
    "คนเดียว",
    "ไม่มี",
)


def people(text: str, *, maximum: int = 10) -> Result:
    """Others named with their relationship: "홍길순 배우자, 홍하나 자녀" → a list of
    {name, relation}. "본인만" / "just me" → an empty list."""
    cleaned = _clean(text)
    if any(w in cleaned.lower() for w in _NOBODY):
        return Valid([], "—")
    entries = [
        e.strip() for e in re.split(r"[,;\n、，/]|\band\b|그리고|và|และ", cleaned) if e.strip()
    ]
    found = []
    for entry in entries:
        words = re.sub(r"[()（）]", " ", entry).split()
        if len(words) < 2:
            return Invalid("people.format")
        name, relation = " ".join(words[:-1]), words[-1]
        if not _is_name(name) or not _is_name(relation) or len(name) > 50:
            return Invalid("people.format")
        found.append({"name": name, "relation": relation})
    if not found:
        return Invalid("people.format")
    if len(found) > maximum:
        return Invalid("people.too_many", {"max": maximum})
    return Valid(found, ", ".join(f"{p['name']}({p['relation']})" for p in found))


# --- photo sets (evidence for reports) ------------------------------------------------------------


def photo_set(
    taken_at: Sequence[datetime | None],
    *,
    minimum: int = 1,
    maximum: int = 5,
    min_interval_seconds: int = 0,
) -> Result:
    """The photos attached so far, by the time their camera recorded. Illegal-parking reports need
    two of the same car at least a minute apart (안전신문고 rule)."""
    if len(taken_at) > maximum:
        return Invalid("photos.too_many", {"max": maximum})
    if len(taken_at) < minimum:
        return Invalid("photos.too_few", {"min": minimum})
    if min_interval_seconds:
        times = sorted(t for t in taken_at if t is not None)
        if len(times) < minimum:
            return Invalid("photos.no_time")
        if (times[-1] - times[0]).total_seconds() < min_interval_seconds:
            return Invalid("photos.interval", {"seconds": min_interval_seconds})
    return Valid(len(taken_at), str(len(taken_at)))


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
    "passport_no": passport_no,
    "landline_phone": landline_phone,
    "any_phone": any_phone,
    "email": email,
    "postal_code": postal_code,
    "vehicle_plate": vehicle_plate,
    "calendar_date": calendar_date,
    "date_time": date_time,
    "people": people,
}
