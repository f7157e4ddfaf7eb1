"""Checking one answer against its catalog field, and how stored values are shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from forms.catalog import FieldDef, Petition
from forms.validators import (
    IDENTIFIER_KINDS,
    VALIDATORS,
    Invalid,
    Result,
    Valid,
    format_e164,
    mask_identifier,
    photo_set,
)


def check(field: FieldDef, text: str, *, now: datetime | None = None) -> Result:
    """Runs the field's validator on what the citizen typed. Never raises."""
    kwargs: dict[str, Any] = field.validator_kwargs()
    if field.type in ("rrn", "foreigner_reg_no", "date"):
        kwargs["today"] = now.date() if now else None
    if field.type == "datetime":
        kwargs["now"] = now
    try:
        return VALIDATORS[field.validator](text, **kwargs)
    except Exception:  # a validator bug must not crash a conversation
        return Invalid("generic")


def check_photos(field: FieldDef, taken_at: list[datetime | None]) -> Result:
    """The photos attached for ``field`` so far, by their camera times."""
    return photo_set(taken_at, **field.validator_kwargs())


def warning_params(field: FieldDef, result: Valid) -> dict[str, Any]:
    """What a warning message may say: the field's deadline and fine, the validator's parts."""
    params: dict[str, Any] = {k: v for k, v in result.parts.items() if isinstance(v, int | str)}
    if field.deadline_days is not None:
        params["deadline"] = field.deadline_days
    if field.late_fine is not None:
        params["fine"] = f"{field.late_fine:,}"
    return params


def stored_warnings(
    petition: Petition,
    values: dict[str, Any],
    reveal: Callable[[str], str],
    *,
    now: datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The warnings the citizen was shown, found again on the stored values (validators accept
    their own normalised output): {field id: [{"code", "params"}]}, for staff to review.
    ``reveal`` gives an identifier's real value for its token."""
    found: dict[str, list[dict[str, Any]]] = {}
    for field in petition.fields:
        value = values.get(field.id)
        if field.type in ("photos", "people", "choice") or value in (None, ""):
            continue
        text = reveal(str(value)) if field.pii == "identifier" else str(value)
        result = check(field, text, now=now)
        if isinstance(result, Valid) and result.warnings:
            params = warning_params(field, result)
            found[field.id] = [{"code": code, "params": params} for code in result.warnings]
    return found


def display(field: FieldDef, value: Any, language: str, *, reveal: bool = False) -> str:
    """How a stored value is shown: identifiers masked unless ``reveal``; phone numbers with
    hyphens; choices by their label in ``language``."""
    if value is None:
        return ""
    if field.pii == "identifier" and not reveal:
        text = str(value)
        return text if "*" in text else mask_identifier(IDENTIFIER_KINDS[field.type], text)
    if field.type in ("phone", "phone_any"):
        return format_e164(str(value))
    if field.type == "choice":
        return field.option_label(str(value), language)
    if field.type == "people":
        people = value if isinstance(value, list) else []
        return ", ".join(f"{p['name']}({p['relation']})" for p in people) or "—"
    if field.type == "photos":
        return str(len(value)) if isinstance(value, list) else str(value)
    if field.type == "datetime":
        return str(value).replace("T", " ")
    return str(value)


__all__ = [
    "Invalid",
    "Valid",
    "check",
    "check_photos",
    "display",
    "stored_warnings",
    "warning_params",
]
