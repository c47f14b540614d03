"""Follow-up intake against the database: a press release after a meeting becomes proposals for
the seed agreement, and what the officer confirms becomes a meeting, status updates with the text
as their evidence, and one history entry saying where they came from; nothing else, and nothing
twice.

Each test starts from a fresh database with the seed (kr-ca-2025); the same tests run on
PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from tests.factories import add_agreement
from tracker.config import load_settings
from tracker.domain import EvidenceKind, Strength, UpdateSource
from tracker.intake.dates import Precision
from tracker.intake.proposals import IntakeRules
from tracker.intake.reading import MeetingState
from tracker.intake.terms import shared_analyzer
from tracker.models import (
    Agreement,
    ChangeRecord,
    Evidence,
    Mechanism,
    Meeting,
    ReviewCycle,
    StatusUpdate,
)
from tracker.services.intake import (
    FollowUpChoices,
    FollowUpOutcome,
    FollowUpProposal,
    IntakeRefused,
    apply_follow_up,
    intake_rules,
    propose_follow_up,
    text_digest,
)
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy, UnknownStatus

KEY = "kr-ca-2025"
INTAKE = Path(__file__).parents[1] / "fixtures" / "intake"
CYBER = INTAKE / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
DG_NEXT_YEAR = INTAKE / "kr-ca_dg-dialogue_next-year_2026-09-10_ko.txt"
MINISTERIAL_EN = INTAKE / "kr-ca_2plus2-ministerial_2027-10-28_en.txt"
MINISTERIAL_HELD = INTAKE / "kr-ca_2plus2-ministerial-held_2027-05-21_ko.txt"
NEWS1 = INTAKE / "kr-ca_dg-2plus2-meeting_news1_2025-10-02_ko.txt"
KR_UK = INTAKE / "kr-uk_cyber-consultation_2026-04-02_ko.txt"
UNRELATED = INTAKE / "unrelated_agriculture_2026-05-20_ko.txt"
PRESS_RELEASE = "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376001"

CYBER_CONSULTATION = "한-캐나다 사이버 정책협의회"
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"
OFFICER = "정진우"


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence")


def propose(
    session: Session,
    path: Path,
    *,
    key: str | None = KEY,
    rules: IntakeRules | None = None,
    given: date | None = None,
) -> FollowUpProposal:
    return propose_follow_up(
        path.read_text(encoding="utf-8"),
        session=session,
        analyzer=shared_analyzer(),
        rules=rules or IntakeRules(),
        agreement_key=key,
        given_date=given,
        source_name=path.name,
    )


def attempt(
    session: Session,
    proposal: FollowUpProposal,
    policy: FollowUpPolicy,
    today: date,
    **chosen: object,
) -> FollowUpOutcome:
    """Apply what the officer ticked, in the test's open transaction (not committed)."""
    return apply_follow_up(
        proposal,
        FollowUpChoices(**chosen),  # type: ignore[arg-type]
        session=session,
        policy=policy,
        actor=OFFICER,
        today=today,
    )


def confirm(
    session: Session,
    proposal: FollowUpProposal,
    policy: FollowUpPolicy,
    *,
    today: date,
    meetings: dict[int, date | None] | None = None,
    links: dict[str, str | None] | None = None,
    cadences: frozenset[int] = frozenset(),
    source_url: str = "",
) -> FollowUpOutcome:
    """Apply what the officer ticked and commit, as the CLI and the web do."""
    outcome = attempt(
        session,
        proposal,
        policy,
        today,
        meetings=meetings or {},
        links=links or {},
        cadences=cadences,
        source_url=source_url,
    )
    session.commit()
    return outcome


@dataclass(frozen=True)
class Counts:
    meetings: int
    updates: int
    evidence: int
    changes: int
    cycles: int


def counts(session: Session) -> Counts:
    def rows(model: type) -> int:
        return session.exec(select(func.count()).select_from(model)).one()

    return Counts(
        rows(Meeting), rows(StatusUpdate), rows(Evidence), rows(ChangeRecord), rows(ReviewCycle)
    )


def meetings_of(session: Session, name: str) -> list[Meeting]:
    mechanism = session.exec(select(Mechanism).where(Mechanism.name == name)).one()
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.mechanism_id == mechanism.id)
            .order_by(col(Meeting.held_on))
        ).all()
    )


def updates_of(session: Session, reference: str) -> list[StatusUpdate]:
    commitment = find_commitment(reference, session=session)
    return list(
        session.exec(
            select(StatusUpdate)
            .where(StatusUpdate.commitment_id == commitment.id)
            .order_by(col(StatusUpdate.id))
        ).all()
    )


def codes(proposal: FollowUpProposal) -> list[str]:
    return [w.message_id for w in proposal.reading.warnings]


def refusal(error: pytest.ExceptionInfo[IntakeRefused]) -> tuple[str, dict[str, object]]:
    return error.value.code, dict(error.value.fields)


# --- proposing --------------------------------------------------------------------------------


def test_the_cyber_consultation_release_proposes_its_meetings_cadence_and_links(
    session: Session, seed: Agreement
) -> None:
    proposal = propose(session, CYBER)
    assert (proposal.agreement_key, proposal.agreements) == (KEY, 1)
    found = proposal.reading
    assert found.date is not None and found.date.iso() == "2026-03-13"
    held, planned = found.meetings
    assert (held.mechanism.label, held.state, held.place, held.ordinal) == (
        CYBER_CONSULTATION,
        MeetingState.HELD,
        "오타와",
        1,
    )
    assert held.date is not None and held.date.iso() == "2026-03-12"
    # "제2차 회의는 내년 서울에서 개최하기로": the year only, as the text says it.
    assert planned.state is MeetingState.PLANNED and planned.ordinal == 2
    assert planned.date is not None and planned.date.precision is Precision.YEAR
    assert planned.date.iso() == "2027"
    ((mechanism, cadence),) = [(c.mechanism.label, c.cadence.value) for c in found.cadences]
    assert (mechanism, cadence) == (CYBER_CONSULTATION, "annual")
    labels = [link.commitment.label for link in found.links]
    assert labels[0] == f"{KEY}:17.1"
    assert {f"{KEY}:7.5", f"{KEY}:18.1"} <= set(labels)
    assert found.warnings == ()


def test_without_an_agreement_the_agreements_with_the_texts_counterpart_are_read(
    session: Session, seed: Agreement
) -> None:
    add_agreement(
        session,
        key="kr-au-2026",
        title="한-호주 국방 협력 양해각서",
        countries="호주",
        signed_on=date(2026, 1, 15),
        clauses=[
            (
                "1",
                [
                    (
                        "양국은 사이버 위협 환경 및 정책 프레임워크에 대해 협의할 것이다.",
                        Strength.FIRM,
                    )
                ],
            )
        ],
    )
    session.commit()
    proposal = propose(session, CYBER, key=None)
    # Canada is named; Australia is not, however many words its commitment shares.
    assert (proposal.agreement_key, proposal.agreements) == (None, 1)
    labels = {link.commitment.label for link in proposal.reading.links}
    assert f"{KEY}:17.1" in labels
    assert not any(label.startswith("kr-au-2026:") for label in labels)


def test_a_korea_uk_consultation_proposes_nothing_for_the_canada_partnership_and_says_why(
    session: Session, seed: Agreement
) -> None:
    proposal = propose(session, KR_UK)
    found = proposal.reading
    assert found.meetings == () and found.links == () and found.cadences == ()
    assert codes(proposal) == [
        "warning.intake.other_counterpart_meeting",
        "warning.intake.other_counterpart_sentences",
        "warning.intake.nothing_proposed",
    ]
    # Without an agreement named, no agreement with the United Kingdom is followed here.
    alone = propose(session, KR_UK, key=None)
    assert alone.agreements == 0
    assert alone.reading.links == () and alone.reading.meetings == ()
    assert "warning.intake.nothing_proposed" in codes(alone)


def test_an_unrelated_release_proposes_nothing(session: Session, seed: Agreement) -> None:
    proposal = propose(session, UNRELATED)
    assert proposal.reading.meetings == () and proposal.reading.links == ()
    assert codes(proposal) == [
        "warning.intake.unknown_mechanism",
        "warning.intake.nothing_proposed",
    ]
    alone = propose(session, UNRELATED, key=None)
    assert alone.agreements == 0
    assert "warning.intake.no_counterpart" in codes(alone)


def test_a_threshold_raised_in_the_settings_proposes_fewer_links(
    session: Session, seed: Agreement, config_file: Path
) -> None:
    default = propose(session, CYBER, rules=intake_rules(load_settings(config_file)))
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "[intake]\nthreshold = 0.95\n", encoding="utf-8"
    )
    strict = propose(session, CYBER, rules=intake_rules(load_settings(config_file)))
    assert len(default.reading.links) >= 3
    assert [link.commitment.label for link in strict.reading.links] == [f"{KEY}:17.1"]
    assert strict.reading.meetings == default.reading.meetings


def test_a_text_before_the_signing_warns_and_links_nothing(
    session: Session, seed: Agreement
) -> None:
    proposal = propose(session, NEWS1, given=date(2025, 10, 2))
    assert proposal.reading.links == ()
    assert len(proposal.reading.meetings) == 3
    assert codes(proposal) == ["warning.intake.before_signing"]


# --- applying ---------------------------------------------------------------------------------


def test_confirming_the_meeting_and_two_links_records_them_with_the_text_as_evidence(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, CYBER)
    sentences = {link.commitment.label: link.sentence for link in proposal.reading.links}
    outcome = confirm(
        session,
        proposal,
        policy,
        today=date(2026, 3, 20),
        meetings={1: None},
        links={"17.1": None, "7.5": None},
        source_url=PRESS_RELEASE,
    )
    assert outcome.changed
    assert outcome.updates_added == [f"{KEY}:17.1", f"{KEY}:7.5"]

    (meeting,) = meetings_of(session, CYBER_CONSULTATION)
    assert outcome.meetings_added == [meeting.id]
    assert (meeting.held_on, meeting.planned, meeting.place, meeting.title) == (
        date(2026, 3, 12),
        False,
        "오타와",
        "제1차",
    )
    assert "제1차 한-캐나다 사이버 정책협의회를 개최하고" in meeting.note

    text = CYBER.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text_digest(text) == digest
    for reference, status in (("17.1", "ongoing"), ("7.5", "achieved")):
        (update,) = updates_of(session, f"{KEY}:{reference}")
        assert (update.status, update.as_of, update.source, update.author) == (
            status,
            date(2026, 3, 13),  # the release's date, not the day it was applied
            UpdateSource.FOLLOW_UP,
            OFFICER,
        )
        assert update.narrative == sentences[f"{KEY}:{reference}"]
        evidence = session.exec(
            select(Evidence)
            .where(Evidence.status_update_id == update.id)
            .order_by(col(Evidence.id))
        ).all()
        assert {(e.kind, e.url) for e in evidence if e.kind is EvidenceKind.LINK} == {
            (EvidenceKind.LINK, PRESS_RELEASE)
        }
        (kept,) = [e for e in evidence if e.kind is EvidenceKind.FILE]
        assert (kept.file_name, kept.sha256) == (CYBER.name, digest)
        stored = policy.evidence_dir / kept.stored_path
        assert stored.read_text(encoding="utf-8") == text
        commitment = find_commitment(f"{KEY}:{reference}", session=session)
        assert (commitment.status, commitment.status_as_of) == (status, date(2026, 3, 13))
    assert "체결했다" in updates_of(session, f"{KEY}:7.5")[0].narrative

    (change,) = session.exec(
        select(ChangeRecord).where(
            ChangeRecord.entity == "agreement",
            ChangeRecord.entity_id == seed.id,
            ChangeRecord.action == "follow-up applied",
        )
    ).all()
    assert change.actor == OFFICER
    assert change.detail["sha256"] == digest
    assert change.detail["source"] == CYBER.name
    assert change.detail["date"] == "2026-03-13"
    assert change.detail["commitments"] == ["17.1", "7.5"]
    assert change.detail["meetings"] == [meeting.id]


def test_applying_the_same_text_again_changes_nothing(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    def meeting_links_and_cadence(today: date) -> FollowUpOutcome:
        return confirm(
            session,
            propose(session, CYBER),
            policy,
            today=today,
            meetings={1: None},
            links={"17.1": None, "18.1": None},
            cadences=frozenset({1}),
        )

    first = meeting_links_and_cadence(date(2026, 3, 20))
    assert first.changed and first.cadences_changed == [CYBER_CONSULTATION]
    before = counts(session)

    again = meeting_links_and_cadence(date(2026, 4, 1))
    assert not again.changed
    assert again.meetings_added == [] and again.meetings_unchanged == first.meetings_added
    assert again.updates_added == []
    assert again.updates_unchanged == [f"{KEY}:17.1", f"{KEY}:18.1"]
    assert again.cadences_changed == []
    assert counts(session) == before


def test_a_held_2plus2_closes_the_open_review_cycle_as_meetings_add_held_does(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, MINISTERIAL_EN)
    first = proposal.reading.meetings[0]
    assert (first.mechanism.label, first.state, first.ordinal) == (
        TWO_PLUS_TWO,
        MeetingState.HELD,
        2,
    )
    outcome = confirm(session, proposal, policy, today=date(2027, 11, 2), meetings={1: None})
    (meeting,) = meetings_of(session, TWO_PLUS_TWO)
    assert outcome.meetings_added == [meeting.id]
    assert (meeting.held_on, meeting.place, meeting.title) == (date(2027, 10, 28), "Seoul", "No. 2")
    cycles = session.exec(
        select(ReviewCycle)
        .where(ReviewCycle.agreement_id == seed.id)
        .order_by(col(ReviewCycle.number))
    ).all()
    assert [(c.number, c.starts_on, c.ends_on) for c in cycles] == [
        (1, date(2025, 10, 30), date(2027, 10, 28)),
        (2, date(2027, 10, 28), None),
    ]
    actions = session.exec(
        select(ChangeRecord.action).where(
            ChangeRecord.entity == "agreement", ChangeRecord.entity_id == seed.id
        )
    ).all()
    assert "cycle" in actions and "follow-up applied" in actions


def test_a_planned_meeting_known_only_by_year_needs_a_day_inside_that_year(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, DG_NEXT_YEAR)
    planned = proposal.reading.meetings[1]
    assert (planned.mechanism.label, planned.state) == (TWO_PLUS_TWO, MeetingState.PLANNED)
    assert planned.date is not None and planned.date.iso() == "2027"
    today = date(2026, 9, 15)
    before = counts(session)

    with pytest.raises(IntakeRefused) as needs_day:
        attempt(session, proposal, policy, today, meetings={2: None})
    assert refusal(needs_day) == (
        "intake.meeting_needs_day",
        {"number": 2, "mechanism": TWO_PLUS_TWO, "known": "2027"},
    )
    with pytest.raises(IntakeRefused) as outside:
        attempt(session, proposal, policy, today, meetings={2: date(2028, 3, 1)})
    assert refusal(outside) == (
        "intake.meeting_day_outside",
        {"number": 2, "on": date(2028, 3, 1), "known": "2027"},
    )
    assert counts(session) == before

    outcome = confirm(session, proposal, policy, today=today, meetings={2: date(2027, 5, 20)})
    (meeting,) = meetings_of(session, TWO_PLUS_TWO)
    assert outcome.meetings_added == [meeting.id]
    assert (meeting.held_on, meeting.planned, meeting.place) == (date(2027, 5, 20), True, "오타와")
    # Planned, so the review cycle stays open.
    assert session.exec(
        select(ReviewCycle.ends_on).where(ReviewCycle.agreement_id == seed.id)
    ).all() in ([], [None])


def test_a_link_that_was_not_proposed_is_refused_and_nothing_is_written(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, CYBER)
    proposed = {link.commitment.label for link in proposal.reading.links}
    assert f"{KEY}:3.2" not in proposed
    before = counts(session)
    with pytest.raises(IntakeRefused) as refused:
        attempt(
            session,
            proposal,
            policy,
            date(2026, 3, 20),
            meetings={1: None},
            links={"17.1": None, "3.2": None},
            source_url=PRESS_RELEASE,
        )
    assert refusal(refused) == ("intake.unknown_link", {"commitment": "3.2"})
    # Checked before anything was written: not even flushed into this transaction.
    assert counts(session) == before
    assert not policy.evidence_dir.exists() or not any(policy.evidence_dir.rglob("*"))
    session.rollback()
    assert counts(session) == before


def test_an_unknown_meeting_number_or_status_is_refused(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, CYBER)
    before = counts(session)
    with pytest.raises(IntakeRefused) as meeting:
        attempt(session, proposal, policy, date(2026, 3, 20), meetings={7: None})
    assert refusal(meeting) == ("intake.unknown_meeting", {"number": 7, "count": 2})
    with pytest.raises(UnknownStatus) as status:
        attempt(session, proposal, policy, date(2026, 3, 20), links={"17.1": "finished-ish"})
    assert status.value.code == "status.unknown"
    assert counts(session) == before


def test_the_officer_may_choose_another_status_than_the_one_suggested(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, CYBER)
    suggested = {link.commitment.label: link.suggestion for link in proposal.reading.links}
    assert suggested[f"{KEY}:18.1"] is not None and suggested[f"{KEY}:18.1"].value == "in_progress"
    confirm(session, proposal, policy, today=date(2026, 3, 20), links={"18.1": "진행 중"})
    dialogue = propose(session, DG_NEXT_YEAR)
    confirm(session, dialogue, policy, today=date(2026, 9, 15), links={f"{KEY}:21.1": "achieved"})
    assert [u.status for u in updates_of(session, f"{KEY}:18.1")] == ["in_progress"]
    assert [(u.status, u.as_of) for u in updates_of(session, f"{KEY}:21.1")] == [
        ("achieved", date(2026, 9, 10))
    ]


def test_links_need_the_texts_date_to_the_day(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    # The News1 article names no date of its own: linked as if signed, it cannot be applied.
    proposal = propose(session, NEWS1)
    assert proposal.reading.date is None and proposal.reading.links
    label = proposal.reading.links[0].commitment.label
    with pytest.raises(IntakeRefused) as refused:
        attempt(session, proposal, policy, date(2026, 3, 20), links={label: None})
    assert refused.value.code == "intake.no_date"
    assert session.exec(select(func.count()).select_from(StatusUpdate)).one() == 0


def test_confirmed_links_without_an_agreement_name_their_agreement(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    proposal = propose(session, CYBER, key=None)
    outcome = confirm(
        session, proposal, policy, today=date(2026, 3, 20), links={f"{KEY}:17.1": None}
    )
    assert outcome.updates_added == [f"{KEY}:17.1"]
    (change,) = session.exec(
        select(ChangeRecord).where(ChangeRecord.action == "follow-up applied")
    ).all()
    assert (change.entity, change.entity_id) == ("agreement", seed.id)
    assert change.detail["commitments"] == ["17.1"]


def test_the_planned_ministerial_reported_held_later_is_marked_held_and_closes_the_cycle(
    session: Session, seed: Agreement, policy: FollowUpPolicy
) -> None:
    # September 2026: the next 2+2 is planned for 2027; the officer learns the day, 20 May.
    planned = propose(session, DG_NEXT_YEAR)
    confirm(session, planned, policy, today=date(2026, 9, 15), meetings={2: date(2027, 5, 20)})
    (meeting,) = meetings_of(session, TWO_PLUS_TWO)
    assert meeting.planned

    # May 2027: the release of the meeting itself.
    held = propose(session, MINISTERIAL_HELD)
    assert [(m.state, m.date.iso() if m.date else None) for m in held.reading.meetings] == [
        (MeetingState.HELD, "2027-05-20")
    ]
    outcome = confirm(session, held, policy, today=date(2027, 5, 22), meetings={1: None})
    assert outcome.meetings_added == [] and outcome.meetings_held == [meeting.id]
    session.refresh(meeting)
    assert not meeting.planned
    assert meetings_of(session, TWO_PLUS_TWO) == [meeting]
    cycles = session.exec(
        select(ReviewCycle.number, ReviewCycle.ends_on)
        .where(ReviewCycle.agreement_id == seed.id)
        .order_by(col(ReviewCycle.number))
    ).all()
    assert [tuple(c) for c in cycles] == [(1, date(2027, 5, 20)), (2, None)]
