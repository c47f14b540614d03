"""The audit log: changes, sign-ins, status updates and reports in one list, newest first."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tracker.models import Agreement, ChangeRecord, StatusUpdateCreate
from tracker.services.accounts import add_account, sign_in
from tracker.services.audit import AuditFilter, audit_log
from tracker.services.lookup import find_commitment, find_officer
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

SEOUL = ZoneInfo("Asia/Seoul")


def test_the_log_holds_the_import_the_sign_in_and_the_status_update_newest_first(
    session: Session, seed: Agreement
) -> None:
    desk = find_officer("정진우", session=session)
    add_account(
        desk, login="jwjung", password="correct horse battery", session=session, actor="admin"
    )
    sign_in("jwjung", "correct horse battery", session=session, address="10.0.0.7")
    record_status_update(
        find_commitment("kr-ca-2025:7.1", session=session),
        StatusUpdateCreate(status="in_progress", as_of=date(2026, 11, 2), narrative="훈련 참관"),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
    )
    session.commit()

    entries = audit_log(session=session, where=AuditFilter(), timezone=SEOUL)
    assert [(e.subject, e.action) for e in entries][:2] == [
        ("kr-ca-2025:7.1", "status"),
        ("account jwjung", "signed in"),
    ]
    assert ("kr-ca-2025", "imported") in [(e.subject, e.action) for e in entries]
    assert entries[0].link == "/commitments/kr-ca-2025:7.1"
    assert entries[0].detail["note"] == "훈련 참관"

    mine = audit_log(session=session, where=AuditFilter(actor="정진우"), timezone=SEOUL)
    assert [e.action for e in mine] == ["status"]
    accounts = audit_log(session=session, where=AuditFilter(entity="account"), timezone=SEOUL)
    assert [e.action for e in accounts] == ["signed in", "added"]
    assert accounts[0].detail == {"address": "10.0.0.7"}


def test_days_are_local_days(session: Session) -> None:
    # 01:30 in Seoul on 26 November is still 25 November in UTC.
    session.add(
        ChangeRecord(
            at=datetime(2026, 11, 25, 16, 30, tzinfo=UTC),
            actor="admin",
            entity="officer",
            entity_id=1,
            action="updated",
            detail={},
        )
    )
    session.commit()

    def on(day: date) -> list[str]:
        where = AuditFilter(since=day, until=day)
        return [e.action for e in audit_log(session=session, where=where, timezone=SEOUL)]

    assert on(date(2026, 11, 26)) == ["updated"]
    assert on(date(2026, 11, 25)) == []
