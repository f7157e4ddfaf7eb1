"""The widget's loader and panel, the front page, and the security headers on pages."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings, WidgetSection


def test_the_loader_carries_its_labels_in_every_language(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "__MINWON_LABELS__" not in response.text
    labels = json.loads(re.search(r"var LABELS = (\{.*?\});\n", response.text).group(1))
    assert set(labels) == {"ko", "en", "zh", "vi", "th"}
    assert labels["ko"]["open"] == "민원 상담"
    assert labels["en"]["title"] == "City Hall petition assistant"


def test_the_panel_gets_its_config_and_texts(client):
    html = client.get("/widget", params={"lang": "vi-VN"}).text
    assert '<html lang="vi">' in html
    config = json.loads(re.search(r'id="minwon-config">(.*?)</script>', html, re.DOTALL).group(1))
    assert config["channel"] == "web"
    assert "applicant_rrn" in config["identifierFields"]
    assert config["texts"]["th"]["ui_send"] == "ส่ง"
    assert {p["id"] for p in config["petitions"]} >= {"resident_registration_copy"}
    # An unknown language falls back to Korean.
    assert '<html lang="ko">' in client.get("/widget", params={"lang": "xx"}).text


def test_only_listed_city_sites_may_frame_the_panel(settings: Settings, rasa):
    settings.widget = WidgetSection(allowed_hosts=["https://www.city.go.kr"])
    with TestClient(create_app(settings, rasa=rasa)) as client:
        panel = client.get("/widget").headers
        assert "frame-ancestors 'self' https://www.city.go.kr" in panel["content-security-policy"]
        assert "x-frame-options" not in panel
        staff = client.get("/api/staff/todo").headers
        assert "frame-ancestors 'none'" in staff["content-security-policy"]
        assert staff["x-frame-options"] == "DENY"
        home = client.get("/").headers
        assert home["x-frame-options"] == "SAMEORIGIN"
        assert "script-src 'self';" in home["content-security-policy"]
        assert home["referrer-policy"] == "no-referrer"


def test_front_page_embeds_the_widget_with_one_tag(client):
    html = client.get("/").text
    assert '<script src="/widget.js" data-lang="ko" defer></script>' in html
    assert 'href="/kiosk"' in html and 'href="/staff"' in html
