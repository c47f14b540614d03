"""The meetings page, its forms, and the iCalendar feed, through the web app."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from tests.factories import import_seed
from tests.services.test_calendar_feed import events, unescape
from tests.web.helpers import add_user, csrf_of, sign_in
from tracker.config import Settings
from tracker.domain import Role, TokenScope
from tracker.models import Account, ChangeRecord, Meeting
from tracker.services.import_sources import sample_source
from tracker.services.lookup import find_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.services.portfolio_calendar import list_meetings
from tracker.services.tokens import issue_token, revoke_token

TWO_PLUS_TWO = "외교·국방장관 2+2 회의"


def today_of(settings: Settings) -> date:
    return FollowUpPolicy.from_settings(settings).today()


def mechanism_id(name: str, session: Session) -> int:
    found = find_mechanism(name, session=session).id
    assert found is not None
    session.rollback()  # end the read, so that the test sees what the app commits next
    return found


def meeting_changes(session: Session) -> list[ChangeRecord]:
    session.rollback()
    return list(session.exec(select(ChangeRecord).where(ChangeRecord.entity == "meeting")).all())


def test_the_page_lists_the_seed_mechanisms_and_the_next_estimated_2_plus_2(
    app_client: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    sign_in(app_client)
    page = app_client.get("/meetings")
    assert page.status_code == 200
    for name in (TWO_PLUS_TWO, "국장급 외교·국방 정책 대화", "한-캐나다 방산군수 공동위원회"):
        assert name in page.text
    assert "격년" in page.text and "장관급 회의" in page.text  # cadence and kind, in Korean
    today = today_of(settings)
    estimated = [r for r in list_meetings(session=session, today=today) if r.state == "estimated"]
    assert [r.mechanism for r in estimated] == [TWO_PLUS_TWO]
    on = estimated[0].held_on
    assert on.isoformat() in page.text and "추정" in page.text
    due = on - timedelta(days=settings.schedule.report_lead_days)
    assert f"보고서 마감: {due.isoformat()}" in page.text
    assert f"{on.year}년 {on.month}월" in page.text  # under its month
    assert 'href="/calendar.ics"' in page.text
    english = app_client.get("/meetings?lang=en").text
    assert "Upcoming meetings" in english and "Foreign and Defence Ministers" in english


def test_a_2_plus_2_that_bounds_many_agreements_names_a_few_reports_and_counts_the_rest(
    app_client: TestClient, session: Session
) -> None:
    for n in range(2, 7):  # the same partnership's text under five other titles
        title = f"한-캐나다 안보·국방 협력 파트너십 수립 ({n})"
        import_seed(session, text=sample_source().replace("파트너십 수립", title), key=f"kr-ca-{n}")
    sign_in(app_client)
    page = app_client.get("/meetings").text
    line = re.search(r'<span class="due">보고서 마감: .*?</span>\s', page, re.S)
    assert line is not None
    named = re.findall(r'<a href="/agreements/([^"]+)">', line.group(0))
    assert len(named) == 3 and set(named) <= {"kr-ca-2025", *(f"kr-ca-{n}" for n in range(2, 7))}
    assert "외 3건, 모두 6건" in line.group(0)
    assert page.count('<span class="due">') == 1
    english = app_client.get("/meetings?lang=en").text
    assert "and 3 more, 6 in all" in english


def test_an_officer_records_a_planned_meeting_seen_on_the_page_and_in_the_feed(
    app_client: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/meetings").text)
    on = today_of(settings) + timedelta(days=200)
    saved = app_client.post(
        "/meetings",
        data={
            "csrf": csrf,
            "mechanism": str(mechanism_id("2+2", session)),
            "held_on": on.isoformat(),
            "state": "planned",
            "title": "제2차 한-캐나다 외교·국방(2+2) 장관회의 <b>",
            "place": "오타와, 캐나다; 국방부",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/meetings"
    meeting = session.exec(select(Meeting)).one()
    assert (meeting.held_on, meeting.planned, meeting.place) == (on, True, "오타와, 캐나다; 국방부")
    [change] = meeting_changes(session)
    assert (change.action, change.actor) == ("added", "정진우")

    page = app_client.get("/meetings").text
    assert on.isoformat() in page and "예정" in page
    assert "장관회의 &lt;b&gt;" in page and "장관회의 <b>" not in page
    due = on - timedelta(days=settings.schedule.report_lead_days)
    assert f"보고서 마감: {due.isoformat()}" in page

    feed = app_client.get("/calendar.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    found = {e["UID"]: e for e in events(feed.content.decode("utf-8"))}
    vevent = found[f"meeting-{meeting.id}@tracker"]
    assert unescape(vevent["SUMMARY"]) == TWO_PLUS_TWO
    assert vevent["DTSTART;VALUE=DATE"] == on.strftime("%Y%m%d")
    assert vevent["STATUS"] == "CONFIRMED"
    assert unescape(vevent["LOCATION"]) == "오타와, 캐나다; 국방부"
    assert re.fullmatch(r"\d{8}T\d{6}Z", vevent["DTSTAMP"])
    [report] = [e for e in found.values() if e["UID"].startswith("report-")]
    assert report["UID"] == (
        f"report-review_report-{on.isoformat()}#meeting-{meeting.id}-kr-ca-2025@tracker"
    )
    assert report["DTSTART;VALUE=DATE"] == due.strftime("%Y%m%d")
    assert unescape(report["SUMMARY"]).startswith(f"보고서 마감: {TWO_PLUS_TWO}")
    assert not any(e["STATUS"] == "TENTATIVE" for e in found.values())  # nothing projected now


def test_an_officer_moves_a_meeting_and_marks_it_held(
    app_client: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/meetings").text)
    today = today_of(settings)
    dialogue = str(mechanism_id("외교·국방 정책 대화", session))
    added = app_client.post(
        "/meetings",
        data={
            "csrf": csrf,
            "mechanism": dialogue,
            "held_on": (today + timedelta(days=9)).isoformat(),
        },
    )
    assert added.status_code == 303
    meeting = session.exec(select(Meeting)).one()
    page = app_client.get("/meetings").text
    assert f'action="/meetings/{meeting.id}"' in page
    held_on = (today - timedelta(days=3)).isoformat()
    moved = app_client.post(
        f"/meetings/{meeting.id}",
        data={"csrf": csrf, "held_on": held_on, "state": "held", "title": "제3차 정책대화"},
    )
    assert moved.status_code == 303
    session.rollback()  # a new read: what the app has committed since
    assert (meeting.held_on.isoformat(), meeting.planned, meeting.title) == (
        held_on,
        False,
        "제3차 정책대화",
    )
    unchanged = app_client.post(
        f"/meetings/{meeting.id}",
        data={"csrf": csrf, "held_on": held_on, "state": "held", "title": "제3차 정책대화"},
    )
    assert unchanged.status_code == 303
    assert [c.action for c in meeting_changes(session)] == ["added", "updated"]
    future_held = app_client.post(
        f"/meetings/{meeting.id}",
        data={"csrf": csrf, "held_on": (today + timedelta(days=30)).isoformat(), "state": "held"},
    )
    assert future_held.status_code == 400 and "아직 개최되지 않았습니다" in future_held.text
    assert "<details open>" in future_held.text  # the form it came from, open, as typed
    missing = app_client.post(
        "/meetings/99999", data={"csrf": csrf, "held_on": held_on, "state": "held"}
    )
    assert missing.status_code == 404


def test_a_bad_date_is_refused_in_one_line_and_writes_nothing(
    app_client: TestClient,
    session: Session,
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/meetings").text)
    refused = app_client.post(
        "/meetings",
        data={
            "csrf": csrf,
            "mechanism": str(mechanism_id("2+2", session)),
            "held_on": "2027-02-30",
            "state": "planned",
            "place": "서울 외교부",
        },
    )
    assert refused.status_code == 400
    errors = re.findall(r'<p class="error" role="alert">([^<]*)</p>', refused.text)
    assert errors == ["회의 일자가 날짜 형식(YYYY-MM-DD)이 아닙니다: &#39;2027-02-30&#39;"]
    assert 'value="2027-02-30"' in refused.text and 'value="서울 외교부"' in refused.text
    assert session.exec(select(Meeting)).all() == [] and meeting_changes(session) == []
    no_mechanism = app_client.post(
        "/meetings", data={"csrf": csrf, "mechanism": "", "held_on": "2027-02-03"}
    )
    assert (
        no_mechanism.status_code == 400 and "회의를 등록할 협의체를 고르세요." in no_mechanism.text
    )
    held_later = app_client.post(
        "/meetings",
        data={
            "csrf": csrf,
            "mechanism": str(mechanism_id("2+2", session)),
            "held_on": "2999-01-01",
            "state": "held",
        },
    )
    assert held_later.status_code == 400 and "아직 개최되지 않았습니다" in held_later.text
    assert session.exec(select(Meeting)).all() == []


def test_a_viewer_reads_the_meetings_but_may_not_record_one(
    app_client: TestClient,
    session: Session,
) -> None:
    assert sign_in(app_client, "viewer") == "/"  # the shared viewer
    page = app_client.get("/meetings")
    assert page.status_code == 200 and TWO_PLUS_TWO in page.text
    assert 'method="post" action="/meetings"' not in page.text
    assert "회의를 등록하거나 변경할 수 없습니다" in page.text
    posted = app_client.post(
        "/meetings",
        data={
            "csrf": csrf_of(page.text),
            "mechanism": str(mechanism_id("2+2", session)),
            "held_on": "2027-10-14",
        },
    )
    assert posted.status_code == 403
    assert session.exec(select(Meeting)).all() == []
    assert app_client.get("/calendar.ics").status_code == 200  # reading the feed is fine


def test_meeting_forms_without_the_csrf_token_are_refused(
    app_client: TestClient,
    session: Session,
) -> None:
    sign_in(app_client)
    data = {"mechanism": str(mechanism_id("2+2", session)), "held_on": "2027-10-14"}
    assert app_client.post("/meetings", data=data).status_code == 403
    assert app_client.post("/meetings", data=data | {"csrf": "forged"}).status_code == 403
    assert app_client.post("/meetings/1", data=data).status_code == 403
    assert session.exec(select(Meeting)).all() == []


def test_the_page_filters_by_mechanism_and_everything_wants_a_signed_in_session(
    app_client: TestClient,
    session: Session,
    settings: Settings,
) -> None:
    for path in ("/meetings", "/calendar.ics"):
        response = app_client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/meetings").text)
    committee = mechanism_id("방산군수 공동위원회", session)
    on = today_of(settings) + timedelta(days=40)
    app_client.post(
        "/meetings",
        data={"csrf": csrf, "mechanism": str(committee), "held_on": on.isoformat()},
    )
    everything = app_client.get("/meetings").text
    only_2_plus_2 = app_client.get(f"/meetings?mechanism={mechanism_id('2+2', session)}").text
    only_committee = app_client.get(f"/meetings?mechanism={committee}").text
    item = re.compile(r'<li class="meeting">(.*?)</li>', re.S)
    assert len(item.findall(everything)) == 2
    assert [TWO_PLUS_TWO in m for m in item.findall(only_2_plus_2)] == [True]
    assert [on.isoformat() in m for m in item.findall(only_committee)] == [True]
    assert session.exec(select(Meeting).where(col(Meeting.mechanism_id) == committee)).one()


def test_a_calendar_app_subscribes_with_a_token_until_it_is_revoked(
    app_client: TestClient, session: Session
) -> None:
    account = session.exec(select(Account).where(Account.login == "jwjung")).one()
    row, plaintext = issue_token(
        account, "Outlook 일정", session=session, actor="test", scope=TokenScope.CALENDAR
    )
    _, api_token = issue_token(account, "script", session=session, actor="test")
    session.commit()
    feed = app_client.get("/calendar.ics", params={"token": plaintext})  # no session cookie
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    assert app_client.get("/calendar.ics", params={"token": "trk_forged"}).status_code == 401
    # Each token does its one job: a calendar address calls no API, an API token reads no feed.
    calling = app_client.get("/api/me", headers={"Authorization": f"Bearer {plaintext}"})
    assert calling.status_code == 401
    assert app_client.get("/calendar.ics", params={"token": api_token}).status_code == 401
    assert row.id is not None
    revoke_token(row.id, session=session, actor="test")
    session.commit()
    assert app_client.get("/calendar.ics", params={"token": plaintext}).status_code == 401


def test_an_officer_of_another_division_may_not_close_the_2_plus_2_cycle(
    app_client: TestClient, session: Session, settings: Settings
) -> None:
    add_user(session, "김하늘", "hkim", Role.OFFICER, "유럽1과")
    session.commit()
    two_plus_two = mechanism_id("2+2", session)
    assert sign_in(app_client, "hkim") == "/"
    page = app_client.get("/meetings").text
    assert f'<option value="{two_plus_two}"' not in page.split('id="record"')[-1]
    held = app_client.post(
        "/meetings",
        data={
            "csrf": csrf_of(page),
            "mechanism": str(two_plus_two),
            "held_on": (today_of(settings) - timedelta(days=6)).isoformat(),
            "state": "held",
        },
    )
    assert held.status_code == 403 and "관리자만 등록할 수 있습니다" in held.text
    assert session.exec(select(Meeting)).all() == []
