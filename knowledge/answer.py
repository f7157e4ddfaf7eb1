"""Answering a procedure question: a pipeline of small steps sharing one context.

guard → retrieve → compose → check → (extract) — each step may finish the answer:
the guard when nothing askable is left, retrieval when the documents do not cover the question
("I don't know" with how to reach staff), the check when the model's answer is not supported by
the sources (then the best source sentences are quoted instead).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.embeddings import Embeddings

from knowledge.check import check
from knowledge.compose import compose, reference_text
from knowledge.corpus import chunk_text
from knowledge.extractive import extract
from knowledge.guard import guard
from knowledge.llm import Generation, Generator
from knowledge.retrieval import Hit, Retriever
from knowledge.text import detect_language

log = logging.getLogger(__name__)

Mode = Literal["llm", "extractive", "dont_know"]
SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "url": self.url, "snippet": self.snippet}


@dataclass
class Answer:
    answer: str
    language: str
    sources: list[Source]
    grounded: bool
    mode: Mode
    # How the answer came about (timings, confidence, check problems): for evaluation and logs.
    trace: dict[str, Any] = field(default_factory=dict)
    # The question as the guard left it (personal data and steering cut out): what retrieval
    # saw, and all that may be kept of it; empty when nothing askable was left.
    guarded_question: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "language": self.language,
            "sources": [s.as_dict() for s in self.sources],
            "grounded": self.grounded,
            "mode": self.mode,
        }


@dataclass
class _Context:
    question: str
    language: str
    petition: str | None
    trace: dict[str, Any]
    hits: list[Hit] = field(default_factory=list)
    guarded: str = ""


def _sources(hits: list[Hit]) -> list[Source]:
    seen: dict[str, Source] = {}
    for hit in hits:
        meta = hit.chunk.metadata
        if meta["doc_id"] not in seen:
            snippet = " ".join(chunk_text(hit.chunk.page_content).split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[: SNIPPET_CHARS - 1] + "…"
            seen[meta["doc_id"]] = Source(meta["doc_id"], meta["title"], meta["url"], snippet)
    return list(seen.values())


class Answerer:
    def __init__(
        self,
        retriever: Retriever,
        embeddings: Embeddings,
        generator: Generator | None,
        dont_know: Callable[[str], str],
        max_tokens: int = 96,
    ) -> None:
        self.retriever = retriever
        self.embeddings = embeddings
        self.generator = generator
        self.dont_know = dont_know
        self.max_tokens = max_tokens

    def ask(
        self, question: str, language: str | None = None, petition: str | None = None
    ) -> Answer:
        started = time.perf_counter()
        language = language or detect_language(question)
        ctx = _Context(question, language, petition, trace={})
        answer = self._answer(ctx)
        answer.trace.update(ctx.trace, seconds=round(time.perf_counter() - started, 4))
        answer.guarded_question = ctx.guarded
        log.info(
            "knowledge answer mode=%s language=%s sources=%s seconds=%.3f",
            answer.mode,
            language,
            [s.id for s in answer.sources],
            answer.trace["seconds"],
        )
        return answer

    def _refuse(self, ctx: _Context, reason: str) -> Answer:
        ctx.trace["refused"] = reason
        return Answer(self.dont_know(ctx.language), ctx.language, [], False, "dont_know")

    def _answer(self, ctx: _Context) -> Answer:
        # 1. guard: personal data and steering attempts never go further.
        guarded = guard(ctx.question)
        ctx.trace["personal_data_removed"] = guarded.personal_data_removed
        ctx.trace["injection_removed"] = guarded.injection_removed
        if guarded.empty:
            return self._refuse(ctx, "nothing to ask after the guard")
        question = ctx.guarded = guarded.text

        # 2. retrieve, in the citizen's language, within the petition at hand when there is one.
        t = time.perf_counter()
        found = self.retriever.search(question, ctx.language, ctx.petition)
        ctx.trace["retrieval_seconds"] = round(time.perf_counter() - t, 4)
        ctx.trace["confidence"] = round(found.confidence, 4)
        ctx.trace["retrieved"] = [h.doc_id for h in found.hits]
        if found.hits:
            ctx.trace["similarity"] = round(found.hits[0].similarity, 4)
            ctx.trace["coverage"] = round(found.hits[0].coverage, 4)
        if not found.confident:
            return self._refuse(ctx, "the documents do not cover the question")
        ctx.hits = found.hits
        sources = _sources(found.hits)

        # The best source sentences: the answer when the model's is not accepted, and the
        # yardstick the model's answer is held to.
        weights = self.retriever.term_weights(question, ctx.language)
        quoted, best = extract(question, ctx.language, found.hits, self.embeddings, weights)

        # 3. compose with the local model, 4. check it against the sources.
        if self.generator is not None:
            t = time.perf_counter()
            try:
                out = compose(self.generator, question, ctx.language, found.hits, self.max_tokens)
            except Exception:  # the model failing must not fail the answer
                log.exception("the LLM failed; answering from the sources")
                out = Generation("")
            draft = out.text
            ctx.trace["llm_seconds"] = round(time.perf_counter() - t, 4)
            ctx.trace["llm_prompt_tokens"] = out.prompt_tokens
            ctx.trace["llm_tokens"] = out.completion_tokens
            ctx.trace["draft"] = draft
            verdict = check(draft, reference_text(found.hits), ctx.language, quoted, best)
            ctx.trace["check"] = list(verdict.problems)
            if verdict.ok:
                return Answer(draft, ctx.language, sources, True, "llm")

        # 5. otherwise quote the best sentences of the sources.
        if not quoted:
            return self._refuse(ctx, "no sentence to quote")
        return Answer(quoted, ctx.language, sources, True, "extractive")
