"""The real models on a small case: USE-M embeddings, the Gemma 3 270M GGUF through llama.cpp."""

from __future__ import annotations

import pytest

from knowledge.llm import LlamaCppGenerator, resolve_model
from server.knowledge import KnowledgeService
from tests.stack import CACHE

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def service(tmp_path_factory):  # type: ignore[no-untyped-def]
    from server.settings import AppSection, KnowledgeSection, Settings

    var = tmp_path_factory.mktemp("var")
    settings = Settings(
        app=AppSection(var_dir=var),
        knowledge=KnowledgeSection(models_dir=CACHE / "gguf"),  # the shipped defaults otherwise
    )
    return KnowledgeService(settings, lambda language: f"DONT_KNOW/{language}")


def test_the_packaged_gguf_generates_text():
    model = LlamaCppGenerator(resolve_model("gemma3-270m", CACHE / "gguf")).load()
    assert model.style == "completion"  # a base model: no chat template
    out = model.complete("1, 2, 3, 4, 5,", max_tokens=6, stop=["\n"])
    assert out.text.strip().startswith("6")
    assert out.prompt_tokens >= 5 and 1 <= out.completion_tokens <= 6


@pytest.mark.parametrize(
    ("question", "language", "fact"),
    [
        ("인감증명서 창구에서 떼면 얼마예요?", "ko", "600"),
        ("how much is a seal certificate at the counter", "en", "600"),
    ],
)
def test_a_question_is_answered_from_the_documents(service, question, language, fact):
    answer = service.ask(question, language, None)
    assert answer.trace.get("draft") is not None  # the GGUF model composed a draft
    assert answer.mode in ("llm", "extractive") and answer.grounded
    assert fact in answer.answer and answer.sources[0].id == "seal_certificate"


def test_an_uncovered_question_gets_dont_know(service):
    answer = service.ask("who won the world cup in 2022?", "en", None)
    assert answer.mode == "dont_know" and answer.answer == "DONT_KNOW/en"
