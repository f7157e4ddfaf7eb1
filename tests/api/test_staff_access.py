"""Every staff route, found from the app itself so that a new one cannot be forgotten, refuses
anonymous visitors (401, or the sign-in page for pages) and the wrong role (403); the admin
routes do what they say and are recorded in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.app import container_of
from server.deps import require_admin, require_staff
from server.routes.staff_pages import require_staff_page
from server.store.models import AuditEntry
from tests.api.test_staff_api import PASSWORD, api_routes

PUBLIC = {("POST", "/api/staff/session"), ("GET", "/staff/login")}
PARAMS = {"{receipt_no}": "MW-X", "{username}": "nobody", "{attachment_id}": "x"}


def _calls(dependant: Any) -> set[Any]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def guarded_routes(client: TestClient) -> list[tuple[str, str, str]]:
    """(method, path, guard) for every route under /api/staff and /staff."""
    routes = []
    for route in api_routes(client.app.routes):
        if not route.path.startswith(("/api/staff", "/staff")):
            continue
        calls = _calls(route.dependant)
        guard = (
            "admin"
            if require_admin in calls
            else "staff"
            if require_staff in calls
            else "page"
            if require_staff_page in calls
            else "none"
        )
        path = route.path
        for name, value in PARAMS.items():
            path = path.replace(name, value)
        routes += [(method, path, guard) for method in route.methods]
    return routes


def sign_in(client: TestClient, name: str, role: str) -> dict[str, str]:
    container_of(client.app).staff.create(name, PASSWORD, role)
    response = client.post("/api/staff/session", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def test_every_staff_route_has_a_guard(client):
    routes = guarded_routes(client)
    assert len(routes) >= 17
    unguarded = [(m, p) for m, p, guard in routes if guard == "none" and (m, p) not in PUBLIC]
    assert not unguarded, f"staff routes without a sign-in dependency: {unguarded}"


def test_anonymous_visitors_are_refused_everywhere(client):
    for method, path, guard in guarded_routes(client):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, path, json={}, follow_redirects=False)
        if guard == "page":
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/staff/login"), (method, path)
        else:
            assert response.status_code == 401, (method, path)


def test_reviewers_are_refused_the_admin_routes(client):
    csrf = sign_in(client, "reviewer2", "reviewer")
    admin_routes = [(m, p) for m, p, guard in guarded_routes(client) if guard == "admin"]
    assert len(admin_routes) >= 5
    for method, path in admin_routes:
        response = client.request(method, path, json={}, headers=csrf)
        assert response.status_code == 403, (method, path)
        assert response.json()["detail"] == "Administrators only."


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return sign_in(client, "admin1", "admin")


def test_admins_manage_accounts_and_it_is_audited(client, admin):
    created = client.post(
        "/api/staff/admin/accounts",
        json={"username": "park", "password": "another long passphrase", "role": "reviewer"},
        headers=admin,
    )
    assert created.status_code == 201
    twice = client.post(
        "/api/staff/admin/accounts",
        json={"username": "park", "password": "another long passphrase"},
        headers=admin,
    )
    assert twice.status_code == 409
    short = client.post(
        "/api/staff/admin/accounts", json={"username": "lee", "password": "short"}, headers=admin
    )
    assert short.status_code == 422
    names = {a["username"]: a for a in client.get("/api/staff/admin/accounts").json()}
    assert names["park"]["role"] == "reviewer" and names["park"]["active"] is True

    # A locked account is unlocked by an admin.
    other = TestClient(client.app)
    for _ in range(5):
        other.post("/api/staff/session", json={"username": "park", "password": "wrong!"})
    assert client.get("/api/staff/admin/accounts").json()[-1]["locked_until"] is not None
    url = "/api/staff/admin/accounts/park/unlock"
    assert client.post(url, headers=admin).status_code == 204
    login = other.post(
        "/api/staff/session", json={"username": "park", "password": "another long passphrase"}
    )
    assert login.status_code == 200

    # Deactivation ends the open session at once.
    assert other.get("/api/staff/todo").status_code == 200
    deactivate = "/api/staff/admin/accounts/park/deactivate"
    assert client.post(deactivate, headers=admin).status_code == 204
    assert other.get("/api/staff/todo").status_code == 401
    assert (
        client.post("/api/staff/admin/accounts/admin1/deactivate", headers=admin).status_code == 409
    )
    assert client.post("/api/staff/admin/accounts/ghost/unlock", headers=admin).status_code == 404

    verify = client.get("/api/staff/admin/audit/verify").json()
    assert verify == {"intact": True, "problems": []}
    with container_of(client.app).db.session() as session:
        trail = [(e.actor, e.action) for e in session.scalars(select(AuditEntry))]
    for action in ("account_created", "account_unlock", "account_deactivate"):
        assert ("admin1", action) in trail
