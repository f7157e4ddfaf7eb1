"""The retrieval-scale benchmark's corpus builder: the size asked for, unique ids, five languages.

Only the documents and their chunks are built here (no embedding); the benchmark itself runs
with ``python -m benchmarks.retrieval_scale``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.retrieval_scale import build_corpus, corpus_key, vary_body
from forms.languages import LANGUAGES
from knowledge.corpus import chunks, load_guides


def _chunks(directory: Path):  # type: ignore[no-untyped-def]
    return [c for guide in load_guides(directory) for c in chunks(guide)]


@pytest.mark.parametrize("target", [1000, 2500])
def test_the_corpus_has_the_chunks_asked_for_with_unique_ids_in_every_language(
    tmp_path: Path, target: int
) -> None:
    built = build_corpus(target, tmp_path)
    pieces = _chunks(tmp_path)
    assert built == len(pieces)
    assert abs(len(pieces) - target) <= 0.1 * target
    assert len({c.metadata["chunk"] for c in pieces}) == len(pieces)
    guides = load_guides(tmp_path)
    assert len({g.key for g in guides}) == len(guides)
    per_language = Counter(c.metadata["language"] for c in pieces)
    assert set(per_language) == set(LANGUAGES)
    assert min(per_language.values()) >= 0.15 * len(pieces)  # copies in all five, not one
    # Copies are not duplicates: their own title and petition, and varied text.
    assert len({c.page_content for c in pieces}) == len(pieces)
    copies = [g for g in guides if "_v" in g.id]
    assert copies and len({g.title for g in copies}) == len(copies)
    assert all(g.petition is None or g.petition.endswith(g.id[-5:]) for g in copies)


def test_the_real_size_is_the_real_corpus_unchanged(tmp_path: Path) -> None:
    assert build_corpus(None, tmp_path) == len(_chunks(tmp_path))
    assert {g.key for g in load_guides(tmp_path)} == {g.key for g in load_guides()}
    with pytest.raises(ValueError, match="real corpus"):
        build_corpus(10, tmp_path / "small")


def test_variation_is_deterministic_and_keeps_the_sections() -> None:
    body = "# T\n\nOne is 1. Two is 2. Three is 3.\n\n## Fees\n\n- 600 won\n- free\n- 09:00\n"
    once, again = vary_body(body, 2, "en", "x/2"), vary_body(body, 2, "en", "x/2")
    assert once == again and once != body
    assert [line for line in once.split("\n") if line.startswith("#")] == ["# T #2", "## Fees"]
    assert "602 won" in once and "11:02" in once and "600" not in once


def test_the_cache_key_names_the_size_and_the_documents(tmp_path: Path) -> None:
    build_corpus(None, tmp_path / "docs")
    key = corpus_key(1000, tmp_path / "docs")
    assert key.startswith("1000-") and corpus_key(10000, tmp_path / "docs") != key
    assert corpus_key(None, tmp_path / "docs").startswith("real-")
    (tmp_path / "docs" / "seal_certificate" / "en.md").write_text("edited", encoding="utf-8")
    assert corpus_key(1000, tmp_path / "docs") != key
