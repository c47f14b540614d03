"""What a director sees when listing agreements, commitments and mechanisms."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.factories import add_two_agreements
from tracker.domain import Strength
from tracker.errors import NotFound
from tracker.services.agreements import list_agreements
from tracker.services.commitments import list_commitments
from tracker.services.mechanisms import list_mechanisms


@pytest.fixture
def two_agreements(session: Session) -> Session:
    add_two_agreements(session)
    return session


def test_agreements_come_newest_first_with_their_counts(two_agreements: Session) -> None:
    agreements = list_agreements(session=two_agreements)
    assert [a.key for a in agreements] == ["kr-ca-2025", "kr-au-2024"]
    canada = agreements[0]
    assert (canada.clause_count, canada.commitment_count, canada.tracked_count) == (3, 4, 2)


def test_agreements_filter_by_country_field_year_and_title(two_agreements: Session) -> None:
    assert [a.key for a in list_agreements(session=two_agreements, country="호주")] == [
        "kr-au-2024"
    ]
    assert [a.key for a in list_agreements(session=two_agreements, year=2025)] == ["kr-ca-2025"]
    assert [a.key for a in list_agreements(session=two_agreements, field="항공우주")] == [
        "kr-ca-2025"
    ]
    assert [a.key for a in list_agreements(session=two_agreements, search="MOU")] == ["kr-au-2024"]
    assert list_agreements(session=two_agreements, year=1999) == []


def test_commitments_list_in_document_order_with_their_mechanisms(two_agreements: Session) -> None:
    commitments = list_commitments(session=two_agreements, agreement="kr-ca-2025")
    assert [c.ref for c in commitments] == ["1.1", "2.1", "2.2", "3.1"]
    assert commitments[1].mechanisms == ["외교·국방장관 2+2 회의"]
    assert commitments[1].clause == "2"
    assert commitments[1].agreement_key == "kr-ca-2025"


def test_commitments_filter_by_tracked_and_strength(two_agreements: Session) -> None:
    tracked = list_commitments(session=two_agreements, agreement="kr-ca-2025", tracked=True)
    assert [c.ref for c in tracked] == ["2.1", "2.2"]
    untracked = list_commitments(session=two_agreements, agreement="kr-ca-2025", tracked=False)
    assert [c.strength for c in untracked] == [Strength.DECLARATORY, Strength.PERMISSIVE]
    best_effort = list_commitments(session=two_agreements, strength=Strength.BEST_EFFORT)
    assert [c.ref for c in best_effort] == ["2.2"]


def test_a_mechanism_is_found_by_any_of_its_names_across_agreements(
    two_agreements: Session,
) -> None:
    for spelling in (
        "2+2",
        "외교·국방장관 2+2 회의",
        "외교ㆍ국방장관  2+2 회의",
        "foreign and defence ministers' meeting",
    ):
        found = list_commitments(session=two_agreements, mechanism=spelling)
        assert [(c.agreement_key, c.ref) for c in found] == [
            ("kr-ca-2025", "2.1"),
            ("kr-au-2024", "1.1"),
        ], spelling


def test_an_unknown_agreement_or_mechanism_is_a_clear_error(two_agreements: Session) -> None:
    with pytest.raises(NotFound, match="no agreement 'kr-jp-1999'"):
        list_commitments(session=two_agreements, agreement="kr-jp-1999")
    with pytest.raises(NotFound, match="no mechanism '3\\+3'"):
        list_commitments(session=two_agreements, mechanism="3+3")


def test_mechanisms_show_their_aliases_and_reporting_line(two_agreements: Session) -> None:
    mechanisms = {m.name: m for m in list_mechanisms(session=two_agreements)}
    two_plus_two = mechanisms["외교·국방장관 2+2 회의"]
    assert two_plus_two.aliases == ["2+2", "Foreign and Defence Ministers' Meeting"]
    assert mechanisms["국장급 외교·국방 정책 대화"].reports_to_id == two_plus_two.id
