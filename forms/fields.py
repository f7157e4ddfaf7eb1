"""Checking one answer against its catalog field, and how stored values are shown."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.catalog import FieldDef, Petition
from forms.validators import VALIDATORS, Invalid, Result, Valid, format_e164, mask_rrn


def check(field: FieldDef, text: str, *, today: date | None = None) -> Result:
    """Runs the field's validator on what the citizen typed. Never raises."""
    kwargs: dict[str, Any] = field.validator_kwargs()
    if field.type in ("rrn", "foreigner_reg_no"):
        kwargs["today"] = today
    try:
        return VALIDATORS[field.validator](text, **kwargs)
    except Exception:  # a validator bug must not crash a conversation
        return Invalid("generic")


def display(field: FieldDef, value: Any, language: str, *, reveal: bool = False) -> str:
    """How a stored value is shown: identifiers masked unless ``reveal``; phone numbers with
    hyphens; choices by their label in ``language``."""
    if value is None:
        return ""
    if field.pii == "identifier" and not reveal:
        text = str(value)
        return text if "*" in text else mask_rrn(text)
    if field.type == "phone":
        return format_e164(str(value))
    if field.type == "choice":
        return field.option_label(str(value), language)
    return str(value)


def summary_lines(petition: Petition, values: dict[str, Any], language: str) -> list[str]:
    """``label: value`` for every field the petition asks, masked, in ``language``."""
    lines = []
    for field in petition.active_fields(values):
        shown = values.get(field.id)
        lines.append(
            f"{field.label(language)}: {display(field, shown, language) if shown else '—'}"
        )
    return lines


__all__ = ["Invalid", "Valid", "check", "display", "summary_lines"]
