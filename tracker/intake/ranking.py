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
    """The documents (each a commitment's terms) with what BM25 needs precomputed: for each term,
    the documents holding it with the term's weight there, so a query adds up its terms'
    postings (term at a time) instead of visiting every document."""

    def __init__(self, documents: Sequence[Terms]) -> None:
        counts = [Counter(doc) for doc in documents]
        lengths = [len(doc) for doc in documents]
        average = sum(lengths) / len(documents) if documents else 0.0
        frequency: Counter[str] = Counter()
        for each in counts:
            frequency.update(each.keys())
        n = len(documents)
        self._idf = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }
        self._rarest = max(self._idf.values(), default=1.0)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        self._self_scores = [0.0] * n
        for index, each in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[index] / average) if average else K1
            for term, tf in each.items():
                weight = self._idf[term] * tf * (K1 + 1) / (tf + norm)
                self._postings.setdefault(term, []).append((index, weight))
                self._self_scores[index] += weight

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def scores(self, query: Terms) -> dict[int, tuple[float, set[str]]]:
        """Every document sharing a term with `query`: its score (0..1, see the module) and the
        terms it shares."""
        terms = set(query)
        mass = sum(self._idf.get(t, self._rarest) for t in terms)
        raw: dict[int, float] = {}
        shared_idf: dict[int, float] = {}
        shared: dict[int, set[str]] = {}
        for term in terms:
            idf = self._idf.get(term)
            if idf is None:
                continue
            for index, weight in self._postings[term]:
                raw[index] = raw.get(index, 0.0) + weight
                shared_idf[index] = shared_idf.get(index, 0.0) + idf
                shared.setdefault(index, set()).add(term)
        found = {}
        for index, score in raw.items():
            own = self._self_scores[index]
            if own > 0 and mass > 0:
                of_document = min(score / own, 1.0)
                found[index] = (math.sqrt(of_document * shared_idf[index] / mass), shared[index])
        return found

    def search(self, query: Terms, *, minimum: float = 0.0) -> list[Match]:
        """Documents sharing a term with `query` and scoring at least `minimum`, best first."""
        matches = [
            Match(index, score, self.words(shared))
            for index, (score, shared) in self.scores(query).items()
            if score >= minimum
        ]
        return sorted(matches, key=lambda m: (-m.score, m.document))

    def words(self, shared: set[str]) -> tuple[str, ...]:
        """Shared terms as a reason: single words, heaviest first."""
        return tuple(sorted((t for t in shared if " " not in t), key=lambda t: (-self.idf(t), t)))
