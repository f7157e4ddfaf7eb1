"""The check step: an answer may only say what its sources say, in the citizen's language.

Every number (amounts, dates, periods, times) must appear in the sources; the answer must be in
the question's language; and most of its words must come from the sources, so a fluent sentence
the model made up is not passed off as the city's guidance.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.text import detect_language, numbers, terms

MIN_SUPPORT = 0.6


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problems: tuple[str, ...]


def support(answer: str, sources: str, language: str) -> float:
    answer_terms = set(terms(answer, language))
    if not answer_terms:
        return 0.0
    source_terms = set(terms(sources, language))
    return len(answer_terms & source_terms) / len(answer_terms)


def check(answer: str, sources: str, language: str) -> Verdict:
    problems: list[str] = []
    if len(answer.strip()) < 2:
        return Verdict(False, ("empty",))
    invented = numbers(answer) - numbers(sources)
    if invented:
        problems.append("numbers not in the sources: " + ", ".join(sorted(invented)))
    written_in = detect_language(answer, default=language)  # type: ignore[arg-type]
    if written_in != language:
        problems.append(f"written in {written_in}, asked in {language}")
    share = support(answer, sources, language)
    if share < MIN_SUPPORT:
        problems.append(f"only {share:.0%} of its words are in the sources")
    return Verdict(not problems, tuple(problems))
