"""What fuzzing the API from its schema found (tests/fuzz), kept as plain regression tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from actions.ports import SubmissionDraft
from server.app import container_of

PASSWORD = "correct horse battery staple"


@pytest.fixture
def receipt(client: TestClient) -> str:
    container = container_of(client.app)  # type: ignore[arg-type]
    container.conversations.create("c1", "en", "web")
    return container.submissions.submit(
        SubmissionDraft("c1:1", "resident_registration_copy", "en", "web", "c1", {}, {}, [])
    ).receipt_no


@pytest.mark.parametrize("token", ["한국어", "é" * 32, "\x00"])
def test_a_status_link_token_that_is_not_ascii_is_a_plain_404(client, receipt, token):
    """hmac.compare_digest raises TypeError on non-ASCII text: it was a 500."""
    for path in (f"/api/petitions/{receipt}", f"/status/{receipt}", f"/status/{receipt}/document"):
        response = client.get(path, params={"token": token})
        assert response.status_code == 404, path
        assert token not in response.text
    assert client.get(f"/api/petitions/{receipt}", params={"token": token}).json() == {
        "detail": "No petition with this receipt number and link."
    }


def test_a_csrf_header_that_is_not_ascii_is_a_403(client):
    container = container_of(client.app)  # type: ignore[arg-type]
    container.staff.create("admin1", PASSWORD, "admin")
    signed_in = client.post("/api/staff/session", json={"username": "admin1", "password": PASSWORD})
    assert signed_in.status_code == 200
    headers = {"X-CSRF-Token": "café".encode("latin-1")}
    response = client.post(
        "/api/staff/submissions/MW-X/reveal", json={"field": "x"}, headers=headers
    )
    assert response.status_code == 403


def test_binary_answers_are_documented_with_their_media_types(client):
    """The schema said application/json for the PDF and the photos (ST105 in the fuzz run)."""
    paths = client.get("/openapi.json").json()["paths"]
    pdf = paths["/api/staff/submissions/{receipt_no}/document.pdf"]["get"]["responses"]["200"]
    photo = paths["/api/staff/submissions/{receipt_no}/attachments/{attachment_id}"]["get"]
    assert set(pdf["content"]) == {"application/pdf"}
    assert set(photo["responses"]["200"]["content"]) == {"image/jpeg", "image/png"}
