"""Follow-up intake for either party: a text that reports what the counterpart did records the
counterpart's status (`counterpart_links`), beside or instead of the home side's; the same text
applied again records nothing twice for either party; a commitment of one party alone takes no
counterpart's status, and then nothing of the confirmation is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from tracker.domain import Party, UpdateSource
from tracker.intake.proposals import IntakeRules
from tracker.intake.terms import shared_analyzer
from tracker.models import Agreement, Meeting, StatusUpdate
from tracker.services.intake import (
    FollowUpChoices,
    FollowUpOutcome,
    FollowUpProposal,
    apply_follow_up,
    propose_follow_up,
)
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import UpdateRefused

KEY = "kr-ca-2025"
CYBER = (
    Path(__file__).parents[1] / "fixtures" / "intake" / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
)
TODAY = date(2026, 3, 20)


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence")


@pytest.fixture
def proposal(session: Session, seed: Agreement) -> FollowUpProposal:
    return propose_follow_up(
        CYBER.read_text(encoding="utf-8"),
        session=session,
        analyzer=shared_analyzer(),
        rules=IntakeRules(),
        agreement_key=KEY,
        source_name=CYBER.name,
    )


def apply(
    session: Session, proposal: FollowUpProposal, policy: FollowUpPolicy, choices: FollowUpChoices
) -> FollowUpOutcome:
    outcome = apply_follow_up(
        proposal, choices, session=session, policy=policy, actor="정진우", today=TODAY
    )
    session.commit()
    return outcome


def updates_of(session: Session, ref: str) -> list[StatusUpdate]:
    commitment = find_commitment(f"{KEY}:{ref}", session=session)
    return list(
        session.exec(
            select(StatusUpdate)
            .where(StatusUpdate.commitment_id == commitment.id)
            .order_by(col(StatusUpdate.id))
        ).all()
    )


def test_a_counterpart_link_records_the_counterpart_s_status_from_the_text(
    session: Session, proposal: FollowUpProposal, policy: FollowUpPolicy
) -> None:
    outcome = apply(
        session,
        proposal,
        policy,
        FollowUpChoices(counterpart_links={"17.1": "in_progress"}),
    )
    assert outcome.updates_added == [f"{KEY}:17.1@counterpart"]
    (update,) = updates_of(session, "17.1")
    assert (update.party, update.status, update.as_of, update.source) == (
        Party.COUNTERPART,
        "in_progress",
        date(2026, 3, 13),
        UpdateSource.FOLLOW_UP,
    )
    session.expire_all()
    commitment = find_commitment(f"{KEY}:17.1", session=session)
    assert commitment.status is None  # the home side's stays as it was
    assert (commitment.counterpart_status, commitment.counterpart_status_as_of) == (
        "in_progress",
        date(2026, 3, 13),
    )


def test_both_parties_from_one_text_once_each_however_often_it_is_applied(
    session: Session, proposal: FollowUpProposal, policy: FollowUpPolicy
) -> None:
    both = FollowUpChoices(links={"17.1": None}, counterpart_links={"17.1": "achieved"})
    first = apply(session, proposal, policy, both)
    assert first.updates_added == [f"{KEY}:17.1", f"{KEY}:17.1@counterpart"]
    assert [u.party for u in updates_of(session, "17.1")] == [Party.HOME, Party.COUNTERPART]

    again = apply(session, proposal, policy, both)
    assert (again.updates_added, again.changed) == ([], False)
    assert again.updates_unchanged == [f"{KEY}:17.1", f"{KEY}:17.1@counterpart"]
    assert len(updates_of(session, "17.1")) == 2

    # The home side's recorded from this text does not stand for the counterpart's: a text
    # first applied for one party can later be applied for the other.
    only_ours = FollowUpChoices(links={"7.5": None})
    apply(session, proposal, policy, only_ours)
    theirs = apply(session, proposal, policy, FollowUpChoices(counterpart_links={"7.5": None}))
    assert theirs.updates_added == [f"{KEY}:7.5@counterpart"]


def test_a_one_party_commitment_takes_no_counterpart_link_and_nothing_is_written(
    session: Session, proposal: FollowUpProposal, policy: FollowUpPolicy
) -> None:
    commitment = find_commitment(f"{KEY}:17.1", session=session)
    commitment.actors = "Korea"
    session.add(commitment)
    session.commit()
    before = (
        session.exec(select(func.count()).select_from(StatusUpdate)).one(),
        session.exec(select(func.count()).select_from(Meeting)).one(),
    )
    with pytest.raises(UpdateRefused) as caught:
        apply_follow_up(
            proposal,
            FollowUpChoices(
                meetings={1: None}, links={"7.5": None}, counterpart_links={"17.1": None}
            ),
            session=session,
            policy=policy,
            actor="정진우",
            today=TODAY,
        )
    session.rollback()
    assert str(caught.value) == (
        f"{KEY}:17.1: This commitment is one party's alone (Korea): there is no counterpart's "
        "progress to record."
    )
    after = (
        session.exec(select(func.count()).select_from(StatusUpdate)).one(),
        session.exec(select(func.count()).select_from(Meeting)).one(),
    )
    assert after == before
