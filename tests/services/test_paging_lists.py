"""The paging contract of the portfolio lists (/agreements, /meetings, the audit log and their
API lists): a reader walking page after page, while others add and change rows, sees every
item that was there once, and never one twice; a viewer sees only what a viewer may."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.factories import add_agreement, add_mechanism
from tests.web import conftest as web_fixtures
from tests.web.helpers import sign_in
from tracker.domain import Strength
from tracker.models import Account, Agreement, ChangeRecord, Mechanism, Meeting, Officer
from tracker.services.accounts import may_edit_group
from tracker.services.agreements import AgreementFilter, page_of_agreements
from tracker.services.audit import AuditFilter, audit_entries, page_of_audit_log
from tracker.services.mechanisms import followed_commitments, recordable_mechanisms
from tracker.services.paging import PageRequest
from tracker.services.tokens import issue_token

SEOUL = ZoneInfo("Asia/Seoul")
# The web tests' seed and accounts, and the app over this test's database.
web_accounts = web_fixtures.web_accounts
web_client = web_fixtures.web_client
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def _agreements(session: Session, count: int, *, prefix: str = "p") -> None:
    for number in range(count):
        add_agreement(
            session,
            key=f"{prefix}-{number}",
            title=f"협력 {prefix} {number}",
            # Three agreements share each day, and every fifth has no day: ties and NULLs.
            signed_on=None if number % 5 == 4 else date(2020, 1, 1) + timedelta(days=number // 3),
            clauses=[("1", [(f"양측은 {prefix}{number} 협력을 추진한다.", Strength.FIRM)])],
        )
    session.commit()


def test_agreements_walk_to_the_end_while_agreements_are_added_and_renamed(
    session: Session,
) -> None:
    _agreements(session, 23)
    before = {a.key for a in session.exec(select(Agreement)).all()}
    seen: list[str] = []
    request = PageRequest(limit=4)
    for turn in range(100):
        page = page_of_agreements(session=session, where=AgreementFilter(), page=request)
        assert page.total is not None and page.total >= 23
        seen += [a.key for a in page.items]
        # Between two pages, someone imports an agreement and another renames one.
        _agreements(session, 1, prefix=f"new{turn}")
        renamed = session.exec(select(Agreement).where(Agreement.key == "p-7")).one()
        renamed.title = f"이름 바꿈 {turn}"
        session.commit()
        if page.next_cursor is None:
            break
        request = PageRequest.parse(limit=4, cursor=page.next_cursor, width=2)
    assert len(seen) == len(set(seen)), "an agreement was shown twice"
    assert before <= set(seen), f"missed: {before - set(seen)}"
    assert seen.index("p-3") < seen.index("p-0")  # p-3 was signed a day after p-0
    first = page_of_agreements(session=session, where=AgreementFilter(), page=PageRequest(50))
    dated = [a.signed_on for a in first.items if a.signed_on is not None]
    assert dated == sorted(dated, reverse=True)
    assert first.items[-1].signed_on is None  # undated ones last


def test_the_agreement_list_keeps_its_filters_across_pages(session: Session) -> None:
    _agreements(session, 12)
    where = AgreementFilter(search="협력 p 1")  # p-1, p-10, p-11
    page = page_of_agreements(session=session, where=where, page=PageRequest(limit=2))
    assert page.total == 3 and page.next_cursor is not None
    rest = page_of_agreements(
        session=session,
        where=where,
        page=PageRequest.parse(limit=2, cursor=page.next_cursor, width=2),
    )
    assert sorted(a.key for a in page.items + rest.items) == ["p-1", "p-10", "p-11"]
    assert rest.next_cursor is None


def _change(session: Session, at: datetime, number: int) -> None:
    session.add(
        ChangeRecord(
            at=at, actor="admin", entity="officer", entity_id=number, action="updated", detail={}
        )
    )


def test_the_audit_log_walks_newest_first_while_entries_arrive(session: Session) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(30):
        # Pairs share an instant: the order must still be total.
        _change(session, start + timedelta(minutes=number // 2), number)
    session.commit()
    before = {
        e.source_id for e in audit_entries(session=session, where=AuditFilter(), timezone=SEOUL)
    }
    seen: list[tuple[str, int]] = []
    request = PageRequest(limit=7)
    for turn in range(20):
        page = page_of_audit_log(session=session, where=AuditFilter(), timezone=SEOUL, page=request)
        ats = [e.at for e in page.items]
        assert ats == sorted(ats, reverse=True)
        seen += [(e.source, e.source_id) for e in page.items]
        _change(session, start + timedelta(days=1, minutes=turn), 100 + turn)  # newer: page 1's
        session.commit()
        if page.next_cursor is None:
            break
        request = PageRequest.parse(limit=7, cursor=page.next_cursor, width=3)
    assert len(seen) == len(set(seen))
    assert before <= {i for _, i in seen}


def test_streaming_the_whole_log_reads_it_in_batches(session: Session) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(25):
        _change(session, start + timedelta(seconds=number), number)
    session.commit()
    streamed = list(audit_entries(session=session, where=AuditFilter(), timezone=SEOUL, batch=4))
    assert [e.subject for e in streamed][:2] == [
        "officer 24",
        "officer 23",
    ]
    assert len(streamed) == 25


def test_recording_rights_by_sql_match_the_rule_over_the_commitments(
    session: Session,
    web_accounts: dict[str, Account],
) -> None:
    other = add_mechanism(session, "공동위원회")
    add_agreement(
        session,
        key="kr-xx-2026",
        title="공동위원회 협력",
        clauses=[("1", [("양측은 공동위원회에서 점검한다.", Strength.FIRM)])],
        mechanisms={"공동위원회": other},
    )
    session.commit()
    mechanisms = session.exec(select(Mechanism)).all()
    for account in web_accounts.values():
        caller = _Caller(session, account)
        expected = {
            m.id
            for m in mechanisms
            if may_edit_group(caller, followed_commitments(m, session=session))
        }
        assert recordable_mechanisms(caller, session=session) == expected, account.login
    assert recordable_mechanisms(_Caller(session, web_accounts["viewer"]), session=session) == set()


class _Caller:
    def __init__(self, session: Session, account: Account) -> None:
        found = session.get(Officer, account.officer_id)
        assert found is not None
        self.officer = found
        self.role = found.role


# -- the pages and the API, over HTTP ---------------------------------------------------------


def _walk_api(client: TestClient, path: str, token: str, *, between: object = None) -> list[dict]:
    items: list[dict] = []
    url: str | None = path
    while url is not None:
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        items += response.json()
        link = response.headers.get("link")
        url = re.match(r'<([^>]+)>; rel="next"', link).group(1) if link else None
        if callable(between):
            between()
    return items


def test_the_api_lists_walk_by_their_link_headers(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    _agreements(session, 9)
    mechanism = session.exec(select(Mechanism)).first()
    assert mechanism is not None and mechanism.id is not None
    for year in range(2000, 2012):
        session.add(Meeting(mechanism_id=mechanism.id, held_on=date(year, 5, 1), planned=False))
    session.commit()
    token = issue_token(web_accounts["viewer"], "t", session=session, actor="t")[1]
    session.commit()
    added = iter(range(100))

    def import_one() -> None:
        _agreements(session, 1, prefix=f"late{next(added)}")

    keys = [
        a["key"]
        for a in _walk_api(web_client, "/api/agreements?limit=2", token, between=import_one)
    ]
    assert len(keys) == len(set(keys)) and {f"p-{n}" for n in range(9)} | {"kr-ca-2025"} <= set(
        keys
    )
    meetings = _walk_api(web_client, "/api/meetings?limit=5", token)
    ids = [(m["id"], m["mechanism_id"], m["held_on"]) for m in meetings]
    assert len(ids) == len(set(ids)) and len([m for m in meetings if m["id"]]) >= 12
    everything = web_client.get(
        "/api/meetings?limit=200", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [(m["id"], m["mechanism_id"], m["held_on"]) for m in everything] == ids
    for bad in ("limit=0", "limit=201", "limit=many", "cursor=not-ours", "cursor=WzEsMl0"):
        response = web_client.get(
            f"/api/agreements?{bad}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 400, bad
        assert "\n" not in response.json()["message"], bad


def _walk_page(client: TestClient, path: str) -> list[str]:
    pages: list[str] = []
    url: str | None = path
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.text
        pages.append(response.text)
        found = NEXT.search(response.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


def test_the_pages_walk_by_their_next_links_and_keep_their_filters(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    _agreements(session, 12)
    mechanism = session.exec(select(Mechanism)).first()
    assert mechanism is not None and mechanism.id is not None
    for year in (2001, 2002, 2003):
        session.add(Meeting(mechanism_id=mechanism.id, held_on=date(year, 5, 1), planned=False))
    session.commit()
    sign_in(web_client, "viewer")
    pages = _walk_page(web_client, "/agreements?q=%ED%98%91%EB%A0%A5+p&limit=5")
    assert len(pages) == 3  # 12 agreements of "협력 p", five a page
    listed = [k for page in pages for k in re.findall(r'href="/agreements/(p-\d+)"', page)]
    assert sorted(listed) == sorted(f"p-{n}" for n in range(12))
    assert "kr-ca-2025" not in "".join(pages)  # the filter held on every page
    assert "다음 →" in pages[0]
    assert web_client.get("/agreements?cursor=garbage").status_code == 400
    meetings = _walk_page(web_client, "/meetings?limit=1")
    days = [
        d for page in meetings for d in re.findall(r"<span class=\"when\">(\d{4}-\d\d-\d\d) ", page)
    ]
    assert len(meetings) >= 4 and len(days) == len(set(days))
    assert {"2001-05-01", "2002-05-01", "2003-05-01"} <= set(days)
    assert 'method="post" action="/meetings' not in "".join(meetings)  # a viewer records none
    assert web_client.get("/audit").status_code == 403  # the log is for administrators


def test_an_administrator_walks_the_audit_log_page_by_page(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(12):
        _change(session, start + timedelta(minutes=number), 1000 + number)
    session.commit()
    sign_in(web_client, "admin")
    pages = _walk_page(web_client, "/audit?entity=officer&limit=5")
    listed = [s for page in pages for s in re.findall(r"담당자 (10\d\d)", page)]
    assert listed == [str(1011 - n) for n in range(12)]
    assert web_client.get("/audit?limit=500").status_code == 400


# -- commitments: the dashboard's list and GET /api/commitments --------------------------------


def test_the_commitments_api_walks_every_commitment_once_while_statuses_change(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    from tracker.models import Commitment

    _agreements(session, 6)
    token = issue_token(web_accounts["viewer"], "t", session=session, actor="t")[1]
    session.commit()
    everyone = {c.id for c in session.exec(select(Commitment)).all()}
    session.commit()  # no read transaction held open while the server writes
    turns = iter(range(1000))

    def meanwhile() -> None:
        # Someone reports progress (the listed row changes) and someone imports a text.
        turn = next(turns)
        changed = session.exec(select(Commitment).order_by(Commitment.id)).all()[turn % 5]
        changed.status = "in_progress" if turn % 2 else "stalled"
        _agreements(session, 1, prefix=f"late{turn}")

    walked = _walk_api(web_client, "/api/commitments?limit=7", token, between=meanwhile)
    ids = [c["id"] for c in walked]
    assert len(ids) == len(set(ids))  # none twice
    assert everyone <= set(ids)  # none that was there is missed
    one_page = web_client.get(
        "/api/commitments?limit=200&tracked=true", headers={"Authorization": f"Bearer {token}"}
    )
    assert "link" not in one_page.headers or len(one_page.json()) == 200


def test_the_dashboard_pages_the_flagged_commitments_and_narrows_them_by_flag(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    from tracker.models import Commitment

    _agreements(session, 30)  # nobody owns these: every one is flagged unowned
    stalled = session.exec(select(Commitment).where(Commitment.agreement_id > 1)).all()[:3]
    for commitment in stalled:
        commitment.status = "stalled"
    session.commit()
    sign_in(web_client, "viewer")  # a viewer without a division watches everyone's
    first = web_client.get("/").text
    total = int(re.search(r"확인이 필요한 이행과제 \(전체\) \((\d+)\)", first).group(1))
    pages = _walk_page(web_client, "/")
    refs = [r for page in pages for r in re.findall(r'href="/commitments/([^"]+)"', page)]
    assert len(refs) == len(set(refs)) == total  # every flagged one, once, page after page
    assert len(pages) > 1, total
    narrowed = web_client.get("/?flag=stalled").text
    shown = re.findall(r'href="/commitments/([^"]+)"', narrowed)
    assert sorted(shown) == sorted(
        f"{session.get(Agreement, c.agreement_id).key}:{c.ref}" for c in stalled
    )
    assert web_client.get("/?flag=late").status_code == 400


def test_the_meetings_page_names_only_the_mechanisms_meeting_soonest(
    session: Session,
    web_accounts: dict[str, Account],
    web_client: TestClient,
) -> None:
    soon = date.today() + timedelta(days=30)
    for number in range(60):
        mechanism = add_mechanism(session, f"작업반 {number:02d}")
        assert mechanism.id is not None
        session.add(
            Meeting(mechanism_id=mechanism.id, held_on=soon + timedelta(days=number), planned=True)
        )
    session.commit()
    sign_in(web_client, "viewer")
    page = web_client.get("/meetings").text
    table = page.split('id="record"')[1]
    listed = set(re.findall(r"작업반 (\d\d)</a>", table))
    assert len(listed) <= 50 and "00" in listed and "59" not in listed  # the soonest only
    assert re.search(r"가까운 50개 \(전체 \d+개", table)  # and says how many there are in all
