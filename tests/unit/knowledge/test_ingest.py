"""Ingestion is incremental: only new or changed documents are embedded; deleted ones vanish."""

from __future__ import annotations

from knowledge.corpus import load_guides
from tests.unit.knowledge.conftest import SEAL_EN, write_guide


def test_first_ingest_embeds_everything_and_a_rerun_nothing(documents, store, embeddings):
    first = store.ingest(load_guides(documents))
    assert first.documents == 3 and first.added == first.chunks > 0
    assert store.count() == first.chunks
    embeddings.embedded.clear()

    again = store.ingest(load_guides(documents))
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert again.skipped == first.chunks
    assert embeddings.embedded == []


def test_an_edited_document_is_the_only_one_embedded_again(documents, store, embeddings):
    store.ingest(load_guides(documents))
    embeddings.embedded.clear()
    write_guide(
        documents,
        "seal_certificate",
        "en",
        "Seal certificate",
        SEAL_EN.replace("600 won", "700 won"),
        "seal_certificate",
    )
    report = store.ingest(load_guides(documents))
    assert report.embedded_documents == ["seal_certificate/en"]
    assert embeddings.embedded and all("Seal certificate" in t for t in embeddings.embedded)
    texts = [d.page_content for d in store.stored({"language": "en"})[0]]
    assert any("700 won" in t for t in texts) and not any("600 won" in t for t in texts)
    assert store.count() == report.chunks


def test_a_deleted_document_leaves_the_store(documents, store):
    store.ingest(load_guides(documents))
    (documents / "unmanned_kiosks" / "en.md").unlink()
    report = store.ingest(load_guides(documents))
    assert report.deleted > 0 and report.added == 0
    ids = {d.metadata["doc_id"] for d in store.stored()[0]}
    assert ids == {"seal_certificate"}
