"""Service refusals in the page's language (`tracker.web.messages.localize`), and the
commitment history worded from its details rather than the CLI's summary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import form_token, sign_in
from tracker.web.deps import LANGUAGE_COOKIE
from tracker.web.messages import localize

PAGE = "/commitments/kr-ca-2025:7.1"

# (the service's message, what the Korean must say, the variable parts it must keep)
KOREAN = [
    # status updates
    (
        "kr-ca-2025:7.1: as-of date 2027-01-01 is after today (2026-11-26)",
        "보다 뒤입니다",
        ["kr-ca-2025:7.1", "2027-01-01", "2026-11-26"],
    ),
    (
        "kr-ca-2025:7.1: as-of date 2020-01-01 is before the agreement was signed (2025-06-01)",
        "합의일자",
        ["2020-01-01", "2025-06-01"],
    ),
    (
        "as-of date 2025-13-01 is not a date (YYYY-MM-DD)",
        "날짜 형식(YYYY-MM-DD)이 아닙니다",
        ["2025-13-01"],
    ),
    (
        "kr-ca-2025:7.1: unknown status 'done'; use one of: in_progress (진행 중), achieved (달성)",
        "알 수 없는 진행 상황",
        ["'done'", "in_progress (진행 중)"],
    ),
    (
        "kr-ca-2025:7.1: the note is 10,001 characters; the limit is 10,000 "
        "(attach a longer text as an evidence file)",
        "근거 파일로 첨부하세요",
        ["10,001", "10,000"],
    ),
    (
        "kr-ca-2025:7.1 changed since you read it (you had version 3, it is now 4; last change: "
        "정진우 set 진행 중 as of 2026-11-26 (첫 번째)); nothing was saved: reload and apply "
        "your change again",
        "아무것도 저장하지 않았습니다",
        ["kr-ca-2025:7.1", "3", "4", "정진우", "진행 중", "기준일 2026-11-26", "첫 번째"],
    ),
    (
        "kr-ca-2025:7.1 changed since you read it (you had version 1, it is now 2; last change: "
        "정진우 assessment: cycle 1: not assessed → +1; 훈련 참가); nothing was saved: reload "
        "and apply your change again",
        "최근 변경: 정진우: 평가 (제1주기: 미평가 → +1 완전 이행; 훈련 참가)",
        [],
    ),
    # evidence
    (
        "kr-ca-2025:7.1: evidence file big.bin is over the limit of 1,024 bytes "
        "(evidence.max_bytes)",
        "한도(1,024바이트)를 넘습니다",
        ["big.bin", "kr-ca-2025:7.1"],
    ),
    ("kr-ca-2025:7.1: evidence file 빈 파일.txt is empty", "빈 근거 파일입니다", ["빈 파일.txt"]),
    (
        "evidence must be http(s) links; not a link: C:\\report.pdf",
        "http(s) 링크로 입력하세요",
        ["C:\\report.pdf"],
    ),
    ("evidence link 'https://' has no host", "호스트", ["'https://'"]),
    # assessments
    ("kr-ca-2025:7.1: give a rationale for the score", "평가 근거를 입력하세요", []),
    (
        "kr-ca-2025:7.1: the rationale is 10,001 characters; the limit is 10,000",
        "평가 근거가 10,001자로",
        ["10,000"],
    ),
    (
        "kr-ca-2025:7.3 is not tracked; track it before assessing it",
        "점검 대상이 아닌",
        ["kr-ca-2025:7.3"],
    ),
    (
        "unknown score 'x': use +1 (full), 0 (partial), -1 (none) or na (not assessed)",
        "+1(완전 이행)",
        ["'x'"],
    ),
    # meetings
    (
        "a meeting on 2027-03-01 cannot have been held yet (today is 2026-11-26); record it as "
        "planned",
        "'예정'으로 등록하세요",
        ["2027-03-01", "2026-11-26"],
    ),
    (
        "a planned meeting on 2025-03-01 is in the past (today is 2026-11-26); record it as held, "
        "or give its new date",
        "'개최'로 등록하거나",
        ["2025-03-01"],
    ),
    (
        "a meeting on 2090-01-01 is more than 30 years ahead; check the year",
        "연도를 확인하세요",
        ["30년"],
    ),
    (
        "한-캐나다 외교장관회의 already has a meeting on 2026-05-01 (id 2); change it with "
        "`tracker meetings update 2`",
        "이미 등록된 회의가 있습니다",
        ["한-캐나다 외교장관회의", "2026-05-01", "2번"],
    ),
    (
        "a held 2+2 on 2026-01-10 falls inside closed review cycle 1 of kr-ca-2025 (2025-06-01 – "
        "2026-02-01); record the meetings that bound cycles in the order they were held",
        "열린 순서대로",
        ["2+2", "2026-01-10", "제1주기", "kr-ca-2025"],
    ),
    (
        "only officers who follow up 2+2's commitments, and administrators, "
        "may record its meetings",
        "관리자만",
        ["2+2"],
    ),
    # import
    ("pasted text: the text is empty", "붙여넣은 원문: 원문이 비어 있습니다", []),
    ("empty.txt: the file is empty", "파일이 비어 있습니다", ["empty.txt"]),
    (
        "a.txt: not UTF-8, UTF-16 or CP949/EUC-KR text (invalid UTF-8 at byte 7); save it as "
        "UTF-8 and import again",
        "UTF-8로 저장한 뒤",
        ["a.txt", "7"],
    ),
    (
        "big.txt: file is larger than the limit of 2,000,000 bytes (imports.max_bytes)",
        "한도(2,000,000바이트)",
        ["big.txt"],
    ),
    (
        "notes.txt: no clauses found: expected numbered paragraphs (1., (1), 가., ①, Article 1) "
        "or paragraphs of sentences",
        "조항을 찾지 못했습니다",
        ["notes.txt"],
    ),
    (
        "kr-ca-2026.txt revises agreement 'kr-ca-2025' (2 changes: clause 3; clause 4); "
        "run again with --replace",
        "개정본입니다",
        ["'kr-ca-2025'", "2건"],
    ),
    # accounts, sign-in, tokens
    ("wrong login or password", "아이디 또는 비밀번호가 올바르지 않습니다", []),
    ("too many failed sign-ins; wait 15 minutes and try again", "15분 뒤에", []),
    ("the password must have at least 10 characters", "10자 이상", []),
    ("login 'jwjung' is taken", "이미 사용 중인 아이디", ["'jwjung'"]),
    (
        "an officer called 정진우 is on file: choose them in the list",
        "목록에서 고르세요",
        ["정진우"],
    ),
    ("give the token a name, e.g. the script that will use it", "토큰 이름을 입력하세요", []),
    # forms, roles, not found, limits
    (
        "the form is out of date (CSRF); reload the page and try again",
        "새로 고친 뒤 다시 시도하세요",
        ["CSRF"],
    ),
    ("your role (viewer) may not import agreements", "현재 권한(열람자)으로는 합의문서를", []),
    ("you may not edit this commitment (another division's)", "다른 부서의 이행과제", []),
    ("no page at /nope", "페이지를 찾을 수 없습니다", ["/nope"]),
    ("no agreement 'kr-xx' (see `tracker agreements list`)", "없는 합의문서입니다", ["'kr-xx'"]),
    (
        "agreement 'kr-ca-2025' has no commitment '99'",
        "없는 이행과제입니다",
        ["'99'", "'kr-ca-2025'"],
    ),
    ("no evidence file 12", "근거 파일 12번이 없습니다", []),
    ("no report 5", "보고서 5번이 없습니다", []),
    (
        "the request is over the limit of 8,192 bytes (web.max_request_bytes)",
        "요청이 한도(8,192바이트)를 넘습니다",
        [],
    ),
    (
        "the form is not valid: ref: Field required; version: Field required",
        "입력 양식이 올바르지 않습니다: ref: 필수 항목입니다; version: 필수 항목입니다",
        [],
    ),
]


@pytest.mark.parametrize(("message", "korean", "kept"), KOREAN)
def test_each_family_of_refusals_reads_in_korean_and_keeps_its_particulars(
    message: str, korean: str, kept: list[str]
) -> None:
    turned = localize(message, "ko")
    assert korean in turned, turned
    for part in kept:
        assert part in turned, (part, turned)
    assert "`tracker" not in turned and "--replace" not in turned  # no CLI hints
    english = localize(message, "en")
    assert "`tracker" not in english and "--replace" not in english
    if "`tracker" not in message and "--replace" not in message:
        assert english == message


def test_english_stays_as_the_services_wrote_it_but_without_cli_hints() -> None:
    message = "kr-ca-2025:7.1: as-of date 2027-01-01 is after today (2026-11-26)"
    assert localize(message, "en") == message
    assert localize("no agreement 'x' (see `tracker agreements list`)", "en") == "no agreement 'x'"
    assert (
        localize(
            "2+2 already has a meeting on 2026-05-01 (id 2); "
            "change it with `tracker meetings update 2`",
            "en",
        )
        == "2+2 already has a meeting on 2026-05-01 (id 2)"
    )


def test_an_unknown_message_comes_back_unchanged() -> None:
    for message in ("something went sideways", "kr-ca-2025:7.1: a brand new refusal", ""):
        assert localize(message, "ko") == message
        assert localize(message, "en") == message
    assert localize("no status update 3", "fr") == "no status update 3"


def test_several_problems_are_turned_line_by_line_keeping_their_indent() -> None:
    message = (
        "kr-ca-2025:7.1: 2 problems; nothing was saved\n"
        "  as-of date 2027-01-01 is after today (2026-11-26)\n"
        "  a line nobody knows"
    )
    lines = localize(message, "ko").split("\n")
    assert lines[0] == "kr-ca-2025:7.1: 문제 2건이 있어 아무것도 저장하지 않았습니다."
    assert lines[1].startswith("  기준일(2027-01-01)이 오늘(2026-11-26)")
    assert lines[2] == "  a line nobody knows"


def test_localize_never_raises_on_odd_input() -> None:
    for odd in ("\n\n", ": : :", "x: " * 50, "your role (nobody) may not fly"):
        assert isinstance(localize(odd, "ko"), str)
    assert "nobody" in localize("your role (nobody) may not fly", "ko")


# --- pages --------------------------------------------------------------------------------------


def test_a_refused_status_update_reads_in_korean_and_in_english_when_chosen(
    app_client: TestClient,
) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    form = {"csrf": csrf, "version": version, "status": "achieved", "as_of": "2999-01-01"}
    korean = app_client.post(f"{PAGE}/status", data=form)
    assert korean.status_code == 400
    assert "kr-ca-2025:7.1: 기준일(2999-01-01)이 오늘(" in korean.text
    assert "is after today" not in korean.text
    english = app_client.post(f"{PAGE}/status?lang=en", data=form)
    assert english.status_code == 400
    assert "kr-ca-2025:7.1: as-of date 2999-01-01 is after today (" in english.text
    assert "기준일(2999-01-01)" not in english.text


def test_a_forged_form_gets_a_korean_403(app_client: TestClient) -> None:
    sign_in(app_client)
    _, version = form_token(app_client.get(PAGE).text)
    forged = app_client.post(
        f"{PAGE}/status", data={"csrf": "forged", "version": version, "status": "achieved"}
    )
    assert forged.status_code == 403
    assert "입력 양식의 유효 시간이 지났습니다(CSRF)" in forged.text
    assert "out of date" not in forged.text
    app_client.cookies.set(LANGUAGE_COOKIE, "en")
    again = app_client.post(
        f"{PAGE}/status", data={"csrf": "forged", "version": version, "status": "achieved"}
    )
    assert again.status_code == 403 and "the form is out of date (CSRF)" in again.text


def test_missing_pages_and_commitments_say_so_in_the_page_language(app_client: TestClient) -> None:
    sign_in(app_client)
    missing = app_client.get("/nope")
    assert missing.status_code == 404 and "페이지를 찾을 수 없습니다: /nope" in missing.text
    nobody = app_client.get("/commitments/kr-ca-2025:99")
    assert nobody.status_code == 404 and "없는 이행과제입니다" in nobody.text
    assert "no commitment" not in nobody.text
    english = app_client.get("/nope?lang=en")
    assert english.status_code == 404 and "no page at /nope" in english.text


def test_the_history_is_worded_in_the_page_language(app_client: TestClient) -> None:
    sign_in(app_client)
    csrf, version = form_token(app_client.get(PAGE).text)
    update = {
        "csrf": csrf,
        "version": version,
        "status": "in_progress",
        "note": "1차 훈련 참관",
        "evidence": "https://www.mofa.go.kr/press/1",
        "as_of": "2025-12-01",
    }
    assert app_client.post(f"{PAGE}/status", data=update).status_code == 303
    csrf, version = form_token(app_client.get(PAGE).text)
    assessed = {"csrf": csrf, "version": version, "score": "+1", "rationale": "훈련 참가"}
    assert app_client.post(f"{PAGE}/assessment", data=assessed).status_code == 303
    korean = app_client.get(PAGE).text
    history = korean[korean.index('id="history-heading"') :]
    assert "이행현황: <strong>진행 중</strong> (기준일 2025-12-01); " in history
    assert "1차 훈련 참관" in history
    assert 'href="https://www.mofa.go.kr/press/1"' in history  # the evidence list stays
    assert "평가: 점검 주기 1: 미평가 → <strong>+1 완전 이행</strong>; 훈련 참가" in history
    assert "as of" not in history and "not assessed" not in history
    english = app_client.get(f"{PAGE}?lang=en").text
    history = english[english.index('id="history-heading"') :]
    assert "status update: <strong>In progress</strong> (As of 2025-12-01)" in history
    assert "assessment: Cycle 1: Not assessed → <strong>+1 full</strong>; 훈련 참가" in history
