"""The knowledge API: a procedure question answered from the city's documents."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, Response, status

from knowledge.guard import MAX_QUESTION_CHARS
from server.deps import ContainerDep
from server.routes.citizen import limit_requests
from server.schemas import KnowledgeAnswer, KnowledgeQuestion

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


# Where an answer's time went, as a Server-Timing header (browsers' developer tools and the
# benchmarks read it): the pipeline's own step timings, never any text.
TIMINGS = {"retrieval": "retrieval_seconds", "llm": "llm_seconds", "total": "seconds"}


@router.post("/ask", response_model=KnowledgeAnswer)
async def ask(
    body: KnowledgeQuestion, request: Request, response: Response, container: ContainerDep
) -> object:
    if len(body.question) > MAX_QUESTION_CHARS:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"The question is longer than {MAX_QUESTION_CHARS} characters.",
        )
    if not body.question.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "The question is empty.")
    if body.petition is not None and body.petition not in container.catalog.petitions:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "Unknown petition.")
    limit_requests(container, request)
    answer = await asyncio.to_thread(
        container.knowledge.ask, body.question, body.language, body.petition, "api"
    )
    response.headers["Server-Timing"] = server_timing(answer.trace)
    return answer.as_dict()


def server_timing(trace: dict[str, object]) -> str:
    """``retrieval;dur=4.1, llm;dur=812.0;desc="412 prompt + 37 generated tokens", total;...``:
    the model's token counts let the benchmarks compute its rate from the app's own call."""
    timings = []
    for name, key in TIMINGS.items():
        if key not in trace:
            continue
        timing = f"{name};dur={1000 * float(trace[key]):.1f}"  # type: ignore[arg-type]
        if name == "llm" and trace.get("llm_tokens") is not None:
            prompt, generated = trace.get("llm_prompt_tokens", 0), trace["llm_tokens"]
            timing += f';desc="{prompt} prompt + {generated} generated tokens"'
        timings.append(timing)
    return ", ".join(timings)
