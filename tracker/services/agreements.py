"""Reading agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from tracker.models import Agreement, AgreementPublic, Clause, Commitment, Division


def list_agreements(
    *,
    session: Session,
    country: str | None = None,
    field: str | None = None,
    year: int | None = None,
    search: str | None = None,
    division: str | None = None,
) -> list[AgreementPublic]:
    """Agreements, newest signing first, with their clause and commitment counts. `division`
    keeps those with a commitment the division follows up."""
    query = select(Agreement)
    if division:
        followed = (
            select(Commitment.agreement_id)
            .join(Division, col(Division.id) == Commitment.division_id)
            .where(Division.name == division)
        )
        query = query.where(col(Agreement.id).in_(followed))
    if country:
        query = query.where(col(Agreement.countries).contains(country))
    if field:
        query = query.where(col(Agreement.field).contains(field))
    if year:
        query = query.where(
            col(Agreement.signed_on) >= date(year, 1, 1),
            col(Agreement.signed_on) <= date(year, 12, 31),
        )
    if search:
        pattern = f"%{search}%"
        query = query.where(
            col(Agreement.title).ilike(pattern) | col(Agreement.document_title).ilike(pattern)
        )
    query = query.order_by(col(Agreement.signed_on).desc().nulls_last(), col(Agreement.id))
    agreements = session.exec(query).all()
    counts = _counts(session, [a.id for a in agreements if a.id is not None])
    return [
        AgreementPublic.model_validate(agreement, update=counts.get(agreement.id, {}))
        for agreement in agreements
    ]


@dataclass(frozen=True)
class AgreementFacets:
    """The values the agreements list can be filtered by."""

    countries: list[str]
    fields: list[str]
    years: list[int]
    divisions: list[str]


def agreement_facets(*, session: Session) -> AgreementFacets:
    rows = session.exec(
        select(col(Agreement.countries), col(Agreement.field), col(Agreement.signed_on))
    ).all()
    divisions = session.exec(
        select(Division.name)
        .where(col(Division.id).in_(select(Commitment.division_id).distinct()))
        .order_by(col(Division.name))
    ).all()
    return AgreementFacets(
        countries=sorted(
            {part.strip() for c, _, _ in rows for part in c.split(",") if part.strip()}
        ),
        fields=sorted({part.strip() for _, f, _ in rows for part in f.split(",") if part.strip()}),
        years=sorted({d.year for _, _, d in rows if d is not None}, reverse=True),
        divisions=list(divisions),
    )


def _counts(session: Session, ids: list[int]) -> dict[int | None, dict[str, int]]:
    if not ids:
        return {}
    clause_rows = session.exec(
        select(Clause.agreement_id, func.count())
        .where(col(Clause.agreement_id).in_(ids))
        .group_by(col(Clause.agreement_id))
    ).all()
    commitment_rows = session.exec(
        select(
            Commitment.agreement_id,
            func.count(),
            func.sum(case((col(Commitment.tracked), 1), else_=0)),
        )
        .where(col(Commitment.agreement_id).in_(ids))
        .group_by(col(Commitment.agreement_id))
    ).all()
    counts: dict[int | None, dict[str, int]] = {i: {} for i in ids}
    for agreement_id, clauses in clause_rows:
        counts[agreement_id]["clause_count"] = clauses
    for agreement_id, total, tracked in commitment_rows:
        counts[agreement_id]["commitment_count"] = total
        counts[agreement_id]["tracked_count"] = int(tracked or 0)
    return counts
