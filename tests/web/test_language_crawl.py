"""Every page and form error, as each role, speaks one language: in Korean no English words
beyond proper names and the agreement's own text, in English no Hangul outside the data.

The data (the agreement's text and titles, names of officers, divisions and mechanisms, what
officers typed) is taken out of a page before it is read, so only the product's own words
remain: those come from the catalogues and must be in the page's language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import String, Text, select
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from tests.web.helpers import csrf_of, form_token, sign_in
from tracker.models import ChangeRecord, CooperationRequest

LOGINS = {"admin": "admin", "officer": "jwjung", "viewer": "viewer"}
PAGES = {
    "admin": [
        "/",
        "/agreements",
        "/agreements/kr-ca-2025",
        "/commitments/kr-ca-2025:7.1",
        "/meetings",
        "/search?q=캐나다",
        "/search?q=interoperability",
        "/reports",
        "/import",
        "/import/kr-ca-2025/review",
        "/follow-up?agreement=kr-ca-2025",
        "/requests?to=mine",
        "/users",
        "/audit",
        "/me/settings",
        "/nowhere",
    ],
    "officer": [
        "/",
        "/agreements",
        "/agreements/kr-ca-2025",
        "/commitments/kr-ca-2025:7.1",
        "/meetings",
        "/search?q=캐나다",
        "/search?q=interoperability",
        "/reports",
        "/import",
        "/follow-up?agreement=kr-ca-2025",
        "/requests?from=mine&state=all",
        "/me/settings",
        "/users",
    ],
    "viewer": [
        "/",
        "/agreements",
        "/commitments/kr-ca-2025:7.1",
        "/meetings",
        "/search?q=캐나다",
        "/search?q=interoperability",
        "/reports",
        "/me/settings",
        "/import",
        "/follow-up",
        "/requests",
    ],
}
# Words that are the same in both languages: names of standards, formats and the product.
SHARED = {
    "MOU",
    "API",
    "CSRF",
    "UTF",
    "CP949",
    "EUC",
    "KR",
    "HTML",
    "PDF",
    "URL",
    "ID",
    "CSV",
    "XLSX",
    "iCalendar",
    "ICS",
    "Bearer",
    "Authorization",
    "TOKEN",
    "tracker",
    "KST",
    "ko",
    "en",
    "OK",
    "http",
    "https",
    "EUC-KR",
    "Outlook",
    "iCal",
}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+(?:-[A-Za-z]+)*")
HANGUL = re.compile(r"[\uac00-\ud7a3]+")


class VisibleText(HTMLParser):
    """The text a reader sees or hears in the page's language: text nodes outside script and
    style, and the attributes a screen reader or a hover reads out. A part marked as another
    language (`lang="en"` on the language switch) is that language's, as a reader hears it."""

    SPOKEN = frozenset({"title", "aria-label", "placeholder", "alt"})
    HIDDEN = frozenset({"script", "style", "code", "pre", "textarea"})

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._hidden: list[str] = []  # the open tags whose text is not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        other = dict(attrs).get("lang") not in (None, self.language)
        if tag in self.HIDDEN or other or (self._hidden and tag == self._hidden[-1]):
            self._hidden.append(tag)
        if not self._hidden:
            self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and tag == self._hidden[-1]:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str, language: str) -> str:
    parser = VisibleText(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


DATA_TABLES = (
    "agreement",
    "section",
    "clause",
    "clause_item",
    "commitment",
    "officer",
    "division",
    "mechanism",
    "mechanism_alias",
    "meeting",
    "status_update",
    "assessment",
    "evidence",
    "account",
    "api_token",
    "report",
    "cooperation_request",
)


def data_of(session: Session) -> list[str]:
    """Every free-text value of the tables that hold what was imported or typed (codes such
    as a status or a role are not data: the catalogues word them), longest first."""
    found: set[str] = set()
    for name in DATA_TABLES:
        table = SQLModel.metadata.tables[name]
        texts = [c for c in table.columns if isinstance(c.type, AutoString | String | Text)]
        for row in session.execute(select(*texts)) if texts else ():
            for value in row:
                if isinstance(value, str):
                    found.update(part.strip() for part in value.splitlines() if part.strip())
    found.update(session.execute(select(ChangeRecord.actor)).scalars())  # who did it: a name
    found.add("testclient")  # the test client's address, where a browser's would be
    return sorted(found, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return text


def english_words(text: str) -> set[str]:
    # Addresses, paths, file names and identifiers (kr-ca-2025:7.1) are the same in every
    # language.
    text = re.sub(r"\S*\d\S*", " ", text)
    text = re.sub(
        r"https?://\S+|\S+@\S+|(?<!\w)/[\w./{}-]+|\S*\.(txt|md|html|pdf|xlsx|ics)\b", " ", text
    )
    # An acronym (NATO, ADD, DRDC) is a proper name in Korean text as well.
    return {w for w in ENGLISH_WORD.findall(text) if len(w) > 2 and not w.isupper()} - SHARED


def foreign_words(text: str, language: str) -> set[str]:
    """Words of the other language: English in a Korean text, Hangul in an English one."""
    return english_words(text) if language == "ko" else set(HANGUL.findall(text))


@pytest.fixture
def review_work(app_client: TestClient, session: Session) -> None:
    """7.1 with both parties' progress, obstacles and requests for cooperation (one open to
    the administrator's division, one to a ministry answered), so the pages show them."""
    from datetime import date

    from tracker.domain import Party
    from tracker.models import Division, RequestCreate, StatusUpdateCreate
    from tracker.services.lookup import find_commitment
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.requests import answer_request
    from tracker.services.status_updates import record_status_update

    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    policy = FollowUpPolicy()
    policy_division = session.execute(
        select(Division.id).where(Division.name == "정책과")
    ).scalar_one()
    for party in Party:
        record_status_update(
            commitment,
            StatusUpdateCreate(
                status="in_progress",
                as_of=date(2026, 1, 5),
                party=party,
                obstacles="예산 미확보",
                requests=[
                    RequestCreate(to_division_id=policy_division, what="훈련 예산 협의"),
                    RequestCreate(to_body="국방부", what="참가 규모", due_on=date(2026, 2, 1)),
                ]
                if party is Party.HOME
                else [],
            ),
            session=session,
            policy=policy,
            author="정진우",
            today=date(2026, 1, 5),
        )
    ministry = session.execute(
        select(CooperationRequest).where(CooperationRequest.to_body == "국방부")
    ).scalar_one()
    answer_request(ministry, "참가 규모 확정", session=session, actor="정진우")
    session.commit()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_speaks_its_language_as_each_role(
    app_client: TestClient, session: Session, review_work: None, role: str, language: str
) -> None:
    sign_in(app_client, LOGINS[role])
    data = data_of(session)
    found = {}
    for path in PAGES[role]:
        page = app_client.get(path, params={"lang": language})
        words = foreign_words(without_data(visible(page.text, language), data), language)
        if words:
            found[path] = sorted(words)
    assert found == {}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_form_errors_speak_the_page_s_language(
    app_client: TestClient, session: Session, language: str
) -> None:
    sign_in(app_client, "jwjung")
    app_client.get("/", params={"lang": language})  # the language is kept in a cookie
    typed = ["nope", "someday", "bad key!", "20x5"]  # what the forms were sent: data
    data = data_of(session) + typed
    page = app_client.get("/commitments/kr-ca-2025:7.1").text
    csrf, version = form_token(page)
    refusals = [
        app_client.post(
            "/commitments/kr-ca-2025:7.1/status",
            data={
                "csrf": csrf,
                "version": version,
                "status": "nope",
                "as_of": "2099-01-01",
                "note": "x",
                "evidence": "/etc/passwd",
            },
        ),
        app_client.post(
            "/commitments/kr-ca-2025:7.1/status",
            data={"csrf": "forged", "version": version, "status": "in_progress"},
        ),
        app_client.post(
            "/meetings",
            data={
                "csrf": csrf_of(app_client.get("/meetings").text),
                "mechanism": "",
                "held_on": "someday",
                "state": "planned",
            },
        ),
        app_client.post("/import/preview", data={"csrf": csrf, "text": "", "key": "bad key!"}),
        app_client.post(
            "/follow-up/review",
            data={"csrf": csrf, "agreement": "kr-ca-2025", "text": "", "date": "someday"},
        ),
        app_client.get("/agreements", params={"year": "20x5"}),
        app_client.get("/commitments/kr-ca-2025:99.9"),
    ]
    for response in refusals:
        assert 400 <= response.status_code < 500, response.request.url
        alert = re.search(r'class="error"[^>]*>(.*?)</', response.text, re.S)
        shown = visible(alert.group(1) if alert else response.text, language)
        words = foreign_words(without_data(shown, data), language)
        assert words == set(), (response.request.url, shown)
