"""What the importer hands to the rest of the app: plain frozen values, no database types.

Offsets (`start`, `end`) always index `ParsedAgreement.source_text`, and for every clause, item
and commitment `source_text[start:end] == text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.domain import Cadence, Language, MechanismKind, Strength
from tracker.errors import shown_fields


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the importer noticed but did not refuse (a date it cannot read, paragraphs
    outside any clause): a catalogue id (`warning.…`, marked with `N_` where it is made) and
    its fields as data, so the review page says it in its reader's language."""

    message_id: str
    fields: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def describe(self, language: str) -> str:
        from tracker.words import say  # lazily, as tracker.errors does

        return say(language, self.message_id, **shown_fields(dict(self.fields), language))

    def __str__(self) -> str:
        return self.describe("en")


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """The portal's record of an agreement, each field exactly as printed ("" when absent)."""

    title: str = ""
    domestic_body: str = ""
    foreign_body: str = ""
    countries: tuple[str, ...] = ()
    field: str = ""
    signed_on: date | None = None
    place: str = ""
    officer_rank: str = ""
    officer_name: str = ""
    officer_ministry: str = ""
    officer_division: str = ""
    summary: str = ""
    # where signed_on and place were read: "portal" (the record above), or, for a text without
    # one, "dateline" or "signature" (tracker.importer.press)
    origin: str = "portal"


@dataclass(frozen=True, slots=True)
class ParsedAside:
    """A span of the source that frames the agreement and is no part of it: a press "dateline"
    or "byline" at its head, "contact" lines (reporter, e-mail, copyright) or the "signature"
    block (date, place, names and titles) at its tail."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParsedSection:
    index: int  # 0-based, order in the document
    title: str
    parent: int | None  # index of the parent section
    level: int  # 1 for top-level sections


@dataclass(frozen=True, slots=True)
class ParsedItem:
    position: int  # 1-based within its clause
    marker: str  # as printed: "ㅇ", "-", "•", "i)", "가." ...
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParsedClause:
    number: str  # "7", "Article 3", or a generated "1", "2" ...; unique within the agreement
    position: int  # 1-based order
    section: int | None  # section index
    text: str  # the clause's full text (without its number), items included
    start: int
    end: int
    items: tuple[ParsedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedCommitment:
    ref: str  # "7.3" = clause 7 item 3; "9.2" = clause 9, second sentence; unique
    clause: str  # the clause's number
    item: int | None  # the item's position, for item commitments
    text: str
    start: int
    end: int
    actors: str  # "both", "each", or one party's name as written
    strength: Strength
    tracked: bool
    mechanisms: tuple[str, ...] = ()  # canonical names of the mechanisms the text names


@dataclass(frozen=True, slots=True)
class ParsedMechanism:
    name: str  # canonical: the catalog's name when it matched, else as first written
    name_en: str
    aliases: tuple[str, ...]
    kind: MechanismKind
    cadence: Cadence
    planned: bool
    reports_to: str | None = None  # canonical name of the mechanism it reports to


@dataclass(frozen=True, slots=True)
class ParsedAgreement:
    source_text: str  # decoded text, newlines normalized to "\n", nothing else changed
    source_hash: str  # sha256 hex of source_text encoded as UTF-8
    language: Language
    document_title: str
    record: ParsedRecord | None
    sections: tuple[ParsedSection, ...]
    clauses: tuple[ParsedClause, ...]
    commitments: tuple[ParsedCommitment, ...]
    mechanisms: tuple[ParsedMechanism, ...]
    review_mechanism: str | None  # reviews the whole agreement's commitments
    warnings: tuple[ParseWarning, ...] = ()
    asides: tuple[ParsedAside, ...] = ()  # dateline, byline, contact and signature spans
    # offsets where the importer read a line break the text had lost (inline numbering, bullets,
    # ordinal words, a title run into the body): empty for a text laid out in lines
    recovered_breaks: tuple[int, ...] = ()
