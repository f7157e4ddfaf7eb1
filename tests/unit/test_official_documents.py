"""Every petition's official document, as HTML and as PDF, from a complete example: every filled
value appears on the staff copy; identifiers are masked on the citizen's copy."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from forms.catalog import default_catalog
from forms.document import DocumentMeta, printed_values, render_html, render_pdf
from tests.fixtures.petitions import example_values

META = DocumentMeta("MW-20261121-TEST23", datetime(2026, 11, 21, 10, 30), "web", "vi")
PETITIONS = sorted(default_catalog().petitions)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    return squeeze("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.mark.parametrize("petition_id", PETITIONS)
def test_staff_copy_shows_every_value(petition_id):
    petition = default_catalog().petition(petition_id)
    values = example_values(petition)
    printed = printed_values(petition, values, "staff")
    html = render_html(petition, values, META, "staff")
    text = pdf_text(render_pdf(petition, values, META, "staff"))
    assert META.receipt_no in text
    for field in petition.active_fields(values):
        shown = printed[field.id]
        assert shown, f"{field.id} prints nothing"
        parts = [shown]
        if field.type == "people":  # a table of names and relationships
            parts = [p[key] for p in values[field.id] for key in ("name", "relation")]
        for part in parts:
            assert part in html, f"{field.id}={part!r} missing from the HTML"
            assert squeeze(part) in text, f"{field.id}={part!r} missing from the PDF"


@pytest.mark.parametrize("petition_id", PETITIONS)
def test_citizen_copy_masks_identifiers(petition_id):
    petition = default_catalog().petition(petition_id)
    values = example_values(petition)
    text = pdf_text(render_pdf(petition, values, META, "citizen"))
    html = render_html(petition, values, META, "citizen")
    for field in petition.fields:
        if field.pii == "identifier" and values.get(field.id):
            whole = str(values[field.id])
            assert whole not in html and squeeze(whole) not in text
            assert printed_values(petition, values, "citizen")[field.id] in html


@pytest.mark.parametrize("petition_id", PETITIONS)
def test_conditional_fields_absent_still_render(petition_id):
    petition = default_catalog().petition(petition_id)
    full = example_values(petition)
    values = {f.id: full[f.id] for f in petition.fields if f.when is None and f.id in full}
    assert "<html" in render_html(petition, values, META, "staff")


@pytest.mark.parametrize("petition_id", PETITIONS)
def test_signature_seats_are_blank(petition_id):
    petition = default_catalog().petition(petition_id)
    html = render_html(petition, example_values(petition), META, "staff")
    assert 'class="seat"' in html
    assert re.search(r'class="seat">\s*&nbsp;\s*</span>', html)
