"""The knowledge QA set and how an answer is scored against it.

``benchmarks/knowledge_qa/<topic>.yml``: questions per language with the document that answers
them and the facts a correct answer states; ``source: null`` marks questions the documents do
not cover, which must be answered "I don't know".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from forms.languages import LANGUAGES
from knowledge.answer import Answer
from knowledge.text import detect_language, numbers

QA_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "knowledge_qa"


@dataclass(frozen=True)
class QAItem:
    language: str
    question: str
    source: str | None
    facts: tuple[str, ...]
    kind: str = "procedure"

    @property
    def in_scope(self) -> bool:
        return self.source is not None

    @property
    def sources(self) -> tuple[str, ...]:
        """The documents that answer it (``a|b`` where two guides state the same fact)."""
        return tuple(self.source.split("|")) if self.source else ()


def load_qa(directory: Path = QA_DIR) -> list[QAItem]:
    items: list[QAItem] = []
    for path in sorted(directory.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if raw["language"] not in LANGUAGES:
                raise ValueError(f"{path}: unknown language {raw['language']!r}")
            items.append(
                QAItem(
                    language=raw["language"],
                    question=str(raw["question"]),
                    source=raw.get("source"),
                    facts=tuple(str(f) for f in raw.get("facts") or ()),
                    kind=str(raw.get("kind") or ("procedure" if raw.get("source") else "unknown")),
                )
            )
    return items


def _normal(text: str) -> str:
    return " ".join(text.replace(",", "").lower().split())


def states_facts(answer: str, facts: tuple[str, ...]) -> bool:
    """Every fact is in the answer; ``a|b`` means either alternative is enough."""
    text = _normal(answer)
    return all(any(_normal(alt) in text for alt in fact.split("|")) for fact in facts)


def ungrounded(answer: Answer, source_texts: str) -> bool:
    """An answer presented as the city's guidance that its sources do not back up."""
    if answer.mode == "dont_know":
        return False
    return bool(numbers(answer.answer) - numbers(source_texts)) or (
        detect_language(answer.answer, default=answer.language) != answer.language  # type: ignore[arg-type]
    )


@dataclass
class Scores:
    in_scope: int = 0
    out_of_scope: int = 0
    hit1: int = 0
    hit3: int = 0
    correct: int = 0
    ungrounded: int = 0
    refused_out: int = 0  # out-of-scope questions refused (true positives)
    refused_in: int = 0  # in-scope questions refused (false positives)
    seconds: list[float] = field(default_factory=list)
    modes: dict[str, int] = field(default_factory=dict)

    def add(self, item: QAItem, answer: Answer, retrieved: list[str], source_texts: str) -> None:
        self.seconds.append(float(answer.trace.get("seconds", 0.0)))
        self.modes[answer.mode] = self.modes.get(answer.mode, 0) + 1
        self.ungrounded += ungrounded(answer, source_texts)
        refused = answer.mode == "dont_know"
        if item.in_scope:
            self.in_scope += 1
            self.hit1 += bool(set(retrieved[:1]) & set(item.sources))
            self.hit3 += bool(set(retrieved[:3]) & set(item.sources))
            self.correct += (not refused) and states_facts(answer.answer, item.facts)
            self.refused_in += refused
        else:
            self.out_of_scope += 1
            self.refused_out += refused

    def report(self) -> dict[str, float | int | dict[str, int]]:
        refused = self.refused_out + self.refused_in
        ordered = sorted(self.seconds) or [0.0]
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return {
            "questions": self.in_scope + self.out_of_scope,
            "hit@1": round(self.hit1 / max(1, self.in_scope), 3),
            "hit@3": round(self.hit3 / max(1, self.in_scope), 3),
            "correctness": round(self.correct / max(1, self.in_scope), 3),
            "ungrounded": self.ungrounded,
            "refusal_precision": round(self.refused_out / refused, 3) if refused else 1.0,
            "refusal_recall": round(self.refused_out / max(1, self.out_of_scope), 3),
            "p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(p95, 3),
            "modes": dict(self.modes),
        }
