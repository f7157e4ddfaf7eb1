from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.embeddings import HashingEmbeddings
from knowledge.index import KnowledgeStore

GUIDE = """---
id: {id}
title: {title}
topic: certificates
petition: {petition}
language: {language}
source_url: https://example.go.kr/{id}
last_reviewed: 2026-11-21
---

# {title}

{body}
"""

SEAL_EN = """A seal certificate proves that the seal on a document is the one you registered.

## Fees

- The fee for a seal certificate is 600 won per copy at the counter.
- A seal certificate for general use is free on Gov24.

## Who can apply

- A proxy aged 17 or older can apply with a letter of delegation (위임장).
"""

SEAL_KO = """인감증명서는 서류에 찍힌 도장이 등록한 인감과 같다는 것을 증명해요.

## 수수료

- 인감증명서 발급 수수료는 창구에서 1통에 600원이에요.
- 일반용 인감증명서는 정부24에서 무료로 받을 수 있어요.
"""

KIOSK_EN = """Unmanned kiosks print certificates without staff.

## Fees at the kiosk

- A household copy costs 200 won at a kiosk.
- Kiosks check your identity with your fingerprint.
"""


def write_guide(root: Path, id: str, language: str, title: str, body: str, petition: str = "null"):  # type: ignore[no-untyped-def]
    path = root / id / f"{language}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        GUIDE.format(id=id, title=title, petition=petition, language=language, body=body),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    root = tmp_path / "documents"
    write_guide(root, "seal_certificate", "en", "Seal certificate", SEAL_EN, "seal_certificate")
    write_guide(root, "seal_certificate", "ko", "인감증명서 발급", SEAL_KO, "seal_certificate")
    write_guide(root, "unmanned_kiosks", "en", "Unmanned kiosks", KIOSK_EN)
    return root


class CountingEmbeddings(Embeddings):
    """Hashing embeddings that count what they were asked to embed."""

    def __init__(self) -> None:
        self.inner = HashingEmbeddings()
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture
def embeddings() -> CountingEmbeddings:
    return CountingEmbeddings()


@pytest.fixture
def store(tmp_path: Path, embeddings: CountingEmbeddings) -> KnowledgeStore:
    return KnowledgeStore(tmp_path / "store", embeddings, "test-guides")
