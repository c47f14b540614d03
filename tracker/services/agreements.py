"""Reading agreements: the portfolio's list (paged, filtered, without the source texts) and
the values it can be filtered by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, exists, extract, false, func, or_
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, select

from tracker.models import Agreement, AgreementPublic, Clause, Commitment, Division
from tracker.services.paging import BadCursor, CursorKey, Page, PageRequest, encode_cursor

# A cursor is (signing day or None, id): newest signing first, undated last, then by id.
CURSOR_WIDTH = 2
# Lists never read an agreement's source text (tens of kilobytes each).
WITHOUT_TEXT = defer(cast("QueryableAttribute[str]", Agreement.source_text))


@dataclass(frozen=True)
class AgreementFilter:
    """What the agreements list is narrowed to; `division` keeps agreements with a commitment
    that division follows up."""

    country: str | None = None
    field: str | None = None
    year: int | None = None
    search: str | None = None  # part of the title or the document title, any case
    division: str | None = None


def page_of_agreements(
    *, session: Session, where: AgreementFilter, page: PageRequest
) -> Page[AgreementPublic]:
    """One page of agreements, newest signing first, with their clause and commitment counts
    and how many agreements match in all."""
    query = _filtered(select(Agreement).options(WITHOUT_TEXT), where)
    if page.after is not None:
        query = query.where(_after(page.after))
    rows = session.exec(_ordered(query).limit(page.limit + 1)).all()
    total = session.exec(_filtered(select(func.count()).select_from(Agreement), where)).one()
    items = _public(session, rows[: page.limit])
    more = len(rows) > page.limit
    return Page(items, encode_cursor(_key(items[-1])) if more else None, total=int(total))


def list_agreements(
    *,
    session: Session,
    country: str | None = None,
    field: str | None = None,
    year: int | None = None,
    search: str | None = None,
    division: str | None = None,
) -> list[AgreementPublic]:
    """Every matching agreement, in the order of `page_of_agreements` (for exports and forms that
    choose among all of them; lists people read page instead)."""
    where = AgreementFilter(country, field, year, search, division)
    query = _ordered(_filtered(select(Agreement).options(WITHOUT_TEXT), where))
    return _public(session, session.exec(query).all())


def agreement_public(agreement: Agreement, *, session: Session) -> AgreementPublic:
    """One agreement as the list shows it."""
    return _public(session, [agreement])[0]


def _filtered(query: Any, where: AgreementFilter) -> Any:
    if where.division:
        query = query.where(
            exists()
            .where(col(Commitment.agreement_id) == col(Agreement.id))
            .where(col(Commitment.division_id) == Division.id)
            .where(col(Division.name) == where.division)
        )
    if where.country:
        query = query.where(col(Agreement.countries).contains(where.country))
    if where.field:
        query = query.where(col(Agreement.field).contains(where.field))
    if where.year:
        query = query.where(
            col(Agreement.signed_on) >= date(where.year, 1, 1),
            col(Agreement.signed_on) <= date(where.year, 12, 31),
        )
    if where.search:
        pattern = f"%{where.search}%"
        query = query.where(
            col(Agreement.title).ilike(pattern) | col(Agreement.document_title).ilike(pattern)
        )
    return query


def _ordered(query: Any) -> Any:
    return query.order_by(col(Agreement.signed_on).desc().nulls_last(), col(Agreement.id))


def _after(key: CursorKey) -> ColumnElement[bool]:
    """Agreements after `key` in `_ordered`'s order (written out: the day descends, undated
    agreements come last, and the id ascends)."""
    day, last_id = key
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        raise BadCursor("page.bad_agreements_cursor")
    signed, agreement_id = col(Agreement.signed_on), col(Agreement.id)
    if day is None:
        return and_(signed.is_(None), agreement_id > last_id)
    if not isinstance(day, str):
        raise BadCursor("page.bad_agreements_cursor")
    try:
        on = date.fromisoformat(day)
    except ValueError:
        raise BadCursor("page.bad_agreements_cursor") from None
    return or_(signed < on, and_(signed == on, agreement_id > last_id), signed.is_(None))


def _key(agreement: AgreementPublic) -> CursorKey:
    return (agreement.signed_on.isoformat() if agreement.signed_on else None, agreement.id)


def _public(session: Session, agreements: Sequence[Agreement]) -> list[AgreementPublic]:
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
    """Each answered by a GROUP BY: one row per distinct value, not per agreement."""
    countries = session.exec(select(Agreement.countries).group_by(col(Agreement.countries))).all()
    fields = session.exec(select(Agreement.field).group_by(col(Agreement.field))).all()
    year = extract("year", col(Agreement.signed_on))
    years = session.exec(
        select(year).where(col(Agreement.signed_on).is_not(None)).group_by(year)
    ).all()
    divisions = session.exec(
        select(Division.name)
        .where(exists().where(col(Commitment.division_id) == Division.id))
        .group_by(col(Division.name))
        .order_by(col(Division.name))
    ).all()
    return AgreementFacets(
        countries=_parts(countries),
        fields=_parts(fields),
        years=sorted({int(y) for y in years}, reverse=True),
        divisions=list(divisions),
    )


def _parts(values: Sequence[str]) -> list[str]:
    """The distinct names in comma-separated values ("캐나다, 호주")."""
    return sorted({part.strip() for value in values for part in value.split(",") if part.strip()})


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


CHOICES = 200


def agreement_choices(
    *, session: Session, officer_id: int | None, division_id: int | None, limit: int = CHOICES
) -> list[tuple[str, str]]:
    """(key, title) of at most `limit` agreements to offer in a form: first those with
    commitments the officer owns or their division follows, then the newest others. A form
    offers these and accepts any key typed, so it stays small whatever the portfolio."""
    # Two small reads, not a sort of the whole portfolio with a check per agreement: the
    # followed ones come from the owner's and the division's commitment indexes.
    # (`== None` would read as IS NULL: every unowned commitment.)
    mine: ColumnElement[bool] = (
        col(Commitment.owner_id) == officer_id if officer_id is not None else false()
    )
    if division_id is not None:
        mine = or_(mine, col(Commitment.division_id) == division_id)
    followed = select(Commitment.agreement_id).where(mine).distinct()
    newest = (col(Agreement.signed_on).desc().nulls_last(), col(Agreement.id))
    first = session.exec(
        select(Agreement.id, Agreement.key, Agreement.title)
        .where(col(Agreement.id).in_(followed))
        .order_by(*newest)
        .limit(limit)
    ).all()
    taken = {agreement_id for agreement_id, _, _ in first}
    others = session.exec(
        select(Agreement.id, Agreement.key, Agreement.title)
        .order_by(*newest)
        .limit(limit + len(taken))
    ).all()
    chosen = [*first, *(row for row in others if row[0] not in taken)][:limit]
    return [(key, title) for _, key, title in chosen]
