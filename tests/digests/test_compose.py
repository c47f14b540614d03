"""What a digest says, to whom, and that a period is composed once."""

from __future__ import annotations

import email
from datetime import date, datetime, timedelta
from email import policy as email_policy
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.factories import plan_two_plus_two
from tracker.config import Settings
from tracker.digests.compose import compose_due, preview
from tracker.digests.mailer import FileBackend
from tracker.digests.periods import current_period
from tracker.digests.sender import send_queued
from tracker.domain import DigestFrequency, Language
from tracker.models import Agreement, Officer, OfficerCreate, OutboxMessage, StatusUpdateCreate
from tracker.services.lookup import find_commitment, find_officer
from tracker.services.owners import add_officer
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

SEOUL = ZoneInfo("Asia/Seoul")
MONDAY = datetime(2027, 1, 18, 9, 0, tzinfo=SEOUL)  # the weekly digest went out at 08:00


@pytest.fixture
def desk_officer(session: Session, seed: Agreement) -> Officer:
    officer = find_officer("정진우", session=session)
    officer.email = "jw.jung@mofa.go.kr"
    plan_two_plus_two(session)
    session.commit()
    return officer


def test_weekly_digests_are_named_by_iso_week_and_fall_due_on_the_configured_day(
    settings: Settings,
) -> None:
    assert current_period(DigestFrequency.WEEKLY, now=MONDAY, settings=settings) == (
        "2027-W03",
        datetime(2027, 1, 18, 8, 0, tzinfo=SEOUL),
    )
    sunday = MONDAY - timedelta(days=1)
    assert current_period(DigestFrequency.WEEKLY, now=sunday, settings=settings)[0] == "2027-W02"  # type: ignore[index]
    assert current_period(DigestFrequency.DAILY, now=MONDAY, settings=settings)[0] == "2027-01-18"  # type: ignore[index]
    assert current_period(DigestFrequency.OFF, now=MONDAY, settings=settings) is None


def test_a_digest_counts_what_needs_a_look_and_what_others_changed(
    session: Session, settings: Settings, desk_officer: Officer
) -> None:
    colleague = add_officer(OfficerCreate(name="김하늘"), session=session, actor="admin")
    with freeze_time("2027-01-15 10:00:00+09:00"):  # recorded during the week the digest covers
        record_status_update(
            find_commitment("kr-ca-2025:7.1", session=session),
            StatusUpdateCreate(
                status="stalled", narrative="<script>x</script> 예산", as_of=date(2027, 1, 15)
            ),
            session=session,
            policy=FollowUpPolicy(),
            author=colleague.name,
            author_id=colleague.id,
            today=date(2027, 1, 15),
        )
    session.commit()
    mail = preview(desk_officer, session=session, settings=settings, now=MONDAY)
    assert mail is not None
    assert mail.subject == "[이행점검] 정진우님 담당 이행과제 요약 (2027-01-18)"
    assert "\n\n회의 임박: 36건\n정체: 1건\n" in mail.text  # the counts come first
    assert "== 회의 임박 (36건)" in mail.text and "== 정체 (1건)" in mail.text
    assert "== 다른 사람이 변경 (1건)" in mail.text and "김하늘: 정체" in mail.text
    assert "전체 목록 보기: http://127.0.0.1:8000/" in mail.text
    assert "2027-02-25 외교·국방장관 2+2 회의 (오타와)" in mail.text
    assert "http://127.0.0.1:8000/commitments/kr-ca-2025:7.1" in mail.text
    assert "김하늘: 정체 — <script>x</script> 예산" in mail.text  # plain text, shown as typed
    assert "&lt;script&gt;x&lt;/script&gt; 예산" in mail.html and "<script>" not in mail.html


def test_a_flag_section_is_headed_by_the_word_the_dashboard_and_reports_use(
    session: Session, settings: Settings, desk_officer: Officer
) -> None:
    # Long after the import with no update since, every commitment is stale.
    later = datetime.now(SEOUL) + timedelta(days=400)
    mail = preview(desk_officer, session=session, settings=settings, now=later)
    assert mail is not None
    assert "\n== 점검 지연 (" in mail.text and "장기 미갱신" not in mail.text
    desk_officer.language = Language.EN
    english = preview(desk_officer, session=session, settings=settings, now=later)
    assert english is not None
    assert "\n== Stale (" in english.text and ">Stale</a>" in english.html


def test_an_officer_with_nothing_to_say_gets_no_mail_and_off_means_off(
    session: Session, engine: Engine, settings: Settings, desk_officer: Officer
) -> None:
    idle = add_officer(
        OfficerCreate(name="이민준", email="mj.lee@mofa.go.kr"), session=session, actor="admin"
    )
    session.commit()
    assert preview(idle, session=session, settings=settings, now=MONDAY) is None
    desk_officer.digest_frequency = DigestFrequency.OFF
    session.add(desk_officer)
    session.commit()
    assert compose_due(engine=engine, settings=settings, now=MONDAY) == []


def test_a_period_is_composed_once_and_english_readers_get_english(
    session: Session, engine: Engine, settings: Settings, desk_officer: Officer
) -> None:
    desk_officer.language = Language.EN
    session.add(desk_officer)
    session.commit()
    first = compose_due(engine=engine, settings=settings, now=MONDAY)
    again = compose_due(engine=engine, settings=settings, now=MONDAY + timedelta(hours=3))
    assert len(first) == 1 and again == []
    row = session.exec(select(OutboxMessage)).one()
    assert (row.period, row.to_address) == ("2027-W03", "jw.jung@mofa.go.kr")
    assert row.subject.startswith("[tracker] Commitments for 정진우")
    next_week = compose_due(engine=engine, settings=settings, now=MONDAY + timedelta(days=7))
    assert len(next_week) == 1


def test_the_file_backend_writes_an_eml_that_mail_programs_read(
    session: Session, engine: Engine, settings: Settings, desk_officer: Officer
) -> None:
    compose_due(engine=engine, settings=settings, now=MONDAY)
    folder = settings.resolve(settings.mail.outbox_dir)
    (delivery,) = send_queued(
        engine=engine, settings=settings, backend=FileBackend(folder), now=MONDAY
    )
    assert delivery.state == "sent"
    (eml,) = folder.glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email_policy.default)
    assert message["To"] == "정진우 <jw.jung@mofa.go.kr>"
    assert message["List-Unsubscribe"] == "<http://127.0.0.1:8000/me/settings>"
    body = message.get_body(("plain",))
    assert body is not None and "합동 작전, 연습 및 훈련 참여 확대" in body.get_content()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
