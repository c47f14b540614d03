"""Importing in the browser: paste or upload, review the split, save, then correct it."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.conftest import Cli
from tests.factories import import_seed
from tests.web import helpers
from tests.web.helpers import add_user, csrf_of
from tracker.config import Settings
from tracker.domain import Role
from tracker.models import Agreement, ChangeRecord, Commitment
from tracker.services.commitments import list_commitments
from tracker.services.import_sources import sample_source
from tracker.web.app import create_app

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
SEED_KEY = "agreement-2025-10-30"  # a pasted text has no file name: the key is its date


def _accounts(session: Session) -> None:
    """No seed here (the tests import it): an officer and a viewer of 북미2과 only."""
    add_user(session, "김민준", "officer", Role.OFFICER, "북미2과")
    add_user(session, "이서윤", "viewer", Role.VIEWER, "북미2과")
    session.commit()


@pytest.fixture
def app_client(session: Session, web_client: TestClient) -> TestClient:
    _accounts(session)
    return web_client


def sign_in(client: TestClient, login: str = "officer") -> None:
    assert helpers.sign_in(client, login) == "/"


class _Forms(HTMLParser):
    """What a browser would send from each form: named inputs, ticked boxes only."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
        elif tag == "input" and self.forms and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.forms[-1][1].append((a["name"], a.get("value", "")))


def form_fields(html: str, action: str) -> dict[str, list[str]]:
    parser = _Forms()
    parser.feed(html)
    for target, pairs in parser.forms:
        if target == action:
            fields: dict[str, list[str]] = {}
            for name, value in pairs:
                fields.setdefault(name, []).append(value)
            return fields
    raise AssertionError(f"no form posting to {action}")


def preview_paste(client: TestClient, text: str, key: str = "") -> Response:
    csrf = csrf_of(client.get("/import").text)
    response: Response = client.post(
        "/import/preview", data={"csrf": csrf, "text": text, "key": key}
    )
    return response


def cli_split(cli: Cli, path: Path) -> dict[str, Any]:
    """The split as `tracker import PATH --dry-run --json` prints it."""
    result = cli("import", str(path), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    split: dict[str, Any] = json.loads(result.output)
    return split


def counts_line(split: dict[str, Any]) -> str:
    commitments = split["commitments"]
    tracked = sum(1 for c in commitments if c["tracked"])
    return (
        f"장 {len(split['sections'])}개, 조항 {len(split['clauses'])}개, "
        f"이행과제 {len(commitments)}개(점검 대상 {tracked}개), "
        f"이행 메커니즘 {len(split['mechanisms'])}개"
    )


def agreements(session: Session) -> list[Agreement]:
    session.rollback()  # a fresh snapshot: the app wrote in its own transaction
    return list(session.exec(select(Agreement)).all())


def test_an_officer_pastes_the_seed_reviews_the_split_and_saves_what_the_cli_would(
    app_client: TestClient, session: Session, cli: Cli, tmp_path: Path
) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(sample_source(), encoding="utf-8")
    split = cli_split(cli, seed)
    sign_in(app_client)
    form = app_client.get("/import")
    assert form.status_code == 200
    assert '<label for="text">원문</label>' in form.text and 'type="file"' in form.text
    assert 'enctype="multipart/form-data"' in form.text

    review = preview_paste(app_client, sample_source())
    assert review.status_code == 200
    assert counts_line(split) in review.text  # the same split as `tracker import --dry-run`
    assert "장 8개, 조항 26개, 이행과제 45개(점검 대상 36개)" in review.text
    assert "한-캐나다 안보·국방 협력 파트너십 수립" in review.text  # the record's title
    assert "대한민국 경주" in review.text and "정진우" in review.text
    assert "양국 간 상호운용성을 개선하고" in review.text  # commitment 7.3
    assert "국장급 외교·국방 정책 대화" in review.text  # reviewed by
    assert f"새 합의문서로 저장합니다: {SEED_KEY}" in review.text
    assert agreements(session) == []  # a review writes nothing

    saved = app_client.post("/import/save", data=form_fields(review.text, "/import/save"))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/import/{SEED_KEY}/review"
    (agreement,) = agreements(session)
    assert agreement.key == SEED_KEY and agreement.source_text == sample_source()
    commitments = list_commitments(session=session, agreement=SEED_KEY)
    assert len(commitments) == len(split["commitments"]) == 45
    assert sum(c.tracked for c in commitments) == 36
    page = app_client.get(saved.headers["location"]).text
    assert f"합의문서 {SEED_KEY}을(를) 가져왔습니다." in page
    assert "이행과제 45개(점검 대상 36개)" in page
    assert app_client.get(f"/agreements/{SEED_KEY}").status_code == 200
    record = session.exec(select(ChangeRecord).where(ChangeRecord.action == "imported")).one()
    assert record.actor == "김민준"


def test_unticking_commitments_and_renaming_before_saving_are_kept_in_the_change_record(
    app_client: TestClient, session: Session
) -> None:
    sign_in(app_client)
    review = preview_paste(app_client, sample_source(), key="kr-ca-2025")
    fields = form_fields(review.text, "/import/save")
    assert "7.1" in fields["tracked"] and "25.1" not in fields["tracked"]
    fields["tracked"] = [ref for ref in fields["tracked"] if ref != "7.1"] + ["25.1"]
    fields["title"] = ["한-캐나다 안보·국방 파트너십 (2025)"]
    saved = app_client.post("/import/save", data=fields)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/import/kr-ca-2025/review"
    (agreement,) = agreements(session)
    assert agreement.title == "한-캐나다 안보·국방 파트너십 (2025)"
    tracked = {c.ref: c.tracked for c in session.exec(select(Commitment)).all()}
    assert tracked["7.1"] is False and tracked["25.1"] is True
    actions = {
        (r.action, r.detail.get("ref", ""), r.reason)
        for r in session.exec(select(ChangeRecord).where(ChangeRecord.actor == "김민준")).all()
    }
    assert {("untrack", "7.1", "import review"), ("track", "25.1", "import review")} <= actions
    assert ("retitle", "", "import review") in actions
    page = app_client.get(saved.headers["location"]).text
    assert "검토에서 고른 3건을 반영했습니다." in page
    assert "점검 제외 7.1" in page  # the change record, on the review page


def test_an_uploaded_file_is_reviewed_and_saved_under_its_file_name(
    app_client: TestClient, session: Session, cli: Cli
) -> None:
    path = CORPUS / "02_us-jp-kr_spirit-of-camp-david_2023.txt"
    split = cli_split(cli, path)
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/import").text)
    review = app_client.post(
        "/import/preview",
        data={"csrf": csrf, "key": ""},
        files={"upload": (path.name, path.read_bytes(), "text/plain")},
    )
    assert review.status_code == 200, review.text
    assert counts_line(split) in review.text
    fields = form_fields(review.text, "/import/save")
    assert fields["source_name"] == [path.name]
    assert fields["key"] == ["us-jp-kr-spirit-of-camp-david-2023"]  # as the CLI names it
    saved = app_client.post("/import/save", data=fields)
    assert saved.status_code == 303
    (agreement,) = agreements(session)
    assert agreement.key == "us-jp-kr-spirit-of-camp-david-2023"
    assert agreement.source_name == path.name
    assert len(list_commitments(session=session, agreement=agreement.key)) == len(
        split["commitments"]
    )


@pytest.mark.parametrize(
    ("upload", "text", "message"),
    [
        (None, "   \n  ", "가져올 내용이 없습니다. 합의문서 원문을 붙여넣거나 파일을 고르세요."),
        (("empty.txt", b""), "", "empty.txt: 파일이 비어 있습니다."),
        (("scan.pdf", b"%PDF-1.4\x00\x01\x02\x03binary"), "", "scan.pdf: NUL 문자가 들어 있어"),
        (
            ("latin.txt", "Déclaration commune, article 1. ".encode("latin-1") * 3),
            "",
            "latin.txt: UTF-8, UTF-16, CP949(EUC-KR) 텍스트가 아닙니다",
        ),
        (None, "안녕하세요.", "붙여넣은 원문: 알아볼 수 있는 조항이 없습니다"),
    ],
    ids=["empty-paste", "empty-file", "binary-file", "undecodable-file", "no-clause"],
)
def test_bad_input_gets_one_line_saying_what_and_writes_nothing(
    app_client: TestClient,
    session: Session,
    upload: tuple[str, bytes] | None,
    text: str,
    message: str,
) -> None:
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/import").text)
    files = {"upload": (upload[0], upload[1], "application/octet-stream")} if upload else None
    response = app_client.post(
        "/import/preview", data={"csrf": csrf, "text": text, "key": ""}, files=files
    )
    assert response.status_code == 400
    alert = re.search(r'<div class="error" role="alert"><p>([^<]*)</p>', response.text)
    assert alert is not None, response.text
    shown = html.unescape(alert.group(1))
    assert shown.startswith(message) and "\n" not in shown, shown
    if upload is None and text.strip():
        assert text in response.text  # what was pasted stays in the form
    assert agreements(session) == []


def test_the_importer_s_warnings_and_refusals_are_said_in_the_page_s_language(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    nothing_firm = "1. 양국은 우호 관계를 재확인한다.\n2. 양국은 협력의 역사를 인식한다.\n"
    korean = preview_paste(app_client, nothing_firm)
    assert korean.status_code == 200
    assert "<li>조항 2개가 있지만 점검할 이행과제가 없습니다." in korean.text
    csrf = csrf_of(app_client.get("/import").text)
    english = app_client.post("/import/preview?lang=en", data={"csrf": csrf, "text": nothing_firm})
    assert "<li>2 clauses but no commitment to track: no sentence undertakes" in english.text
    refused = app_client.post("/import/preview?lang=en", data={"csrf": csrf, "text": "Hello."})
    assert refused.status_code == 400
    assert "pasted text: no recognizable clauses: no numbered paragraphs" in refused.text


def test_a_text_over_the_size_limit_is_refused_pasted_uploaded_or_saved(
    session: Session, engine: Engine, settings: Settings
) -> None:
    _accounts(session)
    small = settings.model_copy(
        update={"imports": settings.imports.model_copy(update={"max_bytes": 2_000})}
    )
    with TestClient(create_app(small, engine=engine), follow_redirects=False) as client:
        sign_in(client)
        page = client.get("/import").text
        assert "최대 2,000 바이트" in page
        csrf = csrf_of(page)
        pasted = client.post("/import/preview", data={"csrf": csrf, "text": sample_source()})
        assert pasted.status_code == 400
        assert "붙여넣은 원문: 원문이 12,722바이트로 한도(2,000바이트)보다 큽니다" in pasted.text
        uploaded = client.post(
            "/import/preview",
            data={"csrf": csrf},
            files={"upload": ("big.txt", sample_source().encode(), "text/plain")},
        )
        assert uploaded.status_code == 400
        assert "big.txt: 파일이 한도(2,000바이트)보다 큽니다" in uploaded.text
        forced = client.post(
            "/import/save",
            data={"csrf": csrf, "text": sample_source(), "source_name": "pasted.txt"},
        )
        assert forced.status_code == 400 and "한도(2,000바이트)보다 큽니다" in forced.text
    assert agreements(session) == []


def test_a_viewer_may_not_import_or_correct(app_client: TestClient, session: Session) -> None:
    import_seed(session)
    sign_in(app_client, "viewer")
    dashboard = app_client.get("/").text
    assert 'href="/import"' not in dashboard
    csrf = csrf_of(dashboard)
    assert app_client.get("/import").status_code == 403
    assert app_client.get("/import/kr-ca-2025/review").status_code == 403
    preview = app_client.post("/import/preview", data={"csrf": csrf, "text": sample_source()})
    assert preview.status_code == 403
    assert "현재 권한(열람자)으로는 합의문서를 가져올 수 없습니다." in preview.text
    saved = app_client.post(
        "/import/save",
        data={"csrf": csrf, "text": sample_source(), "source_name": "pasted.txt", "key": "x-1"},
    )
    assert saved.status_code == 403
    corrected = app_client.post(
        "/import/kr-ca-2025/review", data={"csrf": csrf, "action": "untrack", "ref": "7.1"}
    )
    assert corrected.status_code == 403
    assert [a.key for a in agreements(session)] == ["kr-ca-2025"]
    assert session.exec(select(ChangeRecord).where(ChangeRecord.action == "untrack")).all() == []


def test_forms_without_the_csrf_token_are_refused(app_client: TestClient, session: Session) -> None:
    import_seed(session)
    sign_in(app_client)
    for path, data in (
        ("/import/preview", {"text": sample_source()}),
        ("/import/save", {"text": sample_source(), "source_name": "a.txt", "key": "other-1"}),
        ("/import/kr-ca-2025/review", {"action": "untrack", "ref": "7.1"}),
        ("/import/kr-ca-2025/review", {"action": "untrack", "ref": "7.1", "csrf": "forged"}),
        ("/import/kr-ca-2025/review", {}),  # forged and malformed: still a 403, not a 400
    ):
        response = app_client.post(path, data=data)
        assert response.status_code == 403, path
        assert "CSRF" in response.text
    assert [a.key for a in agreements(session)] == ["kr-ca-2025"]
    assert session.exec(select(ChangeRecord).where(ChangeRecord.action == "untrack")).all() == []


def test_corrections_after_saving_go_into_the_change_record(
    app_client: TestClient, session: Session
) -> None:
    import_seed(session)
    sign_in(app_client)
    page = app_client.get("/import/kr-ca-2025/review?ref=9.2")
    assert page.status_code == 200
    assert '<option value="9.2" selected>' in page.text
    csrf = csrf_of(page.text)

    split = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "split", "ref": "9.2", "at": "공동 유지 분야에서"},
    )
    assert split.status_code == 303
    assert split.headers["location"] == "/import/kr-ca-2025/review?ref=9.2#c-9.2"
    after = app_client.get(split.headers["location"]).text
    assert 'id="c-9.2b"' in after and "공동 유지 분야에서 협력을 모색할" in after
    assert "나누기 9.2: 9.2b(으)로 나눔" in after
    assert "9.2을(를) 수정했습니다: 나누기" in after  # said once, after the redirect

    untracked = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "untrack", "ref": "9.2b", "reason": "9.2에 포함"},
    )
    assert untracked.status_code == 303
    linked = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "link", "ref": "7.1", "mechanism": "외교·국방장관 2+2 회의"},
    )
    assert linked.status_code == 303
    merged = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "merge", "ref": "13.1", "other": "13.2"},
    )
    assert merged.status_code == 303

    session.rollback()  # a fresh snapshot: the app wrote in its own transaction
    rows = {c.ref: c for c in session.exec(select(Commitment)).all()}
    assert rows["9.2b"].tracked is False and "13.2" not in rows
    assert rows["9.2"].text.endswith("현지 제조 등 메커니즘 등을 통해 공동 개발, 공동 생산,")
    history = app_client.get("/commitments/kr-ca-2025:9.2b").text
    assert "점검 제외" in history and "사유: 9.2에 포함" in history and "김민준" in history
    log = app_client.get("/import/kr-ca-2025/review").text
    for line in (
        '점검 제외 9.2b <span class="muted">(사유: 9.2에 포함)',
        "메커니즘 연결 7.1",
        "합치기 13.1",
    ):
        assert line in log, line


def test_an_officer_of_another_division_reads_the_split_but_may_not_correct_it(
    app_client: TestClient, session: Session
) -> None:
    import_seed(session)
    add_user(session, "김하늘", "hkim", Role.OFFICER, "유럽1과")
    session.commit()
    sign_in(app_client, "hkim")
    page = app_client.get("/import/kr-ca-2025/review")
    assert page.status_code == 200 and "담당 부서의 담당자와 관리자만 고칠 수 있습니다" in page.text
    assert 'name="action" value="untrack"' not in page.text
    forced = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf_of(page.text), "action": "untrack", "ref": "9.2"},
    )
    assert forced.status_code == 403
    session.rollback()
    assert all(c.tracked for c in session.exec(select(Commitment)).all() if c.ref == "9.2")


def test_a_refused_correction_says_why_in_one_line_and_keeps_what_was_typed(
    app_client: TestClient, session: Session
) -> None:
    import_seed(session)
    sign_in(app_client)
    csrf = csrf_of(app_client.get("/import/kr-ca-2025/review").text)
    refused = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "split", "ref": "7.1", "at": "없는 문구", "reason": "시험"},
    )
    assert refused.status_code == 400
    assert "7.1: 이행과제 내용에 없는 문구입니다: &#39;없는 문구&#39;" in refused.text
    assert 'value="없는 문구"' in refused.text and 'value="시험"' in refused.text
    apart = app_client.post(
        "/import/kr-ca-2025/review",
        data={"csrf": csrf, "action": "merge", "ref": "7.1", "other": "9.2"},
    )
    assert apart.status_code == 400 and "서로 다른 조항에 있어 합칠 수 없습니다" in apart.text
    unknown = app_client.post(
        "/import/kr-ca-2025/review", data={"csrf": csrf, "action": "untrack", "ref": "99.9"}
    )
    assert unknown.status_code == 400 and "없는 이행과제입니다" in unknown.text
    assert session.exec(select(ChangeRecord).where(ChangeRecord.entity == "commitment")).all() == []


def test_a_revised_text_is_saved_only_with_replace_ticked(
    app_client: TestClient, session: Session
) -> None:
    import_seed(session)
    sign_in(app_client)
    same = preview_paste(app_client, sample_source())
    assert "이 원문은 이미 kr-ca-2025(으)로 가져왔습니다" in same.text
    revised = sample_source().replace(
        "합동 작전, 연습 및 훈련 참여 확대", "합동 작전 및 연습 참여 확대"
    )
    review = preview_paste(app_client, revised)
    assert review.status_code == 200
    assert "이 원문은 이미 가져온 kr-ca-2025의 개정본입니다" in review.text
    assert "<li>이행과제 7.1 문구 변경</li>" in review.text  # in the page's language
    fields = form_fields(review.text, "/import/save")
    assert fields["key"] == ["kr-ca-2025"] and "replace" not in fields

    refused = app_client.post("/import/save", data=fields)
    assert refused.status_code == 409
    assert (
        "합의문서 &#39;kr-ca-2025&#39;의 개정본입니다(바뀌는 점 1건: 이행과제 7.1 문구 변경)"
        in (refused.text)
    )
    assert 'name="replace"' in refused.text
    session.rollback()  # a fresh snapshot: the app wrote in its own transaction
    assert session.exec(select(Commitment).where(Commitment.ref == "7.1")).one().text == (
        "합동 작전, 연습 및 훈련 참여 확대"
    )

    replaced = app_client.post(
        "/import/save", data=form_fields(refused.text, "/import/save") | {"replace": ["true"]}
    )
    assert replaced.status_code == 303
    assert replaced.headers["location"] == "/import/kr-ca-2025/review"
    session.rollback()  # a fresh snapshot: the app wrote in its own transaction
    assert session.exec(select(Commitment).where(Commitment.ref == "7.1")).one().text == (
        "합동 작전 및 연습 참여 확대"
    )
    assert len(agreements(session)) == 1


def test_the_review_escapes_what_the_text_says(app_client: TestClient) -> None:
    sign_in(app_client)
    text = sample_source().replace(
        "합동 작전, 연습 및 훈련 참여 확대", "합동 작전 <script>alert(1)</script> 참여 확대"
    )
    review = preview_paste(app_client, text)
    assert review.status_code == 200
    assert "<script>alert(1)" not in review.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review.text
    assert form_fields(review.text, "/import/save")["text"] == [text]  # carried verbatim
