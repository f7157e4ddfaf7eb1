"""Switching the conversation's language; every value given so far is kept."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation, slots
from forms.languages import LANGUAGES, Language

# How citizens name each language, in any of the five (matched case-insensitively).
_NAMES: dict[Language, tuple[str, ...]] = {
    "ko": (
        "한국어",
        "한국말",
        "한글",
        "korean",
        "韩语",
        "韩文",
        "韓語",
        "韩国语",
        "韩国话",
        "朝鲜语",
        "朝鲜话",
        "tiếng hàn",
        "เกาหลี",
    ),
    "en": ("영어", "english", "英语", "英文", "tiếng anh", "อังกฤษ"),
    "zh": ("중국어", "chinese", "mandarin", "中文", "汉语", "普通话", "tiếng trung", "จีน"),
    "vi": ("베트남어", "vietnamese", "越南语", "越南文", "越语", "tiếng việt", "việt", "เวียดนาม"),
    "th": ("태국어", "thai", "泰语", "泰文", "tiếng thái", "ไทย"),
}


def language_named_in(text: str) -> Language | None:
    lowered = text.lower()
    found = [lang for lang, names in _NAMES.items() if any(n in lowered for n in names)]
    if len(found) == 1:
        return found[0]
    # "Korean → English": the last one named is the one wanted.
    positions = {lang: max(lowered.rfind(n) for n in _NAMES[lang]) for lang in found}
    return max(positions, key=positions.__getitem__) if found else None


class SwitchLanguage(Action):
    def name(self) -> str:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        wanted = conversation.entity(tracker, slots.LANGUAGE) or language_named_in(
            re.sub(r"^/\w+", "", conversation.user_text(tracker))
        )
        if wanted not in LANGUAGES:
            dispatcher.utter_message(response="utter_choose_language")
            return []
        dispatcher.utter_message(response="utter_language_switched", language=wanted)
        return [SlotSet(slots.LANGUAGE, wanted)]


# Words that can only mean a language (not a country or nationality), by the language meant.
_LANGUAGE_ONLY: dict[Language, tuple[str, ...]] = {
    "ko": ("한국어", "한국말", "韩语", "韩文", "韩国语", "韩国话", "tiếng hàn", "ภาษาเกาหลี"),
    "en": ("영어", "英语", "英文", "tiếng anh", "ภาษาอังกฤษ"),
    "zh": ("중국어", "中文", "汉语", "普通话", "tiếng trung", "ภาษาจีน"),
    "vi": ("베트남어", "越南语", "越南文", "tiếng việt", "ภาษาเวียดนาม"),
    "th": ("태국어", "泰语", "泰文", "tiếng thái", "ภาษาไทย"),
}
_ENGLISH_NAMES: dict[Language, str] = {
    "ko": "korean",
    "en": "english",
    "zh": "chinese",
    "vi": "vietnamese",
    "th": "thai",
}
_ENGLISH_CUE = re.compile(r"\b(please|pls|speak|language|switch|change|in|use)\b")


def language_requested_in(text: str) -> Language | None:
    """A language the text unmistakably asks for ("영어로 해 주세요", "ขอเป็นภาษาอังกฤษ",
    "English please"), or None. Stricter than language_named_in: a nationality ("Thai",
    "ไทย", "中国") given as an answer is not a request."""
    lowered = text.lower().strip()
    found = {lang for lang, words in _LANGUAGE_ONLY.items() if any(w in lowered for w in words)}
    for lang, name in _ENGLISH_NAMES.items():
        if re.search(rf"\b{name}\b", lowered) and _ENGLISH_CUE.search(lowered):
            found.add(lang)
    return found.pop() if len(found) == 1 else None
