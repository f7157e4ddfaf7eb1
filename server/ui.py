"""What the citizen pages (web widget and kiosk) need to know, given to them as one JSON
object: their texts in every language (from bot/messages, keys ``ui_*``), the languages, the
petitions with the kind of each field (to pick a keypad, to mask identifiers) and limits."""

from __future__ import annotations

from typing import Any

from forms.catalog import Catalog
from forms.languages import LANGUAGES, NATIVE_NAMES
from server.nlg import MessageCatalog, office_params
from server.settings import Settings

# Field types answered with digits (and - or :) on the kiosk's number pad.
NUMERIC_TYPES = frozenset(
    {"rrn", "foreigner_reg_no", "phone", "phone_any", "count", "date", "datetime", "postal_code"}
)


def ui_texts(messages: MessageCatalog, settings: Settings) -> dict[str, dict[str, str]]:
    """Every ``ui_*`` text per language; the office's name is filled in, other placeholders
    ({seconds}, {count}, {max}) are left for the page."""
    texts: dict[str, dict[str, str]] = {}
    keys = [k for k in messages.messages["ko"] if k.startswith("ui_")]
    for lang in LANGUAGES:
        office = office_params(settings.office, lang)
        texts[lang] = {}
        for key in keys:
            entry = messages.entry(key, lang) or {"text": key}
            text = str(entry["text"])
            for name, value in office.items():
                text = text.replace("{" + name + "}", value)
            texts[lang][key] = text
    return texts


def citizen_config(
    catalog: Catalog, messages: MessageCatalog, settings: Settings, channel: str
) -> dict[str, Any]:
    petitions = []
    identifier_fields: set[str] = set()
    for petition in catalog.petitions.values():
        petitions.append(
            {
                "id": petition.id,
                "title": {lang: petition.title(lang) for lang in LANGUAGES},
                "fields": {f.id: f.type for f in petition.fields},
            }
        )
        identifier_fields.update(f.id for f in petition.fields if f.pii == "identifier")
    config: dict[str, Any] = {
        "channel": channel,
        "languages": [{"code": lang, "name": NATIVE_NAMES[lang]} for lang in LANGUAGES],
        "texts": ui_texts(messages, settings),
        "petitions": petitions,
        "identifierFields": sorted(identifier_fields),
        "numericTypes": sorted(NUMERIC_TYPES),
        "photoTypes": ["photos"],
        "maxTextChars": settings.chat.max_text_chars,
    }
    if channel == "kiosk":
        kiosk = settings.kiosk
        config["kiosk"] = {
            "idleSeconds": kiosk.idle_seconds,
            "warningSeconds": kiosk.warning_seconds,
            "textPx": round(kiosk.text_mm * kiosk.px_per_mm, 1),
            "readAloud": kiosk.read_aloud,
        }
    return config
