"""BM25 over the chunks of one language, with that language's search terms (see ``text.terms``)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from knowledge.text import terms


class BM25:
    def __init__(self, texts: Sequence[str], language: str, k1: float = 1.2, b: float = 0.75):
        self.language = language
        self.k1, self.b = k1, b
        self.docs = [Counter(terms(t, language)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        frequency: Counter[str] = Counter()
        for doc in self.docs:
            frequency.update(doc.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def scores(self, query: str) -> list[float]:
        query_terms = set(terms(query, self.language))
        out: list[float] = []
        for doc, length in zip(self.docs, self.lengths, strict=True):
            score = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg_length or 1.0))
            for term in query_terms:
                tf = doc.get(term)
                if tf:
                    score += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            out.append(score)
        return out

    def weights(self, text: str) -> dict[str, float]:
        """The text's terms with their idf; a term no document uses weighs the most."""
        unseen = max(self.idf.values(), default=1.0)
        return {t: self.idf.get(t, unseen) for t in set(terms(text, self.language))}

    def coverage(self, weights: dict[str, float], index: int) -> float:
        """Share of a query's terms (``weights`` from :meth:`weights`) the document contains.

        A word no document uses weighs the most: the strongest sign the question is about
        something else.
        """
        if not weights or not self.idf:
            return 0.0
        found = sum(w for t, w in weights.items() if t in self.docs[index])
        return found / sum(weights.values())
