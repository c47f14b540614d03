"""What a follow-up text proposes for the seed agreement, read without a database: the meetings it
reports (which mechanism, held or planned, when to the precision the text gives, where, which
session), the cadences it states and the commitments it advances, and the warnings an officer
needs when it proposes nothing.

The candidates are the seed's tracked commitments and the mechanisms they name, as the service
would load them (tracker.services.intake.load_candidates): parsed here from the seed's text.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from pathlib import Path

from tracker.domain import Cadence
from tracker.importer import parse_agreement
from tracker.intake.dates import Precision
from tracker.intake.proposals import (
    Candidates,
    CommitmentCandidate,
    FollowUpReading,
    IntakeRules,
    MechanismCandidate,
    read_follow_up,
)
from tracker.intake.reading import MeetingState, Suggestion
from tracker.intake.terms import shared_analyzer

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = FIXTURES / "corpus" / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
INTAKE = FIXTURES / "intake"
NEWS1 = INTAKE / "kr-ca_dg-2plus2-meeting_news1_2025-10-02_ko.txt"
CYBER = INTAKE / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
DG_NEXT_YEAR = INTAKE / "kr-ca_dg-dialogue_next-year_2026-09-10_ko.txt"
MINISTERIAL_EN = INTAKE / "kr-ca_2plus2-ministerial_2027-10-28_en.txt"
KR_UK = INTAKE / "kr-uk_cyber-consultation_2026-04-02_ko.txt"
UNRELATED = INTAKE / "unrelated_agriculture_2026-05-20_ko.txt"

SIGNED = date(2025, 10, 30)
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"
DIALOGUE = "국장급 외교·국방 정책 대화"
CYBER_CONSULTATION = "한-캐나다 사이버 정책협의회"
DEFENCE_INDUSTRY = "한-캐나다 방산군수 공동위원회"


@functools.cache
def seed_candidates(signed_on: date = SIGNED) -> Candidates:
    """The seed's tracked commitments (labelled kr-ca-2025:REF) and mechanisms, all Canada's."""
    parsed = parse_agreement(SEED.read_text(encoding="utf-8"))
    numbered = {m.name: (number, m) for number, m in enumerate(parsed.mechanisms, 1)}
    canada = frozenset({"CA"})
    commitments = tuple(
        CommitmentCandidate(
            id=number,
            label=f"kr-ca-2025:{c.ref}",
            text=c.text,
            signed_on=signed_on,
            partners=canada,
            mechanism_ids=frozenset(numbered[name][0] for name in c.mechanisms),
        )
        for number, c in enumerate((c for c in parsed.commitments if c.tracked), 1)
    )
    mechanisms = tuple(
        MechanismCandidate(
            id=number,
            label=m.name,
            names=tuple(dict.fromkeys(n for n in (m.name, m.name_en, *m.aliases) if n)),
            cadence=m.cadence,
            partners=canada,
        )
        for number, m in numbered.values()
    )
    return Candidates(commitments, mechanisms)


def read(
    path: Path | str,
    *,
    given: date | None = None,
    rules: IntakeRules | None = None,
    signed_on: date = SIGNED,
) -> FollowUpReading:
    text = path.read_text(encoding="utf-8") if isinstance(path, Path) else path
    return read_follow_up(
        text,
        candidates=seed_candidates(signed_on),
        analyzer=shared_analyzer(),
        rules=rules or IntakeRules(),
        given_date=given,
    )


def meetings(found: FollowUpReading) -> list[tuple[str, str, str | None, str, int | None]]:
    """(mechanism, held/planned, date as the text gives it, place, ordinal) of each meeting."""
    return [
        (m.mechanism.label, m.state.value, m.date.iso() if m.date else None, m.place, m.ordinal)
        for m in found.meetings
    ]


def links(found: FollowUpReading) -> dict[str, Suggestion | None]:
    return {
        link.commitment.label.removeprefix("kr-ca-2025:"): link.suggestion for link in found.links
    }


def codes(found: FollowUpReading) -> list[str]:
    return [w.message_id for w in found.warnings]


# --- the News1 report of the first director-general 2+2 meeting (2 October 2025) ----------------


def test_the_news1_report_proposes_the_dg_meeting_the_first_ministerial_and_the_next() -> None:
    found = read(NEWS1, given=date(2025, 10, 2))
    assert found.date is not None and found.date.iso() == "2025-10-02" and found.date_given
    assert found.counterparts == ("CA",)
    assert meetings(found) == [
        # "2일(현지시간) 오전 제1차 … 국장급 회의를 화상으로 개최하고"
        (DIALOGUE, "held", "2025-10-02", "화상", 1),
        # "작년 11월 출범한 장관급 회의": November 2024, and no day is invented for it.
        (TWO_PLUS_TWO, "held", "2024-11", "", None),
        # "제2차 장관회의 개최를 조속히 추진": planned, the text gives no date.
        (TWO_PLUS_TWO, "planned", None, "", 2),
    ]
    held_2024 = found.meetings[1]
    assert held_2024.date is not None and held_2024.date.precision is Precision.MONTH
    assert "작년 11월 출범한 장관급 회의" in held_2024.sentence


def test_the_news1_report_predates_the_signing_so_it_links_nothing_and_says_so() -> None:
    found = read(NEWS1, given=date(2025, 10, 2))
    assert found.links == ()
    (warning,) = found.warnings
    assert warning.message_id == "warning.intake.before_signing"
    assert dict(warning.fields) == {"on": "2025-10-02", "signed_on": "2025-10-30"}
    assert "before the agreement was signed (2025-10-30)" in warning.describe("en")


def test_had_the_partnership_been_signed_earlier_the_same_report_would_advance_its_reviews() -> (
    None
):
    found = read(NEWS1, given=date(2025, 10, 2), signed_on=date(2025, 9, 1))
    assert "warning.intake.before_signing" not in codes(found)
    proposed = links(found)
    # 24.1: the areas are reviewed in the policy dialogue; 21.1: space security within it.
    assert {"24.1", "21.1"} <= proposed.keys()
    assert proposed["24.1"] is Suggestion.ONGOING
    # "사이버정책협의회를 조속히 출범시키고 … 이행하기로 했다": the consultation is to come.
    assert proposed["17.1"] is Suggestion.IN_PROGRESS


def test_without_a_date_the_news1_report_dates_nothing_and_asks_for_one() -> None:
    found = read(NEWS1)
    assert found.date is None and not found.date_given
    assert "warning.intake.no_date" in codes(found)
    # "2일" and "작년 11월" mean nothing without the day the article was published.
    assert [m.date for m in found.meetings] == [None, None, None]
    assert [m.state for m in found.meetings] == [
        MeetingState.HELD,
        MeetingState.HELD,
        MeetingState.PLANNED,
    ]


# --- the seed's own follow-ups -------------------------------------------------------------------


def test_the_first_cyber_consultation_its_cadence_and_the_commitments_it_advances() -> None:
    found = read(CYBER)
    assert found.date is not None and found.date.iso() == "2026-03-13" and not found.date_given
    # The headline ("제1차 … 정책협의회 개최") and the body report the same meeting: one.
    assert meetings(found) == [
        (CYBER_CONSULTATION, "held", "2026-03-12", "오타와", 1),
        (CYBER_CONSULTATION, "planned", "2027", "서울", 2),
    ]
    assert found.meetings[1].date is not None
    assert found.meetings[1].date.precision is Precision.YEAR
    ((mechanism, cadence),) = [(c.mechanism.label, c.cadence) for c in found.cadences]
    assert (mechanism, cadence) == (CYBER_CONSULTATION, Cadence.ANNUAL)
    assert found.cadences[0].mechanism.cadence is Cadence.UNKNOWN  # the seed did not say
    proposed = links(found)
    assert proposed["17.1"] is Suggestion.ONGOING  # the consultation it foresaw, held
    assert proposed["18.1"] is Suggestion.IN_PROGRESS  # AI information sharing, to expand
    assert proposed["7.5"] is Suggestion.ACHIEVED  # the special forces MOU, signed that day
    best = found.links[0]
    assert best.commitment.label == "kr-ca-2025:17.1"
    assert best.score == 1.0
    assert best.mechanisms == (CYBER_CONSULTATION,)
    assert {"사이버", "협의회"} <= set(best.words)
    assert found.warnings == ()


def test_a_next_meeting_given_only_by_year_keeps_the_year() -> None:
    found = read(DG_NEXT_YEAR)
    assert meetings(found)[1] == (TWO_PLUS_TWO, "planned", "2027", "오타와", None)
    assert found.meetings[1].date is not None
    assert found.meetings[1].date.precision is Precision.YEAR
    # "9월 9일 … 정책 대화를 개최하고": the day before the release, to the day.
    assert meetings(found)[0][:3] == (DIALOGUE, "held", "2026-09-09")
    assert len(found.meetings) == 2


def test_the_dialogue_held_in_seoul_is_placed_in_seoul() -> None:
    assert read(DG_NEXT_YEAR).meetings[0].place == "서울"


def test_the_english_statement_of_the_second_ministerial() -> None:
    found = read(MINISTERIAL_EN)
    assert found.date is not None and found.date.iso() == "2027-10-28"
    assert meetings(found) == [
        (TWO_PLUS_TWO, "held", "2027-10-28", "Seoul", 2),
        (DEFENCE_INDUSTRY, "held", "2027-06", "Ottawa", None),
        (TWO_PLUS_TWO, "planned", "2029", "Ottawa", None),
    ]
    # The commitments are Korean: the mechanisms the statement names are what links them.
    proposed = {link.commitment.label: link.mechanisms for link in found.links}
    assert proposed["kr-ca-2025:24.1"] == (TWO_PLUS_TWO,)
    assert proposed["kr-ca-2025:8.1"] == (DEFENCE_INDUSTRY,)


# --- counterparts and unrelated texts -----------------------------------------------------------


def test_a_korea_uk_consultation_proposes_nothing_for_canada_and_says_why() -> None:
    found = read(KR_UK)
    assert found.counterparts == ("GB",)
    assert found.meetings == () and found.links == () and found.cadences == ()
    meeting, sentences = found.warnings
    assert meeting.message_id == "warning.intake.other_counterpart_meeting"
    assert dict(meeting.fields) == {
        "name": "제3차 한-영 사이버정책협의회",
        "mechanism": CYBER_CONSULTATION,
        "countries": ["영국"],
    }
    assert sentences.message_id == "warning.intake.other_counterpart_sentences"
    assert dict(sentences.fields) == {"countries": ["영국"]}


def test_in_a_canada_text_the_sentence_about_the_uk_is_left_out() -> None:
    text = (
        "한-캐나다 안보·국방 협력 점검\n"
        "외교부 보도자료 2026년 6월 5일\n\n"
        "외교부는 6월 4일 캐나다 측과 군사 분야에서의 인공지능 및 자율체계의 책임있는 이용에 "
        "관한 정보 공유를 확대하기로 하였다.\n"
        "한편 외교부는 한-영 사이버정책협의회를 개최하고 사이버 위협 환경과 관련 정책 "
        "프레임워크에 대한 정례 교류를 이어갔다.\n"
    )
    found = read(text)
    assert found.counterparts == ("CA", "GB")
    proposed = links(found)
    assert proposed["18.1"] is Suggestion.IN_PROGRESS
    # The UK consultation shares most of 17.1's words, and is still not Canada's.
    assert "17.1" not in proposed
    assert found.meetings == ()
    assert "warning.intake.other_counterpart_sentences" in codes(found)
    assert "warning.intake.other_counterpart_meeting" in codes(found)


def test_an_unrelated_press_release_proposes_nothing() -> None:
    found = read(UNRELATED)
    assert found.counterparts == ()
    assert found.meetings == () and found.links == () and found.cadences == ()
    # It does report a meeting, of no body followed here.
    assert [(w.message_id, dict(w.fields)) for w in found.warnings] == [
        ("warning.intake.unknown_mechanism", {"name": "쌀 수급 안정 대책회의"})
    ]


# --- the rules --------------------------------------------------------------------------------


def test_a_higher_threshold_proposes_only_the_surer_links() -> None:
    every = read(CYBER)
    sure = read(CYBER, rules=IntakeRules(threshold=0.95))
    assert [link.commitment.label for link in sure.links] == ["kr-ca-2025:17.1"]
    assert len(every.links) > len(sure.links)
    assert all(link.score >= IntakeRules().threshold for link in every.links)
    # The meetings do not depend on the links' threshold.
    assert sure.meetings == every.meetings


def test_links_are_capped_per_sentence_and_in_all_best_first() -> None:
    every = read(DG_NEXT_YEAR)
    scores = [link.score for link in every.links]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 3
    capped = read(DG_NEXT_YEAR, rules=replace(IntakeRules(), max_links=2))
    assert [link.commitment.label for link in capped.links] == [
        link.commitment.label for link in every.links[:2]
    ]
    one_each = read(DG_NEXT_YEAR, rules=replace(IntakeRules(), per_sentence=1))
    sentences = [link.sentence for link in one_each.links]
    assert len(sentences) == len(set(sentences))
    assert len(one_each.links) < len(every.links)
