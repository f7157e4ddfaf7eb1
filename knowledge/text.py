"""Language-aware text tools shared by retrieval, checking and extraction.

Script-based language detection (Hangul, Han, Thai, Vietnamese letters, else English), sentence
splitting for all five languages, search terms (Korean morphemes through Kiwi, character
n-grams for Chinese and Thai, words for English and Vietnamese) and the numbers a text states.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from forms.languages import Language

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# Letters only Vietnamese uses among our languages (with their tone-marked forms).
_VIETNAMESE = re.compile(
    r"[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323]|[\u1ea0-\u1ef9]", re.IGNORECASE
)


def detect_language(text: str, default: Language = "ko") -> Language:
    """The language a text is written in, by its letters; ``default`` when it has none."""
    counts = {
        "ko": len(_HANGUL.findall(text)),
        "zh": len(_HAN.findall(text)),
        "th": len(_THAI.findall(text)),
        "latin": len(_LATIN.findall(text)),
    }
    if not any(counts.values()):
        return default
    best = max(counts, key=lambda k: counts[k])
    if best == "latin":
        decomposed = unicodedata.normalize("NFD", text)
        marks = len(_VIETNAMESE.findall(text)) + len(_VIETNAMESE.findall(decomposed))
        return "vi" if marks >= max(1, counts["latin"] // 25) else "en"
    return best  # type: ignore[return-value]


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n+")
_THAI_SPACE = re.compile(r"(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")
THAI_LONG_LINE = 220
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def sentences(text: str, language: str) -> list[str]:
    """A text's sentences (each list bullet is one too)."""
    parts: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.startswith("#"):
            continue
        pieces = _SENTENCE_END.split(line)
        if language == "th" and len(line) > THAI_LONG_LINE:
            # Thai puts a space between sentences (not between words): split long lines there.
            pieces = [p for piece in pieces for p in _THAI_SPACE.split(piece)]
        parts.extend(p.strip() for p in pieces if p and p.strip())
    return [p for p in parts if len(p) > 1]


_NUMBER = re.compile(r"\d+(?:[,.]\d+)*")


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised: "1,000" → "1000", "09" → "9", "2.5" kept."""
    found: set[str] = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if value.count(".") == 1 and not value.endswith("."):
            whole, frac = value.split(".")
            value = f"{int(whole)}.{frac}" if frac.strip("0") else str(int(whole))
        else:
            value = "".join(value.split("."))
            value = str(int(value)) if value.isdigit() else value
        found.add(value)
    return found


# --- search terms -----------------------------------------------------------------------------

_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f\u1e00-\u1eff]+|[\uac00-\ud7a3]+")
_KO_CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG", "NP")
_EN_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "i",
        "my",
        "me",
        "we",
        "you",
        "your",
        "it",
        "do",
        "does",
        "can",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "much",
        "many",
        "there",
        "this",
        "that",
        "with",
        "by",
        "from",
        "as",
        "please",
    }
)


@lru_cache(maxsize=1)
def _kiwi():  # type: ignore[no-untyped-def]
    from kiwipiepy import Kiwi

    return Kiwi()


def _ngrams(chars: str, sizes: tuple[int, ...]) -> list[str]:
    return [chars[i : i + n] for n in sizes for i in range(len(chars) - n + 1)]


def terms(text: str, language: str) -> list[str]:
    """Search terms for lexical retrieval, chosen per language."""
    text = text.lower()
    words = _WORD.findall(text)
    if language == "ko":
        tokens = _kiwi().tokenize(text)
        out = [
            t.form + ("다" if t.tag in ("VV", "VA") else "")
            for t in tokens
            if t.tag.startswith(_KO_CONTENT_TAGS)
        ]
        return out or words
    if language == "zh":
        han = "".join(_HAN.findall(text))
        return _ngrams(han, (1, 2)) + words
    if language == "th":
        thai = "".join(ch for ch in text if _THAI.match(ch))
        return _ngrams(thai, (2, 3)) + words
    if language == "vi":
        return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return [w for w in words if w not in _EN_STOP]
