"""What a citizen sees of the values in a conversation: identifiers masked, labels localised."""

from __future__ import annotations

from typing import Any

from actions.ports import VaultPort
from forms.catalog import Petition
from forms.fields import display


def shown_values(
    petition: Petition, slots: dict[str, Any], language: str, vault: VaultPort
) -> dict[str, str]:
    """Field id → display value for every field asked so far (masked; tokens never shown)."""
    shown = {}
    for field in petition.active_fields(slots):
        value = slots.get(field.id)
        if value is None:
            continue
        if field.pii == "identifier":
            value = vault.mask_tokens(str(value))
        shown[field.id] = display(field, value, language)
    return shown
