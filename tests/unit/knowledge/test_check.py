"""The check step catches answers their sources do not back up."""

from __future__ import annotations

from knowledge.check import check
from knowledge.text import numbers

SOURCES = (
    "The fee for a seal certificate is 600 won per copy at the counter.\n"
    "A seal certificate for general use is free on Gov24.\n"
    "A proxy aged 17 or older can apply with a letter of delegation."
)


def test_a_faithful_answer_passes():
    assert check("A seal certificate is 600 won per copy at the counter.", SOURCES, "en").ok


def test_an_invented_number_is_caught():
    verdict = check("A seal certificate costs 1,500 won at the counter.", SOURCES, "en")
    assert not verdict.ok and any("1500" in p for p in verdict.problems)


def test_an_answer_in_another_language_is_caught():
    verdict = check("인감증명서는 600원이에요.", SOURCES, "en")
    assert not verdict.ok and any("written in ko" in p for p in verdict.problems)


def test_fluent_words_the_sources_never_said_are_caught():
    verdict = check("You must bring your birth certificate and two photographs.", SOURCES, "en")
    assert not verdict.ok and any("words" in p for p in verdict.problems)


def test_numbers_are_compared_by_value():
    assert numbers("1,000,000원, 09:00, 14일") == {"1000000", "9", "0", "14"}
    assert check("The fee is 600 won.", SOURCES.replace("600", "600.0"), "en").ok
