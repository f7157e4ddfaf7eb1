"""Insights for the city (/staff/insights): read-only queries over the app's tables.

- how many petitions of which type, language, channel (web / kiosk) and status, per day or week;
- how long decided petitions took against their legal period, and which open ones are past it;
- where citizens give up: the field a form was waiting for when its conversation went quiet;
- which questions the knowledge base could not answer, grouped.

Nothing here returns personal data: counts, petition and field ids, office days, receipt numbers
(the overdue list only) and unanswered questions as the knowledge guard left them, normalised
(lower case, no punctuation, no digits). Submission fields are read only to find the choice a
legal period depends on (``forms/periods.py``) and never leave this module.

Times: the store keeps UTC; days are the office's (Korea). Durations are working days —
Monday to Friday, counted from the day of submission (included) to the day of the decision (or
today) excluded: the same day is 0, Friday to Monday is 1, Saturday to Monday 0. Public holidays
are not known to the app and count as working days, so a period running over one is flagged a
day early rather than late. Time spent with the citizen on a return for correction is not taken
off (the store keeps only the latest change), so a resubmitted petition may be flagged early too.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.catalog import Catalog
from forms.document import KOREA
from forms.periods import LegalPeriod, legal_period
from knowledge.guard import REMOVED
from server.store.models import Conversation, Submission, UnansweredQuestion
from server.store.repositories import OPEN_STATUSES

OFFICE_TZ = KOREA
DECIDED = ("approved", "rejected")
# A form conversation quiet for longer than this is taken as given up.
IDLE = timedelta(minutes=30)
TOP_QUESTIONS = 50
# Near-identical questions: the same words (in any order, any spacing), or word sets this alike.
SIMILAR = 0.8
# Languages written without spaces between words: compared by pairs of letters instead.
UNSPACED = frozenset({"zh", "th"})
Bucket = Literal["day", "week"]


# --- days ----------------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime:
    """A stored moment (SQLite gives it back naive: UTC) as an aware UTC datetime."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def office_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(OFFICE_TZ).date()


def office_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=OFFICE_TZ).astimezone(UTC)


def working_days(start: date, end: date) -> int:
    """Weekdays from ``start`` (included) to ``end`` (excluded)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    tail = (start + timedelta(days=weeks * 7 + i) for i in range(rest))
    return weeks * 5 + sum(1 for day in tail if day.weekday() < 5)


def bucket_of(day: date, bucket: Bucket) -> date:
    """The day itself, or the Monday of its week."""
    return day - timedelta(days=day.weekday()) if bucket == "week" else day


@dataclass(frozen=True)
class Period:
    """Office days from ``since`` to ``until``, both included."""

    since: date
    until: date

    @property
    def start(self) -> datetime:
        return office_midnight(self.since)

    @property
    def end(self) -> datetime:
        return office_midnight(self.until + timedelta(days=1))

    def buckets(self, bucket: Bucket) -> list[date]:
        step = timedelta(days=7 if bucket == "week" else 1)
        out, current = [], bucket_of(self.since, bucket)
        while current <= self.until:
            out.append(current)
            current += step
        return out


# --- petitions over time -------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRow:
    period: date  # the day, or the Monday of the week
    petition_id: str
    language: str
    channel: str
    status: str
    count: int


def volume(session: Session, period: Period, bucket: Bucket) -> list[VolumeRow]:
    """Submissions made in the period, counted per day or week and type, language, channel and
    (current) status."""
    rows = session.execute(
        select(
            Submission.submitted_at,
            Submission.petition_id,
            Submission.language,
            Submission.channel,
            Submission.status,
        ).where(Submission.submitted_at >= period.start, Submission.submitted_at < period.end)
    )
    counts = Counter(
        (bucket_of(office_day(at), bucket), petition, language, channel, status)
        for at, petition, language, channel, status in rows
    )
    return [VolumeRow(*key, count) for key, count in sorted(counts.items())]


VolumeKey = Literal["petition_id", "language", "channel", "status"]


def totals(rows: Iterable[VolumeRow], key: VolumeKey) -> dict[str, int]:
    """Counts by one attribute, largest first (ties by name)."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts[getattr(row, key)] += row.count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def series(
    rows: Iterable[VolumeRow], period: Period, bucket: Bucket, key: VolumeKey = "petition_id"
) -> tuple[list[date], dict[str, list[int]]]:
    """Counts per day or week (every one in the period, empty ones too) for each value of
    ``key``."""
    buckets = period.buckets(bucket)
    index = {day: i for i, day in enumerate(buckets)}
    out: dict[str, list[int]] = {}
    for row in rows:
        out.setdefault(getattr(row, key), [0] * len(buckets))[index[row.period]] += row.count
    return buckets, dict(sorted(out.items()))


# --- processing time against the legal period ----------------------------------------------


def periods_of(catalog: Catalog) -> dict[str, LegalPeriod]:
    return {pid: legal_period(petition) for pid, petition in catalog.petitions.items()}


def median(values: list[int]) -> float:
    return float(statistics.median(values))


def p90(values: list[int]) -> int:
    """The 90th percentile by nearest rank: the smallest value at least 90 % are not above."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class ProcessingRow:
    petition_id: str
    decided: int
    median_days: float
    p90_days: int
    legal: LegalPeriod
    # Decided within the legal period that applied to each (None: no period to compare with).
    within_period: int | None


def processing_times(session: Session, catalog: Catalog, period: Period) -> list[ProcessingRow]:
    """For petitions submitted in the period and decided (approved or rejected): working days
    from submission to the decision, per type."""
    periods = periods_of(catalog)
    rows = session.execute(
        select(
            Submission.petition_id,
            Submission.submitted_at,
            Submission.updated_at,
            Submission.fields,
        ).where(
            Submission.status.in_(DECIDED),
            Submission.submitted_at >= period.start,
            Submission.submitted_at < period.end,
        )
    )
    taken: dict[str, list[int]] = defaultdict(list)
    within: Counter[str] = Counter()
    for petition_id, submitted_at, decided_at, fields in rows:
        days = working_days(office_day(submitted_at), office_day(decided_at))
        taken[petition_id].append(days)
        allowed = periods.get(petition_id, LegalPeriod(None)).for_fields(fields)
        within[petition_id] += allowed is not None and days <= allowed
    out = []
    for petition_id in _catalog_order(catalog, taken):
        spent = taken[petition_id]
        legal = periods.get(petition_id, LegalPeriod(None))
        on_time = within[petition_id] if legal.days is not None else None
        out.append(
            ProcessingRow(petition_id, len(spent), median(spent), p90(spent), legal, on_time)
        )
    return out


@dataclass(frozen=True)
class OverdueRow:
    receipt_no: str
    petition_id: str
    status: str
    submitted_on: date
    days_open: int
    days_allowed: int


def overdue(session: Session, catalog: Catalog, now: datetime) -> list[OverdueRow]:
    """Open submissions (on the desk: submitted or resubmitted) already past their legal
    period today, longest overdue first. Whatever the period filter: this is today's list."""
    periods = periods_of(catalog)
    today = office_day(now)
    rows = session.execute(
        select(
            Submission.receipt_no,
            Submission.petition_id,
            Submission.status,
            Submission.submitted_at,
            Submission.fields,
        ).where(Submission.status.in_(OPEN_STATUSES))
    )
    out = []
    for receipt_no, petition_id, status, submitted_at, fields in rows:
        allowed = periods.get(petition_id, LegalPeriod(None)).for_fields(fields)
        submitted_on = office_day(submitted_at)
        days_open = working_days(submitted_on, today)
        if allowed is not None and days_open > allowed:
            out.append(
                OverdueRow(receipt_no, petition_id, status, submitted_on, days_open, allowed)
            )
    return sorted(out, key=lambda r: (r.days_allowed - r.days_open, r.submitted_on, r.receipt_no))


def _catalog_order(catalog: Catalog, found: Iterable[str]) -> list[str]:
    """Petition ids in catalog order; ids the catalog no longer has come last."""
    rank = {pid: i for i, pid in enumerate(catalog.petitions)}
    return sorted(set(found), key=lambda pid: (rank.get(pid, len(rank)), pid))


# --- where citizens give up ----------------------------------------------------------------

CONFIRMATION = "confirmation"


@dataclass(frozen=True)
class Dropoff:
    """One petition's given-up conversations and the field each was waiting for."""

    petition_id: str
    abandoned: int
    # field id (or "confirmation", or None when unknown) → conversations, in the form's order.
    stopped_at: dict[str | None, int] = field(default_factory=dict)

    def share(self, field_id: str | None) -> float:
        return self.stopped_at.get(field_id, 0) / self.abandoned if self.abandoned else 0.0


def dropoffs(session: Session, catalog: Catalog, period: Period, now: datetime) -> list[Dropoff]:
    """Conversations last active in the period, quiet for more than ``IDLE``, with a petition's
    form still open and no submission of that petition: per petition, where they stopped."""
    idle_since = min(now - IDLE, period.end)
    quiet = select(Conversation.id).where(
        Conversation.active_form.is_not(None),
        Conversation.updated_at >= period.start,
        Conversation.updated_at < idle_since,
    )
    submitted = {
        (conversation_id, petition_id)
        for conversation_id, petition_id in session.execute(
            select(Submission.conversation_id, Submission.petition_id).where(
                Submission.conversation_id.in_(quiet)
            )
        )
    }
    stopped: dict[str, Counter[str | None]] = defaultdict(Counter)
    for conversation_id, form, slot in session.execute(
        quiet.with_only_columns(
            Conversation.id, Conversation.active_form, Conversation.requested_slot
        )
    ):
        petition_id = str(form).removesuffix("_form")
        if petition_id not in catalog.petitions or (conversation_id, petition_id) in submitted:
            continue  # another form (call-back, status), or the petition was filed after all
        stopped[petition_id][slot] += 1
    out = []
    for petition_id in _catalog_order(catalog, stopped):
        counts = stopped[petition_id]
        order = [f.id for f in catalog.petition(petition_id).fields] + [CONFIRMATION]
        rank = {fid: i for i, fid in enumerate(order)}
        keys = sorted(counts, key=lambda k: rank.get(k, len(order)) if k else len(order) + 1)
        out.append(Dropoff(petition_id, sum(counts.values()), {k: counts[k] for k in keys}))
    return out


# --- questions the documents could not answer ----------------------------------------------


def normalise(text: str) -> str:
    """Lower case, the guard's cut-out marks, punctuation, symbols and digits gone, spaces
    collapsed: "Dog licence?? 2 dogs" → "dog licence dogs"."""
    text = unicodedata.normalize("NFKC", text.replace(REMOVED, " ")).lower()
    kept = (" " if unicodedata.category(c)[0] in "PSNZC" else c for c in text)
    return " ".join("".join(kept).split())


def _tokens(text: str, language: str) -> frozenset[str]:
    if language in UNSPACED:
        letters = text.replace(" ", "")
        return frozenset(letters[i : i + 2] for i in range(max(len(letters) - 1, 1)))
    return frozenset(text.split())


def _alike(a: str, b: str, language: str) -> bool:
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    ta, tb = _tokens(a, language), _tokens(b, language)
    return len(ta & tb) / len(ta | tb) >= SIMILAR


@dataclass
class QuestionGroup:
    text: str  # the group's most asked wording, normalised
    language: str
    count: int
    variants: int  # distinct normalised wordings in the group
    first_asked: datetime
    last_asked: datetime


def group_questions(
    asked: Iterable[tuple[str, str, datetime]], limit: int = TOP_QUESTIONS
) -> list[QuestionGroup]:
    """(question, language, asked at) → groups of identical or near-identical questions per
    language, most recently asked first. Each wording joins the first group (most asked first)
    whose leading wording it is alike: never by a chain of small differences."""
    wordings: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for question, language, at in asked:
        text = normalise(question)
        if text:
            wordings[(language, text)].append(as_utc(at))
    ordered = sorted(
        wordings.items(), key=lambda item: (-len(item[1]), -max(item[1]).timestamp(), item[0])
    )
    groups: list[QuestionGroup] = []
    for (language, text), times in ordered:
        group = next(
            (g for g in groups if g.language == language and _alike(g.text, text, language)),
            None,
        )
        if group is None:
            groups.append(QuestionGroup(text, language, len(times), 1, min(times), max(times)))
            continue
        group.count += len(times)
        group.variants += 1
        group.first_asked = min(group.first_asked, *times)
        group.last_asked = max(group.last_asked, *times)
    groups.sort(key=lambda g: (-g.last_asked.timestamp(), -g.count, g.language, g.text))
    return groups[:limit]


def unanswered(session: Session, period: Period, limit: int = TOP_QUESTIONS) -> list[QuestionGroup]:
    rows = session.execute(
        select(
            UnansweredQuestion.question, UnansweredQuestion.language, UnansweredQuestion.asked_at
        ).where(
            UnansweredQuestion.asked_at >= period.start, UnansweredQuestion.asked_at < period.end
        )
    )
    return group_questions(((q, lang, at) for q, lang, at in rows), limit)


def unanswered_by_language(session: Session, period: Period) -> dict[str, int]:
    counts = Counter(
        session.scalars(
            select(UnansweredQuestion.language).where(
                UnansweredQuestion.asked_at >= period.start,
                UnansweredQuestion.asked_at < period.end,
            )
        )
    )
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


# --- everything for one page ---------------------------------------------------------------


@dataclass(frozen=True)
class Insights:
    period: Period
    bucket: Bucket
    volume: list[VolumeRow]
    processing: list[ProcessingRow]
    overdue: list[OverdueRow]
    dropoffs: list[Dropoff]
    unanswered: list[QuestionGroup]
    unanswered_by_language: dict[str, int]


def gather(
    session: Session, catalog: Catalog, period: Period, bucket: Bucket, now: datetime
) -> Insights:
    return Insights(
        period,
        bucket,
        volume(session, period, bucket),
        processing_times(session, catalog, period),
        overdue(session, catalog, now),
        dropoffs(session, catalog, period, now),
        unanswered(session, period),
        unanswered_by_language(session, period),
    )
