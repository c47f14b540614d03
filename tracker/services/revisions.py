"""A revised text of an agreement already imported: finding the earlier version, what the
revision changes (record fields, commitments added, removed or reworded), the corrections a
replacement discards, and the follow-up it must never drop.

Each change is a `RevisionChange`: a catalogue id (`revision.…`) and its fields as data, so the
review page says it in its reader's language, the CLI in English, the JSON of a refusal sends
each change as a refusal's problem is sent (`as_json`), and the change record keeps the facts
(`as_data`), never a sentence.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from tracker.errors import Conflict
from tracker.importer import parse_agreement
from tracker.importer.parsed import ParsedAgreement
from tracker.models import Agreement, Assessment, ChangeRecord, Commitment, StatusUpdate
from tracker.services.corrections import CORRECTION_ACTIONS
from tracker.services.filing import record_fields
from tracker.words import N_

SHOWN_IN_REFUSAL = 3  # changes a refusal lists before "…"


@dataclass(frozen=True, slots=True)
class RevisionChange:
    """One change a revision makes, or one correction a replacement discards."""

    code: str  # revision.changed.<field>, revision.commitment.*, revision.correction.<action>
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)

    def describe(self, language: str) -> str:
        from tracker.words import say  # lazily, as tracker.errors does

        return say(language, self.code, **self.fields).rstrip()

    def as_data(self) -> dict[str, Any]:
        """What a change record keeps: the id and the fields."""
        return {"code": self.code, "fields": dict(self.fields)}

    def as_json(self, language: str) -> dict[str, Any]:
        """What the API sends: the id, the change said in `language`, the fields."""
        message = " ".join(self.describe(language).split())
        return {"code": self.code, "message": message, "fields": dict(self.fields)}

    def __str__(self) -> str:
        return self.describe("en")


def listed(changes: Iterable[RevisionChange], language: str, *, limit: int | None = None) -> str:
    """Changes in one line ("title changed; commitment 7.1 reworded; …")."""
    every = list(changes)
    shown = every if limit is None else every[:limit]
    more = limit is not None and len(every) > limit
    return "; ".join(change.describe(language) for change in shown) + ("; …" if more else "")


class RevisionNeedsReplace(Conflict):
    """The text revises an agreement already imported; the user must say --replace (or, when
    the revision would drop followed commitments, import it under another key)."""

    def __init__(self, code: str, /, **fields: Any) -> None:
        changes = fields.get("changes", ())
        self.revision = tuple(changes) if isinstance(changes, list | tuple) else ()
        super().__init__(code, **fields)

    def describe(self, language: str, *, terminal: bool = False) -> str:
        if not self.revision:
            return super().describe(language, terminal=terminal)
        said = copy.copy(self)
        said.fields = self.fields | {
            "changes": listed(self.revision, language, limit=SHOWN_IN_REFUSAL)
        }
        return super(RevisionNeedsReplace, said).describe(language, terminal=terminal)

    def as_json(self, language: str) -> dict[str, Any]:
        """The refusal's body, its message listing the first changes, its fields every change
        (each with its id, its words in `language` and its fields)."""
        body = super().as_json(language)
        if self.revision:
            body["fields"]["changes"] = [change.as_json(language) for change in self.revision]
        return body


def earlier_version(session: Session, parsed: ParsedAgreement, key: str) -> Agreement | None:
    by_key = session.exec(select(Agreement).where(Agreement.key == key)).first()
    if by_key is not None:
        return by_key
    title = parsed.record.title if parsed.record else parsed.document_title
    if not title:
        return None
    signed_on = parsed.record.signed_on if parsed.record else None
    return session.exec(
        select(Agreement).where(Agreement.title == title, Agreement.signed_on == signed_on)
    ).first()


def describe_changes(
    earlier: Agreement, parsed: ParsedAgreement, source_name: str
) -> list[RevisionChange]:
    """What a revised text changes against the text imported before, as an officer reviews it:
    record fields, then commitments added, removed or reworded."""
    before = parse_agreement(earlier.source_text)
    old_fields = record_fields(before, earlier.source_name)
    new_fields = record_fields(parsed, earlier.source_name)
    changes = [
        RevisionChange(f"revision.changed.{name}")
        for name in RECORD_FIELDS
        if old_fields.get(name, "") != new_fields.get(name, "")
    ]
    old = {c.ref: c.text for c in before.commitments}
    new = {c.ref: c.text for c in parsed.commitments}
    changes += [_commitment(N_("revision.commitment.added"), ref) for ref in new if ref not in old]
    changes += [
        _commitment(N_("revision.commitment.removed"), ref) for ref in old if ref not in new
    ]
    changes += [
        _commitment(N_("revision.commitment.reworded"), ref)
        for ref in new
        if ref in old and old[ref] != new[ref]
    ]
    return changes


def _commitment(code: str, ref: str) -> RevisionChange:
    return RevisionChange(code, {"ref": ref})


RECORD_FIELDS = (
    "title",
    "document_title",
    "domestic_body",
    "foreign_body",
    "countries",
    "field",
    "signed_on",
    "place",
    "officer_rank",
    "officer_name",
    "officer_ministry",
    "officer_division",
)


def refuse_losing_follow_up(session: Session, earlier: Agreement, parsed: ParsedAgreement) -> None:
    """A revision may drop commitments, but never one with status updates or assessments."""
    kept = {commitment.ref for commitment in parsed.commitments}
    followed = session.exec(
        select(Commitment.ref)
        .where(Commitment.agreement_id == earlier.id, col(Commitment.ref).not_in(kept))
        .where(
            col(Commitment.id).in_(select(StatusUpdate.commitment_id))
            | col(Commitment.id).in_(select(Assessment.commitment_id))
        )
        .order_by(col(Commitment.ref))
    ).all()
    if followed:
        raise RevisionNeedsReplace("import.drops_followed", refs=list(followed), key=earlier.key)


def discarded_corrections(session: Session, earlier: Agreement) -> list[RevisionChange]:
    """Corrections made since the last import; a replacement re-splits the text without them."""
    ids = select(Commitment.id).where(Commitment.agreement_id == earlier.id)
    records = session.exec(
        select(ChangeRecord)
        .where(
            ChangeRecord.entity == "commitment",
            col(ChangeRecord.entity_id).in_(ids),
            col(ChangeRecord.action).in_(CORRECTION_ACTIONS),
            col(ChangeRecord.at) >= earlier.imported_at,
        )
        .order_by(col(ChangeRecord.at))
    ).all()
    return [
        RevisionChange(
            f"revision.correction.{record.action}", {"ref": str(record.detail.get("ref", ""))}
        )
        for record in records
    ]
