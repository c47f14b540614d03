"""The words a follow-up text and a commitment are matched on.

- Korean is read by Kiwi (kiwipiepy, its dictionary from the kiwipiepy-model package, so it
  loads offline): nouns (NNG, NNP), roots (XR) and Chinese characters (SH) are terms; particles,
  endings, suffixes and bound nouns are not, so "협의회를", "협의회에서" and "협의회" are one term.
  A compound Kiwi splits ("사이버정책협의회" → 사이버, 정책, 협의회) also gives the pairs of
  neighbouring nouns ("사이버 정책", "정책 협의회"), so a text naming the same compound matches it
  more strongly than one that shares its parts scattered.
- Latin words (English text, or acronyms inside Korean) are lower-cased, British spellings made
  American, plurals and -ing/-ed endings cut; common function words are dropped.
- "2+2" is a term of its own (it names a meeting format in both languages).
- One-syllable Korean nouns ("측", "급", "차") carry too little to match on and are dropped.

`Analyzer` loads Kiwi on first use and remembers the terms of texts it has read (bounded), so a
web process pays the model's load (about 4 s) and a portfolio's commitments once, not per
request. `shared_analyzer()` is the one a process uses: made on first call, never at import.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

Terms = tuple[str, ...]

_HANGUL = re.compile(r"[가-힣]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_TWO_PLUS_TWO = re.compile(r"2\s*\+\s*2")
_RANK_SUFFIX = re.compile(r"(?<=[가-힣]{2})급$")
_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SH"})
# Tags that may sit between two nouns of one compound without breaking it (a middle dot, a
# hyphen, a bracket: "외교·국방", "한-캐나다").
_GLUE_TAGS = frozenset({"SP", "SO", "SSO", "SSC", "SW"})

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "such",
        "that",
        "the",
        "their",
        "these",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "which",
        "will",
        "with",
        "within",
        "who",
        "whose",
        "would",
        "shall",
        "may",
        "can",
        "also",
        "other",
        "both",
        "each",
        "all",
        "any",
        "more",
        "most",
        "further",
        "including",
        "include",
        "includes",
        "between",
        "through",
        "under",
        "over",
        "upon",
        "new",
        "two",
        "one",
        "first",
        "second",
        "third",
    ]
)
_AMERICAN = {"defence": "defense", "offence": "offense", "licence": "license"}


def english_term(word: str) -> str:
    """A Latin word as matched: lower case, American spelling, plural and -ing/-ed cut."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    word = _AMERICAN.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_terms(text: str) -> Terms:
    """Terms of Latin-script text: content words and neighbouring pairs of them."""
    words = [english_term(w) for w in _LATIN_WORD.findall(text)]
    terms: list[str] = []
    previous = ""
    for word in words:
        if not word or word in STOPWORDS or len(word) < 2:
            previous = ""
            continue
        terms.append(word)
        if previous:
            terms.append(f"{previous} {word}")
        previous = word
    return tuple(terms) + _format_terms(text)


def _format_terms(text: str) -> Terms:
    return ("2+2",) if _TWO_PLUS_TWO.search(text) else ()


class Analyzer:
    """Terms of texts, Korean through Kiwi; remembers up to `cache_size` texts it has read.

    Safe to share between threads: Kiwi is loaded once under a lock, and the cache is guarded."""

    def __init__(self, *, cache_size: int = 100_000) -> None:
        self._kiwi: Kiwi | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Terms] = OrderedDict()
        self._cache_size = cache_size

    def terms(self, text: str) -> Terms:
        return self.terms_of([text])[0]

    def terms_of(self, texts: Sequence[str]) -> list[Terms]:
        """The terms of each text, in order; texts read before come from the cache, the rest
        go through Kiwi in one batch."""
        found: dict[str, Terms] = {}
        with self._lock:
            for text in texts:
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    found[text] = cached
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        korean = [t for t in missing if _HANGUL.search(t)]
        for text in missing:
            if not _HANGUL.search(text):
                found[text] = english_terms(text)
        if korean:
            for text, tokens in zip(korean, self._kiwi_tokens(korean), strict=True):
                found[text] = _korean_terms(tokens) + _format_terms(text)
        with self._lock:
            for text in missing:
                self._cache[text] = found[text]
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return [found[t] for t in texts]

    def _kiwi_tokens(self, texts: Sequence[str]) -> list[Any]:
        kiwi = self._load()
        with self._lock:  # one analysis at a time: the web serves requests on threads
            return list(kiwi.tokenize(list(texts)))

    def _load(self) -> Kiwi:
        with self._lock:
            if self._kiwi is None:
                from kiwipiepy import Kiwi

                self._kiwi = Kiwi()
            return self._kiwi


@functools.cache
def shared_analyzer() -> Analyzer:
    """The process's analyzer (the model is large: load it once per process)."""
    return Analyzer()


def _korean_terms(tokens: Iterable[Any]) -> Terms:
    terms: list[str] = []
    previous = ""
    for token in tokens:
        tag = token.tag
        if tag in _NOUN_TAGS and len(token.form) > 1:
            form = _RANK_SUFFIX.sub("", token.form)  # "국장급" is "국장" however Kiwi cut it
            terms.append(form)
            if previous:
                terms.append(f"{previous} {form}")
            previous = form
        elif tag == "SL":
            word = english_term(token.form)
            if word and word not in STOPWORDS:
                terms.append(word)
            previous = ""
        elif tag in _GLUE_TAGS or (tag in _NOUN_TAGS and len(token.form) == 1):
            continue
        else:
            previous = ""
    return tuple(terms)
