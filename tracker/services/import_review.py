"""Importing through a review, as the web does it: text in (pasted or uploaded), the split
shown with what saving it would do (a new agreement, the text already imported, or a revision
of one), then saved in one transaction with the reviewer's choices (which commitments are
tracked, the title) applied through the correction services, so each choice is in the change
record.

Nothing here writes until `save_import`; a preview only reads.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sqlmodel import Session, and_, col, or_, select

from tracker.errors import TrackerError
from tracker.importer.parsed import ParsedAgreement
from tracker.models import Agreement, ChangeRecord, Commitment
from tracker.services.accounts import Caller, may_edit_group
from tracker.services.changes import record_change
from tracker.services.corrections import set_tracked
from tracker.services.filing import agreement_title, key_for, validate_key
from tracker.services.import_sources import PASTED_NAME
from tracker.services.imports import import_agreement
from tracker.services.revisions import (
    RevisionChange,
    describe_changes,
    discarded_corrections,
    earlier_version,
)

MAX_TITLE = 500
REVIEW_REASON = "import review"

Plan = Literal["new", "unchanged", "revision"]


def default_key(parsed: ParsedAgreement, source_name: str) -> str:
    """The key a save would use: from an uploaded file's name; a pasted text has none, so
    from the signing date (else the text's hash)."""
    return key_for(parsed, "" if source_name == PASTED_NAME else source_name)


@dataclass(frozen=True)
class ImportPreview:
    parsed: ParsedAgreement
    source_name: str
    key: str  # the key the agreement would be (or is) filed under
    title: str
    plan: Plan
    changes: tuple[RevisionChange, ...] = ()  # a revision's changes, corrections it discards

    @property
    def tracked(self) -> int:
        return sum(1 for c in self.parsed.commitments if c.tracked)


def preview_import(
    parsed: ParsedAgreement, *, session: Session, source_name: str, key: str = ""
) -> ImportPreview:
    """What saving `parsed` would do, found as `import_agreement` finds it; writes nothing."""
    title = agreement_title(parsed, source_name)
    same_text = session.exec(
        select(Agreement).where(Agreement.source_hash == parsed.source_hash)
    ).first()
    if same_text is not None:
        return ImportPreview(parsed, source_name, same_text.key, same_text.title, "unchanged")
    if key:
        validate_key(key)
    wanted = key or default_key(parsed, source_name)
    earlier = earlier_version(session, parsed, wanted)
    if earlier is None:
        return ImportPreview(parsed, source_name, wanted, title, "new")
    changes = describe_changes(earlier, parsed, source_name)
    if not changes:
        return ImportPreview(parsed, source_name, earlier.key, earlier.title, "unchanged")
    changes += discarded_corrections(session, earlier)
    return ImportPreview(parsed, source_name, earlier.key, title, "revision", tuple(changes))


@dataclass(frozen=True)
class SavedImport:
    outcome: str  # "imported", "replaced" or "unchanged"
    key: str
    corrections: int  # reviewer's choices applied as corrections


def save_import(
    parsed: ParsedAgreement,
    *,
    session: Session,
    source_name: str,
    key: str,
    replace: bool,
    actor: str,
    tracked_refs: Collection[str] | None = None,
    title: str = "",
) -> SavedImport:
    """Import `parsed` (the caller's transaction makes it all or nothing), then apply the
    reviewer's choices: the commitments in `tracked_refs` tracked and the others not (None:
    as the split proposes), and `title` when it differs from the text's. A text already
    imported changes nothing, choices included: correct it on its review page."""
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise TrackerError("import.title_too_long", limit=MAX_TITLE)
    outcome = import_agreement(
        parsed,
        session=session,
        source_name=source_name,
        key=key or None,
        replace=replace,
        actor=actor,
    )
    if outcome.outcome == "unchanged":
        return SavedImport(outcome.outcome, outcome.key, 0)
    applied = 0
    if tracked_refs is not None:
        wanted = set(tracked_refs)
        unknown = wanted - {c.ref for c in parsed.commitments}
        if unknown:
            raise TrackerError("import.unknown_commitment", ref=sorted(unknown)[0])
        rows = {
            c.ref: c
            for c in session.exec(
                select(Commitment).where(Commitment.agreement_id == outcome.agreement_id)
            ).all()
        }
        for proposed in parsed.commitments:
            if (proposed.ref in wanted) != proposed.tracked:
                set_tracked(
                    rows[proposed.ref],
                    proposed.ref in wanted,
                    session=session,
                    actor=actor,
                    reason=REVIEW_REASON,
                )
                applied += 1
    agreement = session.get(Agreement, outcome.agreement_id)
    assert agreement is not None
    if title and title != agreement.title:
        rename_agreement(agreement, title, session=session, actor=actor, reason=REVIEW_REASON)
        applied += 1
    session.flush()
    return SavedImport(outcome.outcome, outcome.key, applied)


def rename_agreement(
    agreement: Agreement, title: str, *, session: Session, actor: str, reason: str = ""
) -> Agreement:
    """Set the agreement's title, with a change record. (A replacing import sets it back to
    the text's title.)"""
    assert agreement.id is not None
    before = agreement.title
    agreement.title = title
    session.add(agreement)
    record_change(
        session,
        "agreement",
        agreement.id,
        "retitle",
        actor,
        {"before": before, "after": title},
        reason,
    )
    session.flush()
    return agreement


def change_log(agreement: Agreement, *, session: Session, limit: int = 100) -> list[ChangeRecord]:
    """The latest change records of the agreement and of its commitments, newest first."""
    ids = select(Commitment.id).where(Commitment.agreement_id == agreement.id)
    return list(
        session.exec(
            select(ChangeRecord)
            .where(
                or_(
                    and_(
                        col(ChangeRecord.entity) == "commitment",
                        col(ChangeRecord.entity_id).in_(ids),
                    ),
                    and_(
                        col(ChangeRecord.entity) == "agreement",
                        col(ChangeRecord.entity_id) == agreement.id,
                    ),
                )
            )
            .order_by(col(ChangeRecord.at).desc(), col(ChangeRecord.id).desc())
            .limit(limit)
        ).all()
    )


def record_summary(record: ChangeRecord) -> str:
    """One line for a change record: its detail's plain values, then the reason."""
    detail: dict[str, Any] = record.detail
    shown = ", ".join(
        f"{k}={v}" for k, v in detail.items() if not isinstance(v, dict | list) and k != "text"
    )
    return shown + (f"; {record.reason}" if record.reason else "")


def may_correct(current: Caller, agreement: Agreement, *, session: Session) -> bool:
    """Whether `current` may correct `agreement`'s split: the group rule over its commitments."""
    commitments = session.exec(
        select(Commitment).where(Commitment.agreement_id == agreement.id)
    ).all()
    return may_edit_group(current, commitments)
