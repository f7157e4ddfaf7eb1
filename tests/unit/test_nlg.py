import re

import pytest

from forms.catalog import default_catalog
from forms.languages import LANGUAGES
from server.nlg import MessageCatalog, NaturalLanguage
from server.settings import ROOT, OfficeSection


class FakeVault:
    def mask_tokens(self, text: str) -> str:
        return re.sub(r"pii_rrn_\w{12}", "900101-1******", text)


@pytest.fixture
def nlg() -> NaturalLanguage:
    return NaturalLanguage(
        MessageCatalog(ROOT / "bot/messages"), default_catalog(), OfficeSection(), FakeVault()
    )


def tracker(language="en", **slots):
    return {"slots": {"language": language, "petition": "resident_registration_copy", **slots}}


@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome_in_every_language_offers_the_petitions(nlg, language):
    reply = nlg.render("utter_welcome", {}, {"slots": {"language": language}})
    assert "{" not in reply["text"]
    title = default_catalog().petition("resident_registration_copy").title(language)
    assert {"title": title, "payload": "/apply_resident_registration_copy"} in reply["buttons"]


def test_field_question_with_its_options_as_buttons(nlg):
    reply = nlg.render("utter_ask_copy_type", {}, tracker("zh"))
    assert "誊本" in reply["text"]
    assert reply["buttons"][0] == {
        "title": "誊本（整个家庭）",
        "payload": '/inform{"copy_type": "등본"}',
    }


def test_invalid_value_adds_help_after_repeated_failures(nlg):
    args = {"field": "phone", "code": "phone.format", "params": {}, "show_help": False}
    first = nlg.render("utter_invalid_value", args, tracker("vi"))["text"]
    again = nlg.render("utter_invalid_value", {**args, "show_help": True}, tracker("vi"))["text"]
    assert first == "Vui lòng nhập số di động Hàn Quốc, ví dụ: 010-1234-5678."
    assert again.startswith(first) and "010" in again.split("\n")[1]


def test_summary_masks_identifiers_and_offers_changes(nlg):
    slots = {
        "applicant_name": "Somchai",
        "applicant_rrn": "pii_rrn_abcdefghijkl",
        "phone": "+821012345678",
        "copy_type": "등본",
    }
    reply = nlg.render("utter_ask_confirmation", {}, tracker("th", **slots))
    assert "900101-1******" in reply["text"] and "pii_rrn" not in reply["text"]
    assert "010-1234-5678" in reply["text"]
    payloads = [b["payload"] for b in reply["buttons"]]
    assert payloads[0] == "/affirm" and payloads[-1] == "/cancel"
    assert '/change_field{"field": "phone"}' in payloads


def test_petition_facts_come_from_the_catalog(nlg):
    text = nlg.render(
        "utter_petition_intro", {"petition": "resident_registration_copy"}, tracker("ko")
    )["text"]
    assert "창구 400원" in text and "무인민원발급기 200원" in text and "온라인 무료" in text


def test_language_argument_wins_over_the_slot(nlg):
    reply = nlg.render("utter_language_switched", {"language": "ko"}, tracker("en"))
    assert reply["text"] == "이제부터 한국어로 안내해 드릴게요."


def test_dont_know_names_the_office_in_each_language(nlg):
    for language in ("ko", "en", "zh", "vi", "th"):
        text = nlg.dont_know(language)
        assert "120" in text and "{" not in text
    assert "시청" in nlg.dont_know("ko") and "City Hall" in nlg.dont_know("en")
