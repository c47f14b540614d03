"""Each party's progress from the command line: a desk officer records the home side's status
with its obstacles and requests for cooperation, and the counterpart's beside it; `commitments
show`, `history` and `summary` show both, in English and in Korean; a full verdict without
evidence says how to confirm it; a spreadsheet and a follow-up text record either party."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from typer.testing import Result

from tests.conftest import Cli
from tracker.models import Agreement, Commitment, CooperationRequest, StatusUpdate

KEY = "kr-ca-2025"
CYBER = (
    Path(__file__).parents[1] / "fixtures" / "intake" / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
)
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """Each command run on 1 December 2026 at noon in Seoul, a second after the one before (the
    clock set around the command only, so what it records stays in order)."""
    seconds = count()

    def run(*args: str) -> Result:
        moment = datetime(2026, 12, 1, 3) + timedelta(seconds=next(seconds))
        with freeze_time(moment, tick=True):
            return cli(*args)

    return run


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def refused(result: Any, code: int = 1) -> str:
    """The one `error: ...` (`오류: ...`) line of a refused command."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(("error: ", "오류: ")), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


def written(engine: Engine) -> tuple[int, int]:
    """(status updates, requests) in the database."""
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(StatusUpdate)).one(),
            session.exec(select(func.count()).select_from(CooperationRequest)).one(),
        )


def one_party(engine: Engine, ref: str) -> None:
    """Make a commitment one party's alone (the seed's are both parties'), as a correction of
    its actors would, but leaving its version (an exported sheet stays current)."""
    with Session(engine) as session:
        session.execute(update(Commitment).where(col(Commitment.ref) == ref).values(actors="Korea"))
        session.commit()


@pytest.fixture
def recorded(cli: Cli, seed: Agreement) -> Cli:
    """7.3: the home side in progress with an obstacle and two requests (to a division of the
    tracker and to another ministry), the counterpart's achieved."""
    ok(cli("officers", "add", "김하늘", "--division", "국제정책과"))
    said = ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "in_progress",
            "--obstacles",
            "No budget yet",
            "--request",
            "국제정책과:Agree the exercise dates:2026-12-20",
            "-r",
            "산업통상자원부:Export licence",
            "--by",
            "정진우",
        )
    )
    assert said.splitlines() == [
        f"{KEY}:7.3: In progress as of 2026-12-01 (update 1, version 2)",
        "request 1 to 국제정책과: Agree the exercise dates (by 2026-12-20)",
        "request 2 to 산업통상자원부: Export licence (by -)",
    ]
    theirs = cli(
        "status",
        "set",
        f"{KEY}:7.3",
        "-s",
        "achieved",
        "--party",
        "counterpart",
        "--note",
        "Act amended",
        "--as-of",
        "2026-11-20",
        "--by",
        "정진우",
    )
    assert ok(theirs) == (
        f"{KEY}:7.3: the counterpart's status Achieved as of 2026-11-20 (update 2, version 3)\n"
    )
    return cli


def test_show_history_and_summary_tell_each_party_s_progress(recorded: Cli) -> None:
    cli = recorded
    card = ok(cli("commitments", "show", f"{KEY}:7.3"))
    assert "\nstatus:      In progress (as of 2026-12-01)\n" in card
    assert "\ncounterpart: Achieved (as of 2026-11-20)\n" in card
    assert "\nevidence:    Reported without evidence\n" in card
    assert "\nobstacles:   Korea (home side): No budget yet\n" in card
    requests = card[card.index("\nrequests:") :].splitlines()[1:]
    assert requests == [
        "requests:    2 to 산업통상자원부: Export licence (Awaiting answer, 0 days)",
        "             1 to 국제정책과: Agree the exercise dates (Awaiting answer, 0 days)",
    ]
    shown = json.loads(ok(cli("commitments", "show", f"{KEY}:7.3", "--json")))
    assert (shown["status"], shown["counterpart_status"], shown["counterpart_status_as_of"]) == (
        "in_progress",
        "achieved",
        "2026-11-20",
    )
    assert shown["has_counterpart"] is True and shown["evidence_level"] == "reported"
    assert shown["obstacles"] == {"home": "No budget yet"}
    assert [(r["id"], r["to"], r["state"]) for r in shown["requests"]] == [
        (2, "산업통상자원부", "open"),
        (1, "국제정책과", "open"),
    ]
    # A commitment nobody reported on has the counterpart's line too, saying so.
    assert "\ncounterpart: none recorded\n" in ok(cli("commitments", "show", f"{KEY}:7.1"))

    history = ok(cli("history", f"{KEY}:7.3")).splitlines()
    assert len(history) == 5
    assert history[1].endswith(
        "[Korea (home side) · Reported without evidence] In progress (as of 2026-12-01); "
        "obstacles: No budget yet"
    )
    assert "request made" in history[2] and history[2].endswith(
        "request 1 to 국제정책과: Agree the exercise dates (by 2026-12-20)"
    )
    assert history[4].endswith(
        "[Counterpart · Reported without evidence] Achieved (as of 2026-11-20); Act amended"
    )
    entries = json.loads(ok(cli("history", f"{KEY}:7.3", "--json")))
    assert [e["detail"].get("party") for e in entries] == [
        "home",
        None,
        None,
        "counterpart",
    ]

    summary = ok(cli("summary", "-a", KEY)).split("\n\n")
    assert summary[1].splitlines()[0] == "The counterpart's progress:"
    counterpart = summary[1].splitlines()[1:]
    assert re.split(" {2,}", counterpart[0])[-2:] == ["Discontinued", "not recorded"]
    assert counterpart[1].split() == [KEY, "36", "0", "0", "0", "0", "1", "0", "0", "35"]
    row, _total = json.loads(ok(cli("summary", "-a", KEY, "--json")))
    assert row["by_counterpart"] == {"achieved": 1, "": 35}
    assert row["by_status"]["in_progress"] == 1


def test_the_summary_says_when_no_counterpart_s_progress_is_recorded(
    cli: Cli, seed: Agreement
) -> None:
    table = ok(cli("summary", "-a", KEY))
    assert table.endswith("\n\nThe counterpart's progress: none recorded yet\n")


def test_what_status_set_cannot_record_is_refused_in_one_line_and_nothing_is_written(
    cli: Cli, seed: Agreement, engine: Engine
) -> None:
    one_party(engine, "7.2")
    before = written(engine)
    line = refused(cli("status", "set", f"{KEY}:7.2", "-s", "achieved", "--party", "counterpart"))
    assert line == (
        f"error: {KEY}:7.2: This commitment is one party's alone (Korea): there is no "
        "counterpart's progress to record.\n"
    )
    line = refused(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-r", "99:A visit"))
    assert line == f"error: {KEY}:7.3: Request 1: there is no division 99.\n"
    line = refused(
        cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--evidence-level", "found")
    )
    assert line == f"error: {KEY}:7.3: 'Evidence found' needs a link or a file.\n"
    for bad, says in (
        ("국제정책과", "a request is TO:WHAT or TO:WHAT:YYYY-MM-DD: 국제정책과"),
        ("국제정책과:", "a request is TO:WHAT or TO:WHAT:YYYY-MM-DD: 국제정책과:"),
        ("국제정책과:A visit:2026-02-30", "'2026-02-30' is not a date"),
    ):
        usage = cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--request", bad)
        assert usage.exit_code == 2, usage.output
        assert says in usage.stderr
    assert written(engine) == before


def test_a_full_verdict_without_evidence_says_how_to_confirm_it(cli: Cli, seed: Agreement) -> None:
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "achieved"))
    line = refused(cli("assess", "7.3", "-a", KEY, "--score", "+1", "--rationale", "두 차례 연습"))
    assert line.startswith(f"error: {KEY}:7.3: A full (+1) verdict, but the standing update's")
    assert line.endswith(
        "(see `tracker assess 7.3 --score +1 --rationale '두 차례 연습' -a kr-ca-2025 "
        "--without-evidence`)\n"
    )
    confirmed = cli(
        "assess",
        "7.3",
        "--score",
        "+1",
        "--rationale",
        "두 차례 연습",
        "-a",
        KEY,
        "--without-evidence",
    )
    assert ok(confirmed).startswith(f"{KEY}:7.3: cycle 1 assessed +1 Full")


def test_a_follow_up_text_records_the_counterpart_s_status_once(
    cli: Cli, seed: Agreement, engine: Engine
) -> None:
    apply = ("follow-up", str(CYBER), "-a", KEY, "--apply", "--json")
    outcome = json.loads(ok(cli(*apply, "--link", "17.1=in_progress@counterpart")))
    assert outcome["updates_added"] == [f"{KEY}:17.1@counterpart"]
    shown = json.loads(ok(cli("commitments", "show", f"{KEY}:17.1", "--json")))
    assert (shown["status"], shown["counterpart_status"], shown["counterpart_status_as_of"]) == (
        "not_assessed",
        "in_progress",
        "2026-03-13",
    )
    (entry,) = json.loads(ok(cli("history", f"{KEY}:17.1", "--json")))
    assert (entry["detail"]["party"], entry["detail"]["source"]) == ("counterpart", "follow_up")

    before = written(engine)
    again = json.loads(ok(cli(*apply, "--link", "17.1=in_progress@counterpart")))
    assert (again["updates_added"], again["updates_unchanged"]) == (
        [],
        [f"{KEY}:17.1@counterpart"],
    )
    assert written(engine) == before

    wrong = cli(*apply, "--link", "17.1@them")
    assert wrong.exit_code == 2
    assert "after '@' comes counterpart or home, not 'them': 17.1@them" in wrong.stderr


def test_a_sheet_records_the_counterpart_s_status_and_a_one_party_row_refuses_it_all(
    cli: Cli, seed: Agreement, engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    sheet = tmp_path / "sheet.xlsx"
    ok(cli("export", "-a", KEY, "-o", str(sheet)))
    workbook = load_workbook(sheet)
    rows = workbook["updates"]
    columns = {str(cell.value): cell.column_letter for cell in rows[1]}
    number = {str(rows[f"B{n}"].value): n for n in range(2, rows.max_row + 1)}
    rows[f"{columns['new_counterpart_status']}{number['7.3']}"] = "달성"
    rows[f"{columns['counterpart_note']}{number['7.3']}"] = "캐나다 측 법령 개정"
    rows[f"{columns['obstacles']}{number['7.1']}"] = "예산 미확보"
    rows[f"{columns['evidence_level']}{number['7.1']}"] = "none_available"
    workbook.save(sheet)

    dry = ok(cli("import-updates", str(sheet), "--dry-run")).splitlines()
    assert dry == [
        f"row {number['7.1']}: {KEY}:7.1 Not assessed yet (unchanged) as of 2026-12-01, "
        "No evidence available, obstacles",
        f"row {number['7.3']}: {KEY}:7.3 counterpart: - → Achieved as of 2026-12-01, note",
        "would apply 2 updates from sheet.xlsx; 34 rows unchanged",
    ]

    one_party(engine, "7.3")
    before = written(engine)
    result = cli("import-updates", str(sheet))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[1] == (
        f"  row {number['7.3']}: {KEY}:7.3 is one party's alone (Korea): leave "
        "new_counterpart_status, counterpart_note and counterpart_as_of blank"
    )
    assert written(engine) == before


# --- in Korean --------------------------------------------------------------------------------


def english_words(text: str, *data: str) -> set[str]:
    for value in data:
        text = text.replace(value, "")
    return set(ENGLISH_WORD.findall(text)) - {"MOU"}


def test_a_korean_officer_records_both_parties_and_a_request_and_reads_them_back(
    cli: Cli, seed: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")
    ok(cli("officers", "add", "김하늘", "--division", "국제정책과"))
    said = ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "진행 중",
            "--obstacles",
            "예산 미확보",
            "-r",
            "국제정책과:연습 일정 협의:2026-12-20",
            "--evidence-level",
            "none_available",
            "--by",
            "정진우",
        )
    )
    assert said.splitlines() == [
        f"{KEY}:7.3: 진행 중 (2026-12-01 기준, 이행현황 1번, 버전 2)",
        "협조 요청 1번 → 국제정책과: 연습 일정 협의 (기한 2026-12-20)",
    ]
    theirs = ok(
        cli("status", "set", f"{KEY}:7.3", "-s", "달성", "--party", "counterpart", "--by", "김하늘")
    )
    assert theirs == f"{KEY}:7.3: 상대국 측 달성 (2026-12-01 기준, 이행현황 2번, 버전 3)\n"

    card = ok(cli("commitments", "show", f"{KEY}:7.3"))
    assert re.search(r"^상대국 측:\s+달성 \(2026-12-01 기준\)$", card, re.M)
    assert re.search(r"^증빙 수준:\s+확인 가능한 증빙 없음$", card, re.M)
    assert re.search(r"^장애요인:\s+우리 측: 예산 미확보$", card, re.M)
    assert re.search(
        r"^협조 요청:\s+1번 → 국제정책과: 연습 일정 협의 \(회신 대기, 0일\)$", card, re.M
    )
    history = ok(cli("history", f"{KEY}:7.3"))
    assert (
        "[우리 측 · 확인 가능한 증빙 없음] 진행 중 (2026-12-01 기준); 장애요인: 예산 미확보"
        in history
    )
    assert "[상대국 측 · 증빙 없이 보고] 달성 (2026-12-01 기준)" in history
    summary = ok(cli("summary", "-a", KEY))
    assert "\n\n상대국 측 진행 상황:\n" in summary and "기록 없음" in summary

    listed = ok(cli("requests", "list", "--to", "국제정책과")).splitlines()
    assert re.split(" {2,}", listed[0]) == [
        "번호",
        "이행과제",
        "보낸 사람",
        "받는 사람",
        "내용",
        "기한",
        "상태",
        "경과일",
    ]
    assert re.split(" {2,}", listed[1])[-2:] == ["회신 대기", "0일"]
    assert ok(cli("requests", "answer", "1", "--answer", "12월 2주 차 가능")) == (
        "협조 요청 1번에 회신했습니다\n"
    )
    assert ok(cli("requests", "close", "1")) == "협조 요청 1번을 종결했습니다\n"
    assert ok(cli("requests", "list")) == "조건에 맞는 협조 요청이 없습니다\n"
    assert refused(cli("requests", "answer", "1", "--answer", "늦은 회신")) == (
        "오류: 협조 요청 1번은 이미 종결되었습니다.\n"
    )
    for text in (said, theirs, card, history, summary):
        assert english_words(text, KEY, "none_available") == set(), text
