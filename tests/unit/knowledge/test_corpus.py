"""The procedure documents: complete, well-formed, one per topic and language."""

from __future__ import annotations

from collections import defaultdict

import pytest

from forms.catalog import default_catalog
from forms.languages import LANGUAGES
from knowledge.corpus import DocumentError, chunk_text, chunks, load_guides, parse
from knowledge.text import detect_language


def test_every_topic_is_written_in_all_five_languages():
    by_topic: dict[str, set[str]] = defaultdict(set)
    for guide in load_guides():
        by_topic[guide.id].add(guide.language)
    assert len(by_topic) >= 15
    assert all(languages == set(LANGUAGES) for languages in by_topic.values()), by_topic


def test_every_petition_has_its_guide():
    guides = {(g.id, g.petition) for g in load_guides()}
    for petition in default_catalog().petitions.values():
        assert (petition.procedure_document, petition.id) in guides


def test_each_document_is_written_in_its_language_and_splits_into_sections():
    for guide in load_guides():
        assert detect_language(guide.body) == guide.language, guide.path
        pieces = chunks(guide)
        assert pieces and all(chunk_text(c.page_content).strip() for c in pieces)
        assert {c.metadata["doc_id"] for c in pieces} == {guide.id}
        assert all(c.metadata["url"].startswith("http") for c in pieces)


def test_a_broken_document_names_its_file(tmp_path):
    path = tmp_path / "seal_certificate" / "en.md"
    path.parent.mkdir()
    path.write_text("no front matter", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"en\.md"):
        parse(path)
    path.write_text("---\nid: seal_certificate\nlanguage: en\n---\ntext", encoding="utf-8")
    with pytest.raises(DocumentError, match="lacks title"):
        parse(path)
