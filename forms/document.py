"""The official document: a petition's Jinja2 template filled with its values, as HTML.

The template reproduces the layout of the official Korean form (boxes, Korean labels, the
applicant block, a blank signature seat — a signature is never invented). The citizen's copy
masks identifiers; the staff copy shows them whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from forms.catalog import FieldDef, Petition
from forms.fields import display

TEMPLATE_DIR = Path(__file__).parent / "templates"
Copy = Literal["citizen", "staff"]


# Official Korean forms are dated in Korean time, whatever the server's clock zone.
KOREA = ZoneInfo("Asia/Seoul")


def korean_time(moment: datetime) -> datetime:
    """A stored moment (UTC; naive means UTC) in Korean time."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(KOREA)


@dataclass(frozen=True)
class DocumentMeta:
    receipt_no: str
    submitted_at: datetime
    channel: str
    language: str
    # Korean machine translations of free text written in another language, by field id.
    translations: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "submitted_at", korean_time(self.submitted_at))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_name(petition: Petition) -> str:
    return f"{petition.id}.html.j2"


def _official(field: FieldDef, value: Any, copy: Copy) -> str:
    """A value as the official Korean form prints it: choices by their Korean term, dates as
    2026년 11월 5일, identifiers masked on the citizen's copy."""
    if value is None or value == "":
        return ""
    if field.type == "choice":
        return str(value)
    if field.type in ("date", "datetime"):
        moment = datetime.fromisoformat(str(value))
        text = f"{moment.year}년 {moment.month}월 {moment.day}일"
        return text + (f" {moment:%H:%M}" if field.type == "datetime" else "")
    return display(field, value, "ko", reveal=copy == "staff")


def printed_values(petition: Petition, values: dict[str, Any], copy: Copy) -> dict[str, str]:
    """What each box of the form shows. Fields the petition does not ask (conditions unmet)
    print empty."""
    asked = {f.id for f in petition.active_fields(values)}
    return {
        f.id: _official(f, values.get(f.id), copy) if f.id in asked else "" for f in petition.fields
    }


def render_pdf(petition: Petition, values: dict[str, Any], meta: DocumentMeta, copy: Copy) -> bytes:
    """The same document as PDF (WeasyPrint; Korean glyphs from Noto Sans CJK, Thai from TLWG)."""
    from weasyprint import HTML

    html = render_html(petition, values, meta, copy)
    return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()  # type: ignore[no-any-return]


def render_html(petition: Petition, values: dict[str, Any], meta: DocumentMeta, copy: Copy) -> str:
    template = _environment().get_template(template_name(petition))
    return template.render(
        petition=petition,
        v=printed_values(petition, values, copy),
        raw=values,
        meta=meta,
        copy=copy,
    )
