"""Follow-up intake in the browser's forms: paste or upload a later text, review what it
proposes for the seed agreement, record what the officer ticks, and nothing else."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from tests.web.helpers import csrf_of, sign_in
from tests.web.test_language_crawl import data_of, foreign_words, visible, without_data
from tracker.domain import UpdateSource
from tracker.models import (
    Account,
    Agreement,
    ChangeRecord,
    Commitment,
    Evidence,
    Meeting,
    StatusUpdate,
)

INTAKE = Path(__file__).parents[1] / "fixtures" / "intake"
KR_CA = INTAKE / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
KR_UK = INTAKE / "kr-uk_cyber-consultation_2026-04-02_ko.txt"
KEY = "kr-ca-2025"
SOURCE_URL = "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=376001"


class _Form(HTMLParser):
    """What a browser sends from one form: enabled inputs (ticked boxes only), each select's
    chosen option, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields.append((self._select, chosen[0]))
            self._select = None


def form_of(page: str, action: str) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def replaced(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name, value)) for name, value in fields]


def without(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(n, v) for n, v in fields if (n, v) != (name, value)]


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx sends them, each name with its values in order."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def review_paste(client: TestClient, text: str, **extra: str) -> Response:
    csrf = csrf_of(client.get("/follow-up", params={"agreement": KEY}).text)
    data = {"csrf": csrf, "agreement": KEY, "text": text} | extra
    return client.post("/follow-up/review", data=data)


def written(session: Session) -> tuple[int, int, int]:
    """Meetings, status updates and change records in the database."""
    session.rollback()  # a fresh snapshot: the app wrote in its own transaction
    return (
        len(session.exec(select(Meeting)).all()),
        len(session.exec(select(StatusUpdate)).all()),
        len(session.exec(select(ChangeRecord)).all()),
    )


def updates_of(session: Session, ref: str) -> list[StatusUpdate]:
    session.rollback()
    return list(
        session.exec(
            select(StatusUpdate)
            .join(Commitment, col(Commitment.id) == StatusUpdate.commitment_id)
            .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
            .where(Agreement.key == KEY, Commitment.ref == ref)
            .order_by(col(StatusUpdate.id))
        ).all()
    )


def row(page: str, label: str) -> str:
    """The table row of one proposed link, by its checkbox's value."""
    found = re.search(
        rf'<tr>(?:(?!</tr>).)*value="{re.escape(label)}"(?:(?!</tr>).)*</tr>', page, re.S
    )
    assert found is not None, label
    return found.group(0)


def test_an_officer_reviews_the_korean_text_and_records_a_meeting_and_two_updates(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    text = KR_CA.read_text(encoding="utf-8")
    before = written(session)
    review = review_paste(app_client, text, source_url=SOURCE_URL)
    assert review.status_code == 200, review.text
    page = review.text
    assert written(session) == before  # a review writes nothing
    assert "2026-03-13" in page and "본문에서 찾음" in page and "캐나다" in page
    # Meeting 1: held in Ottawa on 12 March, ticked; meeting 2: next year in Seoul, no day, not.
    assert re.search(r'id="meeting-1" name="meeting" value="1" checked', page)
    assert re.search(r'id="meeting-2" name="meeting" value="2"(?! checked)', page)
    assert "오타와" in page and 'value="2026-03-12"' in page
    assert "2027 (연도만)" in page and "문서에 날짜가 연·월까지만 있습니다" in page
    # Links: ticked, scored, with their reasons and a status preset to the suggestion.
    for ref, status in (("17.1", "ongoing"), ("7.5", "achieved")):
        shown = row(page, f"{KEY}:{ref}")
        assert " checked" in shown and f'href="/commitments/{KEY}:{ref}"' in shown
        assert re.search(rf'<option value="{status}" selected>', shown), shown
        assert "일치한 단어" in shown and re.search(r'class="num nowrap"[^>]*>\d\.\d\d<', shown)
    assert "사이버 정책협의회를 개최하고" in row(page, f"{KEY}:17.1")
    assert "특수작전부대 협력에 대한 MOU" in row(page, f"{KEY}:7.5")

    # Record meeting 1 and links 17.1 and 7.5 only.
    fields = form_of(page, "/follow-up/apply")
    labels = [v for n, v in fields if n == "link"]
    for other in set(labels) - {f"{KEY}:17.1", f"{KEY}:7.5"}:
        fields = without(fields, "link", other)
    fields = without(fields, "cadence", "1")
    applied = app_client.post("/follow-up/apply", data=as_data(fields))
    assert applied.status_code == 303, applied.text
    assert applied.headers["location"] == f"/agreements/{KEY}"
    agreement_page = app_client.get(applied.headers["location"]).text
    assert "후속 문서를 반영했습니다: 회의 1건, 이행현황 2건 기록." in agreement_page

    session.rollback()
    (meeting,) = session.exec(select(Meeting).where(Meeting.place == "오타와")).all()
    assert str(meeting.held_on) == "2026-03-12" and not meeting.planned
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for ref, status in (("17.1", "ongoing"), ("7.5", "achieved")):
        (update,) = updates_of(session, ref)
        assert update.source is UpdateSource.FOLLOW_UP
        assert str(update.as_of) == "2026-03-13" and update.status == status
        assert update.author == "정진우"
        evidence = session.exec(
            select(Evidence).where(Evidence.status_update_id == update.id)
        ).all()
        assert {e.sha256 for e in evidence if e.sha256} == {digest}
        assert {e.url for e in evidence if e.url} == {SOURCE_URL}
    assert updates_of(session, "18.1") == [] and updates_of(session, "16.1") == []
    after = written(session)

    # The same text confirmed again changes nothing, and says so.
    again = app_client.post("/follow-up/apply", data=as_data(fields))
    assert again.status_code == 303
    assert "이미 기록되어 있어 바뀐 것이 없습니다" in app_client.get(f"/agreements/{KEY}").text
    assert written(session) == after


def test_a_changed_status_and_an_uploaded_file_are_recorded_as_chosen(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    data = KR_CA.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp949")
    csrf = csrf_of(app_client.get("/follow-up").text)
    review = app_client.post(
        "/follow-up/review",
        data={"csrf": csrf, "agreement": KEY},
        files={"upload": ("보도자료.txt", data, "text/plain")},
    )
    assert review.status_code == 200, review.text
    assert "보도자료.txt" in review.text
    fields = [
        (n, v)
        for n, v in form_of(review.text, "/follow-up/apply")
        if n not in ("meeting", "cadence") and (n != "link" or v == f"{KEY}:7.5")
    ]
    fields = replaced(fields, **{f"status_{KEY}:7.5": "in_progress"})
    applied = app_client.post("/follow-up/apply", data=as_data(fields))
    assert applied.status_code == 303, applied.text
    (update,) = updates_of(session, "7.5")
    assert update.status == "in_progress"
    # The text kept as evidence is the decoded one, whatever its file's encoding was.
    text = KR_CA.read_text(encoding="utf-8")
    (kept,) = session.exec(select(Evidence).where(Evidence.status_update_id == update.id)).all()
    assert kept.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert kept.file_name == "보도자료.txt"


def test_a_meeting_ticked_without_its_day_is_refused_beside_its_row_and_nothing_is_written(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    review = review_paste(app_client, KR_CA.read_text(encoding="utf-8"))
    fields = [*form_of(review.text, "/follow-up/apply"), ("meeting", "2")]
    before = written(session)
    refused = app_client.post("/follow-up/apply", data=as_data(fields))
    assert refused.status_code == 400
    assert written(session) == before
    page = refused.text
    assert 'id="meeting-2-error"' in page and "날을 주십시오" in page
    assert re.search(r'id="meeting-2" name="meeting" value="2" checked', page)  # kept as ticked
    # With the day typed (inside the year the text gives), it is recorded as planned.
    fields = replaced(form_of(page, "/follow-up/apply"), meeting_day_2="2027-03-05")
    assert app_client.post("/follow-up/apply", data=as_data(fields)).status_code == 303
    session.rollback()
    (planned,) = session.exec(select(Meeting).where(Meeting.place == "서울")).all()
    assert str(planned.held_on) == "2027-03-05" and planned.planned


def test_nothing_ticked_is_refused_and_a_status_left_unchosen_is_refused_on_its_row(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    review = review_paste(app_client, KR_CA.read_text(encoding="utf-8"))
    fields = [
        (n, v)
        for n, v in form_of(review.text, "/follow-up/apply")
        if n not in ("meeting", "link", "cadence")
    ]
    before = written(session)
    nothing = app_client.post("/follow-up/apply", data=as_data(fields))
    assert nothing.status_code == 400 and "반영할 항목을 하나 이상 고르세요" in nothing.text
    unchosen = app_client.post(
        "/follow-up/apply",
        data=as_data([*fields, ("link", f"{KEY}:17.1"), (f"status_{KEY}:17.1", "")]),
    )
    # The suggestion stands in for an empty choice; a status that is not one is refused.
    assert unchosen.status_code == 303
    bad = app_client.post(
        "/follow-up/apply",
        data=as_data([*fields, ("link", f"{KEY}:7.5"), (f"status_{KEY}:7.5", "nope")]),
    )
    assert bad.status_code == 400
    error = re.search(r'<p class="form-hint-invalid" id="link-\d+-error">([^<]+)<', bad.text)
    assert error is not None and "nope" in error.group(1), bad.text
    assert re.search(rf'value="{KEY}:7.5" checked aria-describedby="link-\d+-error"', bad.text)
    assert written(session)[1] == before[1] + 1


def test_a_text_about_another_counterpart_proposes_nothing_and_says_why(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    review = review_paste(app_client, KR_UK.read_text(encoding="utf-8"))
    assert review.status_code == 200
    page = review.text
    assert "영국" in page and "한-캐나다 사이버 정책협의회" in page  # the counterpart warning
    assert "영국 측에 관한 문장은 이 합의의 상대국과 달라 연결하지 않았습니다" in page
    assert "이 문서에서 이 합의문서에 반영할 회의나 이행과제를 찾지 못했습니다" in page
    assert 'action="/follow-up/apply"' not in page  # nothing to confirm


def test_refusals_come_back_in_the_form_with_the_field_and_nothing_written(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    before = written(session)
    empty = review_paste(app_client, "  \n")
    assert empty.status_code == 400
    assert 'id="text-error"' in empty.text and 'aria-invalid="true"' in empty.text
    no_agreement = review_paste(app_client, "본문", agreement="")
    assert no_agreement.status_code == 400 and 'id="agreement-error"' in no_agreement.text
    unknown = review_paste(app_client, "본문", agreement="kr-xx-1999")
    assert unknown.status_code == 400 and 'id="agreement-error"' in unknown.text
    bad_date = review_paste(app_client, "본문", date="13/03/2026")
    assert bad_date.status_code == 400 and 'id="date-error"' in bad_date.text
    assert "본문" in bad_date.text  # what was pasted stays
    bad_url = review_paste(app_client, KR_CA.read_text(encoding="utf-8"), source_url="/etc/passwd")
    assert bad_url.status_code == 400 and 'id="source_url-error"' in bad_url.text
    assert written(session) == before


def test_a_text_without_a_date_asks_for_one_and_is_read_again_with_it(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "jwjung")
    text = "\n".join(KR_CA.read_text(encoding="utf-8").splitlines()[2:])  # no dateline
    review = review_paste(app_client, text)
    assert review.status_code == 200
    assert "찾지 못함" in review.text
    # Links wait for the day that dates their updates: shown, not ticked.
    assert f'value="{KEY}:17.1"' in review.text
    assert not re.search(r'name="link" value="[^"]+" checked', review.text)
    fields = replaced(form_of(review.text, "/follow-up/review"), date="2026-03-13")
    dated = app_client.post("/follow-up/review", data=as_data(fields))
    assert dated.status_code == 200 and "직접 입력" in dated.text
    assert 'name="date" value="2026-03-13"' in dated.text
    assert re.search(rf'name="link" value="{KEY}:17.1" checked', dated.text)


def test_the_page_is_reached_from_the_agreement_and_the_menu_by_editors_only(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "jwjung")
    agreement = app_client.get(f"/agreements/{KEY}").text
    assert f'href="/follow-up?agreement={KEY}"' in agreement and "후속 문서 반영" in agreement
    assert 'href="/follow-up"' in app_client.get("/").text
    form = app_client.get("/follow-up", params={"agreement": KEY}).text
    assert re.search(rf'<option value="{KEY}" selected>', form)

    viewer = TestClient(app_client.app, follow_redirects=False)
    sign_in(viewer, "viewer")
    assert viewer.get("/follow-up").status_code == 403
    assert 'href="/follow-up' not in viewer.get(f"/agreements/{KEY}").text
    csrf = csrf_of(viewer.get("/me/settings").text)
    text = KR_CA.read_text(encoding="utf-8")
    posted = viewer.post("/follow-up/review", data={"csrf": csrf, "agreement": KEY, "text": text})
    assert posted.status_code == 403


def test_forged_posts_are_refused_before_anything_is_read(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    review = review_paste(app_client, KR_CA.read_text(encoding="utf-8"))
    fields = form_of(review.text, "/follow-up/apply")
    before = written(session)
    for forged in (replaced(fields, csrf="forged"), [(n, v) for n, v in fields if n != "csrf"]):
        response = app_client.post("/follow-up/apply", data=as_data(forged))
        assert response.status_code == 403 and "CSRF" in response.text
    assert (
        app_client.post("/follow-up/review", data={"agreement": KEY, "text": "x"}).status_code
        == 403
    )
    assert written(session) == before


def test_an_officer_of_another_division_cannot_record_what_is_not_theirs(
    app_client: TestClient, session: Session, web_accounts: dict[str, Account]
) -> None:
    sign_in(app_client, "jwjung")
    fields = form_of(
        review_paste(app_client, KR_CA.read_text(encoding="utf-8")).text, "/follow-up/apply"
    )
    other = TestClient(app_client.app, follow_redirects=False)
    sign_in(other, "sypark")
    review = review_paste(other, KR_CA.read_text(encoding="utf-8"))
    assert review.status_code == 200
    assert re.search(rf'id="link-1" name="link" value="{KEY}:[\d.]+" disabled', review.text)
    before = written(session)
    # What jwjung could tick, posted with sypark's token, is refused row by row.
    csrf = csrf_of(review.text)
    refused = other.post("/follow-up/apply", data=as_data(replaced(fields, csrf=csrf)))
    assert refused.status_code == 403
    assert "다른 부서의 이행과제라 수정할 수 없습니다" in refused.text
    assert written(session) == before


def test_a_proposal_that_changed_since_the_review_is_shown_again_not_applied(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client, "jwjung")
    review = review_paste(app_client, KR_CA.read_text(encoding="utf-8"))
    fields = replaced(form_of(review.text, "/follow-up/apply"), proposal="0" * 32)
    before = written(session)
    changed = app_client.post("/follow-up/apply", data=as_data(fields))
    assert changed.status_code == 409 and "새 제안을 확인하고 다시 반영하세요" in changed.text
    assert written(session) == before
    assert (
        app_client.post(
            "/follow-up/apply", data=as_data(form_of(changed.text, "/follow-up/apply"))
        ).status_code
        == 303
    )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_review_speaks_the_page_s_language_apart_from_the_text(
    app_client: TestClient, session: Session, language: str
) -> None:
    sign_in(app_client, "jwjung")
    app_client.get("/", params={"lang": language})
    text = KR_CA.read_text(encoding="utf-8")
    data = data_of(session) + [line.strip() for line in text.splitlines() if line.strip()]
    review = review_paste(app_client, text)
    # Matched words and names are pieces of the text and of the records: data too.
    words = re.findall(r"(?:일치한 단어|Words matched): ([^<]+)<", review.text)
    data += sorted({w.strip() for line in words for w in line.split(",")}, key=len, reverse=True)
    data += ["오타와", "서울"]  # places, as the text names them
    data = sorted(set(data), key=len, reverse=True)  # a line before the words inside it
    for page in (review.text, app_client.get("/follow-up").text):
        found = foreign_words(without_data(visible(page, language), data), language)
        assert found == set(), found
