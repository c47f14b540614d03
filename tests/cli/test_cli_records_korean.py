"""A desk officer whose terminal speaks Korean follows an agreement from the command line
(review an import, list and update commitments, assess, read the history, the cycles and the
meetings, hand over, export a sheet): what the commands print, their tables, their refusals and
their help are Korean, statuses and scores included; only the data (names, keys, the
agreement's text, dates) is not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.conftest import Cli
from tracker.models import Agreement

KEY = "kr-ca-2025"
SEED = Path(__file__).parents[1] / "fixtures" / "corpus"
SEED_FILE = SEED / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Latin words that are data in this agreement: mechanism names, acronyms.
DATA_WORDS = {"MOU", "ADEX", "CANSEC", "NATO", "ASEAN", "ARF", "ADMM", "Plus"}


def english_words(text: str, *data: str) -> set[str]:
    """Latin words of `text` once the data a test put in is taken out."""
    for value in data:
        text = text.replace(value, "")
    return set(ENGLISH_WORD.findall(text)) - DATA_WORDS


def ok(result: object) -> str:
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


@pytest.fixture
def korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")


def test_a_korean_officer_reviews_an_import_before_anything_is_written(
    cli: Cli, session: Session, korean: None
) -> None:
    review = ok(cli("import", str(SEED_FILE), "--dry-run"))
    lines = review.splitlines()
    assert lines[0] == "합의문서: 한-캐나다 안보·국방 협력 파트너십 수립"
    assert lines[2] == "(● 점검 대상, ○ 남기되 점검하지 않음)"
    assert "    ○ 1.1 [선언] " in review
    assert "장 8개, 조항 26개, 이행과제 45개(점검 대상 36개), 이행 메커니즘 17개" in review
    assert "검토만 했습니다: 아무것도 저장하지 않았습니다" in lines
    # It ends with where the importer was unsure, for the officer to look at before saving.
    assert lines[-3:] == [
        "가져오면서 확실하지 않았던 곳 (저장하기 전에 확인하세요):",
        "  이행과제 11.1: 강도가 다른 부분(노력, 확약)이 섞여 있지만 나누지 않았습니다.",
        "  이행과제 21.1: 강도가 다른 부분(확약, 노력)이 섞여 있지만 나누지 않았습니다.",
    ]
    assert "점검 메커니즘: 국장급 외교·국방 정책 대화" in review
    assert "인도-태평양 정보기관장 회의 (포럼·행사, 연례)" in review
    assert json.loads(ok(cli("agreements", "list", "--json"))) == []


def test_a_korean_officer_follows_a_commitment_from_the_command_line(
    cli: Cli, seed: Agreement, korean: None, tmp_path: Path
) -> None:
    added = ok(cli("officers", "add", "김하늘", "--division", "북미1과"))
    assert re.fullmatch(r"담당자 \d+: 김하늘\n", added)

    table = ok(cli("commitments", "list", "-a", KEY, "--tracked")).splitlines()
    assert re.split(" {2,}", table[0]) == [
        "합의문",
        "번호",
        "버전",
        "진행 상황",
        "담당자",
        "확인 필요",
        "문안",
    ]
    assert "점검 전" in table[1]

    done = ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "in_progress",
            "-n",
            "1차 협의 개최",
            "--by",
            "정진우",
        )
    )
    assert re.fullmatch(
        rf"{KEY}:7\.3: 진행 중 \(\d{{4}}-\d\d-\d\d 기준, 이행현황 1번, 버전 2\)\n", done
    )
    assessed = ok(
        cli(
            "assess",
            f"{KEY}:7.3",
            "--score",
            "+1",
            "--rationale",
            "공동연습 2회",
            "--without-evidence",
        )
    )
    assert assessed == f"{KEY}:7.3: 제1주기 평가 +1 완전 이행 (버전 3)\n"

    card = ok(cli("commitments", "show", f"{KEY}:7.3"))
    assert card.startswith(f"{KEY}:7.3  (조항 7, 버전 3)\n")
    assert re.search(r"^진행 상황:\s+진행 중 \(\d{4}-\d\d-\d\d 기준\)$", card, re.M)
    assert re.search(r"^평가:\s+제1주기: \+1 완전 이행 \(공동연습 2회\)$", card, re.M)
    assert re.search(r"^점검 대상:\s+예 \(노력\)$", card, re.M)
    assert re.search(r"^최근 갱신:\s+\S+ \S+, 정진우: 1차 협의 개최$", card, re.M)
    assert english_words(card, KEY) == set()

    history = ok(cli("history", f"{KEY}:7.3")).splitlines()
    assert re.split(" {2,}", history[0]) == ["일시", "누가", "내용", "세부"]
    assert "이행현황 갱신" in history[1] and "진행 중 (" in history[1]
    assert history[1].endswith("기준); 1차 협의 개최")
    assert "평가" in history[2] and "제1주기: 미평가 → +1 완전 이행; 공동연습 2회" in history[2]

    cycles = ok(cli("cycles", "list", "-a", KEY)).splitlines()
    assert re.split(" {2,}", cycles[0]) == ["점검 주기", "시작일", "종료일", "상태"]
    assert cycles[1].endswith("진행 중 (종료일은 개최 주기로 추정)")
    meetings = ok(cli("meetings", "list"))
    assert "추정" in meetings

    mechanisms = ok(cli("mechanisms", "list"))
    assert "정책 대화" in mechanisms and "격년" in mechanisms

    handed = ok(cli("handover", "정진우", "김하늘", "--reason", "2027년 정기 인사"))
    assert re.fullmatch(r"인계했습니다: 이행과제 \d+건, 합의문서 1건 \(정진우 → 김하늘\)\n", handed)

    sheet = tmp_path / "sheet.csv"
    assert ok(cli("export", "-a", KEY, "-o", str(sheet))) == (
        f"이행과제 36건을 내보냈습니다: {sheet}\n"
    )
    # Scripts still read data: --json keeps the codes.
    (shown,) = [
        row
        for row in json.loads(ok(cli("commitments", "list", "-a", KEY, "--json")))
        if row["ref"] == "7.3"
    ]
    assert shown["status"] == "in_progress"


def test_a_korean_officer_is_told_what_is_missing_and_reads_help_in_korean(
    cli: Cli, seed: Agreement, korean: None
) -> None:
    refused = cli("assign", f"{KEY}:7.3")
    assert refused.exit_code == 2
    assert "--officer, --division, --lead-agency, --supporting 중 하나 이상을 주세요" in (
        refused.stderr
    )
    assert ok(cli("commitments", "list", "--status", "달성")) == (
        "조건에 맞는 이행과제가 없습니다\n"
    )

    page = ok(cli("status", "set", "--help"))
    assert "이행현황 갱신을 기록합니다" in page
    assert "예:\n    tracker status set kr-ca-2025:7.3" in page
    assert "진행 상황의 키 또는 이름" in page
    assert "Example" not in page and "Record a status update" not in page
