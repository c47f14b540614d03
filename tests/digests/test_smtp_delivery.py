"""Digests through a real SMTP server (aiosmtpd on 127.0.0.1), as an officer and an operator
see them: the mail that arrives, a server that asks to try later, refuses, or is down, a sender
that crashes, and a digest run made twice.

Time is never frozen here (the server runs an asyncio loop): every step gets an explicit `now`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import TEMPLATES, Cli
from tests.digests.smtp_server import Received, SmtpServer
from tracker.config import Settings
from tracker.db import make_engine, read_session
from tracker.digests.compose import compose_due
from tracker.digests.mailer import SmtpBackend, make_backend
from tracker.digests.sender import MAX_ATTEMPTS, backoff, send_queued
from tracker.domain import OutboxState
from tracker.models import (
    Agreement,
    Commitment,
    MeetingCreate,
    Officer,
    OfficerCreate,
    OutboxMessage,
)
from tracker.models import utcnow as real_now
from tracker.services.lookup import find_mechanism, find_officer
from tracker.services.meetings import add_meeting
from tracker.services.owners import OwnerChange, add_officer, assign_owner

SEOUL = ZoneInfo("Asia/Seoul")
# A Monday, an hour after the weekly digest time (08:00), 31 days before a planned 2+2.
NOW = datetime(2027, 9, 13, 9, 0, tzinfo=SEOUL)
TWO_PLUS_TWO = date(2027, 10, 14)
JUNG = "jw.jung@mofa.go.kr"
KIM = "sy.kim@mofa.go.kr"
SETTINGS_LINK = "http://127.0.0.1:8000/me/settings"


# --- the server, the configuration that points at it, and an officer with something to read --


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def config_file(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Path:
    """conftest's configuration, with mail going to the test server (used by `cli` too)."""
    (tmp_path / "var").mkdir(exist_ok=True)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[paths]\ntemplates = "{TEMPLATES}"\n'
        "[mail]\n"
        'backend = "smtp"\n'
        'host = "127.0.0.1"\n'
        f"port = {smtp.port}\n"
        'security = "none"\n'
        "timeout_seconds = 5\n",
        encoding="utf-8",
    )
    return path


def plan_meeting(session: Session, on: date) -> None:
    mechanism = find_mechanism("2+2", session=session)
    assert mechanism.id is not None
    add_meeting(
        mechanism,
        MeetingCreate(mechanism_id=mechanism.id, held_on=on, planned=True),
        session=session,
        actor="test",
        today=on - timedelta(days=60),
    )
    session.commit()


@pytest.fixture
def jung(session: Session, seed: Agreement) -> Officer:
    """The seed's desk officer, with an e-mail address, owning all 45 commitments; a 2+2 is
    planned 31 days after NOW, so every tracked commitment is due for review."""
    plan_meeting(session, TWO_PLUS_TWO)
    officer = find_officer("정진우", session=session)
    officer.email = JUNG
    session.add(officer)
    session.commit()
    session.refresh(officer)
    return officer


def add_kim(session: Session, refs: tuple[str, ...] = ("7.1", "7.2", "7.3")) -> Officer:
    """A second officer, taking over a few of the seed's commitments."""
    kim = add_officer(
        OfficerCreate(name="김서연", email=KIM), session=session, actor="test", division="북미국"
    )
    for ref in refs:
        commitment = session.exec(
            select(Commitment).where(Commitment.ref == ref, col(Commitment.tracked).is_(True))
        ).one()
        assign_owner(commitment, OwnerChange(officer=kim), session=session, actor="test")
    session.commit()
    session.refresh(kim)
    return kim


def send(engine: Engine, settings: Settings, now: datetime) -> dict[int, str]:
    deliveries = send_queued(
        engine=engine, settings=settings, backend=make_backend(settings), now=now
    )
    return {d.outbox_id: d.state for d in deliveries}


def outbox(engine: Engine) -> list[OutboxMessage]:
    with read_session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def row(engine: Engine, outbox_id: int) -> OutboxMessage:
    with read_session(engine) as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def message_ids(received: list[Received]) -> list[str]:
    return [r.message_id for r in received]


# --- 1. what arrives ------------------------------------------------------------------------


def test_the_delivered_digest_reads_right_in_korean_in_text_and_html(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    assert settings.mail.backend == "smtp" and settings.mail.port == smtp.port
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)
    assert send(engine, settings, NOW) == {outbox_id: "sent"}

    (received,) = smtp.accepted
    assert received.rcpt_tos == (JUNG,)
    assert received.mail_from == parseaddr(settings.mail.from_address)[1]
    mail = received.message
    assert isinstance(mail, EmailMessage)
    stored = row(engine, outbox_id)

    assert received.message_id == stored.message_id
    assert parseaddr(str(mail["To"])) == ("정진우", JUNG)
    assert mail["List-Unsubscribe"] == f"<{SETTINGS_LINK}>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Date"].datetime == NOW
    subject = str(mail["Subject"])
    assert "정진우" in subject and "(2027-09-13)" in subject

    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
    text_part = mail.get_body(("plain",))
    html_part = mail.get_body(("html",))
    assert text_part is not None and html_part is not None
    assert text_part.get_content_charset() == "utf-8"
    text, html = text_part.get_content(), html_part.get_content()
    for body in (text, html):
        assert "정진우님, 담당 이행과제 중 확인이 필요한 사항입니다." in body
        assert "합동 작전, 연습 및 훈련 참여 확대" in body
        assert "한-캐나다 안보·국방 협력 파트너십 수립" in body
        assert "2027-10-14 외교·국방장관 2+2 회의" in body
        assert SETTINGS_LINK in body
    assert "\n== 회의 임박 (" in text
    assert "http://127.0.0.1:8000/commitments/kr-ca-2025:" in text
    assert '<a href="http://127.0.0.1:8000/commitments/kr-ca-2025:' in html
    assert stored.state is OutboxState.SENT and stored.sent_at == NOW


# --- 2. try later ---------------------------------------------------------------------------


def test_a_server_that_says_try_later_gets_the_digest_once_after_the_backoff(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    smtp.script("451 4.3.0 try later", "250 OK")
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)

    assert send(engine, settings, NOW) == {outbox_id: "retry"}
    waiting = row(engine, outbox_id)
    assert waiting.state is OutboxState.QUEUED
    assert waiting.attempts == 1
    assert "451" in waiting.last_error and "try later" in waiting.last_error
    assert waiting.next_attempt_at == NOW + backoff(1)
    assert waiting.sending_until is None
    assert smtp.accepted == []

    # Before the backoff is over nothing is tried.
    assert send(engine, settings, NOW + backoff(1) - timedelta(seconds=1)) == {}
    assert len(smtp.attempts) == 1

    assert send(engine, settings, NOW + backoff(1)) == {outbox_id: "sent"}
    sent = row(engine, outbox_id)
    assert (sent.state, sent.attempts, sent.last_error) == (OutboxState.SENT, 2, "")
    assert sent.sent_at == NOW + backoff(1)
    assert [a.reply for a in smtp.attempts] == ["451 4.3.0 try later", "250 OK"]
    assert message_ids(smtp.attempts) == [sent.message_id, sent.message_id]
    assert message_ids(smtp.accepted) == [sent.message_id]

    # Nothing more goes out later.
    assert send(engine, settings, NOW + timedelta(days=1)) == {}
    assert len(smtp.accepted) == 1


# --- 3. refused for good, then retried by hand ----------------------------------------------


def test_a_refused_digest_is_failed_with_the_reason_listed_and_retried_by_hand(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer, cli: Cli
) -> None:
    smtp.script("550 5.1.1 mailbox unavailable")
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)

    assert send(engine, settings, NOW) == {outbox_id: "failed"}
    failed = row(engine, outbox_id)
    assert failed.state is OutboxState.FAILED
    assert failed.last_error == "550 5.1.1 mailbox unavailable"
    assert failed.sent_at is None and failed.sending_until is None

    # Not retried by the sender, however long we wait.
    assert send(engine, settings, NOW + timedelta(days=2)) == {}
    assert len(smtp.attempts) == 1 and smtp.accepted == []

    listed = cli("outbox", "list", "--state", "failed")
    assert listed.exit_code == 0, listed.output
    (header, line) = listed.stdout.strip().splitlines()
    assert header.split()[:5] == ["id", "officer", "period", "state", "tries"]
    assert line.split()[:5] == [str(outbox_id), "정진우", "2027-W37", "failed", "1"]
    assert line.endswith("550 5.1.1 mailbox unavailable")
    assert cli("outbox", "list", "--state", "sent").stdout.strip() == "the outbox is empty"

    # A sent or queued message cannot be retried; a failed one can, once.
    retried = cli("outbox", "retry", str(outbox_id))
    assert retried.exit_code == 0, retried.output
    assert retried.stdout.strip() == f"outbox {outbox_id}: queued again for {JUNG}"
    assert row(engine, outbox_id).state is OutboxState.QUEUED
    again = cli("outbox", "retry", str(outbox_id))
    assert again.exit_code != 0
    assert "not failed" in again.output
    assert "queued" in cli("outbox", "list", "--state", "queued").stdout

    # The server takes it now; the next send delivers it with the same Message-ID.
    later = max(NOW, real_now()) + timedelta(seconds=1)
    assert send(engine, settings, later) == {outbox_id: "sent"}
    sent = row(engine, outbox_id)
    assert sent.state is OutboxState.SENT and sent.last_error == ""
    assert sent.message_id == failed.message_id
    assert message_ids(smtp.attempts) == [failed.message_id, failed.message_id]
    assert message_ids(smtp.accepted) == [failed.message_id]
    assert cli("outbox", "list", "--state", "failed").stdout.strip() == "the outbox is empty"


# --- 4. the server is down for a while ------------------------------------------------------


def test_digests_composed_while_the_server_is_down_go_out_once_when_it_is_back(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer, session: Session
) -> None:
    add_kim(session)
    smtp.down()
    composed = compose_due(engine=engine, settings=settings, now=NOW)
    assert len(composed) == 2

    # Three tries while it is down, each further apart: 1, 2, then 4 minutes.
    moment = NOW
    for attempt in (1, 2, 3):
        assert send(engine, settings, moment) == dict.fromkeys(composed, "retry")
        for message in outbox(engine):
            assert message.state is OutboxState.QUEUED
            assert message.attempts == attempt
            assert "ConnectionRefusedError" in message.last_error
            assert message.next_attempt_at == moment + backoff(attempt)
        moment += backoff(attempt)
    assert moment == NOW + timedelta(minutes=7)

    smtp.up()
    assert send(engine, settings, moment - timedelta(seconds=1)) == {}  # not due yet
    assert send(engine, settings, moment) == dict.fromkeys(composed, "sent")
    assert send(engine, settings, moment + timedelta(hours=1)) == {}

    rows = outbox(engine)
    assert [(m.state, m.attempts, m.last_error) for m in rows] == [(OutboxState.SENT, 4, "")] * 2
    assert sorted(r.rcpt_tos for r in smtp.accepted) == [(JUNG,), (KIM,)]
    assert sorted(message_ids(smtp.accepted)) == sorted(m.message_id for m in rows)
    subjects = sorted(str(r.message["Subject"]) for r in smtp.accepted)
    assert [("김서연" in s, "정진우" in s) for s in subjects] == [(True, False), (False, True)]
    kim_mail = next(r for r in smtp.accepted if r.rcpt_tos == (KIM,)).message
    kim_text = kim_mail.get_body(("plain",))
    assert kim_text is not None
    assert "kr-ca-2025:7.1" in kim_text.get_content()


def test_a_server_down_for_days_makes_the_sender_give_up_and_say_so(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer, cli: Cli
) -> None:
    smtp.down()
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)
    moment, states = NOW, []
    while (delivery := send(engine, settings, moment)) and delivery[outbox_id] == "retry":
        states.append(delivery[outbox_id])
        moment = row(engine, outbox_id).next_attempt_at
    assert delivery == {outbox_id: "failed"}
    assert len(states) == MAX_ATTEMPTS - 1
    given_up = row(engine, outbox_id)
    assert given_up.attempts == MAX_ATTEMPTS
    assert given_up.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts: ")
    assert "ConnectionRefusedError" in given_up.last_error
    # Waits double from a minute to at most 6 h: the last try comes about four days later.
    assert timedelta(hours=92) < moment - NOW < timedelta(hours=93)
    assert (
        f"gave up after {MAX_ATTEMPTS} attempts"
        in cli("outbox", "list", "--state", "failed").stdout
    )


# --- 5. crashes -----------------------------------------------------------------------------


def test_a_crash_between_compose_and_send_loses_nothing(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)
    engine.dispose()  # the process dies before sending: only the database remains

    fresh = make_engine(settings.database_url)
    try:
        assert send(fresh, settings, NOW + timedelta(minutes=5)) == {outbox_id: "sent"}
        assert compose_due(engine=fresh, settings=settings, now=NOW + timedelta(minutes=5)) == []
        assert message_ids(smtp.accepted) == [row(fresh, outbox_id).message_id]
    finally:
        fresh.dispose()


class Killed(BaseException):
    """The sender process dying mid-send (nothing catches it, nothing is recorded)."""


class DiesBeforeSending(SmtpBackend):
    def send(self, message: EmailMessage, row: OutboxMessage) -> None:
        raise Killed


class DiesAfterTheServerAccepted(SmtpBackend):
    def send(self, message: EmailMessage, row: OutboxMessage) -> None:
        super().send(message, row)
        raise Killed


def test_a_claim_held_by_a_dead_sender_is_retaken_when_it_runs_out(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)
    with pytest.raises(Killed):
        send_queued(engine=engine, settings=settings, backend=DiesBeforeSending(settings), now=NOW)
    claimed = row(engine, outbox_id)
    hold = timedelta(seconds=settings.mail.timeout_seconds * 4)
    assert claimed.state is OutboxState.QUEUED and claimed.attempts == 1
    assert claimed.sending_until == NOW + hold

    # Another sender keeps off while the claim holds ...
    assert send(engine, settings, NOW + hold - timedelta(seconds=1)) == {}
    assert smtp.attempts == []
    # ... and takes the message once it has run out.
    assert send(engine, settings, NOW + hold + timedelta(seconds=1)) == {outbox_id: "sent"}
    sent = row(engine, outbox_id)
    assert (sent.state, sent.attempts, sent.sending_until) == (OutboxState.SENT, 2, None)
    assert message_ids(smtp.accepted) == [sent.message_id]


def test_a_sender_that_dies_after_the_server_accepted_resends_with_the_same_message_id(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    """SMTP cannot be exactly-once: the repeat carries the same Message-ID, so the receiver
    (or its filters) can drop it."""
    (outbox_id,) = compose_due(engine=engine, settings=settings, now=NOW)
    with pytest.raises(Killed):
        send_queued(
            engine=engine, settings=settings, backend=DiesAfterTheServerAccepted(settings), now=NOW
        )
    assert len(smtp.accepted) == 1
    assert send(engine, settings, NOW + timedelta(minutes=1)) == {outbox_id: "sent"}
    stored = row(engine, outbox_id).message_id
    assert message_ids(smtp.accepted) == [stored, stored]
    first, repeat = (r.message for r in smtp.accepted)
    for header in ("Subject", "To", "Date", "List-Unsubscribe"):
        assert first[header] == repeat[header]
    bodies = [m.get_body(("plain",)) for m in (first, repeat)]
    assert bodies[0] is not None and bodies[1] is not None
    assert bodies[0].get_content() == bodies[1].get_content()


# --- 6. a digest run made twice -------------------------------------------------------------


def test_running_the_digests_twice_in_a_period_sends_once(
    engine: Engine, settings: Settings, smtp: SmtpServer, jung: Officer
) -> None:
    def run(now: datetime) -> tuple[int, dict[int, str]]:
        composed = compose_due(engine=engine, settings=settings, now=now)
        return len(composed), send(engine, settings, now)

    composed, sent = run(NOW)
    assert composed == 1 and list(sent.values()) == ["sent"]
    assert run(NOW) == (0, {})
    assert run(NOW + timedelta(minutes=30)) == (0, {})
    assert run(NOW + timedelta(days=3)) == (0, {})  # Thursday, same week
    assert len(smtp.accepted) == 1

    # Next Monday is another period: one more digest, with its own Message-ID.
    composed, sent = run(NOW + timedelta(days=7))
    assert composed == 1 and list(sent.values()) == ["sent"]
    periods = [(m.period, m.state) for m in outbox(engine)]
    assert periods == [("2027-W37", OutboxState.SENT), ("2027-W38", OutboxState.SENT)]
    assert len(set(message_ids(smtp.accepted))) == 2


def test_digest_due_run_twice_composes_and_sends_once(
    engine: Engine, session: Session, seed: Agreement, smtp: SmtpServer, cli: Cli
) -> None:
    """`tracker digest due` on the real clock: a 2+2 planned 30 days from today."""
    plan_meeting(session, real_now().astimezone(SEOUL).date() + timedelta(days=30))
    officer = find_officer("정진우", session=session)
    officer.email = JUNG
    session.add(officer)
    session.commit()

    first = cli("digest", "due")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "composed 1, sent 1"
    second = cli("digest", "due")
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "composed 0, sent 0"
    (received,) = smtp.accepted
    assert received.rcpt_tos == (JUNG,)
    assert [m.message_id for m in outbox(engine)] == [received.message_id]


# --- bugs -----------------------------------------------------------------------------------


def test_one_undeliverable_address_does_not_hold_up_everyone_elses_digest(
    engine: Engine, settings: Settings, smtp: SmtpServer, session: Session, seed: Agreement
) -> None:
    plan_meeting(session, TWO_PLUS_TWO)
    lee = add_officer(
        OfficerCreate(name="이민호", email="mh.lee@mofa.go.kr"), session=session, actor="test"
    )
    commitment = session.exec(select(Commitment).where(Commitment.ref == "8.1")).one()
    assign_owner(commitment, OwnerChange(officer=lee), session=session, actor="test")
    # An address stored as it was given (add_officer once took any address with an "@").
    lee.email = "이민호@mofa.go.kr"
    session.add(lee)
    session.commit()
    add_kim(session)
    lee_id, kim_id = compose_due(engine=engine, settings=settings, now=NOW)
    assert row(engine, lee_id).to_address == "이민호@mofa.go.kr"

    # Expected: the address that cannot be sent to is failed with a reason; Kim gets hers.
    assert send(engine, settings, NOW) == {lee_id: "failed", kim_id: "sent"}
    assert [r.rcpt_tos for r in smtp.accepted] == [(KIM,)]
    assert row(engine, lee_id).last_error
