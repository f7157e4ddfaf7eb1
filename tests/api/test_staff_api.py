"""The staff API: sign-in, CSRF, the queue, reveals and decisions with their audit trail."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from server.app import container_of
from tests.fixtures.submissions import DETAIL_MISSING, file_submission, registration_copy_fields

PASSWORD = "correct horse battery staple"


@pytest.fixture
def desk(client: TestClient):
    container = container_of(client.app)
    container.staff.create(name := "reviewer1", PASSWORD, "reviewer")
    token = container.vault.tokenize("c1", "rrn", "900101-1234568")
    receipt_no = file_submission(
        container,
        "resident_registration_copy",
        "c1",
        language="en",
        fields=registration_copy_fields(token),
        warnings=DETAIL_MISSING,
        transcript=[{"who": "citizen", "text": f"my number is {token}"}],
    )
    response = client.post("/api/staff/session", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200
    csrf = response.json()["csrf_token"]
    return container, receipt_no, {"X-CSRF-Token": csrf}


def api_routes(routes) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    """Every APIRoute of the app, also those of included routers."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found


def staff_routes(client: TestClient) -> list[tuple[str, str]]:
    routes = []
    for route in api_routes(client.app.routes):
        if route.path.startswith("/api/staff"):
            for method in route.methods:
                if (method, route.path) != ("POST", "/api/staff/session"):
                    routes.append((method, route.path.replace("{receipt_no}", "MW-X")))
    return routes


def test_every_staff_route_refuses_anonymous_access(client):
    routes = staff_routes(client)
    assert len(routes) >= 9
    for method, path in routes:
        assert client.request(method, path, json={}).status_code == 401, (method, path)


def test_state_changes_need_the_csrf_token(client, desk):
    _, receipt_no, csrf = desk
    url = f"/api/staff/submissions/{receipt_no}/decision"
    assert client.post(url, json={"decision": "approve"}).status_code == 403
    assert (
        client.post(url, json={"decision": "approve"}, headers={"X-CSRF-Token": "nope"}).status_code
        == 403
    )
    assert client.post(url, json={"decision": "approve"}, headers=csrf).status_code == 200


def test_session_cookie_flags(client):
    container = container_of(client.app)
    container.staff.create("r2", PASSWORD, "reviewer")
    response = client.post("/api/staff/session", json={"username": "r2", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie


def test_wrong_passwords_lock_the_account(client):
    container = container_of(client.app)
    container.staff.create("r3", PASSWORD, "reviewer")
    for _ in range(5):
        assert (
            client.post("/api/staff/session", json={"username": "r3", "password": "x"}).status_code
            == 401
        )
    locked = client.post("/api/staff/session", json={"username": "r3", "password": PASSWORD})
    assert locked.status_code == 401


def test_queue_detail_masks_and_reveal_is_audited(client, desk):
    _, receipt_no, csrf = desk
    queue = client.get("/api/staff/submissions", params={"status": "submitted"}).json()
    assert [row["receipt_no"] for row in queue] == [receipt_no]
    assert client.get("/api/staff/todo").json()["submitted"] == 1

    detail = client.get(f"/api/staff/submissions/{receipt_no}").json()
    assert detail["fields"]["applicant_rrn"]["value"] == "900101-1******"
    assert detail["fields"]["phone"]["value"] == "010-1234-5678"
    assert detail["transcript"][0]["text"] == "my number is 900101-1******"
    assert "1234568" not in str(detail)

    revealed = client.post(
        f"/api/staff/submissions/{receipt_no}/reveal", json={"field": "applicant_rrn"}, headers=csrf
    )
    assert revealed.json() == {"value": "900101-1234568"}
    trail = client.get(f"/api/staff/submissions/{receipt_no}").json()["audit"]
    assert [e["action"] for e in trail] == ["view", "reveal", "view"]
    assert trail[1]["actor"] == "reviewer1" and trail[1]["detail"] == {"field": "applicant_rrn"}


def test_staff_document_is_whole_and_audited(client, desk):
    _, receipt_no, _ = desk
    html = client.get(f"/api/staff/submissions/{receipt_no}/document.html").text
    assert "900101-1234568" in html and "담당자용" in html
    pdf = client.get(f"/api/staff/submissions/{receipt_no}/document.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_decisions_are_validated(client, desk):
    _, receipt_no, csrf = desk
    url = f"/api/staff/submissions/{receipt_no}/decision"
    assert client.post(url, json={"decision": "reject"}, headers=csrf).status_code == 422
    assert client.post(url, json={"decision": "return"}, headers=csrf).status_code == 422
    bad_field = {"decision": "return", "field_comments": {"nope": "x"}}
    assert client.post(url, json=bad_field, headers=csrf).status_code == 422
    ok = {"decision": "return", "field_comments": {"phone": "This number does not answer."}}
    assert client.post(url, json=ok, headers=csrf).json() == {
        "receipt_no": receipt_no,
        "status": "returned",
    }
    assert client.post(url, json={"decision": "approve"}, headers=csrf).status_code == 409


def test_audit_chain_detects_an_edit(client, desk):
    container, receipt_no, _ = desk
    client.get(f"/api/staff/submissions/{receipt_no}")
    assert container.audit.verify() == []
    from server.store.models import AuditEntry

    with container.db.session() as session:
        entry = session.query(AuditEntry).filter_by(action="view").first()
        entry.actor = "someone-else"
    assert container.audit.verify() and "changed" in container.audit.verify()[0]


def test_audit_verify_command_detects_a_deleted_entry(client, desk, settings, monkeypatch):
    from typer.testing import CliRunner

    from server.cli import app as cli
    from server.settings import get_settings
    from server.store.models import AuditEntry

    container, receipt_no, _ = desk
    for _ in range(3):
        client.get(f"/api/staff/submissions/{receipt_no}")
    monkeypatch.setenv("MINWON_APP__VAR_DIR", str(settings.app.var_dir))
    monkeypatch.setenv("MINWON_DATABASE__URL", settings.database.url)
    get_settings.cache_clear()  # the CLI reads its settings from the environment
    try:
        assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0
        with container.db.session() as session:
            middle = session.query(AuditEntry).filter_by(action="view").first()
            session.delete(middle)
        result = CliRunner().invoke(cli, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "changed or deleted" in result.output


def test_staff_read_the_citizens_warnings_in_korean(client, desk):
    container, receipt_no, _ = desk
    fields = client.get(f"/api/staff/submissions/{receipt_no}").json()["fields"]
    expected = container.catalog.warning_text("address.detail_missing", "ko")
    assert fields["address"]["warnings"] == [expected]
    assert fields["phone"]["warnings"] == []


def test_a_purged_submission_says_so_on_the_desk(client, desk, tmp_path):
    from datetime import UTC, datetime, timedelta

    from server.retention import purge
    from server.settings import RetentionSection

    container, receipt_no, csrf = desk
    url = f"/api/staff/submissions/{receipt_no}/decision"
    assert client.post(url, json={"decision": "approve"}, headers=csrf).status_code == 200
    later = datetime.now(UTC) + timedelta(days=91)
    report = purge(container.db, f"sqlite:///{tmp_path}/none.db", RetentionSection(), later)
    assert report.submissions_purged == 1
    detail = client.get(f"/api/staff/submissions/{receipt_no}").json()
    assert detail["purged_at"] is not None
    assert detail["fields"]["applicant_name"]["value"] == ""
    assert "보존 기간이 지나 파기됨" in client.get(f"/staff/submissions/{receipt_no}").text
