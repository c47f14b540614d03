"""A digest stays short however many commitments an officer owns: counts, the most urgent few,
how many were left out, and the way to the full list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from sqlalchemy import update
from sqlmodel import Session, col

from tests.factories import import_seed, plan_two_plus_two
from tracker.config import Settings
from tracker.digests.compose import ComposedMail, preview
from tracker.digests.content import urgency
from tracker.domain import Attention, Language
from tracker.importer import parse_agreement
from tracker.models import Commitment, Officer, OfficerCreate, StatusUpdateCreate
from tracker.services.import_sources import sample_source
from tracker.services.imports import import_agreement
from tracker.services.lookup import find_commitment
from tracker.services.owners import add_officer
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY = datetime(2027, 1, 18, 9, 0, tzinfo=SEOUL)


def _officer_with_due_commitments(session: Session, *, agreements: int) -> Officer:
    """An officer owning every tracked commitment of `agreements` copies of the seed, all due:
    the 2+2 that reviews them meets on 2027-02-25, 38 days after the digest."""
    import_seed(session)
    for number in range(1, agreements):
        text = sample_source().replace("파트너십 수립", f"파트너십 수립 {number}", 1)
        text = text.replace("1. 대한민국(한국)과", f"1. 대한민국(한국)과 ({number})", 1)
        import_agreement(
            parse_agreement(text),
            session=session,
            source_name=f"copy-{number}.txt",
            key=f"c-{number}",
        )
    officer = add_officer(
        OfficerCreate(name="박서연", email="sy.park@mofa.go.kr"), session=session, actor="admin"
    )
    session.execute(
        update(Commitment).where(col(Commitment.tracked).is_(True)).values(owner_id=officer.id)
    )
    plan_two_plus_two(session)
    session.commit()
    return officer


def _listed(mail: ComposedMail, heading: str) -> list[str]:
    """The commitment references listed under one section of the text part."""
    section = mail.text.split(f"== {heading}", 1)[1].split("\n== ", 1)[0]
    return re.findall(r"^  \* (\S+:\S+) \[", section, flags=re.MULTILINE)


def test_a_digest_of_300_due_commitments_lists_20_and_says_how_many_it_left_out(
    session: Session, settings: Settings
) -> None:
    officer = _officer_with_due_commitments(session, agreements=9)
    mail = preview(officer, session=session, settings=settings, now=MONDAY)
    assert mail is not None
    assert "\n회의 임박: 324건\n" in mail.text
    assert len(_listed(mail, "회의 임박 (324건)")) == 20
    assert "외 304건: http://127.0.0.1:8000/?flag=due" in mail.text
    assert mail.html.count("<li><a href=") == 20
    assert (
        ">회의 임박 (324건)</h2>" in mail.html
        and '<a href="http://127.0.0.1:8000/?flag=due">외 304건</a>' in mail.html
    )
    assert len(mail.html.encode()) <= 60_000

    officer.language = Language.EN
    english = preview(officer, session=session, settings=settings, now=MONDAY)
    assert english is not None
    assert "\nMeeting soon: 324\n" in english.text
    assert "and 304 more: http://127.0.0.1:8000/?flag=due" in english.text
    assert ">and 304 more</a>" in english.html


def test_the_cap_comes_from_the_settings(session: Session, settings: Settings) -> None:
    officer = _officer_with_due_commitments(session, agreements=1)
    capped = settings.model_copy(
        update={"digests": settings.digests.model_copy(update={"max_items": 5})}
    )
    mail = preview(officer, session=session, settings=capped, now=MONDAY)
    assert mail is not None
    assert len(_listed(mail, "회의 임박 (36건)")) == 5
    assert "외 31건" in mail.text


def test_the_most_urgent_commitment_comes_first(session: Session, settings: Settings) -> None:
    officer = _officer_with_due_commitments(session, agreements=1)
    colleague = add_officer(OfficerCreate(name="김하늘"), session=session, actor="admin")
    for reference, status, day in (
        ("kr-ca-2025:7.1", "in_progress", date(2027, 1, 14)),  # reported last week
        ("kr-ca-2025:9.2", "stalled", date(2027, 1, 15)),  # stuck: before all the quiet ones
        ("kr-ca-2025:7.2", "in_progress", date(2027, 1, 12)),  # reported before 7.1
    ):
        with freeze_time(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=3)):
            record_status_update(
                find_commitment(reference, session=session),
                StatusUpdateCreate(status=status, as_of=day),
                session=session,
                policy=FollowUpPolicy(),
                author=colleague.name,
                author_id=colleague.id,
                today=day,
            )
    session.commit()
    mail = preview(officer, session=session, settings=settings, now=MONDAY)
    assert mail is not None
    due = _listed(mail, "회의 임박 (36건)")
    assert due[0] == "kr-ca-2025:9.2"
    assert due[1] not in {"kr-ca-2025:7.1", "kr-ca-2025:7.2"}  # never reported: quiet longest
    # The changes by others, most urgent first too: the stalled one, then the quieter one.
    changed = _listed(mail, "다른 사람이 변경 (3건)")
    assert changed == ["kr-ca-2025:9.2", "kr-ca-2025:7.2", "kr-ca-2025:7.1"]


def test_urgency_puts_overdue_reviews_first_then_soonest_then_stalled_then_quiet_longest() -> None:
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    lately = datetime(2026, 12, 1, tzinfo=UTC)

    def commitment(ref: str, *, last: datetime) -> Commitment:
        return Commitment(
            ref=ref,
            text="",
            agreement_id=1,
            clause_id=1,
            span_start=int(ref),
            span_end=0,
            created_at=long_ago,
            last_update_at=last,
        )

    overdue = (commitment("1", last=lately), [Attention.DUE], date(2026, 11, 30))
    next_month = (
        commitment("2", last=long_ago),
        [Attention.DUE, Attention.STALE],
        date(2027, 1, 5),
    )
    stalled = (commitment("3", last=lately), [Attention.STALLED], None)
    quiet = (commitment("4", last=long_ago), [Attention.STALE], None)
    quiet_unowned = (commitment("5", last=long_ago), [Attention.STALE, Attention.UNOWNED], None)
    recent = (commitment("6", last=lately), [], None)
    ranked = sorted(
        [recent, quiet, quiet_unowned, stalled, next_month, overdue],
        key=lambda c: urgency(c[0], c[1], review_on=c[2]),
    )
    assert [c[0].ref for c in ranked] == ["1", "2", "3", "5", "4", "6"]
