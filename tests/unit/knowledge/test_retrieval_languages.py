"""Confidence in a language the embedder was not trained on rests on the question's words."""

from __future__ import annotations

from knowledge.embeddings import trained_languages
from knowledge.retrieval import RetrievalSettings


def test_use_m_has_no_vietnamese_and_a_deployment_names_its_own_models_languages():
    assert trained_languages("use-m") == frozenset({"ko", "en", "zh", "th"})
    assert trained_languages("minilm") == frozenset({"en"})
    assert trained_languages("/srv/models/multilingual-e5-small") is None  # all
    assert trained_languages("use-m", ["ko", "en", "zh", "vi", "th"]) == frozenset(
        {"ko", "en", "zh", "vi", "th"}
    )


def test_a_hybrid_judges_an_untrained_language_by_its_words_alone():
    hybrid = RetrievalSettings(
        dense_weight=0.5, lexical_weight=0.5, dense_languages=frozenset({"en"})
    )
    assert hybrid.confidence_weights("en") == (0.5, 0.5)
    assert hybrid.confidence_weights("vi") == (0.0, 1.0)
    assert hybrid.confidence_weights("vi", in_petition=True) == (0.5, 0.5)  # the title's words
    dense_only = RetrievalSettings(
        dense_weight=1.0, lexical_weight=0.0, dense_languages=frozenset()
    )
    assert dense_only.confidence_weights("vi") == (1.0, 0.0)
    assert RetrievalSettings().confidence_weights("vi") == (0.5, 0.5)  # no languages named: all
