"""An agreement as its pages show it: sections → clauses → commitments, and a commitment
inside the verbatim text of its clause."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tracker.models import Agreement, Clause, Commitment, CommitmentPublic, Section


@dataclass
class ClauseView:
    number: str
    text: str
    commitments: list[CommitmentPublic] = field(default_factory=list)


@dataclass
class SectionView:
    title: str  # "" for clauses before the first heading
    level: int
    clauses: list[ClauseView] = field(default_factory=list)


def agreement_outline(
    agreement: Agreement, commitments: Sequence[CommitmentPublic], *, session: Session
) -> list[SectionView]:
    """Every section in document order with its clauses, each carrying those of `commitments`
    that were split from it; headings without clauses are kept, since they structure the text."""
    clause_of = dict(
        session.exec(
            select(Commitment.id, Commitment.clause_id).where(
                Commitment.agreement_id == agreement.id
            )
        ).all()
    )
    sections = session.exec(
        select(Section).where(Section.agreement_id == agreement.id).order_by(col(Section.position))
    ).all()
    views = {section.id: SectionView(section.title, section.level) for section in sections}
    untitled = SectionView("", 1)
    clauses: dict[int | None, ClauseView] = {}
    for clause in session.exec(
        select(Clause).where(Clause.agreement_id == agreement.id).order_by(col(Clause.position))
    ).all():
        view = ClauseView(clause.number, clause.text)
        clauses[clause.id] = view
        views.get(clause.section_id, untitled).clauses.append(view)
    for commitment in commitments:
        home = clauses.get(clause_of.get(commitment.id))
        if home is not None:
            home.commitments.append(commitment)
    return ([untitled] if untitled.clauses else []) + list(views.values())


@dataclass(frozen=True)
class ClauseExcerpt:
    """The clause's verbatim text cut around the commitment, for marking it on the page."""

    number: str
    before: str
    text: str
    after: str


def clause_excerpt(commitment: Commitment, *, session: Session) -> ClauseExcerpt:
    clause = session.get(Clause, commitment.clause_id)
    agreement = session.get(Agreement, commitment.agreement_id)
    assert clause is not None and agreement is not None
    source = agreement.source_text
    start, end = clause.span_start, clause.span_end
    if not start <= commitment.span_start <= commitment.span_end <= end:
        return ClauseExcerpt(clause.number, source[start:end], "", "")
    return ClauseExcerpt(
        clause.number,
        source[start : commitment.span_start],
        source[commitment.span_start : commitment.span_end],
        source[commitment.span_end : end],
    )
