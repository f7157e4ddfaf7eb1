"""The answer that cannot be wrong about the sources: their best sentences, quoted.

Sentences of the retrieved chunks (all in the citizen's language) are scored by embedding
similarity to the question plus the share of the question's terms they contain; the best one,
and the runner-up when it is nearly as good, are returned in document order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from knowledge.asks import asked_kinds, states
from knowledge.corpus import chunk_text
from knowledge.guard import remove_injection
from knowledge.retrieval import Hit
from knowledge.text import sentences, terms

MAX_SENTENCES = 2
RUNNER_UP = 0.85
ANSWERS_THE_KIND = 0.3  # bonus for a sentence stating the kind of fact asked for


def extract(question: str, language: str, hits: Sequence[Hit], embeddings: Embeddings) -> str:
    candidates: list[tuple[int, int, str]] = []  # (hit rank, position, sentence)
    headings: list[str] = []
    for rank, hit in enumerate(hits):
        text, _ = remove_injection(chunk_text(hit.chunk.page_content))
        for position, sentence in enumerate(sentences(text, language)):
            candidates.append((rank, position, sentence))
            headings.append(str(hit.chunk.metadata.get("section") or ""))
    if not candidates:
        return ""
    kinds = asked_kinds(question)
    question_terms = set(terms(question, language))
    # A sentence is embedded under its section heading ("Fees: …"), which names its subject.
    texts = [f"{h}: {c[2]}" if h else c[2] for h, c in zip(headings, candidates, strict=True)]
    vectors = np.asarray(embeddings.embed_documents([question, *texts]))
    similarity = vectors[1:] @ vectors[0]
    scores: list[float] = []
    for (rank, _, sentence), sim, text in zip(candidates, similarity, texts, strict=True):
        overlap = (
            len(question_terms & set(terms(text, language))) / len(question_terms)
            if question_terms
            else 0.0
        )
        bonus = ANSWERS_THE_KIND if kinds and states(sentence, kinds) else 0.0
        scores.append(0.6 * float(sim) + 0.4 * overlap + bonus - 0.05 * rank)
    order = sorted(range(len(candidates)), key=lambda i: scores[i], reverse=True)
    best = order[0]
    chosen = [best]
    for other in order[1:MAX_SENTENCES]:
        if (
            scores[other] >= RUNNER_UP * scores[best]
            and candidates[other][0] == candidates[best][0]
        ):
            chosen.append(other)
    chosen.sort(key=lambda i: (candidates[i][0], candidates[i][1]))
    joiner = "" if language == "zh" else " "
    return joiner.join(candidates[i][2] for i in chosen)
