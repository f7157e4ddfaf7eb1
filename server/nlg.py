"""Rasa's NLG endpoint: every bot text, in the conversation's language.

Texts come from ``bot/messages/<language>.yml`` (general messages) and the petition catalog
(field questions, help, errors, petition facts). Rasa sends the response name, the action's
arguments and the tracker; the answer is ``{"text", "buttons"?, "custom"?}``.
"""

from __future__ import annotations

import json
import logging
import string
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from actions import slots as slot_names
from actions.ports import VaultPort
from actions.slots import SKIP
from forms.catalog import Catalog, FieldDef, Petition
from forms.languages import LANGUAGES, NATIVE_NAMES, Language, normalise_language
from server.display import shown_values
from server.settings import OfficeSection

log = logging.getLogger(__name__)


class MessageCatalog:
    """``bot/messages/<lang>.yml`` for every language; a missing text falls back to Korean."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @cached_property
    def messages(self) -> dict[str, dict[str, Any]]:
        loaded = {}
        for language in LANGUAGES:
            path = self.directory / f"{language}.yml"
            loaded[language] = (
                yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
            )
        return loaded

    def entry(self, key: str, language: str) -> dict[str, Any] | None:
        for lang in (language, "ko"):
            item = self.messages.get(lang, {}).get(key)
            if item is not None:
                return item if isinstance(item, dict) else {"text": item}
        return None

    def phrase(self, key: str, language: str, **params: Any) -> str:
        item = self.entry(key, language)
        return _format(item["text"] if item else key, params)

    def response_names(self) -> list[str]:
        return sorted(k for k in self.messages["ko"] if k.startswith("utter_"))


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        log.warning("message placeholder {%s} has no value", key)
        return "{" + key + "}"


def _format(text: str, params: dict[str, Any]) -> str:
    return string.Formatter().vformat(text, (), _Lenient(params))


def _payload(intent: str, **entities: Any) -> str:
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def office_params(office: OfficeSection, language: Language) -> dict[str, str]:
    return {
        "office_name": office.name.get(language) or office.name.get("ko", ""),
        "office_phone": office.phone,
        "office_hours": office.hours.get(language) or office.hours.get("ko", ""),
    }


def dont_know(messages: MessageCatalog, office: OfficeSection, language: str) -> str:
    """The knowledge base's "I don't know", with how to reach the office's staff."""
    lang = normalise_language(language)
    return messages.phrase("phrase_dont_know", lang, **office_params(office, lang))


class NaturalLanguage:
    def __init__(
        self, messages: MessageCatalog, catalog: Catalog, office: OfficeSection, vault: VaultPort
    ) -> None:
        self.messages = messages
        self.catalog = catalog
        self.office = office
        self.vault = vault

    def render(
        self, response: str, arguments: dict[str, Any], tracker: dict[str, Any]
    ) -> dict[str, Any]:
        slots: dict[str, Any] = tracker.get("slots") or {}
        language = normalise_language(arguments.get("language") or slots.get(slot_names.LANGUAGE))
        petition = self._petition(arguments.get("petition") or slots.get(slot_names.PETITION))

        if response == "utter_ask_confirmation" and petition:
            return self._summary(petition, slots, language)
        if response.startswith("utter_ask_"):
            field = self._field(petition, response.removeprefix("utter_ask_"))
            if field is not None:
                return {
                    "text": field.question(language),
                    "buttons": self._field_buttons(field, language),
                }

        entry = self.messages.entry(response, language)
        if entry is None:
            log.error("no message for response %s", response)
            entry = self.messages.entry("utter_default", language) or {"text": response}
        params = {**self._office(language), **arguments}
        if petition:
            params.update(self._petition_facts(petition, language))
        if isinstance(arguments.get("comments"), dict) and petition:
            params["comments"] = "\n".join(
                f"· {self._label(petition, field_id, language)}: {comment}"
                for field_id, comment in arguments["comments"].items()
            )
        if arguments.get("status"):
            params["status_label"] = self.messages.phrase(
                f"phrase_status_{arguments['status']}", language
            )
        if response == "utter_invalid_value":
            params["error"] = self._error(petition, arguments, language)
        if response == "utter_field_warning":
            params["warning"] = self.catalog.warning_text(
                str(arguments.get("code")), language, **(arguments.get("params") or {})
            )
        result: dict[str, Any] = {"text": _format(entry["text"], params)}
        buttons = self._buttons(entry.get("buttons"), language, petition, slots)
        if buttons:
            result["buttons"] = buttons
        if response == "utter_submitted":
            result["custom"] = {
                "attachment": {
                    "type": "receipt",
                    "receipt_no": arguments.get("receipt_no"),
                    "status_url": arguments.get("status_url"),
                }
            }
        return result

    def dont_know(self, language: str) -> str:
        return dont_know(self.messages, self.office, language)

    # --- pieces ----------------------------------------------------------------------------

    def _petition(self, petition_id: Any) -> Petition | None:
        return self.catalog.petitions.get(str(petition_id)) if petition_id else None

    def _field(self, petition: Petition | None, field_id: str) -> FieldDef | None:
        candidates = [petition] if petition else []
        candidates += list(self.catalog.petitions.values())
        for p in candidates:
            for field in p.fields:
                if field.id == field_id:
                    return field
        return None

    def _label(self, petition: Petition, field_id: str, language: Language) -> str:
        field = self._field(petition, field_id)
        return field.label(language) if field else field_id

    def _office(self, language: Language) -> dict[str, str]:
        return office_params(self.office, language)

    def _money(self, amount: int | None, language: Language) -> str:
        if amount is None:
            return self.messages.phrase("phrase_unavailable", language)
        if amount == 0:
            return self.messages.phrase("phrase_free", language)
        return self.messages.phrase("phrase_won", language, amount=f"{amount:,}")

    def _petition_facts(self, petition: Petition, language: Language) -> dict[str, str]:
        fees = petition.fees
        fee_text = self.messages.phrase(
            "phrase_fees",
            language,
            counter=self._money(fees.counter, language),
            kiosk=self._money(fees.kiosk, language),
            online=self._money(fees.online, language),
        )
        documents = []
        for doc in petition.required_documents:
            if doc.obtained_by_office:
                continue
            name = doc.name(language)
            if doc.only_for == "proxy":
                name = self.messages.phrase("phrase_proxy_only", language, name=name)
            documents.append(name)
        return {
            "title": petition.title(language),
            "fees": fee_text,
            "period": petition.processing_period(language),
            "where": petition.where_to_apply(language),
            "documents": ", ".join(documents),
        }

    def _error(
        self, petition: Petition | None, arguments: dict[str, Any], language: Language
    ) -> str:
        field = self._field(petition, str(arguments.get("field")))
        if field is None:
            return self.messages.phrase("utter_default", language)
        text = self.catalog.error_text(
            field, str(arguments.get("code")), language, **(arguments.get("params") or {})
        )
        if arguments.get("show_help"):
            text += "\n" + field.help(language)
        return text

    def _field_buttons(self, field: FieldDef, language: Language) -> list[dict[str, str]]:
        choices = field.options or field.suggestions
        buttons = [
            {"title": o.label(language), "payload": _payload("inform", **{field.id: o.value})}
            for o in choices
        ]
        if not field.required:
            buttons.append(
                {
                    "title": self.messages.phrase("phrase_skip_button", language),
                    "payload": _payload("inform", **{field.id: SKIP}),
                }
            )
        return buttons

    def _buttons(
        self, kind: Any, language: Language, petition: Petition | None, slots: dict[str, Any]
    ) -> list[dict[str, str]]:
        if kind == "cancel_confirm":
            return [
                {
                    "title": self.messages.phrase("phrase_cancel_yes", language),
                    "payload": "/affirm",
                },
                {"title": self.messages.phrase("phrase_cancel_no", language), "payload": "/deny"},
            ]
        if kind == "fields" and petition:
            return [
                {
                    "title": field.label(language),
                    "payload": _payload("change_field", field=field.id),
                }
                for field in petition.active_fields(slots)
                if slots.get(field.id) is not None
            ]
        if kind == "petitions":
            return [
                {"title": p.title(language), "payload": _payload(f"apply_{p.id}")}
                for p in self.catalog.petitions.values()
            ]
        if kind == "languages":
            return [
                {"title": NATIVE_NAMES[lang], "payload": _payload("switch_language", language=lang)}
                for lang in LANGUAGES
            ]
        return []

    def _summary(
        self, petition: Petition, slots: dict[str, Any], language: Language
    ) -> dict[str, Any]:
        shown = shown_values(petition, slots, language, self.vault)
        lines = [
            f"· {field.label(language)}: {shown.get(field.id) or '—'}"
            for field in petition.active_fields(slots)
        ]
        entry = self.messages.entry("utter_ask_confirmation", language) or {"text": "{summary}"}
        buttons = [
            {
                "title": self.messages.phrase("phrase_confirm_button", language),
                "payload": _payload("affirm"),
            }
        ]
        buttons += [
            {
                "title": self.messages.phrase(
                    "phrase_change_button", language, label=field.label(language)
                ),
                "payload": _payload("change_field", field=field.id),
            }
            for field in petition.active_fields(slots)
        ]
        buttons.append(
            {
                "title": self.messages.phrase("phrase_cancel_button", language),
                "payload": _payload("cancel"),
            }
        )
        return {
            "text": _format(entry["text"], {**self._office(language), "summary": "\n".join(lines)}),
            "buttons": buttons,
        }
