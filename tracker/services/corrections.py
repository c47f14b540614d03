"""Corrections after import, since no split is perfect.

Each correction keeps the verbatim rule (a commitment's text is always
source_text[span_start:span_end] of its agreement) and appends a ChangeRecord saying who did
what, when and why.
"""

from __future__ import annotations

import string
from typing import Any

from sqlmodel import Session, col, select

from tracker.domain import LinkRole
from tracker.errors import TrackerError
from tracker.models import (
    Agreement,
    ChangeRecord,
    Clause,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    MechanismAlias,
    Meeting,
    utcnow,
)
from tracker.services import lookup
from tracker.services.changes import record_change
from tracker.services.lookup import find_mechanism
from tracker.services.status_updates import save_commitment

# The ChangeRecord actions a correction writes; a replacing import re-splits without them.
CORRECTION_ACTIONS = ("split", "merge", "move_boundary", "track", "untrack", "link", "unlink")


class CorrectionRefused(TrackerError):
    """The correction would break a rule (verbatim text, adjacency, uniqueness)."""


def find_commitment(agreement: str, ref: str, *, session: Session) -> Commitment:
    return lookup.find_commitment(ref, agreement=agreement, session=session)


def split_commitment(
    commitment: Commitment, *, at: str, session: Session, actor: str, reason: str = ""
) -> Commitment:
    """Split where the text `at` begins; the second part gets the next free ref (7.3 → 7.3b)."""
    offset = commitment.text.find(at)
    if offset < 0:
        raise CorrectionRefused("correction.not_in_text", text=at).at(commitment.ref)
    if offset == 0:
        raise CorrectionRefused("correction.nothing_to_split", text=at).at(commitment.ref)
    source = _source(session, commitment)
    first_end = _strip_end(source, commitment.span_start, commitment.span_start + offset)
    second_start = commitment.span_start + offset
    if first_end <= commitment.span_start:
        raise CorrectionRefused("correction.first_part_empty").at(commitment.ref)
    second = Commitment(
        agreement_id=commitment.agreement_id,
        clause_id=commitment.clause_id,
        item_id=commitment.item_id,
        ref=_next_ref(session, commitment),
        text=source[second_start : commitment.span_end],
        span_start=second_start,
        span_end=commitment.span_end,
        actors=commitment.actors,
        strength=commitment.strength,
        tracked=commitment.tracked,
    )
    _set_span(commitment, source, commitment.span_start, first_end)
    session.add(second)
    session.flush()
    assert second.id is not None and commitment.id is not None
    for link in _links(session, commitment.id):
        session.add(
            CommitmentMechanism(
                commitment_id=second.id, mechanism_id=link.mechanism_id, role=link.role
            )
        )
    _record(session, commitment, actor, "split", reason, {"at": at, "new_ref": second.ref})
    return second


def merge_commitments(
    first: Commitment, second: Commitment, *, session: Session, actor: str, reason: str = ""
) -> Commitment:
    """Join two neighbouring commitments of one clause into the first; the span covers both."""
    if first.span_start > second.span_start:
        first, second = second, first
    if first.clause_id != second.clause_id:
        raise CorrectionRefused("correction.different_clauses", first=first.ref, second=second.ref)
    between = session.exec(
        select(Commitment).where(
            Commitment.agreement_id == first.agreement_id,
            col(Commitment.span_start) > first.span_start,
            col(Commitment.span_start) < second.span_start,
        )
    ).first()
    if between is not None:
        raise CorrectionRefused(
            "correction.not_neighbours", first=first.ref, second=second.ref, between=between.ref
        )
    source = _source(session, first)
    _set_span(first, source, first.span_start, max(first.span_end, second.span_end))
    assert first.id is not None and second.id is not None
    kept = {(link.mechanism_id, link.role) for link in _links(session, first.id)}
    for link in _links(session, second.id):
        if (link.mechanism_id, link.role) not in kept:
            session.add(
                CommitmentMechanism(
                    commitment_id=first.id, mechanism_id=link.mechanism_id, role=link.role
                )
            )
    _record(session, first, actor, "merge", reason, {"merged_ref": second.ref})
    session.delete(second)
    session.flush()
    return first


def move_boundaries(
    commitment: Commitment,
    *,
    start_at: str | None,
    end_after: str | None,
    session: Session,
    actor: str,
    reason: str = "",
) -> Commitment:
    """Move the start to where `start_at` begins, the end to where `end_after` ends; both must
    lie in the commitment's clause."""
    clause = session.get(Clause, commitment.clause_id)
    assert clause is not None
    source = _source(session, commitment)
    start, end = commitment.span_start, commitment.span_end
    if start_at is not None:
        start = _find_in_clause(source, clause, start_at, commitment.ref)
    if end_after is not None:
        end = _find_in_clause(source, clause, end_after, commitment.ref) + len(end_after)
    if end <= start:
        raise CorrectionRefused("correction.end_before_start").at(commitment.ref)
    overlapping = session.exec(
        select(Commitment).where(
            Commitment.agreement_id == commitment.agreement_id,
            Commitment.id != commitment.id,
            col(Commitment.span_start) < end,
            col(Commitment.span_end) > start,
        )
    ).first()
    if overlapping is not None:
        raise CorrectionRefused("correction.overlap", ref=commitment.ref, other=overlapping.ref)
    before = (commitment.span_start, commitment.span_end)
    _set_span(commitment, source, start, end)
    _record(
        session,
        commitment,
        actor,
        "move_boundary",
        reason,
        {"before": list(before), "after": [start, end]},
    )
    return commitment


def set_tracked(
    commitment: Commitment, tracked: bool, *, session: Session, actor: str, reason: str = ""
) -> Commitment:
    if commitment.tracked != tracked:
        commitment.tracked = tracked
        commitment.updated_at = utcnow()
        session.add(commitment)
        _follow_review(session, commitment)
        _record(session, commitment, actor, "track" if tracked else "untrack", reason, {})
    return commitment


def _follow_review(session: Session, commitment: Commitment) -> None:
    """A tracked commitment is reviewed by its agreement's reviewing mechanism; an untracked
    one is not."""
    agreement = session.get(Agreement, commitment.agreement_id)
    if agreement is None or agreement.review_mechanism_id is None or commitment.id is None:
        return
    key = (commitment.id, agreement.review_mechanism_id, LinkRole.REVIEWS)
    link = session.get(CommitmentMechanism, key)
    if commitment.tracked and link is None:
        session.add(CommitmentMechanism(commitment_id=key[0], mechanism_id=key[1], role=key[2]))
    elif not commitment.tracked and link is not None:
        session.delete(link)


def link_mechanism(
    commitment: Commitment, mechanism: str, *, session: Session, actor: str, reason: str = ""
) -> Mechanism:
    found = find_mechanism(mechanism, session=session)
    assert commitment.id is not None and found.id is not None
    if session.get(CommitmentMechanism, (commitment.id, found.id, LinkRole.NAMED)) is None:
        session.add(
            CommitmentMechanism(
                commitment_id=commitment.id, mechanism_id=found.id, role=LinkRole.NAMED
            )
        )
        _record(session, commitment, actor, "link", reason, {"mechanism": found.name})
    return found


def unlink_mechanism(
    commitment: Commitment, mechanism: str, *, session: Session, actor: str, reason: str = ""
) -> Mechanism:
    found = find_mechanism(mechanism, session=session)
    assert commitment.id is not None
    links = [link for link in _links(session, commitment.id) if link.mechanism_id == found.id]
    if not links:
        raise CorrectionRefused("correction.not_linked", ref=commitment.ref, mechanism=found.name)
    for link in links:
        session.delete(link)
    _record(session, commitment, actor, "unlink", reason, {"mechanism": found.name})
    return found


def merge_mechanisms(
    keep: str, other: str, *, session: Session, actor: str, reason: str = ""
) -> Mechanism:
    """Fold `other` into `keep`: its names become aliases, its links, meetings and reporting
    lines move over, and it is removed."""
    kept = find_mechanism(keep, session=session)
    gone = find_mechanism(other, session=session)
    if kept.id == gone.id:
        raise CorrectionRefused("correction.same_mechanism", keep=keep, other=other)
    assert kept.id is not None and gone.id is not None
    kept_names = set(
        session.exec(select(MechanismAlias.folded).where(MechanismAlias.mechanism_id == kept.id))
    )
    for alias in session.exec(
        select(MechanismAlias).where(MechanismAlias.mechanism_id == gone.id)
    ).all():
        if alias.folded in kept_names:
            session.delete(alias)
        else:
            alias.mechanism_id = kept.id
            session.add(alias)
    _move_links(session, gone.id, kept.id)
    for meeting in session.exec(select(Meeting).where(Meeting.mechanism_id == gone.id)).all():
        meeting.mechanism_id = kept.id
        session.add(meeting)
    for child in session.exec(select(Mechanism).where(Mechanism.reports_to_id == gone.id)).all():
        child.reports_to_id = kept.id if child.id != kept.id else None
        session.add(child)
    if kept.reports_to_id is None and gone.reports_to_id not in (None, kept.id):
        kept.reports_to_id = gone.reports_to_id
    for agreement in session.exec(
        select(Agreement).where(Agreement.review_mechanism_id == gone.id)
    ).all():
        agreement.review_mechanism_id = kept.id
        session.add(agreement)
    session.add(kept)
    session.flush()
    session.delete(gone)
    session.add(
        ChangeRecord(
            actor=actor,
            entity="mechanism",
            entity_id=kept.id,
            action="merge",
            reason=reason,
            detail={"merged": gone.name, "merged_id": gone.id},
        )
    )
    session.flush()
    return kept


def _move_links(session: Session, from_id: int, to_id: int) -> None:
    existing = {
        (link.commitment_id, link.role)
        for link in session.exec(
            select(CommitmentMechanism).where(CommitmentMechanism.mechanism_id == to_id)
        ).all()
    }
    for link in session.exec(
        select(CommitmentMechanism).where(CommitmentMechanism.mechanism_id == from_id)
    ).all():
        if (link.commitment_id, link.role) not in existing:
            session.add(
                CommitmentMechanism(
                    commitment_id=link.commitment_id, mechanism_id=to_id, role=link.role
                )
            )
        session.delete(link)
    session.flush()


def _source(session: Session, commitment: Commitment) -> str:
    agreement = session.get(Agreement, commitment.agreement_id)
    assert agreement is not None
    return agreement.source_text


def _set_span(commitment: Commitment, source: str, start: int, end: int) -> None:
    start, end = _strip_start(source, start, end), _strip_end(source, start, end)
    commitment.span_start, commitment.span_end = start, end
    commitment.text = source[start:end]
    commitment.updated_at = utcnow()


def _strip_start(source: str, start: int, end: int) -> int:
    while start < end and source[start].isspace():
        start += 1
    return start


def _strip_end(source: str, start: int, end: int) -> int:
    while end > start and source[end - 1].isspace():
        end -= 1
    return end


def _find_in_clause(source: str, clause: Clause, text: str, ref: str) -> int:
    found = source.find(text, clause.span_start, clause.span_end)
    if found < 0:
        raise CorrectionRefused("correction.not_in_clause", text=text, clause=clause.number).at(ref)
    return found


def _next_ref(session: Session, commitment: Commitment) -> str:
    taken = set(
        session.exec(
            select(Commitment.ref).where(Commitment.agreement_id == commitment.agreement_id)
        ).all()
    )
    base = (
        commitment.ref.rstrip(string.ascii_lowercase)
        if commitment.ref[-1:].isalpha()
        else commitment.ref
    )
    return next(
        f"{base}{letter}" for letter in string.ascii_lowercase[1:] if f"{base}{letter}" not in taken
    )


def _links(session: Session, commitment_id: int) -> list[CommitmentMechanism]:
    return list(
        session.exec(
            select(CommitmentMechanism).where(CommitmentMechanism.commitment_id == commitment_id)
        ).all()
    )


def _record(
    session: Session,
    commitment: Commitment,
    actor: str,
    action: str,
    reason: str,
    detail: dict[str, Any],
) -> None:
    assert commitment.id is not None
    # Through save_commitment: a concurrent edit is refused as a Conflict, not a traceback.
    save_commitment(commitment, session=session)
    record_change(
        session,
        "commitment",
        commitment.id,
        action,
        actor,
        {"ref": commitment.ref, "text": commitment.text, **detail},
        reason,
    )
    session.flush()
