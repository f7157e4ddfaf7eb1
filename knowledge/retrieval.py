"""Hybrid retrieval: vectors from the store plus BM25, in the citizen's language.

Every chunk of the language is scored as a weighted sum of its cosine similarity (vectors
centred on the language) and its BM25 score relative to the best, with bonuses for stating the
kind of fact asked for and for belonging to the petition at hand, and a penalty for a guide's
introduction. Whether retrieval is *confident* — whether the documents cover the question at
all — is decided on absolute evidence: similarity and the share of the question's words
(weighted by rarity) that the best chunks contain.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

import numpy as np
from langchain_core.documents import Document

from knowledge.asks import asked_kinds, states
from knowledge.index import KnowledgeStore
from knowledge.lexical import BM25


@dataclass(frozen=True)
class RetrievalSettings:
    top_k: int = 3
    dense_weight: float = 0.5
    lexical_weight: float = 0.5
    # Added to a chunk that states the kind of fact asked for (an amount, a period, …).
    kind_bonus: float = 0.15
    # Inside a petition's form, its own guide is preferred to the general ones.
    petition_bonus: float = 0.25
    # A guide's introduction (the text before its first section) names its topic but rarely
    # states a fact: it should not win on the topic's words alone.
    intro_penalty: float = 0.1
    # Confidence = dense_weight·similarity + lexical_weight·coverage of the best chunk.
    min_confidence: float = 0.219
    # The languages the embedder was trained on (None: all). Vectors still help to rank the
    # chunks of another language, but their similarity does not mean there what it means in
    # the others: a hybrid's confidence in that language rests on the words alone.
    dense_languages: frozenset[str] | None = None

    def confidence_weights(self, language: str, in_petition: bool = False) -> tuple[float, float]:
        """(similarity, coverage) weights of the confidence for a question in ``language``.
        Inside a petition the similarity side carries the petition's title ("this"), which the
        citizen's own words lack: there the hybrid's weights hold in every language."""
        if in_petition or self.dense_languages is None or language in self.dense_languages:
            return self.dense_weight, self.lexical_weight
        if self.lexical_weight <= 0:  # a dense-only retriever has nothing else to go on
            return self.dense_weight, self.lexical_weight
        return 0.0, self.dense_weight + self.lexical_weight


@dataclass(frozen=True)
class Hit:
    chunk: Document
    score: float
    similarity: float
    coverage: float

    @property
    def doc_id(self) -> str:
        return str(self.chunk.metadata["doc_id"])


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    confidence: float
    confident: bool


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class _LanguageIndex:
    """One language's chunks: BM25 over their terms and their vectors centred on the language.

    Multilingual encoders put all text of one language in a narrow cone (USE-M, which was not
    trained on Vietnamese, scores any two Vietnamese sentences ≈ 0.6). Subtracting the
    language's mean vector removes that shared direction, so a similarity means the same in
    every language and one confidence threshold serves all five.
    """

    def __init__(self, chunks: list[Document], vectors: np.ndarray, language: str) -> None:
        self.chunks = chunks
        self.bm25 = BM25([c.page_content for c in chunks], language)
        self.titles = {
            str(c.metadata["petition"]): str(c.metadata["title"])
            for c in chunks
            if c.metadata.get("petition")
        }
        self.mean = vectors.mean(axis=0) if len(chunks) else np.zeros(1, dtype=np.float32)
        self.vectors = _unit(vectors - self.mean) if len(chunks) else vectors

    def title_of(self, petition: str) -> str:
        return next(
            (
                str(c.metadata["title"])
                for c in self.chunks
                if c.metadata.get("petition") == petition
            ),
            "",
        )

    def similarities(self, query: list[float]) -> np.ndarray:
        return self.vectors @ _unit(np.asarray(query, dtype=np.float32) - self.mean)


def _allowed(chunk: Document, petition: str | None) -> bool:
    return not petition or chunk.metadata.get("petition") in (petition, "")


class Retriever:
    def __init__(self, store: KnowledgeStore, settings: RetrievalSettings | None = None) -> None:
        self.store = store
        self.settings = settings or RetrievalSettings()
        self._lexical: dict[str, _LanguageIndex] = {}
        self._lock = Lock()

    def refresh(self) -> None:
        """Forget the BM25 indexes; they are rebuilt from the store on the next search."""
        with self._lock:
            self._lexical.clear()

    def _language_index(self, language: str) -> _LanguageIndex:
        with self._lock:
            if language not in self._lexical:
                chunks, vectors = self.store.stored({"language": language})
                self._lexical[language] = _LanguageIndex(chunks, vectors, language)
            return self._lexical[language]

    def term_weights(self, text: str, language: str) -> dict[str, float]:
        """The text's search terms weighted by how rare they are in that language's chunks."""
        return self._language_index(language).bm25.weights(text)

    def search(self, question: str, language: str, petition: str | None = None) -> Retrieval:
        found = self._search(question, language, petition)
        if petition and not found.confident:
            # A question about something else than the petition at hand: look everywhere.
            wider = self._search(question, language, None)
            if wider.confident:
                return wider
        return found

    def _search(self, question: str, language: str, petition: str | None) -> Retrieval:
        s = self.settings
        index = self._language_index(language)
        allowed = [i for i, c in enumerate(index.chunks) if _allowed(c, petition)]
        if not allowed:
            return Retrieval([], 0.0, False)
        # Inside a petition, "what's the fee for this?" means this petition: its title joins the
        # question (for ranking and for the similarity side of confidence; the word coverage
        # side is judged on the citizen's own words).
        title = index.title_of(petition) if petition else ""
        ranked_by = f"{question} {title}".strip()
        dense = index.similarities(self.store.embeddings.embed_query(ranked_by))
        bm25 = index.bm25.scores(ranked_by)
        best_bm25 = max(bm25[i] for i in allowed) or 1.0
        kinds = asked_kinds(question)

        def score(i: int) -> float:
            chunk = index.chunks[i]
            value = s.dense_weight * float(dense[i]) + s.lexical_weight * bm25[i] / best_bm25
            if kinds and states(chunk.page_content, kinds):
                value += s.kind_bonus
            if petition and chunk.metadata.get("petition") == petition:
                value += s.petition_bonus
            if not chunk.metadata.get("section"):
                value -= s.intro_penalty
            return value

        scores = {i: score(i) for i in allowed}
        order = sorted(allowed, key=lambda i: scores[i], reverse=True)[: s.top_k]
        weights = index.bm25.weights(question)
        top = [
            Hit(index.chunks[i], scores[i], float(dense[i]), index.bm25.coverage(weights, i))
            for i in order
        ]
        dense_weight, lexical_weight = s.confidence_weights(language, in_petition=bool(title))
        confidence = max(dense_weight * h.similarity + lexical_weight * h.coverage for h in top)
        return Retrieval(top, confidence, confidence >= s.min_confidence)
