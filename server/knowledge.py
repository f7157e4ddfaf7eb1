"""The knowledge pipeline as the app runs it: built once from the settings, on first use.

Loading the embedding model and the GGUF takes a second or two, so nothing is loaded until the
first question (or ``warm_up`` at start-up). An empty store is filled from the documents then;
``minwon knowledge ingest`` (run by ``make run``) keeps it in step with edited documents.

A question answered with "I don't know" is recorded for the staff insights — the guarded text
only (personal data and steering already cut out by ``knowledge.guard``), never what was typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from threading import Lock
from typing import Protocol

from knowledge.answer import Answer, Answerer
from knowledge.corpus import load_guides
from knowledge.embeddings import collection_name, make_embeddings, trained_languages
from knowledge.index import IngestReport, KnowledgeStore
from knowledge.llm import make_generator
from knowledge.retrieval import RetrievalSettings, Retriever
from server.settings import Settings

log = logging.getLogger(__name__)


class UnansweredLog(Protocol):
    def add(self, question: str, language: str, petition_id: str | None, channel: str) -> None:
        """Keeps a question the documents did not cover (already guarded)."""
        ...


class KnowledgeService:
    def __init__(
        self,
        settings: Settings,
        dont_know: Callable[[str], str],
        unanswered: UnansweredLog | None = None,
    ) -> None:
        self.settings = settings
        self.dont_know = dont_know
        self.unanswered = unanswered
        self._store: KnowledgeStore | None = None
        self._retriever: Retriever | None = None
        self._answerer: Answerer | None = None
        self._lock = Lock()

    @property
    def store(self) -> KnowledgeStore:
        with self._lock:
            if self._store is None:
                k = self.settings.knowledge
                self._store = KnowledgeStore(
                    self.settings.knowledge_dir,
                    make_embeddings(k.embedder),
                    collection_name(k.embedder),
                    chroma_url=k.chroma_url,
                    records_url=k.records_url,
                )
            return self._store

    @property
    def answerer(self) -> Answerer:
        store = self.store
        with self._lock:
            if self._answerer is None:
                k = self.settings.knowledge
                if store.count() == 0:
                    report = store.ingest(load_guides(k.documents_dir))
                    log.info("the knowledge store was empty; ingested %s", report.summary())
                self._retriever = Retriever(
                    store,
                    RetrievalSettings(
                        dense_weight=k.dense_weight,
                        lexical_weight=k.lexical_weight,
                        min_confidence=k.min_confidence,
                        dense_languages=trained_languages(k.embedder, k.embedder_languages),
                    ),
                )
                try:
                    generator = make_generator(
                        k.llm, self.settings.models_dir, k.llm_threads, k.llm_style
                    )
                except Exception:  # a missing or broken model: answers come from the sources
                    log.exception("the LLM %r could not be loaded; answering extractively", k.llm)
                    generator = None
                self._answerer = Answerer(
                    self._retriever, store.embeddings, generator, self.dont_know, k.max_tokens
                )
            return self._answerer

    def warm_up(self) -> None:
        self.answerer  # noqa: B018 - loads the models

    def ask(
        self,
        question: str,
        language: str | None,
        petition: str | None,
        channel: str | None = None,
    ) -> Answer:
        """``channel``: where the question came from (web, kiosk; "api" for the knowledge API)."""
        answer = self.answerer.ask(question, language, petition)
        if answer.mode == "dont_know" and answer.guarded_question and self.unanswered:
            try:
                self.unanswered.add(
                    answer.guarded_question, answer.language, petition, channel or "web"
                )
            except Exception:  # recording must never cost the citizen the answer
                log.exception("recording an unanswered question failed")
        return answer

    def ingest(self, progress: bool = False) -> IngestReport:
        report = self.store.ingest(load_guides(self.settings.knowledge.documents_dir), progress)
        if self._retriever is not None:
            self._retriever.refresh()
        return report
