"""The agreements a report form offers: the officer's own first, then the newest, capped."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tests.factories import add_agreement
from tracker.domain import Strength
from tracker.models import Agreement, Commitment, Division, Officer
from tracker.services.agreements import agreement_choices


def test_an_officer_is_offered_their_own_agreements_first_then_the_newest(
    session: Session,
) -> None:
    division = Division(name="북미과")
    session.add(division)
    session.flush()
    me = Officer(name="담당관", division_id=division.id)
    colleague = Officer(name="동료")
    session.add_all([me, colleague])
    session.flush()
    for year in range(2015, 2025):
        add_agreement(
            session,
            key=f"a-{year}",
            title=f"합의 {year}",
            signed_on=date(year, 5, 1),
            clauses=[("1", [(f"양국은 {year}년에 협력할 것이다.", Strength.FIRM)])],
        )
    owned = {"a-2016": me.id, "a-2018": None, "a-2020": colleague.id}
    for commitment, key in session.exec(
        select(Commitment, Agreement.key).join(Agreement, Agreement.id == Commitment.agreement_id)
    ).all():
        if key in owned:
            commitment.owner_id = owned[key]
        if key == "a-2018":
            commitment.division_id = division.id  # my division follows it
    session.commit()

    offered = agreement_choices(session=session, officer_id=me.id, division_id=division.id, limit=5)
    assert [key for key, _ in offered] == ["a-2018", "a-2016", "a-2024", "a-2023", "a-2022"]
    # Someone else's agreement is just one of the others; an officer of no division sees theirs.
    assert [
        k
        for k, _ in agreement_choices(
            session=session, officer_id=colleague.id, division_id=None, limit=2
        )
    ] == ["a-2020", "a-2024"]
