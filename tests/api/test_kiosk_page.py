"""The kiosk page and the QR code of a receipt's status link."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from server.app import container_of, create_app
from server.routes.kiosk import qr_svg
from server.settings import KioskSection, Settings
from tests.api.conftest import FakeRasa
from tests.fixtures.submissions import family_certificate_at_the_kiosk


def page_config(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="minwon-config">(.*?)</script>', html, re.S
    )
    assert found, "the page carries its config as JSON"
    return json.loads(found.group(1))


@pytest.fixture
def receipt(client: TestClient) -> str:
    """A submitted petition, stored the way the actions store one."""
    return family_certificate_at_the_kiosk(container_of(client.app))


def test_kiosk_page_renders_with_its_config(client: TestClient) -> None:
    response = client.get("/kiosk")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    config = page_config(html)
    assert config["channel"] == "kiosk"
    assert config["kiosk"] == {
        "idleSeconds": 120,
        "warningSeconds": 30,
        "textPx": 45.4,
        "readAloud": True,
    }
    assert 'style="--kiosk-text: 45.4px"' in html
    assert {lang["code"] for lang in config["languages"]} == {"ko", "en", "zh", "vi", "th"}
    assert "family_relation_certificate" in {p["id"] for p in config["petitions"]}
    assert "rrn" in config["numericTypes"] and "applicant_rrn" in config["identifierFields"]
    for lang in ("ko", "en", "zh", "vi", "th"):
        assert "{seconds}" in config["texts"][lang]["ui_kiosk_idle_warning"]
    # five language tiles, each named in its own language
    for code, name in [("ko", "한국어"), ("en", "English"), ("th", "ภาษาไทย")]:
        assert re.search(
            rf'data-language="{code}" lang="{code}">\s*<span class="tile__name">{name}', html
        )
    # the scripts: files of the app only (the CSP forbids inline script and handlers)
    for src in ("/static/chat.js", "/static/keyboard.js", "/static/kiosk.js"):
        assert f'<script src="{src}" defer></script>' in html
    assert not re.search(r"<script(?![^>]*(src=|application/json))", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in ("/static/kiosk.js", "/static/kiosk.css", "/static/keyboard.js"):
        assert client.get(path).status_code == 200


def test_kiosk_timings_come_from_the_settings(settings: Settings, rasa: FakeRasa) -> None:
    settings.kiosk = KioskSection(
        idle_seconds=300, warning_seconds=40, text_mm=7.25, px_per_mm=4.0, read_aloud=False
    )
    with TestClient(create_app(settings, rasa=rasa)) as client:
        html = client.get("/kiosk").text
    assert page_config(html)["kiosk"] == {
        "idleSeconds": 300,
        "warningSeconds": 40,
        "textPx": 29.0,
        "readAloud": False,
    }
    assert 'style="--kiosk-text: 29.0px"' in html


def test_qr_code_needs_the_links_token(client: TestClient, receipt: str) -> None:
    assert client.get(f"/kiosk/qr/{receipt}.svg", params={"token": "0" * 32}).status_code == 404
    assert client.get(f"/kiosk/qr/{receipt}.svg").status_code == 404
    # a well-signed link to a petition that does not exist
    token = container_of(client.app).links.token("MW-00000000-NOPE")
    assert client.get("/kiosk/qr/MW-00000000-NOPE.svg", params={"token": token}).status_code == 404


def test_qr_code_of_the_status_link(client: TestClient, receipt: str) -> None:
    links = container_of(client.app).links
    response = client.get(f"/kiosk/qr/{receipt}.svg", params={"token": links.token(receipt)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "no-store" in response.headers["cache-control"]
    svg = ElementTree.fromstring(response.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox")
    # the code of the very status link the bot gave with the receipt
    assert response.content == qr_svg(links.url(receipt))
    assert response.content != qr_svg(links.url(receipt).replace("token=", "token=x"))
