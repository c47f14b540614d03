"""What the importer was unsure about: the places an officer should look before saving.

`assess_import(parsed)` reads a parsed agreement (nothing else: pure, deterministic) and gives
one `Finding` per doubt, in document order, each a catalogue id (`quality.…`), where it is (a
clause number or a commitment ref) and its fields as data. The rules:

* **long_clause** — a clause without items holding five or more sentences, in a document of at
  most two clauses or with numbering inside it (" 2. ", "둘째", "(2)" after a sentence): the
  line breaks that made its items were probably lost in copying.
* **number_commitment** — a commitment whose text is, or starts with, a bare number ("1.",
  "2)", "(3)", "②"): a number that became a commitment, or an item that was not seen.
* **mixed_split** — a sentence that was split because its parts differ in strength (refs
  "7.2", "7.2b"): which part is tracked is worth a look.
* **mixed_unsplit** — a commitment with parts of different strength kept whole (best effort
  beside firm, a declaration beside a description): said with the strengths found.
* **untracked_undertaking** — a clause where nothing is tracked although its words undertake
  ("…하기로 하였다", "…할 것이다", "will", "shall", "agree to", "commit to"): a strength that
  may have been misread.
* **unknown_mechanism** — in a tracked commitment, a phrase ending in a mechanism word (회의,
  위원회, 대화, Dialogue, Committee …) that no mechanism found in the text covers; one said
  "on the occasion of" (…계기) is an event, and "차기 회의", "동 위원회", "the Committee"
  refer back, so neither counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tracker.domain import Language
from tracker.errors import Word, shown_fields
from tracker.importer.parsed import ParsedAgreement, ParsedClause, ParsedCommitment
from tracker.importer.split import differs_in_strength, sentence_parts, sentence_spans
from tracker.importer.textutil import fold
from tracker.msgids import N_

LONG_CLAUSE_SENTENCES = 5

_INLINE_NUMBER = re.compile(  # on the same line as the sentence before it
    r"[.!?다][ \t]+(?:[2-9]\.|\([2-9]\)|[2-9]\)|[②-⑨])\s|[ \t](?:둘째|셋째),?\s|[ \t]Second(?:ly)?,"
)
_BARE_NUMBER = re.compile(r"^(?:\d{1,3}[.)]|\(\d{1,3}\)|[①-⑳])(?=\s|$)")
_KO_UNDERTAKES = re.compile(
    r"\S+\s*기로\s*(?:하였|했|합의|약속|결정)|\S*[을를]?\s*\S+[할될갈]\s*것(?:이다|이며)"
    r"|\S+\s*노력(?:할|하기로|한다)"
)
_EN_UNDERTAKES = re.compile(
    r"\b(?:will|shall|commit(?:s|ted)?\s+to|agree[sd]?\s+to|decided\s+to|undertakes?\s+to"
    r"|pledged?\s+to|intends?\s+to)\s+\w+",
    re.IGNORECASE,
)
_KO_MECHANISM_PHRASE = re.compile(
    r"(?:[^\s,.()<>「」‘’“”]+\s+){0,2}[^\s,.()<>「」‘’“”]*"
    r"(?:회의|회담|위원회|협의회|협의체|대화|포럼|실무그룹|워킹그룹)"
    r"(?=[을를이가은는의에도와과로\s,.)]|$)"
)
_EN_MECHANISM_PHRASE = re.compile(
    r"(?:\b[A-Z][\w’'&-]*\s+(?:(?:of|on|for|and)\s+)?){1,6}"
    r"(?:Dialogue|Committee|Commission|Working Group|Forum|Meeting|Summit|Talks|Consultations"
    r"|Council)\b"
)
_REFERS_BACK = re.compile(
    r"^(?:차기|다음|이번|금번|동|해당|同|이|The|This|That|Its|Our|Their|Next)\s", re.IGNORECASE
)
_EVENT = re.compile(r"계기")
_KO_PARTICLE_END = re.compile(r"(?:은|는|이|가|을|를|에|로|서|과|와|의|및|등|히|하고|하며|적으로)$")
_BARE_KIND = re.compile(r"^(?:회의|회담|위원회|협의회|협의체|대화|포럼|[A-Z][a-z]+)$")
_ORGANISATIONS = re.compile(
    r"Security Council|Human Rights Council|European Commission|Pacific Islands Forum"
    r"|ASEAN Regional Forum|유엔|UN\b"
)
# Words that describe a body without naming it: "유관 워킹그룹", "주요 협의체", "다자 대화".
_KO_GENERIC_WORDS = frozenset(
    [
        "유관",
        "주요",
        "관련",
        "지역",
        "다자",
        "양자",
        "각종",
        "기존",
        "여러",
        "다양한",
        "국제",
        "정기",
        "정례",
        "고위급",
        "실무",
        "공동",
        "별도",
        "해당",
        "각급",
        "기타",
        "소다자",
        "역내",
        "정부간",
        "양국",
        "3국",
    ]
)
# An English summit or meeting is an event unless it recurs ("Annual Leaders' Meeting"); a
# heading in title case starts with a gerund ("Strengthening … Consultations").
_EN_EVENT = re.compile(r"^(?!.*\b(?:Annual|Regular|Biennial)\b).*\b(?:Summit|Meeting)$|^\w+ing\b")
_TREATY = re.compile(r"\b(?:present|this)\s+(?:Agreement|Arrangement|Memorandum)\b", re.I)


@dataclass(frozen=True, slots=True)
class Finding:
    """One doubt: a catalogue id, where (a clause number or a commitment ref), its fields."""

    code: str
    where: str
    at: Literal["clause", "commitment"]
    fields: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def describe(self, language: str) -> str:
        """The finding in `language`, with where it is: "조항 7: …" / "commitment 7.2: …"."""
        from tracker.words import say  # lazily, as ParseWarning does

        place = say(language, f"quality.at_{self.at}", where=self.where)
        message = say(language, self.code, **shown_fields(dict(self.fields), language))
        return say(language, "quality.line", where=place, message=message)

    def as_json(self, language: str) -> dict[str, Any]:
        """As the API says a warning: the code, where, the message in `language`, the fields as
        data (a strength as its catalogue id)."""
        fields = {
            name: list(value) if isinstance(value, list | tuple) else value
            for name, value in self.fields.items()
        }
        return {
            "code": self.code,
            "at": self.at,
            "where": self.where,
            "message": " ".join(self.describe(language).split()),
            "fields": fields,
        }


def assess_import(parsed: ParsedAgreement) -> list[Finding]:
    """Every doubt about `parsed`, clause by clause in document order."""
    found: list[Finding] = []
    by_clause: dict[str, list[ParsedCommitment]] = {}
    for commitment in parsed.commitments:
        by_clause.setdefault(commitment.clause, []).append(commitment)
    known = _known_names(parsed)
    few_clauses = len(parsed.clauses) <= 2
    for clause in parsed.clauses:
        commitments = by_clause.get(clause.number, [])
        found.extend(_clause_findings(clause, commitments, parsed.language, few=few_clauses))
        found.extend(_commitment_findings(commitments, parsed, known))
    return found


def _clause_findings(
    clause: ParsedClause, commitments: list[ParsedCommitment], language: Language, *, few: bool
) -> list[Finding]:
    found: list[Finding] = []
    sentences = len(sentence_spans(clause.text, 0, len(clause.text)))
    if (
        not clause.items
        and sentences >= LONG_CLAUSE_SENTENCES
        and (few or _INLINE_NUMBER.search(clause.text))
    ):
        found.append(
            Finding(
                N_("quality.long_clause"),
                clause.number,
                "clause",
                {"sentences": sentences, "characters": len(clause.text)},
            )
        )
    if commitments and not any(c.tracked for c in commitments):
        pattern = _KO_UNDERTAKES if language is Language.KO else _EN_UNDERTAKES
        said = next(
            (
                match
                for start, end in sentence_spans(clause.text, 0, len(clause.text))
                if not _TREATY.search(clause.text, start, end)  # treaty mechanics
                for match in [pattern.search(clause.text, start, end)]
                if match is not None
            ),
            None,
        )
        if said is not None:
            words = " ".join(said.group().split())
            found.append(
                Finding(
                    N_("quality.untracked_undertaking"), clause.number, "clause", {"words": words}
                )
            )
    return found


def _commitment_findings(
    commitments: list[ParsedCommitment], parsed: ParsedAgreement, known: set[str]
) -> list[Finding]:
    found: list[Finding] = []
    refs = {c.ref for c in commitments}
    for commitment in commitments:
        ref = commitment.ref
        number = _BARE_NUMBER.match(commitment.text)
        if number is not None:
            found.append(
                Finding(
                    N_("quality.number_commitment"),
                    ref,
                    "commitment",
                    {"number": number.group()},
                )
            )
        pieces = [r for r in refs if r.rstrip("bcdefgh") == ref and r != ref]
        if pieces and not ref[-1].isalpha():
            split = [c for c in commitments if c.ref == ref or c.ref in pieces]
            found.append(
                Finding(
                    N_("quality.mixed_split"),
                    ref,
                    "commitment",
                    {
                        "refs": [c.ref for c in split],
                        "tracked": [c.ref for c in split if c.tracked] or ["-"],
                    },
                )
            )
        elif not pieces and not ref[-1].isalpha():
            strengths = _mixed_strengths(commitment, parsed.language)
            if strengths:
                found.append(
                    Finding(
                        N_("quality.mixed_unsplit"),
                        ref,
                        "commitment",
                        {"strengths": [Word(f"imp_strength_{s}") for s in strengths]},
                    )
                )
        if commitment.tracked:
            for phrase in _unknown_phrases(commitment, parsed.language, known):
                found.append(
                    Finding(N_("quality.unknown_mechanism"), ref, "commitment", {"phrase": phrase})
                )
    return found


def _mixed_strengths(commitment: ParsedCommitment, language: Language) -> list[str]:
    text = commitment.text
    for start, end in sentence_spans(text, 0, len(text)):
        parts = sentence_parts(text, start, end, language)
        if len(parts) > 1 and differs_in_strength(parts):
            return list(dict.fromkeys(part.strength.value for part in parts))
    return []


def _known_names(parsed: ParsedAgreement) -> set[str]:
    names = set()
    for mechanism in parsed.mechanisms:
        for name in (mechanism.name, mechanism.name_en, *mechanism.aliases):
            if name:
                names.add(fold(name))
    return names


def _unknown_phrases(
    commitment: ParsedCommitment, language: Language, known: set[str]
) -> list[str]:
    pattern = _KO_MECHANISM_PHRASE if language is Language.KO else _EN_MECHANISM_PHRASE
    phrases: list[str] = []
    for match in pattern.finditer(commitment.text):
        words = match.group().split()
        while len(words) > 1 and _KO_PARTICLE_END.search(words[0]):
            words = words[1:]  # "양측은 정기적으로 회의": the name is what follows a particle
        phrase = " ".join(words)
        if (
            _BARE_KIND.match(phrase)
            or all(word in _KO_GENERIC_WORDS for word in words[:-1])
            or _EN_EVENT.search(phrase)
        ):
            continue
        if (
            _REFERS_BACK.match(phrase)
            or _EVENT.search(commitment.text, match.start(), match.end() + 4)
            or _ORGANISATIONS.search(phrase)
        ):
            continue
        folded = fold(phrase)
        if any(name in folded or folded in name for name in known):
            continue
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases
