"""The hand-off in the running app: the background worker delivers an approval to a real
receiver on loopback, staff see the delivery on the submission (API and page) and send it
again with the button's API call (CSRF, audited)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from server.app import container_of, create_app
from server.settings import HandoffTarget, Settings
from tests.api.conftest import FakeRasa
from tests.api.test_staff_api import PASSWORD
from tests.fixtures.handoff import submit_certificate, with_targets
from tests.fixtures.receiver import Receiver, running

SECRET = "desk secret"


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background worker did not get there in time"
        time.sleep(0.05)


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    with running(Receiver(SECRET.encode(), [])) as receiver:
        yield receiver


@pytest.fixture
def app_client(settings: Settings, receiver: Receiver):  # type: ignore[no-untyped-def]
    target = HandoffTarget(name="erp", kind="http", url=receiver.url, secret=SECRET)
    configured = with_targets(settings, target, poll_seconds=0.1)
    with TestClient(create_app(configured, rasa=FakeRasa())) as client:
        container = container_of(client.app)
        container.staff.create("reviewer1", PASSWORD, "reviewer")
        login = client.post(
            "/api/staff/session", json={"username": "reviewer1", "password": PASSWORD}
        )
        yield client, {"X-CSRF-Token": login.json()["csrf_token"]}


def test_an_approval_reaches_the_receiver_and_staff_can_send_it_again(app_client, receiver):
    client, csrf = app_client
    container = container_of(client.app)
    receipt_no = submit_certificate(container)
    decided = client.post(
        f"/api/staff/submissions/{receipt_no}/decision", json={"decision": "approve"}, headers=csrf
    )
    assert decided.status_code == 200

    def delivery() -> dict:  # type: ignore[type-arg]
        [row] = client.get(f"/api/staff/submissions/{receipt_no}").json()["deliveries"]
        return row  # type: ignore[no-any-return]

    wait_for(lambda: delivery()["state"] == "done")
    row = delivery()
    assert (row["target"], row["event"], row["attempts"], row["acknowledgement"]) == (
        "erp",
        "approved",
        1,
        "ERP-1",
    )
    assert row["delivered_at"] and row["last_error"] is None
    assert receiver.imports == 1 and receiver.received[0].verified

    page = client.get(f"/staff/submissions/{receipt_no}").text
    assert "기관 시스템 전달" in page and "전달됨" in page and "ERP-1" in page
    assert f'data-redeliver="{row["id"]}"' in page
    assert "기관 시스템 전달" in page.split('id="audit-heading"')[1]  # on the trail

    url = f"/api/staff/submissions/{receipt_no}/deliveries/{row['id']}/redeliver"
    assert client.post(url).status_code == 403  # no CSRF token
    assert client.post(url.replace(receipt_no, "MW-NOPE"), headers=csrf).status_code == 404
    wrong_id = url.replace(f"/{row['id']}/", f"/{row['id'] + 99}/")
    assert client.post(wrong_id, headers=csrf).status_code == 404
    again = client.post(url, headers=csrf)
    assert again.status_code == 200 and again.json()["id"] == row["id"]

    wait_for(lambda: len(receiver.received) == 2 and delivery()["state"] == "done")
    assert {r.delivery for r in receiver.received} == {str(row["id"])}  # the same delivery id
    assert receiver.imports == 1  # the receiver deduped the redelivery
    audit = client.get(f"/api/staff/submissions/{receipt_no}").json()["audit"]
    redelivered = [e for e in audit if e["action"] == "redeliver"]
    assert [(e["actor"], e["detail"]["target"]) for e in redelivered] == [("reviewer1", "erp")]
    notice = client.get(f"/staff/submissions/{receipt_no}?done=redeliver").text
    assert "다시 보내도록 예약했습니다" in notice


def test_without_targets_the_page_shows_no_hand_off(client):
    container = container_of(client.app)
    container.staff.create("reviewer1", PASSWORD, "reviewer")
    client.post("/api/staff/session", json={"username": "reviewer1", "password": PASSWORD})
    receipt_no = submit_certificate(container)
    assert client.get(f"/api/staff/submissions/{receipt_no}").json()["deliveries"] == []
    assert "기관 시스템 전달" not in client.get(f"/staff/submissions/{receipt_no}").text
