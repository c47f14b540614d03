"""Status updates: append-only, checked against the commitment's version, with evidence.

The commitment row repeats its current status (the latest update that no later one corrects,
by as-of date, then by when it was recorded) so lists need no subquery. Writing that summary
bumps the commitment's version: an update made against an older version is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from tracker import errors
from tracker.domain import EvidenceLevel, Party, UpdateSource
from tracker.errors import Grouped, InLanguages, TrackerError, Word
from tracker.models import (
    Agreement,
    ChangeRecord,
    Commitment,
    Evidence,
    EvidencePublic,
    StatusUpdate,
    StatusUpdateCreate,
    StatusUpdatePublic,
    utcnow,
)
from tracker.models.commitment import CommitmentBase
from tracker.services.evidence import EvidenceItem, check_evidence, store_evidence
from tracker.services.history import action_id
from tracker.services.policy import FollowUpPolicy
from tracker.services.requests import ask, request_problems
from tracker.words import knows

T = TypeVar("T")


class Conflict(errors.Conflict):
    """Someone else changed the commitment since the caller read it; nothing was saved."""

    exit_code = 3


class UpdateRefused(TrackerError):
    """A status update that breaks a rule (date, correction target)."""


def check_version(
    commitment: Commitment,
    expected: int | None,
    *,
    session: Session,
    policy: FollowUpPolicy | None = None,
) -> None:
    """Lock the commitment for this transaction and refuse, naming the newer change, when
    `expected` is not its version.

    The row lock (FOR UPDATE on PostgreSQL; SQLite's write transactions already take turns)
    makes concurrent writers queue here and read the winner's version, so a change made
    without `expected` is never refused, and a stale one is refused before any work.
    """
    session.refresh(commitment, with_for_update=True)
    if expected is None or expected == commitment.version:
        return
    last = last_change(commitment, session=session, policy=policy or FollowUpPolicy())
    raise Conflict(
        "commitment.changed_since_read" if last else "commitment.changed_since_read_unrecorded",
        commitment=describe(commitment, session=session),
        had=expected,
        now=commitment.version,
        **last,
    )


def last_change(
    commitment: Commitment, *, session: Session, policy: FollowUpPolicy
) -> dict[str, Any]:
    """The most recent thing that happened to `commitment`, as a conflict's fields, so each
    reader is told it in their language: who (`author`), what (`status`: the status set, in
    each language's configured label, or the kind of another change, a catalogue word) and
    its date (`as_of`). Empty when nothing was recorded."""
    latest = session.exec(
        select(StatusUpdate)
        .where(StatusUpdate.commitment_id == commitment.id)
        .order_by(col(StatusUpdate.recorded_at).desc(), col(StatusUpdate.id).desc())
    ).first()
    record = session.exec(
        select(ChangeRecord)
        .where(ChangeRecord.entity == "commitment", ChangeRecord.entity_id == commitment.id)
        .order_by(col(ChangeRecord.at).desc(), col(ChangeRecord.id).desc())
    ).first()
    if record is not None and (latest is None or record.at > latest.recorded_at):
        kind = action_id(record.action)
        return {
            "author": record.actor,
            "status": Word(kind) if knows("en", kind) else record.action,
            "as_of": record.at.astimezone(policy.timezone).date(),
        }
    if latest is not None:
        status = policy.status_of(latest.status)
        return {
            "author": latest.author,
            "status": InLanguages(ko=status.ko, en=status.en),
            "as_of": latest.as_of,
        }
    return {}


def describe(commitment: Commitment, *, session: Session) -> str:
    key = session.exec(
        select(Agreement.key).where(col(Agreement.id) == commitment.agreement_id)
    ).first()
    return f"{key or commitment.agreement_id}:{commitment.ref}"


MAX_NOTE = 10_000  # characters: a note is read on pages, in reports and in mail


def record_status_update(
    commitment: Commitment,
    update: StatusUpdateCreate,
    *,
    session: Session,
    policy: FollowUpPolicy,
    author: str,
    author_id: int | None = None,
    source: UpdateSource = UpdateSource.CLI,
    today: date | None = None,
    evidence_links_only: bool = False,
    evidence_files: Sequence[Path] = (),
) -> StatusUpdate:
    """Append `update` to `commitment`'s history and make it current when it is the latest.

    Everything is checked before anything is written: the status, the date, the corrected
    update, the version, every evidence item. The caller's transaction makes it all or nothing.
    `evidence_files` are files the caller itself wrote (web uploads), accepted even when the
    typed evidence must be links only.
    """
    today = today or policy.today()
    agreement = session.get(Agreement, commitment.agreement_id)
    assert agreement is not None
    where = f"{agreement.key}:{commitment.ref}"
    problems: list[TrackerError] = []
    status = _collect(problems, lambda: policy.status(update.status))
    problems += _date_problems(agreement, update.as_of, today=today)
    if len(update.narrative) > MAX_NOTE:
        problems.append(
            UpdateRefused(
                "status_update.note_too_long",
                length=Grouped(len(update.narrative)),
                limit=Grouped(MAX_NOTE),
            )
        )
    if len(update.obstacles) > MAX_NOTE:
        problems.append(
            UpdateRefused(
                "status_update.obstacles_too_long",
                length=Grouped(len(update.obstacles)),
                limit=Grouped(MAX_NOTE),
            )
        )
    if update.party is Party.COUNTERPART and not has_counterpart(commitment):
        problems.append(UpdateRefused("status_update.one_party", actors=commitment.actors or "-"))
    if update.corrects_id is not None:
        corrected = session.get(StatusUpdate, update.corrects_id)
        if corrected is None or corrected.commitment_id != commitment.id:
            problems.append(UpdateRefused("status_update.unknown", id=update.corrects_id))
        elif corrected.party != update.party:
            problems.append(
                UpdateRefused(
                    "status_update.correction_other_party",
                    id=update.corrects_id,
                    party=Word(f"party.{corrected.party.value}"),
                )
            )
    problems += [
        problem
        for number, request in enumerate(update.requests, 1)
        for problem in request_problems(request, number=number, session=session)
    ]
    evidence: list[EvidenceItem] = []
    for value in update.evidence:
        checked = _collect(
            problems,
            partial(
                check_evidence,
                [value],
                max_bytes=policy.evidence_max_bytes,
                links_only=evidence_links_only,
            ),
        )
        evidence += checked or []
    for path in evidence_files:
        checked = _collect(
            problems,
            partial(check_evidence, [str(path)], max_bytes=policy.evidence_max_bytes),
        )
        evidence += checked or []
    level = update.evidence_level or (EvidenceLevel.FOUND if evidence else EvidenceLevel.REPORTED)
    if level is EvidenceLevel.NONE_AVAILABLE and evidence:
        problems.append(UpdateRefused("status_update.evidence_contradicts", count=len(evidence)))
    if level is EvidenceLevel.FOUND and not evidence:
        problems.append(UpdateRefused("status_update.evidence_missing"))
    if problems or status is None:
        if len(problems) == 1:  # keep its kind: UnknownStatus, EvidenceRefused...
            raise problems[0].at(where)
        raise (
            UpdateRefused("status_update.problems", count=len(problems))
            .at(where)
            .with_problems(problems)
        )
    check_version(commitment, update.expected_version, session=session, policy=policy)

    assert commitment.id is not None
    row = StatusUpdate(
        commitment_id=commitment.id,
        status=status.key,
        narrative=update.narrative.strip(),
        as_of=update.as_of,
        party=update.party,
        obstacles=update.obstacles.strip(),
        evidence_level=level,
        author=author,
        author_id=author_id,
        source=source,
        corrects_id=update.corrects_id,
        commitment_version=commitment.version,
    )
    session.add(row)
    session.flush()
    _refresh_current_status(commitment, session=session, where=where, party=update.party)
    row.commitment_version = commitment.version
    assert row.id is not None
    store = policy.evidence_store(session.get_bind()) if evidence else None
    for item in evidence:
        assert store is not None
        session.add(store_evidence(item, status_update_id=row.id, store=store, session=session))
    for request in update.requests:
        ask(commitment, request, status_update_id=row.id, asked_by=author, session=session)
    session.flush()
    return row


def has_counterpart(commitment: CommitmentBase) -> bool:
    """Whether a counterpart's progress can be recorded: the commitment is both parties' (or
    each's, or several named), not one side's alone. Reads only the actors, so a listed
    commitment (`CommitmentPublic`, as reports hold them) answers too."""
    actors = (commitment.actors or "").strip().lower()
    return actors in {"both", "each", "all", ""} or any(
        sep in actors for sep in (",", "·", " and ", "과 ", "와 ")
    )


def _collect(problems: list[TrackerError], check: Callable[[], T]) -> T | None:
    """Run one check; a refusal becomes a line in `problems`, so every one is reported."""
    try:
        return check()
    except TrackerError as exc:
        problems.append(exc)
        return None


def _date_problems(agreement: Agreement, as_of: date, *, today: date) -> list[TrackerError]:
    if as_of > today:
        return [UpdateRefused("status_update.after_today", on=as_of, today=today)]
    if agreement.signed_on and as_of < agreement.signed_on:
        return [UpdateRefused("status_update.before_signing", on=as_of, signed=agreement.signed_on)]
    return []


def _refresh_current_status(
    commitment: Commitment, *, session: Session, where: str, party: Party = Party.HOME
) -> None:
    """Write the party's current status onto the commitment, bumping its version (and so
    refusing a concurrent writer that read the same version). The home side's is the status
    every list, rule and report reads; the counterpart's sits beside it."""
    current = latest_update(commitment, session=session, party=party)
    if party is Party.COUNTERPART:
        commitment.counterpart_status = current.status if current else None
        commitment.counterpart_status_as_of = current.as_of if current else None
    else:
        commitment.status = current.status if current else None
        commitment.status_as_of = current.as_of if current else None
    commitment.last_update_at = utcnow()
    save_commitment(commitment, session=session, where=where)


def save_commitment(commitment: Commitment, *, session: Session, where: str | None = None) -> None:
    """Flush a change to `commitment`; its version moves on, and a concurrent writer who read
    the same version is refused rather than overwritten."""
    commitment.updated_at = utcnow()
    session.add(commitment)
    # Named before the flush: after a failed flush the session can no longer query.
    if where is None:
        with session.no_autoflush:
            where = describe(commitment, session=session)
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("commitment.changed_while_saving", commitment=where) from None


def latest_update(
    commitment: Commitment, *, session: Session, party: Party = Party.HOME
) -> StatusUpdate | None:
    """The party's update that stands: the latest as-of date, then the latest recorded,
    leaving out every update that a later one corrects."""
    corrected = select(StatusUpdate.corrects_id).where(
        StatusUpdate.commitment_id == commitment.id, col(StatusUpdate.corrects_id).is_not(None)
    )
    return session.exec(
        select(StatusUpdate)
        .where(
            StatusUpdate.commitment_id == commitment.id,
            StatusUpdate.party == party,
            col(StatusUpdate.id).not_in(corrected),
        )
        .order_by(
            col(StatusUpdate.as_of).desc(),
            col(StatusUpdate.recorded_at).desc(),
            col(StatusUpdate.id).desc(),
        )
    ).first()


def list_updates(commitment: Commitment, *, session: Session) -> list[StatusUpdatePublic]:
    """Every update of `commitment`, newest recorded first, with its evidence."""
    updates = session.exec(
        select(StatusUpdate)
        .where(StatusUpdate.commitment_id == commitment.id)
        .order_by(col(StatusUpdate.recorded_at).desc(), col(StatusUpdate.id).desc())
    ).all()
    evidence: dict[int, list[EvidencePublic]] = {}
    ids = [u.id for u in updates if u.id is not None]
    for item in session.exec(
        select(Evidence).where(col(Evidence.status_update_id).in_(ids)).order_by(col(Evidence.id))
    ).all():
        evidence.setdefault(item.status_update_id, []).append(
            EvidencePublic.model_validate(item, from_attributes=True)
        )
    return [
        StatusUpdatePublic.model_validate(
            update, update={"evidence": evidence.get(update.id or 0, [])}
        )
        for update in updates
    ]


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a commitment's history: a status update, or another recorded change."""

    at: datetime
    actor: str
    action: str
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)


def history(
    commitment: Commitment, *, session: Session, policy: FollowUpPolicy
) -> list[HistoryEntry]:
    """Everything that happened to `commitment`, oldest first."""
    entries = [
        HistoryEntry(
            at=update.recorded_at,
            actor=update.author,
            action="correction" if update.corrects_id else "status",
            summary=_update_summary(update, policy),
            detail=update.model_dump(mode="json"),
        )
        for update in list_updates(commitment, session=session)
    ]
    for record in session.exec(
        select(ChangeRecord).where(
            ChangeRecord.entity == "commitment", ChangeRecord.entity_id == commitment.id
        )
    ).all():
        entries.append(
            HistoryEntry(
                at=record.at,
                actor=record.actor,
                action=record.action,
                summary=_change_summary(record),
                detail=dict(record.detail) | ({"reason": record.reason} if record.reason else {}),
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def _update_summary(update: StatusUpdatePublic, policy: FollowUpPolicy) -> str:
    parts = [f"{policy.label(update.status)} (as of {update.as_of})"]
    if update.corrects_id:
        parts.append(f"corrects update {update.corrects_id}")
    if update.narrative:
        parts.append(update.narrative)
    if update.evidence:
        parts.append(f"evidence: {', '.join(e.url or e.file_name for e in update.evidence)}")
    return "; ".join(parts)


def _change_summary(record: ChangeRecord) -> str:
    # The CLI's and the API's English line; pages word the same facts in their language.
    from tracker.services.history import describe_change

    shown = describe_change(record.entity, record.action, record.detail, language="en")
    return "; ".join(part for part in (shown, record.reason) if part)
