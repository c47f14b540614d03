"""The users pages: administrators add, disable and re-role accounts; no one else may."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.factories import import_seed
from tests.web.helpers import ADMIN, add_user, another_client, csrf_of, sign_in
from tracker.domain import Role
from tracker.models import Account, ChangeRecord, Officer, OfficerCreate, WebSession
from tracker.services import account_admin
from tracker.services.accounts import AccountRefused
from tracker.services.lookup import find_officer
from tracker.services.owners import add_officer


def changes(session: Session, action: str) -> list[ChangeRecord]:
    session.rollback()  # a fresh read of what the app committed since
    return list(
        session.exec(
            select(ChangeRecord).where(
                ChangeRecord.entity == "account", ChangeRecord.action == action
            )
        ).all()
    )


def test_an_administrator_sees_every_account_with_its_officer_division_role_and_state(
    app_client: TestClient,
) -> None:
    assert sign_in(app_client, "admin") == "/"
    assert 'href="/users"' in app_client.get("/").text
    page = app_client.get("/users")
    assert page.status_code == 200
    for text in ("jwjung", "정진우", "북미2과", "admin", ADMIN, "정책과", "viewer", "열람자"):
        assert text in page.text, text
    assert "admin (본인)" in page.text and "사용 중" in page.text
    assert "Administrator" in app_client.get("/users?lang=en").text


def test_an_administrator_adds_an_account_for_a_new_officer_who_can_then_sign_in(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    added = app_client.post(
        "/users/add",
        data={
            "csrf": csrf,
            "officer": "",
            "name": "김하늘",
            "email": "Haneul.Kim@mofa.go.kr",
            "division": "북미2과",
            "login": "HKim",
            "password": "a long enough secret",
            "role": "officer",
        },
    )
    assert added.status_code == 303 and added.headers["location"] == "/users"
    shown = app_client.get(added.headers["location"]).text
    assert "계정 hkim을(를) 추가했습니다(담당자)." in shown and "haneul.kim@mofa.go.kr" in shown
    newcomer = another_client(app_client)
    assert sign_in(newcomer, "hkim", "a long enough secret") == "/"
    assert newcomer.get("/users").status_code == 403  # an officer, not an administrator
    officer = find_officer("김하늘", session=session)
    assert officer.role is Role.OFFICER and officer.email == "haneul.kim@mofa.go.kr"
    record = changes(session, "added")[-1]
    assert record.actor == ADMIN and record.detail == {"login": "hkim", "role": "officer"}
    officer_added = session.exec(
        select(ChangeRecord).where(ChangeRecord.entity == "officer", ChangeRecord.actor == ADMIN)
    ).one()
    assert officer_added.action == "added"


def test_an_account_for_an_officer_on_file_takes_the_role_given(
    app_client: TestClient, session: Session
) -> None:
    on_file = add_officer(OfficerCreate(name="최보람"), session=session, actor="t")
    session.commit()
    sign_in(app_client, "admin")
    page = app_client.get("/users").text
    assert f'<option value="{on_file.id}">최보람</option>' in page
    assert ">정진우<" not in page.split('name="officer"')[1]  # has an account already
    added = app_client.post(
        "/users/add",
        data={
            "csrf": csrf_of(page),
            "officer": str(on_file.id),
            "login": "brchoi",
            "password": "a long enough secret",
            "role": "viewer",
        },
    )
    assert added.status_code == 303
    session.rollback()  # end the read that began before the post (SQLite WAL snapshot)
    session.refresh(on_file)
    assert on_file.role is Role.VIEWER
    assert session.exec(select(Account).where(Account.login == "brchoi")).one()


def test_a_refused_account_keeps_the_form_but_never_the_password_and_writes_nothing(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    form = {
        "csrf": csrf,
        "name": "김하늘",
        "email": "haneul.kim@mofa.go.kr",
        "division": "새부서",
        "login": "hkim",
        "role": "admin",
    }
    short = app_client.post("/users/add", data=form | {"password": "tiny-pw1"})
    assert short.status_code == 400
    assert "비밀번호는 10자 이상이어야 합니다." in short.text
    assert 'value="김하늘"' in short.text and 'value="hkim"' in short.text
    assert 'value="새부서"' in short.text and '<option value="admin" selected>' in short.text
    assert "tiny-pw1" not in short.text
    taken = app_client.post(
        "/users/add", data=form | {"login": "jwjung", "password": "a long enough secret"}
    )
    assert (
        taken.status_code == 400 and "이미 사용 중인 아이디입니다: &#39;jwjung&#39;" in taken.text
    )
    bad_mail = app_client.post(
        "/users/add",
        data=form | {"email": "not-an-address", "password": "a long enough secret"},
    )
    assert bad_mail.status_code == 400 and "이메일 주소가 아닙니다" in bad_mail.text
    nameless = app_client.post(
        "/users/add", data=form | {"name": " ", "password": "a long enough secret"}
    )
    assert nameless.status_code == 400 and "새 담당자의 이름을 입력하세요" in nameless.text
    twin = app_client.post(
        "/users/add",
        data=form | {"name": "정진우", "login": "jw2", "password": "a long enough secret"},
    )
    assert (
        twin.status_code == 400
        and "같은 이름의 담당자가 이미 등록되어 있습니다: 정진우" in twin.text
    )
    # Each refusal rolled back the whole transaction: no officer, no division, no account.
    assert session.exec(select(Officer).where(Officer.name == "김하늘")).all() == []
    assert session.exec(select(Account).where(Account.login == "hkim")).all() == []
    assert [r for r in changes(session, "added") if r.actor == ADMIN] == []


def test_disabling_an_account_signs_that_user_out_at_their_next_request(
    app_client: TestClient, session: Session
) -> None:
    desk = another_client(app_client)
    assert sign_in(desk, "jwjung") == "/"
    assert desk.get("/").status_code == 200
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    disabled = app_client.post("/users/disable", data={"csrf": csrf, "login": "jwjung"})
    assert disabled.status_code == 303
    assert disabled.headers["location"] == "/users"
    assert "계정 jwjung을(를) 사용 중지했습니다." in app_client.get("/users").text
    next_request = desk.get("/agreements")
    assert next_request.status_code == 303
    assert next_request.headers["location"].startswith("/login")
    assert "아이디 또는 비밀번호가 올바르지 않습니다" in sign_in(desk, "jwjung")
    account = session.exec(select(Account).where(Account.login == "jwjung")).one()
    sessions = session.exec(select(WebSession).where(WebSession.account_id == account.id)).all()
    assert sessions and all(s.revoked_at is not None for s in sessions)
    record = changes(session, "disabled")[-1]
    assert record.actor == ADMIN and record.detail == {"sessions revoked": 1}
    page = app_client.get("/users").text
    row = page.split('id="user-jwjung"')[1].split("</tr>")[0]
    assert "사용 중지" in row and 'action="/users/disable"' not in row

    # Enabled again: the officer signs in anew; the old session stays revoked.
    enabled = app_client.post("/users/enable", data={"csrf": csrf, "login": "jwjung"})
    assert enabled.headers["location"] == "/users"
    assert desk.get("/agreements").status_code == 303
    assert sign_in(desk, "jwjung") == "/"
    assert changes(session, "enabled")[-1].actor == ADMIN
    again = app_client.post("/users/enable", data={"csrf": csrf, "login": "jwjung"})
    assert again.status_code == 400 and "사용 중지된 계정이 아닙니다" in again.text


def test_an_administrator_changes_a_role_and_it_is_recorded(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    changed = app_client.post(
        "/users/role", data={"csrf": csrf, "login": "JWJung", "role": "admin"}
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/users"
    assert "계정 jwjung의 권한을 관리자(으)로 변경했습니다." in app_client.get("/users").text
    officer = find_officer("정진우", session=session)
    session.refresh(officer)
    assert officer.role is Role.ADMIN
    record = changes(session, "role")[-1]
    assert record.actor == ADMIN and record.detail == {"from": "officer", "to": "admin"}
    promoted = another_client(app_client)
    sign_in(promoted, "jwjung")
    assert promoted.get("/users").status_code == 200
    bad = app_client.post("/users/role", data={"csrf": csrf, "login": "jwjung", "role": "root"})
    assert bad.status_code == 400
    unknown = app_client.post(
        "/users/role", data={"csrf": csrf, "login": "nobody", "role": "viewer"}
    )
    assert unknown.status_code == 400 and "없는 계정입니다: &#39;nobody&#39;" in unknown.text


def test_an_administrator_cannot_disable_or_demote_themselves(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "admin")
    csrf = csrf_of(app_client.get("/users").text)
    disabled = app_client.post("/users/disable", data={"csrf": csrf, "login": "admin"})
    assert disabled.status_code == 400
    assert "본인 계정은 사용 중지할 수 없습니다" in disabled.text
    demoted = app_client.post(
        "/users/role", data={"csrf": csrf, "login": "admin", "role": "viewer"}
    )
    assert demoted.status_code == 400 and "본인 권한은 바꿀 수 없습니다" in demoted.text
    admin = find_officer(ADMIN, session=session)
    session.refresh(admin)
    assert admin.active and admin.role is Role.ADMIN
    assert changes(session, "disabled") == [] and changes(session, "role") == []
    assert app_client.get("/users").status_code == 200  # still signed in


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(session: Session) -> None:
    import_seed(session)
    add_user(session, "유일한", "only", Role.ADMIN)
    session.commit()
    with pytest.raises(AccountRefused, match="last active administrator"):
        account_admin.disable_account("only", session=session, actor="cli", acting_account_id=None)
    with pytest.raises(AccountRefused, match="last active administrator"):
        account_admin.set_role(
            "only", Role.OFFICER, session=session, actor="cli", acting_account_id=None
        )
    add_user(session, "둘째", "second", Role.ADMIN)
    assert account_admin.active_admins(session=session) == 2
    account_admin.set_role(
        "only", Role.OFFICER, session=session, actor="cli", acting_account_id=None
    )
    assert account_admin.active_admins(session=session) == 1


@pytest.mark.parametrize("login", ["jwjung", "viewer"])
def test_no_one_but_an_administrator_reaches_any_users_route(
    app_client: TestClient, session: Session, login: str
) -> None:
    assert sign_in(app_client, login) == "/"
    assert 'href="/users"' not in app_client.get("/").text
    csrf = csrf_of(app_client.get("/").text)
    assert app_client.get("/users").status_code == 403
    posts = {
        "/users/add": {"login": "sneaky", "password": "a long enough secret", "name": "몰래"},
        "/users/disable": {"login": "admin"},
        "/users/role": {"login": login, "role": "admin"},
    }
    for path, data in posts.items():
        assert app_client.post(path, data=data | {"csrf": csrf}).status_code == 403, path
    assert session.exec(select(Account).where(Account.login == "sneaky")).all() == []
    assert changes(session, "disabled") == [] and changes(session, "role") == []


def test_users_forms_without_the_csrf_token_are_refused(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "admin")
    assert app_client.post("/users/disable", data={"login": "jwjung"}).status_code == 403
    forged = {"csrf": "forged", "login": "jwjung", "role": "viewer"}
    assert app_client.post("/users/role", data=forged).status_code == 403
    assert (
        app_client.post(
            "/users/add",
            data={"csrf": "forged", "login": "x1", "password": "a long enough secret", "name": "X"},
        ).status_code
        == 403
    )
    assert changes(session, "disabled") == [] and changes(session, "role") == []
    assert [r for r in changes(session, "added") if r.actor == ADMIN] == []
