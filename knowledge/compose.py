"""Prompts for composing an answer from retrieved chunks.

A base model (Gemma 3 270M) gets a completion-style prompt that ends where the answer begins;
an instruct model with a chat template gets the same material as a system and a user message.
The labels are in the citizen's language, so even a tiny model keeps answering in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from knowledge.corpus import chunk_text
from knowledge.guard import remove_injection
from knowledge.llm import Generation, Generator
from knowledge.retrieval import Hit

MAX_SOURCE_CHARS = 1200

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "intro": "아래 참고 자료만 사용해 질문에 한국어로 한두 문장으로 답하세요.",
        "reference": "참고 자료",
        "question": "질문",
        "answer": "답변",
    },
    "en": {
        "intro": "Answer the question in English in one or two sentences, using only the "
        "reference text below.",
        "reference": "Reference",
        "question": "Question",
        "answer": "Answer",
    },
    "zh": {
        "intro": "只根据下面的参考资料，用中文一两句话回答问题。",
        "reference": "参考资料",
        "question": "问题",
        "answer": "回答",
    },
    "vi": {
        "intro": "Chỉ dựa vào tài liệu tham khảo dưới đây, trả lời câu hỏi bằng tiếng Việt "
        "trong một hoặc hai câu.",
        "reference": "Tài liệu tham khảo",
        "question": "Câu hỏi",
        "answer": "Trả lời",
    },
    "th": {
        "intro": "ตอบคำถามเป็นภาษาไทยหนึ่งหรือสองประโยค โดยใช้เฉพาะข้อมูลอ้างอิงด้านล่าง",
        "reference": "ข้อมูลอ้างอิง",
        "question": "คำถาม",
        "answer": "คำตอบ",
    },
}


def reference_text(hits: Sequence[Hit]) -> str:
    parts: list[str] = []
    used = 0
    for hit in hits:
        text, _ = remove_injection(chunk_text(hit.chunk.page_content))
        text = text[: max(0, MAX_SOURCE_CHARS - used)]
        if text:
            parts.append(text)
            used += len(text)
    return "\n".join(parts)


def completion_prompt(question: str, language: str, hits: Sequence[Hit]) -> str:
    label = LABELS[language]
    return (
        f"{label['intro']}\n\n{label['reference']}:\n{reference_text(hits)}\n\n"
        f"{label['question']}: {question}\n{label['answer']}:"
    )


def chat_messages(question: str, language: str, hits: Sequence[Hit]) -> list[dict[str, str]]:
    label = LABELS[language]
    return [
        {
            "role": "system",
            "content": f"{label['intro']}\n\n{label['reference']}:\n{reference_text(hits)}",
        },
        {"role": "user", "content": question},
    ]


def compose(
    generator: Generator, question: str, language: str, hits: Sequence[Hit], max_tokens: int
) -> Generation:
    """The model's answer on one line, with its token counts."""
    if generator.style == "chat":
        out = generator.chat(chat_messages(question, language, hits), max_tokens)
    else:
        out = generator.complete(
            completion_prompt(question, language, hits), max_tokens, stops(language)
        )
    return replace(out, text=" ".join(out.text.split()))


def stops(language: str) -> list[str]:
    """Where a completion-style answer ends: a blank line or the next question or answer."""
    return ["\n\n", f"{LABELS[language]['question']}:", f"\n{LABELS[language]['answer']}"]
