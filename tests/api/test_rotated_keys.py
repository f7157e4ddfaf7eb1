"""After a personal-data key rotation the app still reads every value and opens old links."""

from __future__ import annotations

import base64
import os

from fastapi.testclient import TestClient

from server.app import container_of, create_app
from server.pii import key_id
from server.settings import PiiSection, Settings
from tests.api.conftest import FakeRasa
from tests.fixtures.submissions import family_certificate_at_the_kiosk


def submit(client: TestClient) -> tuple[str, str]:
    container = container_of(client.app)
    receipt = family_certificate_at_the_kiosk(container)
    return receipt, container.links.token(receipt)


def test_after_a_rotation_by_hand_values_and_old_status_links_still_work(
    settings: Settings, rasa: FakeRasa
):
    with TestClient(create_app(settings, rasa=rasa)) as client:
        receipt, link = submit(client)
    old = settings.pii.key
    new = base64.b64encode(os.urandom(32)).decode()
    rotated = settings.model_copy(update={"pii": PiiSection(key=new, previous_keys=[old])})

    with TestClient(create_app(rotated, rasa=rasa)) as client:
        container = container_of(client.app)
        assert container.vault.reencrypt() == 1
        assert container.vault.key_usage() == {key_id(base64.b64decode(new)): 1}
        page = client.get(f"/status/{receipt}/document", params={"token": link})
        assert page.status_code == 200 and "850505-2******" in page.text
        assert container.links.token(receipt) != link  # new links under the new key

    retired = settings.model_copy(update={"pii": PiiSection(key=new)})
    with TestClient(create_app(retired, rasa=rasa)) as client:
        assert client.get(f"/status/{receipt}", params={"token": link}).status_code == 404
        fresh = container_of(client.app).links.token(receipt)
        page = client.get(f"/status/{receipt}/document", params={"token": fresh})
        assert page.status_code == 200 and "850505-2******" in page.text  # no old key needed
