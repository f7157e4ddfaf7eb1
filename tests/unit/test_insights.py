"""Insights (issue #9) against a seeded SQLite database: every number checked exactly.

The clock is fixed (``NOW``: Friday 2026-11-20, 15:00 in Korea) and the period is two office
weeks, Monday 2026-11-02 to Sunday 2026-11-15. Times are written in UTC, as stored; the office
day is Korea's (UTC+9)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from forms.catalog import default_catalog
from forms.periods import LegalPeriod, legal_period
from server.insights import (
    Period,
    dropoffs,
    gather,
    group_questions,
    normalise,
    overdue,
    processing_times,
    series,
    totals,
    unanswered,
    unanswered_by_language,
    volume,
    working_days,
)
from server.insights_report import build, to_csv
from server.store.db import Database
from server.store.models import Conversation, Submission, UnansweredQuestion

CATALOG = default_catalog()
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # Friday 15:00 KST
PERIOD = Period(date(2026, 11, 2), date(2026, 11, 15))
RRC = "resident_registration_copy"
GENERAL = "general_petition"


def utc(day: int, hour: int = 1, minute: int = 0, month: int = 11) -> datetime:
    """A moment in 2026 as stored (UTC); hour 1 UTC is 10:00 in Korea, the same day."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# (receipt, petition, status, language, channel, submitted, decided/updated, fields, conversation)
SUBMISSIONS: list[tuple[str, str, str, str, str, datetime, datetime, dict[str, Any], str]] = [
    ("S1", RRC, "approved", "ko", "web", utc(2), utc(2, 5), {}, "C5"),  # same day: 0
    ("S2", RRC, "approved", "en", "kiosk", utc(6), utc(9), {}, "c-s2"),  # Fri → Mon: 1
    ("S3", RRC, "rejected", "ko", "web", utc(7), utc(9), {}, "c-s3"),  # Sat → Mon: 0
    ("S4", RRC, "approved", "zh", "web", utc(3), utc(6), {}, "c-s4"),  # Tue → Fri: 3
    ("S5", GENERAL, "approved", "vi", "web", utc(2), utc(12), {"petition_kind": "고충"}, "c-s5"),
    ("S6", GENERAL, "rejected", "ko", "kiosk", utc(4), utc(12), {"petition_kind": "건의"}, "c-s6"),
    ("S7", "seal_certificate", "submitted", "ko", "web", utc(13), utc(13), {}, "c-s7"),
    ("S8", "facility_damage_report", "submitted", "en", "web", utc(10), utc(10), {}, "c-s8"),
    ("S9", "illegal_parking_report", "resubmitted", "ko", "kiosk", utc(12), utc(16), {}, "c-s9"),
    ("S10", GENERAL, "returned", "th", "web", utc(5), utc(6), {"petition_kind": "기타"}, "c-s10"),
    # Purged (no fields left), before the period: overdue by the longest general period (14).
    ("S11", GENERAL, "submitted", "ko", "web", utc(20, month=10), utc(20, month=10), {}, "c-s11"),
    # 15th 15:30 UTC is the 16th in Korea: after the period.
    ("S12", "move_in_report", "approved", "ko", "web", utc(15, 15, 30), utc(16, 2), {}, "c-s12"),
    # 1st 15:30 UTC is the 2nd in Korea: in the period; decided the same office day.
    ("S13", "move_in_report", "approved", "ko", "web", utc(1, 15, 30), utc(2, 3), {}, "c-s13"),
]

# (conversation, active form, requested slot, last activity)
CONVERSATIONS: list[tuple[str, str | None, str | None, datetime]] = [
    ("C1", f"{RRC}_form", "applicant_rrn", utc(3)),
    ("C2", f"{RRC}_form", "applicant_rrn", utc(4)),
    ("C3", f"{RRC}_form", "phone", utc(5)),
    ("C4", f"{RRC}_form", "confirmation", utc(6)),
    ("C5", f"{RRC}_form", "address", utc(6)),  # filed S1 after all: not given up
    ("C6", f"{GENERAL}_form", "petition_kind", utc(8)),
    ("C7", "callback_form", "callback_phone", utc(8)),  # not a petition
    ("C8", f"{RRC}_form", "purpose", utc(16)),  # after the period
    ("C9", None, None, utc(9)),  # no form open
    ("C10", f"{GENERAL}_form", "title", NOW - timedelta(minutes=10)),  # still typing
    ("C11", f"{RRC}_form", None, utc(9)),  # the field is not known
]

QUESTIONS: list[tuple[str, str, datetime]] = [
    ("How do I register my dog?", "en", utc(3)),
    ("how do I register my dog", "en", utc(5)),
    ("How do I register my DOG??", "en", utc(4)),
    ("반려견 등록 방법 […]", "ko", utc(6)),
    ("반려견 등록방법", "ko", utc(7)),
    ("Where can I fish in the river?", "en", utc(8)),
    ("where can I fish in the river", "en", utc(8, 2)),
    ("Where can I fish in the river, please", "en", utc(9)),
    ("Where can I swim in the river?", "en", utc(10)),
    ("钓鱼许可证怎么办理？", "zh", utc(10, 2)),
    ("钓鱼许可证怎么办理", "zh", utc(11)),
    ("How do I register my dog?", "en", utc(20)),  # after the period
]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'insights.db'}")
    database.create_schema()
    with database.session() as session:
        for cid, form, slot, at in CONVERSATIONS:
            session.add(
                Conversation(
                    id=cid,
                    language="ko",
                    channel="web",
                    created_at=at,
                    updated_at=at,
                    active_form=form,
                    requested_slot=slot,
                )
            )
        known = {c[0] for c in CONVERSATIONS}
        for receipt, pid, status, lang, channel, at, changed, fields, cid in SUBMISSIONS:
            if cid not in known:
                session.add(Conversation(id=cid, language=lang, channel=channel, updated_at=at))
            session.add(
                Submission(
                    receipt_no=receipt,
                    idempotency_key=receipt,
                    petition_id=pid,
                    status=status,
                    language=lang,
                    channel=channel,
                    conversation_id=cid,
                    fields=fields,
                    submitted_at=at,
                    updated_at=changed,
                )
            )
        for question, language, at in QUESTIONS:
            session.add(UnansweredQuestion(question=question, language=language, asked_at=at))
    return database


# --- days and periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 11, 2), date(2026, 11, 2), 0),  # Monday, same day
        (date(2026, 11, 6), date(2026, 11, 9), 1),  # Friday → Monday
        (date(2026, 11, 7), date(2026, 11, 9), 0),  # Saturday → Monday
        (date(2026, 11, 2), date(2026, 11, 12), 8),
        (date(2026, 10, 20), date(2026, 11, 20), 23),
        (date(2026, 11, 9), date(2026, 11, 2), 0),
    ],
)
def test_working_days(start: date, end: date, days: int) -> None:
    assert working_days(start, end) == days


def test_every_catalog_period_is_read_as_days() -> None:
    periods = {pid: legal_period(p) for pid, p in CATALOG.petitions.items()}
    assert {pid: p.days for pid, p in periods.items()} == {
        "facility_damage_report": 7,  # "7일(처리 결과는 …)"
        "family_relation_certificate": 0,  # "즉시 발급"
        "foreigner_address_change": 0,
        "general_petition": 14,  # the longest of its kinds
        "illegal_parking_report": 7,  # "통상 7일 이내 …"
        "move_in_report": 0,  # "즉시 처리(근무시간 3시간 이내)"
        "resident_registration_copy": 0,
        "seal_certificate": 0,
    }
    general = periods[GENERAL]
    assert general.depends_on == "petition_kind"
    # "질의 7일(절차)·14일(법령)": the longer; "기타 즉시": the same day. The later sentence's
    # "5일 이하 …" and "30일이 지나면 …" are not periods.
    assert dict(general.by_value) == {"질의": 14, "건의": 14, "고충": 7, "기타": 0}
    assert general.for_fields({"petition_kind": "고충"}) == 7
    assert general.for_fields({}) == 14 and general.for_fields(None) == 14
    assert general.describe() == "질의 14일 · 건의 14일 · 고충 7일 · 기타 당일(즉시)"
    assert periods[RRC].describe() == "당일(즉시)"
    assert periods["facility_damage_report"].describe() == "7일"
    assert LegalPeriod(None).describe() == "정해지지 않음"


# --- volume ----------------------------------------------------------------------------------


def test_volume_by_type_language_channel_and_status(db: Database) -> None:
    with db.session() as session:
        rows = volume(session, PERIOD, "week")
    assert sum(r.count for r in rows) == 11  # S11 (October) and S12 (16th in Korea) are out
    assert totals(rows, "petition_id") == {
        RRC: 4,
        GENERAL: 3,
        "facility_damage_report": 1,
        "illegal_parking_report": 1,
        "move_in_report": 1,
        "seal_certificate": 1,
    }
    assert totals(rows, "language") == {"ko": 6, "en": 2, "th": 1, "vi": 1, "zh": 1}
    assert totals(rows, "channel") == {"web": 8, "kiosk": 3}
    assert totals(rows, "status") == {
        "approved": 5,
        "rejected": 2,
        "submitted": 2,
        "resubmitted": 1,
        "returned": 1,
    }
    buckets, by_petition = series(rows, PERIOD, "week")
    assert buckets == [date(2026, 11, 2), date(2026, 11, 9)]
    assert by_petition == {
        "facility_damage_report": [0, 1],
        GENERAL: [3, 0],
        "illegal_parking_report": [0, 1],
        "move_in_report": [1, 0],
        RRC: [4, 0],
        "seal_certificate": [0, 1],
    }


def test_volume_per_day_counts_office_days(db: Database) -> None:
    with db.session() as session:
        rows = volume(session, PERIOD, "day")
    buckets, by_petition = series(rows, PERIOD, "day")
    assert len(buckets) == 14 and buckets[0] == date(2026, 11, 2)
    # S13 was stored on 1 November (UTC) but made on 2 November in Korea.
    assert by_petition["move_in_report"] == [1] + [0] * 13
    assert by_petition[RRC] == [1, 1, 0, 0, 1, 1] + [0] * 8  # 2nd, 3rd, 6th, 7th
    per_day = [sum(counts[i] for counts in by_petition.values()) for i in range(14)]
    assert per_day == [3, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0]


# --- processing time and overdue ----------------------------------------------------------


def test_processing_time_against_the_legal_period(db: Database) -> None:
    with db.session() as session:
        rows = {r.petition_id: r for r in processing_times(session, CATALOG, PERIOD)}
    assert list(rows) == [GENERAL, "move_in_report", RRC]  # catalog order
    rrc = rows[RRC]  # 0, 1, 0, 3 working days; the same day allowed
    assert (rrc.decided, rrc.median_days, rrc.p90_days, rrc.within_period) == (4, 0.5, 3, 2)
    assert rrc.legal.days == 0
    general = rows[GENERAL]  # 고충 8 days of 7 (late), 건의 6 of 14 (on time)
    assert (general.decided, general.median_days, general.p90_days) == (2, 7.0, 8)
    assert general.within_period == 1
    move_in = rows["move_in_report"]
    assert (move_in.decided, move_in.median_days, move_in.p90_days, move_in.within_period) == (
        1,
        0.0,
        0,
        1,
    )


def test_overdue_lists_open_submissions_past_their_period(db: Database) -> None:
    with db.session() as session:
        rows = overdue(session, CATALOG, NOW)
    assert [
        (r.receipt_no, r.petition_id, r.status, r.submitted_on, r.days_open, r.days_allowed)
        for r in rows
    ] == [
        ("S11", GENERAL, "submitted", date(2026, 10, 20), 23, 14),  # 9 over
        ("S7", "seal_certificate", "submitted", date(2026, 11, 13), 5, 0),  # 5 over
        ("S8", "facility_damage_report", "submitted", date(2026, 11, 10), 8, 7),  # 1 over
    ]
    # S9 (resubmitted, 6 of 7 days) is not late yet; S10 is with the citizen (returned).


def test_a_same_day_petition_is_overdue_from_the_next_working_day(db: Database) -> None:
    with db.session() as session:
        friday_evening = overdue(session, CATALOG, datetime(2026, 11, 13, 14, 0, tzinfo=UTC))
        monday = overdue(session, CATALOG, datetime(2026, 11, 16, 1, 0, tzinfo=UTC))
    assert "S7" not in {r.receipt_no for r in friday_evening}  # 23:00 the same Friday
    assert "S7" in {r.receipt_no for r in monday}


# --- where citizens give up ---------------------------------------------------------------


def test_dropoffs_share_per_field(db: Database) -> None:
    with db.session() as session:
        found = dropoffs(session, CATALOG, PERIOD, NOW)
    assert [(d.petition_id, d.abandoned) for d in found] == [(GENERAL, 1), (RRC, 5)]
    general, rrc = found
    assert general.stopped_at == {"petition_kind": 1} and general.share("petition_kind") == 1.0
    # In the form's order, then the confirmation step, then unknown.
    assert list(rrc.stopped_at.items()) == [
        ("applicant_rrn", 2),
        ("phone", 1),
        ("confirmation", 1),
        (None, 1),
    ]
    assert rrc.share("applicant_rrn") == 0.4 and rrc.share("phone") == 0.2
    assert rrc.share("address") == 0.0  # C5 filed its petition


def test_a_conversation_quiet_for_less_than_half_an_hour_has_not_given_up(db: Database) -> None:
    this_week = Period(date(2026, 11, 16), date(2026, 11, 20))
    with db.session() as session:
        found = dropoffs(session, CATALOG, this_week, NOW)
        later = dropoffs(session, CATALOG, this_week, NOW + timedelta(minutes=21))
    assert [(d.petition_id, dict(d.stopped_at)) for d in found] == [(RRC, {"purpose": 1})]
    assert [(d.petition_id, dict(d.stopped_at)) for d in later] == [
        (GENERAL, {"title": 1}),
        (RRC, {"purpose": 1}),
    ]


# --- unanswered questions -------------------------------------------------------------------


def test_normalise() -> None:
    assert normalise("How do I register my DOG??") == "how do i register my dog"
    assert normalise("반려견 등록 방법 […] 2마리") == "반려견 등록 방법 마리"
    assert normalise("钓鱼许可证怎么办理？") == "钓鱼许可证怎么办理"
    assert normalise("=SUM(A1) +82 10-1234") == "sum a"
    assert normalise("?? 123 […]") == ""


def test_unanswered_questions_grouped_newest_first(db: Database) -> None:
    with db.session() as session:
        groups = unanswered(session, PERIOD)
        by_language = unanswered_by_language(session, PERIOD)
    assert [
        (g.text, g.language, g.count, g.variants, g.first_asked.day, g.last_asked.day)
        for g in groups
    ] == [
        ("钓鱼许可证怎么办理", "zh", 2, 1, 10, 11),
        ("where can i swim in the river", "en", 1, 1, 10, 10),  # 6 of 8 words: not alike
        ("where can i fish in the river", "en", 3, 2, 8, 9),  # "…, please" joins it
        ("반려견 등록방법", "ko", 2, 2, 6, 7),  # spacing does not matter
        ("how do i register my dog", "en", 3, 1, 3, 5),  # the one on the 20th is out
    ]
    assert by_language == {"en": 7, "ko": 2, "zh": 2}


def test_at_most_fifty_groups_and_empty_questions_are_dropped() -> None:
    asked = [(f"question {chr(0x4E00 + i)}", "ko", utc(2, 1, i)) for i in range(60)]
    asked.append(("?? 900101 […]", "ko", utc(3)))
    groups = group_questions(asked)
    assert len(groups) == 50
    assert groups[0].text == f"question {chr(0x4E00 + 59)}"
    assert all(g.text for g in groups)


# --- the report: tables and CSV -----------------------------------------------------------


def test_report_tables_and_csv(db: Database) -> None:
    with db.session() as session:
        report = build(gather(session, CATALOG, PERIOD, "week", NOW), CATALOG)
    volume_table = report.tables["volume"]
    assert volume_table.columns == [
        "주 시작일",
        "주민등록표 등본·초본 발급",
        "일반 민원·건의 신청",
        *volume_table.columns[3:7],
        "합계",
    ]
    assert [row[0] for row in volume_table.rows] == ["2026-11-02 주", "2026-11-09 주"]
    assert [row[-1] for row in volume_table.rows] == [8, 3]
    assert report.tables["by_channel"].rows == [["웹", 8, 72.7], ["키오스크", 3, 27.3]]
    assert report.tables["by_status"].rows[0] == ["승인", 5, 45.5]
    processing = {row[0]: row[1:] for row in report.tables["processing"].rows}
    assert processing["주민등록표 등본·초본 발급"] == [4, 0.5, 3, "당일(즉시)", 2, 50]
    assert report.tables["overdue"].rows[0] == [
        "S11",
        "일반 민원·건의 신청",
        "접수",
        "2026-10-20",
        23,
        14,
        9,
    ]
    assert report.tables["dropoff"].rows == [
        ["일반 민원·건의 신청", "민원 종류", 1, 100],
        ["주민등록표 등본·초본 발급", "주민등록번호", 2, 40],
        ["주민등록표 등본·초본 발급", "휴대전화", 1, 20],
        ["주민등록표 등본·초본 발급", "제출 전 확인", 1, 20],
        ["주민등록표 등본·초본 발급", "알 수 없음", 1, 20],
    ]
    assert report.tables["unanswered"].rows[0] == [
        "钓鱼许可证怎么办理",
        "중국어",
        2,
        1,
        "2026-11-10",
        "2026-11-11",
    ]
    charts = {c["id"]: c for c in report.charts()}
    assert charts["chart-volume"]["labels"] == ["2026-11-02 주", "2026-11-09 주"]
    assert charts["chart-dropoff-1"]["datasets"][0]["data"] == [40, 20, 20, 20]

    data = to_csv(report.tables["by_channel"])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == [
        "접수 경로,건수,비율(%)",
        "웹,8,72.7",
        "키오스크,3,27.3",
    ]


def test_the_vendored_chart_library_is_the_locked_version() -> None:
    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/chart.js"]["version"]
    vendored = root / "server/static/vendor/chart.js"
    assert (
        (vendored / "chart.umd.min.js")
        .read_text(encoding="utf-8")
        .startswith(f"/*!\n * Chart.js v{version}\n")
    )
    assert "MIT License" in (vendored / "LICENSE.md").read_text(encoding="utf-8")
    assert f"Chart.js {version}" in (vendored / "README.md").read_text(encoding="utf-8")
