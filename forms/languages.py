"""The languages Minwon speaks and how a localised text is picked."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["ko", "en", "zh", "vi", "th"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "ko"

# Names of each language in itself, for switchers and buttons.
NATIVE_NAMES: dict[Language, str] = {
    "ko": "한국어",
    "en": "English",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "th": "ภาษาไทย",
}


def normalise_language(value: str | None) -> Language:
    """Maps a language tag such as ``en-US`` or ``zh-Hans`` to one of ours; unknown → Korean."""
    if not value:
        return DEFAULT_LANGUAGE
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE  # type: ignore[return-value]
