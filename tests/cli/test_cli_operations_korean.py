"""An administrator whose terminal speaks Korean runs the operations commands (accounts, API
tokens, the audit log, the scheduler's plan, the outbox, the schema): what they print, their
tables and their refusals are Korean; only the data (names, logins, keys, dates) is not."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session

from tests.conftest import Cli
from tests.factories import import_seed, plan_two_plus_two

PASSWORD = "correct horse battery"
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def english_words(text: str, *data: str) -> set[str]:
    """Latin words of `text` once the data a test put in is taken out."""
    for value in data:
        text = text.replace(value, "")
    return set(ENGLISH_WORD.findall(text))


@pytest.fixture
def korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")


def test_a_korean_administrator_manages_accounts_and_reads_the_audit_log(
    cli: Cli, session: Session, monkeypatch: pytest.MonkeyPatch, korean: None
) -> None:
    import_seed(session)
    monkeypatch.setenv("TRACKER_NEW_PASSWORD", PASSWORD)
    added = cli("users", "add", "정진우", "--login", "jwjung", "--role", "viewer", "--by", "관리자")
    assert added.exit_code == 0, added.output
    assert added.stdout == "계정을 만들었습니다: jwjung (담당자 정진우, 권한 열람자)\n"

    listed = cli("users", "list").stdout.splitlines()
    assert listed[0].split() == ["아이디", "담당자", "권한", "활성"]
    assert listed[1].split() == ["jwjung", "정진우", "열람자", "예"]

    changed = cli("users", "set-role", "jwjung", "officer", "--by", "관리자")
    assert changed.stdout == "jwjung: 열람자 → 담당자\n"
    disabled = cli("users", "disable", "jwjung", "--by", "관리자")
    assert disabled.stdout == "계정을 사용 중지했습니다: jwjung\n"

    issued = cli("users", "token", "jwjung", "--name", "주간 보고")
    assert issued.exit_code == 1  # a disabled account gets no token: a service's refusal
    assert issued.stderr.startswith("오류: 사용 중지된 계정에는 토큰을 발급하지 않습니다")
    assert "API 토큰이 없습니다" in cli("users", "tokens", "jwjung").stdout

    log = cli("audit", "--entity", "account")
    assert log.exit_code == 0, log.output
    header, *entries = log.stdout.splitlines()
    assert header.split() == ["일시", "누가", "내용", "작업", "세부"]
    assert [re.split(r"\s{2,}", entry)[1:] for entry in entries] == [  # newest first
        ["관리자", "계정 jwjung", "사용 중지", "종료한 세션: 0"],
        ["관리자", "계정 jwjung", "역할 변경", "열람자 → 담당자"],
        ["관리자", "계정 jwjung", "추가", "jwjung (열람자)"],
    ]
    assert cli("audit", "--since", "2099-01-01").stdout == "조건에 맞는 감사 기록이 없습니다.\n"
    wrong = cli("audit", "--entity", "user")
    assert wrong.exit_code == 2 and "다음 중 하나를 고르세요: account, agreement" in wrong.stderr

    # Scripts still read data: --json keeps the codes.
    as_json = json.loads(cli("audit", "--entity", "account", "--json").stdout)
    assert {entry["action"] for entry in as_json} == {"added", "role", "disabled"}


def test_a_korean_administrator_reads_the_scheduler_s_plan_and_the_schema(
    cli: Cli, session: Session, korean: None
) -> None:
    import_seed(session)
    plan_two_plus_two(session)  # 2027-02-25: its review report falls due before it
    session.commit()
    plan = cli("scheduler", "plan", "--from", "2027-01-26", "--to", "2027-01-26")
    assert plan.exit_code == 0, plan.output
    header, *rows = plan.stdout.splitlines()
    assert header.split() == ["일시", "내용", "대상", "기간", "사유"]
    said = [re.split(r"\s{2,}", row)[1:] for row in rows]
    assert said == [
        ["이행점검 보고서", "kr-ca-2025", "2027-02-25#meeting-1", "회의 2027-02-25"],
        ["점검 지연 확인", "전체", "2027-01-26", "매일"],
        ["이행점검 요약 메일", "전체", "2027-01-26", "매일·매주 요약 메일"],
    ]
    assert english_words(plan.stdout, "kr-ca-2025", "meeting") == set()
    backwards = cli("scheduler", "plan", "--from", "2027-01-26", "--to", "2027-01-01")
    assert backwards.exit_code == 2
    assert "--from 2027-01-26보다 앞선 날입니다: 2027-01-01" in backwards.stderr

    assert cli("outbox", "list").stdout == "발송함이 비어 있습니다.\n"
    assert cli("report", "list").stdout.startswith("생성된 보고서가 없습니다")
    current = cli("db", "current").stdout
    assert current.startswith("데이터베이스: ") and current.endswith("(최신 버전)\n")


def test_a_korean_administrator_gets_help_in_korean(cli: Cli, korean: None) -> None:
    shown = cli("scheduler", "plan", "--help").stdout
    assert "두 날짜 사이에 무엇이 언제, 왜 실행될지" in shown
    assert "  tracker scheduler plan --from 2027-01-01 --to 2027-12-31" in shown
    assert "첫날(YYYY-MM-DD)입니다." in shown and "표 대신 JSON으로 출력합니다." in shown
    listing = cli("users", "--help").stdout
    assert "웹 계정을 관리합니다(관리자용)." in listing
    assert "API 토큰을 폐기합니다." in listing
