"""The warnings a citizen saw are found again on the stored values, for the review desk."""

from __future__ import annotations

from datetime import datetime

from forms.catalog import default_catalog
from forms.fields import stored_warnings
from tests.fixtures.petitions import EXAMPLES


def test_warnings_are_found_again_on_stored_values():
    petition = default_catalog().petition("move_in_report")
    values = dict(EXAMPLES["move_in_report"])
    values["reporter_rrn"] = "TOKEN-1"
    values["move_date"] = "2026-09-01"  # more than 14 days before: the late-report warning
    values["new_address"] = "경기도 수원시 팔달구 효원로 241"  # no unit: detail missing
    revealed = []

    def reveal(token: str) -> str:
        revealed.append(token)
        return "850505-2123456"

    found = stored_warnings(petition, values, reveal, now=datetime(2026, 11, 21, 10))
    assert revealed == ["TOKEN-1"]
    assert {w["code"] for w in found["new_address"]} == {"address.detail_missing"}
    assert found["move_date"][0]["params"]["deadline"] == 14
    assert set(found) == {"new_address", "move_date"}


def test_clean_values_have_no_warnings():
    petition = default_catalog().petition("resident_registration_copy")
    values = {**EXAMPLES["resident_registration_copy"], "applicant_rrn": "T"}
    assert stored_warnings(petition, values, lambda _: "900101-1234568") == {}
