"""The check step: an answer may only say what its sources say, in the citizen's language.

Each sentence of the answer is matched to the source sentence it shares most words with; most
of its words must be there, and every number it states (amounts, dates, periods, times) must be
in that same source sentence — so "15 days" taken from the foreigners' rule cannot be passed off
as the move-in deadline — and be among the numbers of the sentences the extractive step picked
for the question. The answer must be in the question's language and must not repeat itself (a
small model's failure mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.text import detect_language, numbers, sentences, terms

MIN_SUPPORT = 0.6


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problems: tuple[str, ...]


def _best_source(sentence: str, sources: list[tuple[str, set[str]]], language: str):  # type: ignore[no-untyped-def]
    own = set(terms(sentence, language))
    if not own:
        return 0.0, ""
    best = max(sources, key=lambda s: len(own & s[1]), default=("", set()))
    return len(own & best[1]) / len(own), best[0]


def check(answer: str, sources: str, language: str, quoted: str = "", best: str = "") -> Verdict:
    """``quoted``/``best``: the best source sentences for the question and the best of them;
    the answer's numbers must be among theirs and include the best one's — a small model picks
    the wrong one of several amounts otherwise (the counter fee for a kiosk question)."""
    if len(answer.strip()) < 2:
        return Verdict(False, ("empty",))
    problems: list[str] = []
    written_in = detect_language(answer, default=language)  # type: ignore[arg-type]
    if written_in != language:
        problems.append(f"written in {written_in}, asked in {language}")
    invented = numbers(answer) - numbers(sources)
    if invented:
        problems.append("numbers not in the sources: " + ", ".join(sorted(invented)))
    if quoted and numbers(answer) - numbers(quoted):
        problems.append("states other numbers than the best source sentences")
    if best and numbers(best) - numbers(answer):
        problems.append("leaves out the numbers of the best source sentence")
    said = sentences(answer, language)
    if len(set(said)) < len(said):
        problems.append("repeats itself")
    pool = [(s, set(terms(s, language))) for s in sentences(sources, language)]
    for sentence in said:
        share, source = _best_source(sentence, pool, language)
        if share < MIN_SUPPORT:
            problems.append(f"only {share:.0%} of the words of {sentence!r} are in a source")
        elif numbers(sentence) - numbers(source):
            problems.append(f"{sentence!r} takes its numbers from elsewhere")
    return Verdict(not problems, tuple(problems))
