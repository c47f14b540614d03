"""Feedback (issue 15): every successful change says what it did once, on the page its redirect
leads to; a refused form keeps what was typed and names the field; an error page keeps the
header and a way back; the dashboard says why its list is empty and which meeting makes each
commitment due.

What a page was given is read from the template's context (a spy on `Template.render`), so the
contract with the templates is tested whatever they make of it; the words are then looked for
in the HTML as well."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import jinja2
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from tests.factories import plan_two_plus_two
from tests.web.helpers import another_client, csrf_of, form_token, sign_in
from tracker.models import Account, Meeting
from tracker.services.lookup import find_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.web import flash
from tracker.web.deps import SESSION_COOKIE

REF = "kr-ca-2025:7.1"
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"


class Pages:
    """The context of every template rendered, in order (the page, then what it extends)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def last(self) -> dict[str, Any]:
        return next(context for name, context in reversed(self.seen) if "flashes" in context)

    def flashes(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.last()["flashes"]
        return found


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pages]:
    spy = Pages()
    real = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **context: Any) -> str:
        spy.seen.append((self.name or "", dict(*args, **context)))
        return real(self, *args, **context)

    monkeypatch.setattr(jinja2.Template, "render", render)
    yield spy


def text_of(response: Response) -> str:
    return html.unescape(response.text)


def said_once(client: TestClient, pages: Pages, posted: Response) -> list[dict[str, str]]:
    """The flashes of the page a post redirected to; a reload of that page says nothing."""
    assert posted.status_code == 303, posted.text
    target = posted.headers["location"]
    shown = client.get(target)
    assert shown.status_code == 200
    told = pages.flashes()
    for note in told:
        assert note["message"] in text_of(shown)
    again = client.get(target)
    assert pages.flashes() == []
    for note in told:
        assert note["message"] not in text_of(again)
    return told


# --- a change says what it did, once -------------------------------------------------------------


def test_a_status_update_with_evidence_says_what_was_saved_once(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(f"/commitments/{REF}").text)
    today = FollowUpPolicy().today().isoformat()
    posted = app_client.post(
        f"/commitments/{REF}/status",
        data={
            "csrf": csrf,
            "version": version,
            "status": "in_progress",
            "note": "실무 협의 개시",
            "evidence": "https://example.org/a https://example.org/b",
        },
    )
    assert said_once(app_client, pages, posted) == [
        {"kind": "success", "message": f"{REF} 이행현황을 저장했습니다: 진행 중({today} 기준)"},
        {"kind": "success", "message": "증빙 2건을 첨부했습니다."},
    ]


def test_an_assessment_and_a_meeting_say_what_was_recorded(
    app_client: TestClient, pages: Pages, session: Session
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(f"/commitments/{REF}").text)
    assessed = app_client.post(
        f"/commitments/{REF}/assessment",
        data={"csrf": csrf, "version": version, "score": "0", "rationale": "일부 이행"},
    )
    assert said_once(app_client, pages, assessed) == [
        {"kind": "success", "message": f"{REF} 평가를 기록했습니다: 부분 이행"}
    ]
    two_plus_two = find_mechanism("2+2", session=session).id
    session.rollback()
    on = FollowUpPolicy().today() + timedelta(days=200)
    meeting = {"csrf": csrf, "mechanism": str(two_plus_two), "held_on": on.isoformat()}
    added = app_client.post("/meetings", data=meeting | {"state": "planned", "place": "오타와"})
    assert said_once(app_client, pages, added) == [
        {"kind": "success", "message": f"예정 회의를 기록했습니다: {TWO_PLUS_TWO}, {on}"}
    ]
    page = app_client.get("/meetings?lang=en")
    assert "Planned meeting recorded" not in page.text  # said once, in the language of then
    session.rollback()
    meeting_id = session.exec(select(Meeting.id)).one()
    moved = on + timedelta(days=1)
    changed = app_client.post(
        f"/meetings/{meeting_id}",
        data={"csrf": csrf, "held_on": moved.isoformat(), "state": "planned", "place": "오타와"},
    )
    said = said_once(app_client, pages, changed)
    english = "Foreign and Defence Ministers' 2+2 Meeting"
    assert said == [{"kind": "success", "message": f"Meeting saved: {english}, {moved}."}]


def test_account_changes_say_what_was_done_and_a_query_string_says_nothing(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    disabled = app_client.post("/users/disable", data={"csrf": csrf, "login": "jwjung"})
    assert said_once(app_client, pages, disabled) == [
        {"kind": "success", "message": "계정 jwjung을(를) 사용 중지했습니다."}
    ]
    enabled = app_client.post("/users/enable", data={"csrf": csrf, "login": "JWJung "})
    assert said_once(app_client, pages, enabled)[0]["message"] == (
        "계정 jwjung을(를) 다시 사용하도록 했습니다."
    )
    role = app_client.post("/users/role", data={"csrf": csrf, "login": "viewer", "role": "admin"})
    assert said_once(app_client, pages, role)[0]["message"] == (
        "계정 viewer의 권한을 관리자(으)로 변경했습니다."
    )
    # The old confirmation by query string is gone: a link cannot make the page say anything.
    forged = app_client.get("/users?done=disabled&login=admin")
    assert pages.flashes() == [] and "사용 중지했습니다" not in text_of(forged)


def test_settings_and_tokens_say_what_was_done(app_client: TestClient, pages: Pages) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/me/settings").text)
    saved = app_client.post(
        "/me/settings", data={"csrf": csrf, "language": "ko", "digest_frequency": "daily"}
    )
    assert said_once(app_client, pages, saved) == [
        {"kind": "success", "message": "설정을 저장했습니다."}
    ]
    made = app_client.post("/me/tokens", data={"csrf": csrf, "name": "주간 내보내기"})
    assert made.status_code == 200  # the token is shown on this page, this once
    assert pages.flashes() == [
        {"kind": "success", "message": "토큰 ‘주간 내보내기’을(를) 만들었습니다."}
    ]
    token_id = made.text.split('action="/me/tokens/')[1].split("/revoke")[0]
    revoked = app_client.post(f"/me/tokens/{token_id}/revoke", data={"csrf": csrf})
    assert said_once(app_client, pages, revoked)[0]["message"] == (
        "토큰 ‘주간 내보내기’을(를) 폐기했습니다."
    )


def test_a_report_says_it_was_generated(
    app_client: TestClient, pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.reports.render import RenderedPdf
    from tracker.web.routes import reports

    class Quick:  # the PDF itself is the report tests' business
        def render(self, _html: str) -> RenderedPdf:
            return RenderedPdf(b"%PDF-1.4\n%%EOF\n", pages=1, seconds=0.0, peak_rss_mb=0.0)

    monkeypatch.setattr(reports, "renderer_for", lambda *_: Quick())
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/reports").text)
    made = app_client.post(
        "/reports/generate",
        data={"csrf": csrf, "agreement": "kr-ca-2025", "kind": "review", "cycle": "current"},
    )
    assert made.headers["location"].startswith("/reports?new=")
    [note] = said_once(app_client, pages, made)
    assert note["message"].startswith("보고서를 생성했습니다: 이행점검 보고서, kr-ca-2025/")


# --- the flash store ----------------------------------------------------------------------------


def test_a_flash_is_the_session_s_own_fresh_and_unforgeable(
    app_client: TestClient, pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/me/settings").text)
    form = {"csrf": csrf, "language": "ko", "digest_frequency": "weekly"}
    saved = app_client.post("/me/settings", data=form)
    cookie = saved.cookies[flash.FLASH_COOKIE]
    assert "설정" not in cookie and "saved" not in cookie  # an id and fields, signed

    # Another officer's browser given this cookie reads nothing: it is bound to a session.
    other = another_client(app_client)
    sign_in(other, "sypark")
    other.cookies.set(flash.FLASH_COOKIE, cookie)
    other.get("/me/settings")
    assert pages.flashes() == []

    # A cookie written without the session token, or tampered with, is ignored (and cleared).
    body, _, signature = cookie.rpartition(".")
    for forged in (f"{body}.{'0' * len(signature)}", body[:-4] + "AAAA." + signature, "x"):
        app_client.cookies.set(flash.FLASH_COOKIE, forged)
        shown = app_client.get("/me/settings")
        assert pages.flashes() == []
        assert flash.FLASH_COOKIE in shown.headers.get("set-cookie", "")

    # A message not read within its time is dropped.
    app_client.post("/me/settings", data=form)
    later = time.time() + flash.MAX_AGE_SECONDS + 5
    monkeypatch.setattr(flash.time, "time", lambda: later)
    app_client.get("/me/settings")
    assert pages.flashes() == []


def test_changes_made_before_a_page_is_read_are_all_said_in_the_reader_s_language(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    app_client.post("/users/role", data={"csrf": csrf, "login": "viewer", "role": "officer"})
    app_client.post("/users/disable", data={"csrf": csrf, "login": "viewer"})
    page = app_client.get("/users?lang=en")
    assert [note["message"] for note in pages.flashes()] == [
        "Account viewer is now Officer.",
        "Account viewer disabled.",
    ]
    assert "Account viewer disabled." in text_of(page)


def test_a_flash_is_worded_from_its_id_and_fields_when_shown() -> None:
    told = flash.tell("flash.user_role", login="hkim", role=flash.Word("user_role_admin"))
    assert told.said("ko") == {
        "kind": "success",
        "message": "계정 hkim의 권한을 관리자(으)로 변경했습니다.",
    }
    assert told.said("en")["message"] == "Account hkim is now Administrator."
    long = flash.tell("flash.token_made", name="가" * 500)
    assert len(str(long.fields["name"])) == flash.FIELD_CHARS
    with pytest.raises(ValueError):
        flash.tell("Settings saved!")  # a sentence is not a message id


# --- a refused form keeps what was typed and names the field ------------------------------------


def test_a_refused_meeting_keeps_what_was_typed_and_names_the_field(
    app_client: TestClient, pages: Pages, session: Session
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/meetings").text)
    two_plus_two = find_mechanism("2+2", session=session).id
    session.rollback()
    typed = {
        "csrf": csrf,
        "mechanism": str(two_plus_two),
        "held_on": "20x5",
        "state": "planned",
        "title": "제3차 장관회의",
        "place": "서울",
        "note": "의제 협의 중",
    }
    refused = app_client.post("/meetings", data=typed)
    assert refused.status_code == 400
    context = pages.last()
    assert (
        context["values"]["title"] == "제3차 장관회의"
        and context["values"]["note"] == "의제 협의 중"
    )
    assert set(context["field_errors"]) == {"held_on"}
    assert "20x5" in context["field_errors"]["held_on"]
    page = text_of(refused)
    assert "제3차 장관회의" in page and context["field_errors"]["held_on"] in page

    # A model's own limit names its field, in the page's language.
    too_long = typed | {"held_on": (FollowUpPolicy().today() + timedelta(days=30)).isoformat()}
    refused = app_client.post("/meetings?lang=en", data=too_long | {"title": "회" * 301})
    assert refused.status_code == 400
    assert pages.last()["field_errors"] == {"title": "Use at most 300 characters."}


def test_a_refused_account_keeps_everything_but_the_password_and_names_the_login(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    refused = app_client.post(
        "/users/add",
        data={
            "csrf": csrf,
            "name": "김하늘",
            "email": "haneul.kim@mofa.go.kr",
            "login": "jwjung",
            "password": "a secret that stays secret",
            "role": "officer",
        },
    )
    assert refused.status_code == 400
    context = pages.last()
    assert set(context["field_errors"]) == {"login"}
    assert "jwjung" in context["field_errors"]["login"]
    assert context["values"]["name"] == "김하늘" and "password" not in context["values"]
    assert "a secret that stays secret" not in refused.text


def test_a_refused_status_update_keeps_the_note_and_names_the_date(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(f"/commitments/{REF}").text)
    tomorrow = FollowUpPolicy().today() + timedelta(days=1)
    refused = app_client.post(
        f"/commitments/{REF}/status",
        data={
            "csrf": csrf,
            "version": version,
            "status": "in_progress",
            "note": "다음 달 실무회의 예정",
            "as_of": tomorrow.isoformat(),
        },
    )
    assert refused.status_code == 400
    context = pages.last()
    assert context["values"]["note"] == "다음 달 실무회의 예정"
    assert (
        list(context["field_errors"]) == ["as_of"]
        and str(tomorrow) in context["field_errors"]["as_of"]
    )
    assert "다음 달 실무회의 예정" in text_of(refused)


# --- error pages keep the header and a way back --------------------------------------------------


def test_a_missing_page_as_a_signed_in_officer_keeps_the_menu_and_a_way_back(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client)
    missing = app_client.get("/commitments/kr-ca-2025:99.9")
    assert missing.status_code == 404
    context = pages.last()
    assert context["visitor"].account.login == "jwjung" and context["status"] == 404
    assert context["back"] == "/agreements"
    assert 'href="/meetings"' in missing.text and 'href="/agreements"' in missing.text
    # From a page of this site, back is that page; from another site, the list it belongs under.
    came = app_client.get(
        "/agreements/nowhere", headers={"referer": "http://testserver/meetings?mechanism=1"}
    )
    assert came.status_code == 404 and pages.last()["back"] == "/meetings?mechanism=1"
    app_client.get("/agreements/nowhere", headers={"referer": "https://elsewhere.example/x"})
    assert pages.last()["back"] == "/agreements"
    nowhere = app_client.get("/nowhere")
    assert nowhere.status_code == 404 and pages.last()["back"] == "/"
    assert 'href="/meetings"' in nowhere.text  # no route ran: the visitor is looked up


def test_a_forbidden_page_keeps_the_menu_and_a_signed_out_visitor_gets_none(
    app_client: TestClient, pages: Pages
) -> None:
    sign_in(app_client)
    forbidden = app_client.get("/users", headers={"referer": "http://testserver/"})
    assert forbidden.status_code == 403
    assert pages.last()["visitor"].account.login == "jwjung" and pages.last()["back"] == "/"
    assert 'href="/meetings"' in forbidden.text
    stranger = another_client(app_client)
    missing = stranger.get("/nowhere")
    assert missing.status_code == 404 and "visitor" not in pages.last()
    assert 'href="/meetings"' not in missing.text


def test_a_fault_of_ours_is_a_page_in_the_reader_s_language_with_the_menu(
    app_client: TestClient, pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.web.routes import home

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(home, "page_of_agreements", broken)
    sign_in(app_client)
    client = TestClient(app_client.app, raise_server_exceptions=False, cookies=app_client.cookies)
    failed = client.get("/agreements")
    assert failed.status_code == 500
    assert "서버에 문제가 생겨" in failed.text and "a bug" not in failed.text
    assert pages.last()["visitor"].account.login == "jwjung"


# --- the dashboard explains itself ---------------------------------------------------------------


def test_an_empty_dashboard_says_why(app_client: TestClient, pages: Pages) -> None:
    sign_in(app_client)
    page = app_client.get("/")
    board = pages.last()["board"]
    assert board.counts.total == 36 and board.counts.needing == 0
    stale, due = pages.last()["explanations"]
    quiet = board.quiet
    assert stale == (
        f"점검 지연 없음: 가장 오래된 갱신도 {quiet.quiet_days}일 전입니다. 90일 동안 갱신이 "
        f"없으면 점검 지연이 되며, 이대로라면 {quiet.stale_from}부터입니다."
    )
    review = quiet.next_review
    assert due == (
        f"회의 임박 없음: 다음 점검 회의는 {TWO_PLUS_TWO}({review.on} 예상)입니다. "
        f"회의 60일 전인 {review.due_from}부터 회의 임박으로 표시됩니다."
    )
    assert stale in text_of(page) and due in text_of(page)
    app_client.get("/?lang=en")
    assert pages.last()["explanations"][0].startswith("Nothing is stale: the oldest update is")

    # An officer of a division with nothing tracked is told that, not "all clear".
    other = another_client(app_client)
    sign_in(other, "sypark")
    other.get("/")
    assert pages.last()["explanations"] == [
        "소속 과에 배정된 점검 대상 이행과제가 없어 지켜볼 것이 없습니다."
    ]


def test_each_due_item_names_its_meeting(
    app_client: TestClient,
    pages: Pages,
    session: Session,
    web_accounts: dict[str, Account],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_two_plus_two(session)  # 2027-02-25, in Ottawa
    session.commit()
    monkeypatch.setattr(FollowUpPolicy, "today", lambda _self: date(2027, 1, 13))
    sign_in(app_client)
    page = app_client.get("/")
    context = pages.last()
    assert context["explanations"] == []
    items = context["board"].flagged.items
    assert items and all("due" in item.attention for item in items)
    assert {
        (item.meeting["mechanism"], item.meeting["on"], item.meeting["place"]) for item in items
    } == {(TWO_PLUS_TWO, "2027-02-25", "오타와")}
    assert items[0].meeting["message"] == f"점검 회의: {TWO_PLUS_TWO}(2027-02-25, 오타와)"
    assert "오타와" in text_of(page)
    assert SESSION_COOKIE in app_client.cookies


def test_a_refused_sign_in_keeps_the_login_but_never_the_password(
    web_client: TestClient, pages: Pages, web_accounts: dict[str, Account]
) -> None:
    csrf = csrf_of(web_client.get("/login").text)
    refused = web_client.post(
        "/login", data={"login": "jwjung", "password": "not the password", "csrf": csrf}
    )
    assert refused.status_code == 401
    assert pages.last()["values"] == {"login": "jwjung"}
    assert pages.last()["field_errors"] == {}  # which of the two was wrong is not said
    assert 'value="jwjung"' in refused.text and "not the password" not in refused.text
