"""Requests for cooperation in the digest (issue 17): the officers of the division a request is
addressed to read it in their digest, oldest first and capped, with the way to the full list;
officers elsewhere do not. Through a real SMTP server on 127.0.0.1, as tests/digests do.

Time is never frozen here (the server runs an asyncio loop): requests are dated by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import TEMPLATES
from tests.digests.smtp_server import SmtpServer
from tracker.config import Settings
from tracker.digests.compose import compose_due, preview
from tracker.digests.mailer import make_backend
from tracker.digests.sender import send_queued
from tracker.domain import Language
from tracker.models import (
    Agreement,
    CooperationRequest,
    Division,
    MeetingCreate,
    OfficerCreate,
    RequestCreate,
    StatusUpdateCreate,
)
from tracker.services.lookup import find_commitment, find_mechanism, find_officer
from tracker.services.meetings import add_meeting
from tracker.services.owners import add_officer
from tracker.services.policy import FollowUpPolicy
from tracker.services.requests import close_request
from tracker.services.status_updates import record_status_update

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2027, 9, 13, 9, 0, tzinfo=SEOUL)  # a Monday, after the weekly digest's 08:00
ASKED = datetime(2027, 8, 30, 1, 0, tzinfo=UTC)  # 14 days before NOW
LEE = "sm.lee@mnd.go.kr"
PARK = "jh.park@mnd.go.kr"
JUNG = "jw.jung@mofa.go.kr"
WHAT = "합동훈련 예산 반영 협의"
MINE = "http://127.0.0.1:8000/requests?to=mine"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def config_file(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Path:
    """conftest's configuration, with mail going to the test server."""
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


@pytest.fixture
def policy_division(session: Session, seed: Agreement) -> Division:
    """국방부 국제정책과, with two officers who own no commitment of the seed (이수민 reads
    Korean, 박지훈 English), and the seed's desk officer 정진우 (북미2과) with an address and a
    2+2 planned within the due window, so he has a digest of his own."""
    division = Division(name="국제정책과", ministry="국방부")
    session.add(division)
    session.flush()
    for name, email, language in (("이수민", LEE, Language.KO), ("박지훈", PARK, Language.EN)):
        add_officer(
            OfficerCreate(name=name, email=email, division_id=division.id, language=language),
            session=session,
            actor="test",
        )
    jung = find_officer("정진우", session=session)
    jung.email = JUNG
    mechanism = find_mechanism("2+2", session=session)
    assert mechanism.id is not None
    add_meeting(
        mechanism,
        MeetingCreate(mechanism_id=mechanism.id, held_on=date(2027, 10, 14), planned=True),
        session=session,
        actor="test",
        today=date(2027, 8, 1),
    )
    session.commit()
    return division


def ask(session: Session, ref: str, *requests: RequestCreate, asked: datetime = ASKED) -> None:
    """정진우 records `ref` stalled and asks for `requests`; they were made on `asked`."""
    before = select(CooperationRequest.id)
    made_before = set(session.exec(before).all())
    record_status_update(
        find_commitment(f"kr-ca-2025:{ref}", session=session),
        StatusUpdateCreate(
            status="stalled",
            as_of=date(2027, 8, 30),
            obstacles="예산 미반영",
            requests=list(requests),
        ),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=date(2027, 9, 13),
    )
    for request in session.exec(select(CooperationRequest)).all():
        if request.id not in made_before:
            request.created_at = asked
            session.add(request)
    session.commit()


def deliver(engine: Engine, settings: Settings, smtp: SmtpServer) -> dict[str, EmailMessage]:
    """Compose and send the digests due at NOW; what each address received."""
    compose_due(engine=engine, settings=settings, now=NOW)
    send_queued(engine=engine, settings=settings, backend=make_backend(settings), now=NOW)
    return {r.rcpt_tos[0]: r.message for r in smtp.accepted}


def bodies(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_the_addressee_division_s_officers_read_the_request_and_the_asker_s_does_not(
    engine: Engine,
    session: Session,
    settings: Settings,
    smtp: SmtpServer,
    policy_division: Division,
) -> None:
    assert policy_division.id is not None
    ask(
        session,
        "9.1",
        RequestCreate(to_division_id=policy_division.id, what=WHAT, due_on=date(2027, 9, 30)),
    )
    mails = deliver(engine, settings, smtp)
    # 이수민 and 박지훈 own nothing: the request alone makes their digest.
    assert set(mails) == {LEE, PARK, JUNG}

    text, html = bodies(mails[LEE])
    assert "\n협조 요청: 1건\n" in text  # counted with the other sections, first
    assert "== 협조 요청 (1건)" in text
    assert f"  * kr-ca-2025:9.1 {WHAT} (북미2과 요청 · 기한 2027-09-30 · 14일 경과)" in text
    assert "http://127.0.0.1:8000/commitments/kr-ca-2025:9.1" in text
    assert f'<a href="{MINE}">협조 요청</a>' in html
    assert f"{WHAT} <em>(북미2과 요청 · 기한 2027-09-30 · 14일 경과)</em>" in html
    assert "한-캐나다 안보·국방 협력 파트너십 수립" in text  # the agreement it is about

    english, english_html = bodies(mails[PARK])
    assert "== Requests for cooperation (1)" in english
    assert "(from 북미2과 · due 2027-09-30 · 14 days old)" in english
    assert f'<a href="{MINE}">Requests for cooperation</a>' in english_html

    # The asker's division is not the addressee: 정진우's digest has his own sections only.
    asker_text, asker_html = bodies(mails[JUNG])
    assert "== 회의 임박 (" in asker_text
    assert "협조 요청" not in asker_text and WHAT not in asker_text
    assert MINE not in asker_html


def test_the_digest_lists_the_oldest_few_says_how_many_more_and_forgets_closed_ones(
    session: Session, settings: Settings, policy_division: Division
) -> None:
    assert policy_division.id is not None
    for day in range(5):
        ask(
            session,
            "9.1",
            RequestCreate(to_division_id=policy_division.id, what=f"요청 {day}번"),
            asked=ASKED + timedelta(days=day),
        )
    ask(session, "9.2", RequestCreate(to_body="방위사업청", what="다른 기관에 보낸 요청"))
    first = session.exec(
        select(CooperationRequest).where(CooperationRequest.what == "요청 0번")
    ).one()
    close_request(first, session=session, actor="정진우")
    session.commit()
    capped = settings.model_copy(
        update={"digests": settings.digests.model_copy(update={"max_items": 2})}
    )
    lee = find_officer("이수민", session=session)

    mail = preview(lee, session=session, settings=capped, now=NOW)

    assert mail is not None
    section = mail.text.split("== 협조 요청 (4건)", 1)[1].split("\n== ", 1)[0]
    # Oldest first: 1번 (13 days), 2번; 0번 is closed; 3번 and 4번 left out.
    assert [line for line in section.splitlines() if line.startswith("  * ")] == [
        "  * kr-ca-2025:9.1 요청 1번 (북미2과 요청 · 13일 경과)",
        "  * kr-ca-2025:9.1 요청 2번 (북미2과 요청 · 12일 경과)",
    ]
    assert f"외 2건: {MINE}" in section
    assert "다른 기관에 보낸 요청" not in mail.text


def test_the_requests_of_every_division_are_read_in_one_query_per_digest_run(
    engine: Engine, session: Session, settings: Settings, policy_division: Division
) -> None:
    assert policy_division.id is not None
    other = Division(name="방산수출과", ministry="국방부")
    session.add(other)
    session.flush()
    add_officer(
        OfficerCreate(name="최유진", email="yj.choi@mnd.go.kr", division_id=other.id),
        session=session,
        actor="test",
    )
    session.commit()
    ask(
        session,
        "9.1",
        RequestCreate(to_division_id=policy_division.id, what=WHAT),
        RequestCreate(to_division_id=other.id, what="수출 승인 협의"),
    )
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statement = args[2]
        if "cooperation_request" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        composed = compose_due(engine=engine, settings=settings, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(composed) == 4  # 정진우, 이수민, 박지훈, 최유진
    assert len(statements) == 1
