from __future__ import annotations

from server.pii import Vault, load_key
from server.store.repositories import SubmissionRepository, SubmissionView
from tests.stack import Stack


def stored(stack: Stack, receipt_no: str) -> tuple[SubmissionView, Vault]:
    db = stack.db()
    submission = SubmissionRepository(db).get(receipt_no)
    assert submission is not None, receipt_no
    return submission, Vault(db, load_key(stack.settings.pii.key, stack.settings.pii_key_file))


def submit(citizen) -> str:  # type: ignore[no-untyped-def]
    assert citizen.asking == "confirmation", citizen.messages
    citizen.press("/affirm")
    receipt_no = citizen.state["receipt_no"]
    assert receipt_no and receipt_no in citizen.text, citizen.messages
    return str(receipt_no)
