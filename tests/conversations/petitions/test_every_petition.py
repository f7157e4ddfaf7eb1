"""Every petition, filed in every language, through the real bot; the stored submission holds
exactly the validated example values."""

from __future__ import annotations

import pytest

from forms.catalog import default_catalog
from tests.citizen import Citizen
from tests.conversations.flows import fill_until, start
from tests.conversations.helpers import stored, submit
from tests.conversations.phrases import LANGUAGES
from tests.fixtures.petitions import example_values


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("petition_id", sorted(default_catalog().petitions))
def test_petition_is_filed(stack, petition_id, language):
    petition = default_catalog().petition(petition_id)
    citizen = Citizen(stack.url, language)
    start(citizen, petition_id, language)
    fill_until(citizen, petition_id, None)
    receipt_no = submit(citizen)

    submission, vault = stored(stack, receipt_no)
    assert submission.petition_id == petition_id and submission.language == language
    expected = example_values(petition)
    asked = {f.id for f in petition.active_fields(expected)}
    assert set(submission.fields) == asked
    for field in petition.fields:
        if field.id not in asked:
            continue
        got = submission.fields[field.id]
        if field.pii == "identifier":
            assert vault.reveal(got) == expected[field.id]
        elif field.type == "photos":
            assert len(got) == len(expected[field.id])
        elif field.type == "datetime":  # "yesterday 2:30 pm", relative to the office clock
            assert got.endswith("T14:30")
        else:
            assert got == expected[field.id], field.id
