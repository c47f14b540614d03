"""Deterministic factories: small agreements built straight into the database."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlmodel import Session

from tracker.domain import Cadence, LinkRole, MechanismKind, Strength
from tracker.models import (
    Agreement,
    Clause,
    Commitment,
    CommitmentMechanism,
    Mechanism,
    MechanismAlias,
    Section,
)
from tracker.text import fold_name


def add_mechanism(
    session: Session,
    name: str,
    *,
    kind: MechanismKind = MechanismKind.DIALOGUE,
    cadence: Cadence = Cadence.REGULAR,
    aliases: tuple[str, ...] = (),
    reports_to: Mechanism | None = None,
) -> Mechanism:
    mechanism = Mechanism(
        name=name,
        kind=kind,
        cadence=cadence,
        reports_to_id=reports_to.id if reports_to else None,
    )
    session.add(mechanism)
    session.flush()
    assert mechanism.id is not None
    for alias in (name, *aliases):
        session.add(MechanismAlias(mechanism_id=mechanism.id, alias=alias, folded=fold_name(alias)))
    return mechanism


def add_agreement(
    session: Session,
    *,
    key: str,
    title: str,
    countries: str = "캐나다",
    field: str = "방산·항공우주",
    signed_on: date | None = date(2025, 10, 30),
    clauses: list[tuple[str, list[tuple[str, Strength]]]],
    mechanisms: dict[str, Mechanism] | None = None,
) -> Agreement:
    """`clauses`: (number, [(sentence, strength), ...]); each sentence becomes a commitment
    ref NUMBER.N, linked to every mechanism whose name (a key of `mechanisms`) it contains."""
    source = "\n\n".join(
        f"{number}. " + " ".join(sentence for sentence, _ in sentences)
        for number, sentences in clauses
    )
    agreement = Agreement(
        key=key,
        title=title,
        countries=countries,
        field=field,
        signed_on=signed_on,
        source_text=source,
        source_hash=hashlib.sha256(source.encode()).hexdigest(),
    )
    session.add(agreement)
    session.flush()
    assert agreement.id is not None
    section = Section(agreement_id=agreement.id, position=1, title="일반")
    session.add(section)
    session.flush()
    for position, (number, sentences) in enumerate(clauses, start=1):
        start = source.index(f"{number}. ")
        text = source[start : source.index("\n\n", start) if "\n\n" in source[start:] else None]
        clause = Clause(
            agreement_id=agreement.id,
            section_id=section.id,
            number=number,
            position=position,
            text=text,
            span_start=start,
            span_end=start + len(text),
        )
        session.add(clause)
        session.flush()
        assert clause.id is not None
        for index, (sentence, strength) in enumerate(sentences, start=1):
            begin = source.index(sentence, start)
            commitment = Commitment(
                agreement_id=agreement.id,
                clause_id=clause.id,
                ref=f"{number}.{index}",
                text=sentence,
                span_start=begin,
                span_end=begin + len(sentence),
                strength=strength,
                tracked=strength.is_undertaking,
            )
            session.add(commitment)
            session.flush()
            assert commitment.id is not None
            for name, mechanism in (mechanisms or {}).items():
                if name in sentence and mechanism.id is not None:
                    session.add(
                        CommitmentMechanism(
                            commitment_id=commitment.id,
                            mechanism_id=mechanism.id,
                            role=LinkRole.NAMED,
                        )
                    )
    session.flush()
    return agreement


def add_two_agreements(session: Session) -> None:
    """A Canadian and an Australian agreement, sharing the 2+2."""
    two_plus_two = add_mechanism(
        session,
        "외교·국방장관 2+2 회의",
        kind=MechanismKind.MINISTERIAL_MEETING,
        cadence=Cadence.BIENNIAL,
        aliases=("2+2", "Foreign and Defence Ministers' Meeting"),
    )
    dialogue = add_mechanism(session, "국장급 외교·국방 정책 대화", reports_to=two_plus_two)
    mechanisms = {"2+2": two_plus_two, "정책 대화": dialogue}
    add_agreement(
        session,
        key="kr-ca-2025",
        title="한-캐나다 안보·국방 협력 파트너십 수립",
        clauses=[
            ("1", [("양국은 파트너십의 굳건함을 재확인한다.", Strength.DECLARATORY)]),
            (
                "2",
                [
                    ("양국은 2+2 회의를 격년으로 개최할 것이다.", Strength.FIRM),
                    (
                        "양국은 정책 대화에서 진전을 검토하기 위해 노력할 것이다.",
                        Strength.BEST_EFFORT,
                    ),
                ],
            ),
            ("3", [("양국은 새로운 협의체를 신설할 수 있다.", Strength.PERMISSIVE)]),
        ],
        mechanisms=mechanisms,
    )
    add_agreement(
        session,
        key="kr-au-2024",
        title="한-호주 방산 협력 MOU",
        countries="호주",
        field="방산",
        signed_on=date(2024, 5, 1),
        clauses=[("1", [("양국은 2+2 회의에서 이행을 점검할 것이다.", Strength.FIRM)])],
        mechanisms=mechanisms,
    )
    session.commit()


def import_seed(session: Session, *, text: str | None = None, key: str = "kr-ca-2025") -> Agreement:
    """The reference agreement, imported as `tracker demo` does; committed."""
    from tracker.importer import parse_agreement
    from tracker.services.import_sources import SAMPLE_NAME, sample_source
    from tracker.services.imports import import_agreement

    outcome = import_agreement(
        parse_agreement(text or sample_source()), session=session, source_name=SAMPLE_NAME, key=key
    )
    session.commit()
    agreement = session.get(Agreement, outcome.agreement_id)
    assert agreement is not None
    return agreement


def plan_two_plus_two(session: Session, on: date = date(2027, 2, 25)) -> None:
    """The seed's 2+2 planned in Ottawa on `on`, recorded on 2027-01-01: the meeting that
    makes the seed's commitments due in January 2027."""
    from tracker.models import MeetingCreate
    from tracker.services.lookup import find_mechanism
    from tracker.services.meetings import add_meeting

    two_plus_two = find_mechanism("2+2", session=session)
    assert two_plus_two.id is not None
    add_meeting(
        two_plus_two,
        MeetingCreate(mechanism_id=two_plus_two.id, held_on=on, place="오타와"),
        session=session,
        actor="test",
        today=date(2027, 1, 1),
    )
