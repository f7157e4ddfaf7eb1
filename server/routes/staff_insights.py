"""Insights for the city at /staff/insights (any signed-in staff member): petitions over time,
processing time against the legal period and the overdue list, where citizens give up, and
the questions the knowledge base could not answer — charts, tables and CSV downloads. No
personal data: see ``server/insights.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from server.deps import ContainerDep
from server.insights import Bucket, Period, gather, office_day
from server.insights_report import Report, build, to_csv
from server.routes.staff_pages import NO_STORE, StaffPageDep, filter_day, page
from server.store.models import utcnow

router = APIRouter(tags=["staff pages"], include_in_schema=False)

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years
WEEKLY_FROM = 63  # longer ranges are shown per week unless asked otherwise
BUCKET_LABELS = {"day": "일별", "week": "주별"}


@dataclass
class InsightFilters:
    """The page's date range as the query string gives it, checked; ``errors`` by field."""

    since: str = ""
    until: str = ""
    bucket: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def check(self, today: date) -> tuple[Period, Bucket]:
        until = self._day("until") or today
        since = self._day("since") or until - timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            self.errors["until"] = "종료일은 시작일과 같거나 그 뒤여야 합니다."
        elif (until - since).days + 1 > MAX_DAYS:
            self.errors["since"] = f"기간은 {MAX_DAYS}일(2년) 이내로 정해 주세요."
        if self.bucket and self.bucket not in get_args(Bucket):
            self.errors["bucket"] = "일별 또는 주별을 골라 주세요."
        days = (until - since).days + 1
        bucket: Bucket = (
            "week" if self.bucket == "week" or (not self.bucket and days >= WEEKLY_FROM) else "day"
        )
        return Period(since, until), bucket

    def _day(self, name: str) -> date | None:
        return filter_day(getattr(self, name), name, self.errors)


def insight_filters(since: str = "", until: str = "", bucket: str = "") -> InsightFilters:
    return InsightFilters(since.strip()[:32], until.strip()[:32], bucket.strip()[:8])


FiltersDep = Annotated[InsightFilters, Depends(insight_filters)]


def _report(container: ContainerDep, period: Period, bucket: Bucket) -> Report:
    with container.db.session() as session:
        insights = gather(session, container.catalog, period, bucket, utcnow())
    return build(insights, container.catalog)


@router.get("/staff/insights", response_class=HTMLResponse)
def insights_page(
    request: Request, staff: StaffPageDep, container: ContainerDep, filters: FiltersDep
) -> HTMLResponse:
    now = utcnow()
    period, bucket = filters.check(office_day(now))
    report = None if filters.errors else _report(container, period, bucket)
    return page(
        request,
        "staff/insights.html",
        {
            "filters": filters,
            "period": period,
            "bucket": bucket,
            "bucket_labels": BUCKET_LABELS,
            "today": office_day(now),
            "report": report,
            "charts": report.charts() if report else [],
            "query": f"since={period.since.isoformat()}&until={period.until.isoformat()}"
            f"&bucket={bucket}",
        },
        staff,
    )


@router.get("/staff/insights.csv")
def insights_csv(
    staff: StaffPageDep,
    container: ContainerDep,
    filters: FiltersDep,
    kind: Annotated[str, Query(max_length=32)] = "volume",
) -> Response:
    period, bucket = filters.check(office_day(utcnow()))
    if filters.errors:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, " ".join(filters.errors.values())
        )
    report = _report(container, period, bucket)
    table = report.tables.get(kind)
    if table is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"표 종류는 {', '.join(report.tables)} 중 하나입니다."
        )
    name = f"minwon-{kind}-{period.since.isoformat()}-{period.until.isoformat()}.csv"
    return Response(
        to_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )
