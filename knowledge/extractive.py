"""The answer that cannot be wrong about the sources: their best sentences, quoted.

Sentences of the retrieved chunks (all in the citizen's language) are scored by embedding
similarity to the question, the rarity-weighted share of the question's terms they contain and
whether they state the kind of fact asked for; the best one and up to two more from its chunk
(those not scoring below zero) are returned in document order.
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

MAX_SENTENCES = 3
ANSWERS_THE_KIND = 0.3  # bonus for a sentence stating the kind of fact asked for
SIMILARITY_WEIGHT, OVERLAP_WEIGHT, RANK_PENALTY = 0.4, 0.6, 0.15


def extract(
    question: str,
    language: str,
    hits: Sequence[Hit],
    embeddings: Embeddings,
    weights: dict[str, float] | None = None,
) -> tuple[str, str]:
    """The best sentences joined, and the single best one; ``weights`` gives the question's terms
    their rarity (idf)."""
    candidates: list[tuple[int, int, str]] = []  # (hit rank, position, sentence)
    headings: list[str] = []
    for rank, hit in enumerate(hits):
        text, _ = remove_injection(chunk_text(hit.chunk.page_content))
        for position, sentence in enumerate(sentences(text, language)):
            candidates.append((rank, position, sentence))
            headings.append(str(hit.chunk.metadata.get("section") or ""))
    if not candidates:
        return "", ""
    kinds = asked_kinds(question)
    weights = weights or {t: 1.0 for t in terms(question, language)}
    total = sum(weights.values())
    # A sentence is embedded under its section heading ("Fees: …"), which names its subject.
    texts = [f"{h}: {c[2]}" if h else c[2] for h, c in zip(headings, candidates, strict=True)]
    vectors = np.asarray(embeddings.embed_documents([question, *texts]))
    similarity = vectors[1:] @ vectors[0]
    scores: list[float] = []
    for (rank, _, sentence), sim, text in zip(candidates, similarity, texts, strict=True):
        present = set(terms(text, language))
        overlap = sum(w for t, w in weights.items() if t in present) / total if total else 0.0
        bonus = ANSWERS_THE_KIND if kinds and states(sentence, kinds) else 0.0
        scores.append(
            SIMILARITY_WEIGHT * float(sim) + OVERLAP_WEIGHT * overlap + bonus - RANK_PENALTY * rank
        )
    order = sorted(range(len(candidates)), key=lambda i: scores[i], reverse=True)
    best = order[0]
    chosen = [best]
    for other in order[1:MAX_SENTENCES]:
        if scores[other] >= 0.0 and candidates[other][0] == candidates[best][0]:
            chosen.append(other)
    chosen.sort(key=lambda i: (candidates[i][0], candidates[i][1]))
    picked = [candidates[i][2] for i in chosen]
    if any(sentence.lstrip().startswith(("- ", "* ")) for sentence in picked):
        joiner = "\n"  # list items stay one per line
    else:
        joiner = "" if language == "zh" else " "
    return joiner.join(picked), candidates[best][2]
