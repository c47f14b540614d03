"""How well a sentence speaks to a commitment, by the words they share: BM25, scaled.

BM25 (k1 = 1.2, b = 0.75; the IDF of Lucene, never negative) is computed over the candidate
commitments only, so a word every commitment of an agreement uses ("협력", "cooperation") weighs
almost nothing, and a word only one uses weighs most. Two shares are taken:
- of the commitment: the BM25 score divided by the commitment's score against its own text
  (1.0: the sentence carries everything the commitment says);
- of the sentence: the IDF of the shared words over the IDF of all the sentence's words, a word
  no commitment uses counting as the rarest (1.0: the commitment accounts for all the sentence
  says).
The score is their geometric mean: a long clause that a sentence reports one part of still
scores, and a short sentence of common words ("협력을 강화하기로 했다") that every commitment
"contains" does not. One threshold so stays meaningful for a short item and a long clause, for
20 commitments or 3,000.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.intake.terms import Terms

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Match:
    document: int  # index into the documents given to `Bm25Index`
    score: float  # 0..1: geometric mean of the shares of the document and of the query
    words: tuple[str, ...]  # the shared terms, heaviest first


class Bm25Index:
    """The documents (each a commitment's terms) with what BM25 needs precomputed."""

    def __init__(self, documents: Sequence[Terms]) -> None:
        self._counts = [Counter(doc) for doc in documents]
        self._lengths = [len(doc) for doc in documents]
        total = sum(self._lengths)
        self._average = total / len(documents) if documents else 0.0
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        n = len(documents)
        self._idf = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }
        self._postings: dict[str, list[int]] = {}
        for index, counts in enumerate(self._counts):
            for term in counts:
                self._postings.setdefault(term, []).append(index)
        self._self_scores = [
            self._score(set(counts), index) for index, counts in enumerate(self._counts)
        ]

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def search(self, query: Terms, *, minimum: float = 0.0) -> list[Match]:
        """Documents sharing a term with `query`, best first, scaled to their self-score."""
        terms = set(query)
        touched = {i for t in terms for i in self._postings.get(t, ())}
        rarest = max(self._idf.values(), default=1.0)
        mass = sum(self._idf.get(t, rarest) for t in terms)
        matches = []
        for index in touched:
            own = self._self_scores[index]
            if own <= 0 or mass <= 0:
                continue
            of_document = self._score(terms, index) / own
            of_query = sum(self._idf[t] for t in terms if t in self._counts[index]) / mass
            score = math.sqrt(min(of_document, 1.0) * of_query)
            if score >= minimum:
                shared = sorted(
                    (t for t in terms if t in self._counts[index] and " " not in t),
                    key=lambda t: (-self.idf(t), t),
                )
                matches.append(Match(index, min(score, 1.0), tuple(shared)))
        return sorted(matches, key=lambda m: (-m.score, m.document))

    def _score(self, terms: set[str], index: int) -> float:
        counts = self._counts[index]
        norm = K1 * (1 - B + B * self._lengths[index] / self._average) if self._average else K1
        score = 0.0
        for term in terms:
            tf = counts.get(term, 0)
            if tf:
                score += self._idf[term] * tf * (K1 + 1) / (tf + norm)
        return score
