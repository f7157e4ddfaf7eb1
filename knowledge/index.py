"""The vector store of procedure chunks (ChromaDB) and its incremental ingestion.

Ingestion goes through LangChain's indexing API with a SQL record manager: a chunk whose text and
metadata did not change is not embedded again, chunks of an edited document are replaced, and
chunks of a deleted document are removed. Chroma is embedded (persistent, under ``var/``) unless
a server URL is configured, as in the production topology.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_classic.indexes import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import index
from tqdm import tqdm

from knowledge.corpus import Guide, chunks


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    deleted: int = 0
    embedded_documents: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.documents} documents, {self.chunks} chunks: {self.added} added, "
            f"{self.updated} updated, {self.skipped} unchanged, {self.deleted} deleted"
        )


def chroma_client(persist_dir: Path, url: str = "") -> Any:
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parts = urlparse(url)
        return chromadb.HttpClient(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 8000,
            ssl=parts.scheme == "https",
            settings=settings,
        )
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir / "chroma"), settings=settings)


class KnowledgeStore:
    def __init__(
        self,
        persist_dir: Path,
        embeddings: Embeddings,
        collection: str,
        chroma_url: str = "",
        records_url: str = "",
    ) -> None:
        self.embeddings = embeddings
        self.collection = collection
        self.client = chroma_client(persist_dir, chroma_url)
        self.vectors = Chroma(
            collection_name=collection,
            embedding_function=embeddings,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        persist_dir.mkdir(parents=True, exist_ok=True)
        self.records = SQLRecordManager(
            f"chroma/{collection}",
            db_url=records_url or f"sqlite:///{persist_dir / 'records.sqlite'}",
        )
        self.records.create_schema()

    def ingest(self, guides: Iterable[Guide], progress: bool = False) -> IngestReport:
        guides = list(guides)
        report = IngestReport(documents=len(guides))
        every_chunk: list[Document] = []
        for guide in tqdm(guides, desc="embedding", unit="doc", disable=not progress):
            pieces = chunks(guide)
            every_chunk.extend(pieces)
            result = self._index(pieces, "incremental")
            report.added += result["num_added"]
            report.updated += result["num_updated"]
            report.deleted += result["num_deleted"]
            if result["num_added"] or result["num_updated"]:
                report.embedded_documents.append(guide.key)
        # One pass over everything (nothing left to embed) removes chunks of deleted documents.
        final = self._index(every_chunk, "full")
        report.deleted += final["num_deleted"]
        report.chunks = len(every_chunk)
        report.skipped = report.chunks - report.added - report.updated
        return report

    def _index(self, pieces: list[Document], cleanup: Literal["incremental", "full"]) -> Any:
        return index(
            pieces,
            self.records,
            self.vectors,
            cleanup=cleanup,
            source_id_key="source",  # a file's chunks form one group
            key_encoder="sha256",
        )

    def count(self) -> int:
        return int(self.vectors._collection.count())

    def stored(self, where: dict[str, Any] | None = None) -> tuple[list[Document], np.ndarray]:
        """Every stored chunk matching ``where`` (Chroma's filter syntax) and its vector."""
        got = self.vectors.get(where=where, include=["documents", "metadatas", "embeddings"])
        docs = [
            Document(page_content=text, metadata=meta or {})
            for text, meta in zip(got["documents"], got["metadatas"], strict=True)
        ]
        vectors = np.asarray(got["embeddings"] if len(docs) else [], dtype=np.float32)
        return docs, vectors
