"""The insights as the desk shows them: Korean tables (each also a CSV download) and the chart
specifications drawn from the same numbers (``/static/insights.js`` draws them with the vendored
Chart.js; the table under each chart is its text alternative)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.catalog import Catalog
from server.insights import CONFIRMATION, Insights, VolumeKey, office_day, series, totals
from server.routes.staff_pages import CHANNEL_LABELS, LANGUAGE_LABELS, STATUS_LABELS

Cell = str | int | float
Title = Callable[[str], str]  # a petition id → its Korean title
WEEKDAYS = "월화수목금토일"
UNKNOWN_FIELD = "알 수 없음"
CONFIRMATION_LABEL = "제출 전 확인"
# Cells a spreadsheet would run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    kind: str  # its CSV name: /staff/insights.csv?kind=…
    title: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    labels: list[str]
    datasets: list[dict[str, Any]]  # {"label": str, "data": [numbers]}
    unit: str = "건"
    stacked: bool = False
    horizontal: bool = False

    @property
    def description(self) -> str:
        return f"{self.title} 막대 그래프. 값은 바로 아래 표에 있습니다."

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "labels": self.labels,
            "datasets": self.datasets,
            "unit": self.unit,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
        }


@dataclass(frozen=True)
class Figure:
    """A chart (when there is something to draw) and the table that says the same in text."""

    table: Table
    chart: Chart | None = None


@dataclass
class Report:
    volume: Figure
    breakdowns: list[Figure]
    detail: Table  # CSV only: every count by day/week, type, language, channel and status
    processing: Figure
    overdue: Table
    dropoff: Table  # all petitions, for the CSV
    dropoffs: list[Figure]  # one per petition, for the page
    unanswered_languages: Figure
    unanswered: Table
    tables: dict[str, Table] = field(default_factory=dict)

    def __post_init__(self) -> None:
        figures = [self.volume, *self.breakdowns, self.processing, self.unanswered_languages]
        for table in [
            *(f.table for f in figures),
            self.detail,
            self.overdue,
            self.dropoff,
            self.unanswered,
        ]:
            self.tables[table.kind] = table

    def charts(self) -> list[dict[str, Any]]:
        figures = [
            self.volume,
            *self.breakdowns,
            self.processing,
            *self.dropoffs,
            self.unanswered_languages,
        ]
        return [f.chart.as_json() for f in figures if f.chart is not None]


def number(value: float) -> int | float:
    """2.0 → 2, 1.25 → 1.2 (one decimal; halves to even)."""
    return int(value) if float(value).is_integer() else round(value, 1)


def percent(part: int, whole: int) -> int | float:
    return number(100 * part / whole) if whole else 0


def day_label(day: date) -> str:
    return f"{day.isoformat()} ({WEEKDAYS[day.weekday()]})"


def field_label(catalog: Catalog, petition_id: str, field_id: str | None) -> str:
    if field_id == CONFIRMATION:
        return CONFIRMATION_LABEL
    try:
        return catalog.petition(petition_id).field(str(field_id)).label.ko
    except KeyError:
        return UNKNOWN_FIELD


def build(insights: Insights, catalog: Catalog) -> Report:
    titles = {pid: p.title("ko") for pid, p in catalog.petitions.items()}

    def title(petition_id: str) -> str:
        return titles.get(petition_id, petition_id)

    return Report(
        volume=_volume(insights, title),
        breakdowns=_breakdowns(insights, title),
        detail=_detail(insights, title),
        processing=_processing(insights, title),
        overdue=_overdue(insights, title),
        dropoff=_dropoff_table(insights, catalog, title),
        dropoffs=_dropoff_figures(insights, catalog, title),
        unanswered_languages=_unanswered_languages(insights),
        unanswered=_unanswered(insights),
    )


def _period_label(day: date, insights: Insights) -> str:
    return f"{day.isoformat()} 주" if insights.bucket == "week" else day_label(day)


def _volume(insights: Insights, title: Title) -> Figure:
    buckets, by_petition = series(insights.volume, insights.period, insights.bucket)
    petitions = sorted(by_petition, key=lambda pid: (-sum(by_petition[pid]), pid))
    unit = "주" if insights.bucket == "week" else "일"
    rows: list[list[Cell]] = [
        [
            _period_label(day, insights),
            *(by_petition[pid][i] for pid in petitions),
            sum(by_petition[pid][i] for pid in petitions),
        ]
        for i, day in enumerate(buckets)
        if petitions
    ]
    table = Table(
        "volume",
        f"{'주별' if unit == '주' else '일별'} 접수 건수 (민원 종류별)",
        ["주 시작일" if unit == "주" else "접수일", *(title(p) for p in petitions), "합계"],
        rows,
    )
    chart = Chart(
        "chart-volume",
        table.title,
        [str(r[0]) for r in rows],
        [{"label": title(pid), "data": by_petition[pid]} for pid in petitions],
        stacked=True,
    )
    return Figure(table, chart if petitions else None)


BREAKDOWNS: list[tuple[VolumeKey, str, str]] = [
    ("petition_id", "by_petition", "민원 종류"),
    ("language", "by_language", "신청 언어"),
    ("channel", "by_channel", "접수 경로"),
    ("status", "by_status", "처리 상태"),
]


def _breakdowns(insights: Insights, title: Title) -> list[Figure]:
    labels: dict[str, Title] = {
        "petition_id": title,
        "language": lambda v: LANGUAGE_LABELS.get(v, v),
        "channel": lambda v: CHANNEL_LABELS.get(v, v),
        "status": lambda v: STATUS_LABELS.get(v, v),
    }
    figures = []
    for key, kind, name in BREAKDOWNS:
        counts = totals(insights.volume, key)
        whole = sum(counts.values())
        rows: list[list[Cell]] = [
            [labels[key](value), n, percent(n, whole)] for value, n in counts.items()
        ]
        table = Table(kind, f"{name}별 접수 건수", [name, "건수", "비율(%)"], rows)
        chart = Chart(
            f"chart-{kind}",
            table.title,
            [str(r[0]) for r in rows],
            [{"label": "건수", "data": list(counts.values())}],
            horizontal=key == "petition_id",
        )
        figures.append(Figure(table, chart if rows else None))
    return figures


def _detail(insights: Insights, title: Title) -> Table:
    return Table(
        "detail",
        "접수 건수 상세 (기간·민원 종류·언어·경로·상태별)",
        [
            "주 시작일" if insights.bucket == "week" else "접수일",
            "민원 종류",
            "민원 ID",
            "신청 언어",
            "접수 경로",
            "처리 상태",
            "건수",
        ],
        [
            [
                r.period.isoformat(),
                title(r.petition_id),
                r.petition_id,
                LANGUAGE_LABELS.get(r.language, r.language),
                CHANNEL_LABELS.get(r.channel, r.channel),
                STATUS_LABELS.get(r.status, r.status),
                r.count,
            ]
            for r in insights.volume
        ],
    )


def _processing(insights: Insights, title: Title) -> Figure:
    rows: list[list[Cell]] = [
        [
            title(r.petition_id),
            r.decided,
            number(r.median_days),
            r.p90_days,
            r.legal.describe(),
            "—" if r.within_period is None else r.within_period,
            "—" if r.within_period is None else percent(r.within_period, r.decided),
        ]
        for r in insights.processing
    ]
    table = Table(
        "processing",
        "처리 기간 (승인·반려된 민원, 근무일)",
        [
            "민원 종류",
            "처리 건수",
            "중앙값(근무일)",
            "90% 이내(근무일)",
            "법정 처리기간",
            "기한 내 처리(건)",
            "기한 내 처리율(%)",
        ],
        rows,
    )
    chart = Chart(
        "chart-processing",
        table.title,
        [title(r.petition_id) for r in insights.processing],
        [
            {"label": "중앙값", "data": [number(r.median_days) for r in insights.processing]},
            {"label": "90% 이내", "data": [r.p90_days for r in insights.processing]},
            {
                "label": "법정 처리기간(최장)",
                "data": [r.legal.days for r in insights.processing],
            },
        ],
        unit="근무일",
    )
    return Figure(table, chart if rows else None)


def _overdue(insights: Insights, title: Title) -> Table:
    return Table(
        "overdue",
        "처리기간이 지난 미처리 민원 (오늘 기준)",
        [
            "접수번호",
            "민원 종류",
            "처리 상태",
            "접수일",
            "경과(근무일)",
            "처리기간(근무일)",
            "초과(근무일)",
        ],
        [
            [
                r.receipt_no,
                title(r.petition_id),
                STATUS_LABELS.get(r.status, r.status),
                r.submitted_on.isoformat(),
                r.days_open,
                r.days_allowed,
                r.days_open - r.days_allowed,
            ]
            for r in insights.overdue
        ],
    )


DROPOFF_COLUMNS = ["민원 종류", "멈춘 항목", "중단 대화 수", "비율(%)"]


def _dropoff_rows(insights: Insights, catalog: Catalog, title: Title) -> list[list[list[Cell]]]:
    return [
        [
            [
                title(d.petition_id),
                field_label(catalog, d.petition_id, field_id),
                n,
                percent(n, d.abandoned),
            ]
            for field_id, n in d.stopped_at.items()
        ]
        for d in insights.dropoffs
    ]


def _dropoff_table(insights: Insights, catalog: Catalog, title: Title) -> Table:
    rows = [row for rows in _dropoff_rows(insights, catalog, title) for row in rows]
    return Table("dropoff", "작성을 멈춘 항목 (민원별)", DROPOFF_COLUMNS, rows)


def _dropoff_figures(insights: Insights, catalog: Catalog, title: Title) -> list[Figure]:
    figures = []
    for i, (d, rows) in enumerate(
        zip(insights.dropoffs, _dropoff_rows(insights, catalog, title), strict=True)
    ):
        name = f"{title(d.petition_id)}: 작성을 멈춘 항목 (중단 {d.abandoned}건)"
        table = Table("dropoff", name, DROPOFF_COLUMNS[1:], [row[1:] for row in rows])
        chart = Chart(
            f"chart-dropoff-{i}",
            name,
            [str(row[1]) for row in rows],
            [{"label": "비율(%)", "data": [row[3] for row in rows]}],
            unit="%",
            horizontal=True,
        )
        figures.append(Figure(table, chart))
    return figures


def _unanswered_languages(insights: Insights) -> Figure:
    counts = insights.unanswered_by_language
    whole = sum(counts.values())
    rows: list[list[Cell]] = [
        [LANGUAGE_LABELS.get(lang, lang), n, percent(n, whole)] for lang, n in counts.items()
    ]
    table = Table(
        "unanswered_languages", "답하지 못한 질문 (언어별)", ["언어", "질문 수", "비율(%)"], rows
    )
    chart = Chart(
        "chart-unanswered",
        table.title,
        [str(r[0]) for r in rows],
        [{"label": "질문 수", "data": list(counts.values())}],
    )
    return Figure(table, chart if rows else None)


def _unanswered(insights: Insights) -> Table:
    return Table(
        "unanswered",
        "답하지 못한 질문 (비슷한 질문끼리 묶음, 최근 순 50개)",
        ["질문 (정리된 표현)", "언어", "질문 수", "묶인 표현 수", "처음 질문일", "마지막 질문일"],
        [
            [
                g.text,
                LANGUAGE_LABELS.get(g.language, g.language),
                g.count,
                g.variants,
                office_day(g.first_asked).isoformat(),
                office_day(g.last_asked).isoformat(),
            ]
            for g in insights.unanswered
        ],
    )


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads Korean right), CRLF lines, Korean headers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_safe(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(cell: Cell) -> Cell:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
