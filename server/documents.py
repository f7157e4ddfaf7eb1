"""A stored submission as its official document: the citizen's copy (identifiers masked) or the
staff copy (identifiers revealed from the vault)."""

from __future__ import annotations

from typing import Any

from forms.catalog import Catalog
from forms.document import Copy, DocumentMeta, render_html, render_pdf
from server.pii import TOKEN, Vault
from server.store.repositories import SubmissionView


def document_values(
    submission: SubmissionView, catalog: Catalog, vault: Vault, copy: Copy
) -> dict[str, Any]:
    petition = catalog.petition(submission.petition_id)
    values = dict(submission.fields)
    for field in petition.fields:
        token = values.get(field.id)
        if field.pii == "identifier" and token:
            values[field.id] = (
                vault.reveal(token) if copy == "staff" else vault.masked(token)
            ) or ""
        elif isinstance(token, str) and TOKEN.search(token):
            # An identifier typed into free text is a token in the store: whole on the staff
            # copy, masked on the citizen's.
            values[field.id] = (
                vault.reveal_text(token) if copy == "staff" else vault.mask_tokens(token)
            )
    return values


def _meta(submission: SubmissionView) -> DocumentMeta:
    return DocumentMeta(
        receipt_no=submission.receipt_no,
        submitted_at=submission.submitted_at,
        channel=submission.channel,
        language=submission.language,
    )


def submission_html(submission: SubmissionView, catalog: Catalog, vault: Vault, copy: Copy) -> str:
    petition = catalog.petition(submission.petition_id)
    values = document_values(submission, catalog, vault, copy)
    return render_html(petition, values, _meta(submission), copy)


def submission_pdf(submission: SubmissionView, catalog: Catalog, vault: Vault, copy: Copy) -> bytes:
    petition = catalog.petition(submission.petition_id)
    values = document_values(submission, catalog, vault, copy)
    return render_pdf(petition, values, _meta(submission), copy)
