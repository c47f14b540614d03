"""A desk officer's week from the command line: status updates with evidence, history,
corrections, stale writes refused, lists narrowed to what needs attention, assessments,
reassignment, handover and the summary."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine

from tests.conftest import Cli

KEY = "kr-ca-2025"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "followup"
KR_AU = FIXTURES / "kr-au_defence-mou_2026.txt"
# 03:00 UTC is noon in Seoul (general.timezone): the same day in both.
TODAY = date(2026, 12, 1)
TRACKED = 36  # tracked commitments of the seed
ALL = 45  # every commitment of the seed


@contextmanager
def on(day: date, hour_utc: int = 3) -> Iterator[None]:
    """Run with the clock on `day` (ticking, so recorded times stay in order)."""
    with freeze_time(datetime(day.year, day.month, day.day, hour_utc), tick=True):
        yield


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Any, code: int = 1) -> str:
    """The one `error: ...` line of a refused command."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


def show(cli: Cli, ref: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        ok(cli("commitments", "show", f"{KEY}:{ref}", "--json")).stdout
    )
    return data


def history(cli: Cli, ref: str, key: str = KEY) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok(cli("history", f"{key}:{ref}", "--json")).stdout)
    return rows


def listed(cli: Cli, *args: str) -> list[str]:
    """Refs that `commitments list ARGS --json` shows."""
    rows = json.loads(ok(cli("commitments", "list", *args, "--json")).stdout)
    return [row["ref"] for row in rows]


def evidence_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "var" / "evidence"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def demo(cli: Cli) -> None:
    ok(cli("demo", "--no-report"))


# Status updates and history


def test_a_status_update_with_a_link_and_a_minutes_file_shows_in_history(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    minutes = tmp_path / "minutes.pdf"
    content = "%PDF-1.4 제1차 국장급 정책대화 회의록".encode()
    minutes.write_bytes(content)
    with on(TODAY):
        demo(cli)
        result = ok(
            cli(
                "status",
                "set",
                f"{KEY}:7.3",
                "--status",
                "진행중",
                "--note",
                "1차 협의 개최",
                "--evidence",
                "https://www.mofa.go.kr/press/1234",
                "--evidence",
                str(minutes),
                "--by",
                "정진우",
            )
        )
        assert result.stdout.startswith(f"{KEY}:7.3: In progress as of {TODAY} (update ")
        assert result.stdout.endswith(", version 2)\n")

        table = ok(cli("history", f"{KEY}:7.3")).stdout.splitlines()
        assert table[0].split() == ["when", "who", "what", "detail"]
        assert len(table) == 2
        assert "정진우" in table[1] and "Status update" in table[1]
        assert table[1].endswith(
            f"In progress (as of {TODAY}); 1차 협의 개최; "
            "evidence: https://www.mofa.go.kr/press/1234, minutes.pdf"
        )

        (entry,) = history(cli, "7.3")
        assert entry["actor"] == "정진우"
        assert entry["detail"]["status"] == "in_progress"
        assert entry["detail"]["narrative"] == "1차 협의 개최"
        link, stored = entry["detail"]["evidence"]
        assert (link["kind"], link["url"]) == ("link", "https://www.mofa.go.kr/press/1234")
        digest = hashlib.sha256(content).hexdigest()
        assert stored["kind"] == "file"
        assert stored["file_name"] == "minutes.pdf"
        assert stored["sha256"] == digest
        assert stored["size_bytes"] == len(content)
        kept = tmp_path / "var" / "evidence" / stored["stored_path"]
        assert kept.read_bytes() == content

        shown = show(cli, "7.3")
        assert (shown["status"], shown["version"]) == ("in_progress", 2)
        assert shown["status_as_of"] == str(TODAY)
        text = ok(cli("commitments", "show", f"{KEY}:7.3")).stdout
        assert "status:      In progress (as of 2026-12-01)" in text
        assert "by 정진우: 1차 협의 개최" in text
        assert listed(cli, "-a", KEY, "--status", "진행 중") == ["7.3"]


def test_the_same_file_attached_twice_is_kept_once(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    minutes = tmp_path / "minutes.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    demo(cli)
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", "-e", str(minutes)))
    ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress", "-e", str(minutes)))
    assert len(evidence_files(tmp_path)) == 1
    first = history(cli, "7.3")[0]["detail"]["evidence"][0]
    second = history(cli, "7.1")[0]["detail"]["evidence"][0]
    assert first["sha256"] == second["sha256"] == hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()


def test_missing_and_oversized_evidence_is_refused_and_nothing_is_written(
    cli: Cli, engine: Engine, tmp_path: Path, config_file: Path
) -> None:
    config_file.write_text(config_file.read_text() + "[evidence]\nmax_bytes = 100\n")
    demo(cli)
    before = show(cli, "7.3")
    missing = tmp_path / "no-such-minutes.pdf"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"x" * 101)

    # A good link next to a missing file: the link is not kept either.
    error = refused(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "achieved",
            "-e",
            "https://www.mofa.go.kr/press/1234",
            "-e",
            str(missing),
        )
    )
    assert error == f"error: {KEY}:7.3: evidence file {missing} does not exist\n"
    error = refused(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-e", str(scan)))
    assert error == (
        f"error: {KEY}:7.3: evidence file {scan} is 101 bytes; "
        "the limit is 100 (evidence.max_bytes)\n"
    )
    error = refused(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-e", str(tmp_path)))
    assert error == f"error: {KEY}:7.3: evidence {tmp_path} is not a file\n"
    error = refused(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-e", "ftp://x.kr/a"))
    assert "only http and https links are accepted" in error

    assert history(cli, "7.3") == []
    assert show(cli, "7.3") == before
    assert evidence_files(tmp_path) == []
    # At the limit it is accepted.
    scan.write_bytes(b"x" * 100)
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-e", str(scan)))
    assert len(evidence_files(tmp_path)) == 1


def test_an_unknown_status_lists_the_valid_ones_and_writes_nothing(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    error = refused(cli("status", "set", f"{KEY}:7.3", "--status", "done", "--note", "끝"))
    assert error == (
        f"error: {KEY}:7.3: unknown status 'done'; use one of: not_assessed (Not assessed yet), "
        "not_started (Not started), in_progress (In progress), ongoing (Ongoing), "
        "achieved (Achieved), stalled (Stalled), discontinued (Discontinued)\n"
    )
    assert history(cli, "7.3") == []
    assert show(cli, "7.3")["version"] == 1
    # Keys and labels in either language, in any case and spacing, are understood.
    for spelling, key in (
        ("ACHIEVED", "achieved"),
        ("상시이행", "ongoing"),
        ("Not started", "not_started"),
    ):
        ok(cli("status", "set", f"{KEY}:7.3", "-s", spelling))
        assert show(cli, "7.3")["status"] == key


def test_an_as_of_date_after_today_is_refused(cli: Cli, engine: Engine) -> None:
    with on(TODAY):
        demo(cli)
        tomorrow = TODAY + timedelta(days=1)
        error = refused(
            cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--as-of", str(tomorrow))
        )
        assert error == f"error: {KEY}:7.3: as-of date {tomorrow} is after today ({TODAY})\n"
        assert history(cli, "7.3") == []
        assert show(cli, "7.3")["version"] == 1
        assert (
            cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--as-of", "2026-13-01").exit_code
            == 2
        )
        ok(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--as-of", str(TODAY)))
        ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress", "--as-of", "2026-06-02"))
        assert show(cli, "7.1")["status_as_of"] == "2026-06-02"


def test_today_is_the_day_in_seoul(cli: Cli, engine: Engine) -> None:
    # 16:00 UTC on 1 December is 01:00 on 2 December in Seoul.
    with on(TODAY, hour_utc=16):
        demo(cli)
        result = ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress"))
        assert "as of 2026-12-02" in result.stdout
        ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress", "--as-of", "2026-12-02"))
        refused(cli("status", "set", f"{KEY}:7.2", "-s", "in_progress", "--as-of", "2026-12-03"))


def test_an_unknown_reference_is_one_line(cli: Cli, engine: Engine) -> None:
    demo(cli)
    error = refused(cli("status", "set", "99.9", "-a", KEY, "-s", "achieved"))
    assert error == f"error: agreement '{KEY}' has no commitment '99.9'\n"
    error = refused(cli("status", "set", "kr-xx-1900:7.3", "-s", "achieved"))
    assert error.startswith("error: no agreement 'kr-xx-1900'")
    assert refused(cli("history", f"{KEY}:99.9")) == (
        f"error: agreement '{KEY}' has no commitment '99.9'\n"
    )
    refused(cli("commitments", "show", f"{KEY}:99.9"))
    refused(cli("assess", f"{KEY}:99.9", "--score", "+1", "--rationale", "x"))
    # REF alone works when only one agreement has it.
    ok(cli("status", "set", "7.3", "-s", "in_progress"))
    assert show(cli, "7.3")["status"] == "in_progress"


def test_an_update_made_against_an_old_version_is_refused_with_exit_3(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    assert show(cli, "7.3")["version"] == 1
    # Two officers read version 1; 김하늘 saves first.
    ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "in_progress",
            "-n",
            "1차 협의 개최",
            "--expect-version",
            "1",
            "--by",
            "김하늘",
        )
    )
    late = cli(
        "status",
        "set",
        f"{KEY}:7.3",
        "-s",
        "achieved",
        "-n",
        "완료",
        "--expect-version",
        "1",
        "--by",
        "정진우",
    )
    error = refused(late, code=3)
    assert error.startswith(f"error: {KEY}:7.3 changed since you read it (you had version 1, ")
    assert "it is now 2" in error
    assert "last change: 김하늘, In progress, " in error
    assert "nothing was saved" in error

    shown = show(cli, "7.3")
    assert (shown["status"], shown["version"]) == ("in_progress", 2)
    assert [e["actor"] for e in history(cli, "7.3")] == ["김하늘"]

    # Reloaded, the change goes through, and both updates are in the history.
    ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "achieved",
            "--expect-version",
            "2",
            "--by",
            "정진우",
        )
    )
    assert [(e["actor"], e["detail"]["status"]) for e in history(cli, "7.3")] == [
        ("김하늘", "in_progress"),
        ("정진우", "achieved"),
    ]
    assert show(cli, "7.3")["version"] == 3
    assert (
        cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "--expect-version", "0").exit_code == 2
    )


def test_a_correction_replaces_a_mistaken_update_and_history_keeps_both(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", "-n", "1차 협의"))
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-n", "잘못 입력"))
    mistaken = history(cli, "7.3")[-1]["detail"]["id"]
    result = ok(
        cli(
            "status",
            "set",
            f"{KEY}:7.3",
            "-s",
            "stalled",
            "-n",
            "달성이 아니라 정체",
            "--corrects",
            str(mistaken),
        )
    )
    assert "Stalled" in result.stdout
    assert show(cli, "7.3")["status"] == "stalled"
    entries = history(cli, "7.3")
    assert [e["action"] for e in entries] == ["status", "status", "correction"]
    assert f"corrects update {mistaken}" in entries[-1]["summary"]
    assert entries[-1]["detail"]["corrects_id"] == mistaken
    table = ok(cli("history", f"{KEY}:7.3")).stdout
    assert "잘못 입력" in table and "correction" in table

    # Only an update of this commitment can be corrected.
    ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress"))
    other = history(cli, "7.1")[0]["detail"]["id"]
    for target in (str(other), "9999"):
        error = refused(cli("status", "set", f"{KEY}:7.3", "-s", "ongoing", "--corrects", target))
        assert error == f"error: {KEY}:7.3: it has no status update {target}\n"
    assert len(history(cli, "7.3")) == 3
    assert show(cli, "7.3")["status"] == "stalled"


def test_a_back_dated_update_goes_into_history_but_the_latest_as_of_stands(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        demo(cli)
        ok(cli("status", "set", f"{KEY}:7.3", "-s", "achieved", "-n", "MOU 서명"))
        ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", "--as-of", "2026-06-02"))
        shown = show(cli, "7.3")
        assert (shown["status"], shown["status_as_of"]) == ("achieved", str(TODAY))
        assert [e["detail"]["as_of"] for e in history(cli, "7.3")] == [str(TODAY), "2026-06-02"]


# Lists narrowed to what needs attention


def test_lists_by_owner_and_status(cli: Cli, engine: Engine) -> None:
    demo(cli)
    ok(
        cli(
            "officers", "add", "김하늘", "--division", "북미1과", "--email", "haneul.kim@mofa.go.kr"
        )
    )
    ok(cli("assign", f"{KEY}:7.1", "--officer", "김하늘"))
    ok(cli("assign", f"{KEY}:7.2", "--officer", "haneul.kim@mofa.go.kr"))
    ok(cli("status", "set", f"{KEY}:7.2", "-s", "정체", "-n", "캐나다 측 회신 없음"))
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress"))

    assert listed(cli, "--owner", "김하늘") == ["7.1", "7.2"]
    mine = listed(cli, "--owner", "정진우")
    assert len(mine) == ALL - 2 and "7.1" not in mine and "7.3" in mine
    assert listed(cli, "--division", "북미1과") == ["7.1", "7.2"]
    assert listed(cli, "--status", "stalled") == ["7.2"]
    assert listed(cli, "--status", "정체", "--owner", "김하늘") == ["7.2"]
    assert listed(cli, "--status", "진행 중", "--owner", "김하늘") == []
    assert listed(cli, "--status", "in progress") == ["7.3"]
    assert len(listed(cli, "--status", "점검 전", "--tracked")) == TRACKED - 2

    table = ok(cli("commitments", "list", "--owner", "김하늘")).stdout.splitlines()
    assert table[0].split() == ["agreement", "ref", "v", "status", "owner", "attention", "text"]
    row = next(line for line in table if line.startswith(f"{KEY}  7.2 "))
    assert "Stalled" in row and "김하늘" in row

    assert ok(cli("commitments", "list", "--status", "achieved")).stdout == "no commitments match\n"
    assert refused(cli("commitments", "list", "--status", "done")).startswith(
        "error: unknown status 'done'; use one of: not_assessed (Not assessed yet)"
    )
    assert refused(cli("commitments", "list", "--owner", "홍길동")) == (
        "error: no officer '홍길동' (see `tracker officers list`)\n"
    )


def test_stale_lists_what_nobody_updated_for_90_days(cli: Cli, engine: Engine) -> None:
    imported = date(2026, 1, 5)
    with on(imported):
        demo(cli)
    with on(imported + timedelta(days=30)):
        assert listed(cli, "--stale") == []
    with on(imported + timedelta(days=60)):
        ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress"))
        ok(cli("status", "set", f"{KEY}:9.1", "-s", "achieved"))
    with on(imported + timedelta(days=100)):
        stale = listed(cli, "--stale")
        # Everything tracked, except the one updated recently and the one finished.
        assert len(stale) == TRACKED - 2
        assert "7.3" not in stale and "9.1" not in stale
        assert "1.1" not in stale  # untracked: never flagged
        rows = json.loads(ok(cli("commitments", "list", "--stale", "--json")).stdout)
        assert all("stale" in row["attention"] for row in rows)
        assert listed(cli, "--stale", "--status", "진행 중") == []
        ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress"))
        assert "7.1" not in listed(cli, "--stale")


def test_stale_follows_the_configured_number_of_days(
    cli: Cli, engine: Engine, config_file: Path
) -> None:
    config_file.write_text(config_file.read_text() + "[attention]\nstale_days = 1\n")
    with on(TODAY):
        demo(cli)
        assert listed(cli, "--stale") == []
    with on(TODAY + timedelta(days=2)):
        assert len(listed(cli, "--stale")) == TRACKED
        assert len(listed(cli, "--stale", "--owner", "정진우")) == TRACKED


def test_unowned_lists_commitments_without_an_officer_until_assigned(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    assert listed(cli, "--unowned") == []
    ok(cli("import", str(KR_AU), "--key", "kr-au-2026"))
    rows = json.loads(ok(cli("commitments", "list", "--unowned", "--json")).stdout)
    assert [(r["agreement_key"], r["ref"]) for r in rows] == [
        ("kr-au-2026", "1.1"),
        ("kr-au-2026", "2.1"),
    ]
    ok(cli("officers", "add", "김하늘", "--division", "북미1과"))
    result = ok(
        cli(
            "assign",
            "kr-au-2026:1.1",
            "--officer",
            "김하늘",
            "--lead-agency",
            "국방부",
            "--supporting",
            "방위사업청,외교부 ",
            "--reason",
            "국방부 소관",
        )
    )
    assert result.stdout == "kr-au-2026:1.1: version 2\n"
    assert listed(cli, "--unowned") == ["2.1"]
    (entry,) = history(cli, "1.1", key="kr-au-2026")
    assert entry["action"] == "owner"
    assert entry["summary"] == (
        "Owner: - → 김하늘; Division: - → 북미1과; Lead agency: - → 국방부; "
        "Supporting agencies: - → 방위사업청, 외교부; 국방부 소관"
    )
    assert entry["detail"]["reason"] == "국방부 소관"
    text = ok(cli("commitments", "show", "kr-au-2026:1.1")).stdout
    assert "owner:       김하늘 / 북미1과" in text
    assert "lead agency: 국방부 (with 방위사업청, 외교부)" in text


def test_assign_refuses_what_it_cannot_do_and_writes_nothing(cli: Cli, engine: Engine) -> None:
    demo(cli)
    assert cli("assign", f"{KEY}:7.3").exit_code == 2
    assert refused(cli("assign", f"{KEY}:7.3", "--officer", "홍길동")) == (
        "error: no officer '홍길동' (see `tracker officers list`)\n"
    )
    ok(cli("officers", "add", "김하늘"))
    assert refused(
        cli("assign", f"{KEY}:7.3", "--officer", "김하늘", "--expect-version", "5"), code=3
    ).startswith(f"error: {KEY}:7.3 changed since you read it (you had version 5, it is now 1")
    assert history(cli, "7.3") == []
    assert show(cli, "7.3")["owner"] == "정진우"
    # Assigning what is already so changes nothing.
    ok(cli("assign", f"{KEY}:7.3", "--officer", "정진우"))
    assert show(cli, "7.3")["version"] == 1


# Assessments


def test_assessments_score_full_partial_none_and_not_assessed(cli: Cli, engine: Engine) -> None:
    demo(cli)
    result = ok(
        cli(
            "assess",
            f"{KEY}:7.3",
            "--score",
            "+1",
            "--rationale",
            "공동연습 2회 실시",
            "--without-evidence",
        )
    )
    assert result.stdout == f"{KEY}:7.3: cycle 1 assessed +1 Full (version 2)\n"
    result = ok(cli("assess", f"{KEY}:7.1", "--score", "0", "--rationale", "협의 개시"))
    assert result.stdout == f"{KEY}:7.1: cycle 1 assessed 0 Partial (version 2)\n"
    result = ok(cli("assess", f"{KEY}:7.2", "--cycle", "1", "--score", "-1", "--rationale", "없음"))
    assert result.stdout == f"{KEY}:7.2: cycle 1 assessed -1 None (version 2)\n"
    result = ok(cli("assess", f"{KEY}:7.4", "--score", "na"))
    assert result.stdout == f"{KEY}:7.4: cycle 1 assessed Not assessed (version 2)\n"

    assessment = show(cli, "7.3")["assessment"]
    assert (assessment["score"], assessment["cycle_number"]) == (1, 1)
    assert assessment["rationale"] == "공동연습 2회 실시"
    assert show(cli, "7.4")["assessment"]["score"] is None
    text = ok(cli("commitments", "show", f"{KEY}:7.2")).stdout
    assert "assessment:  cycle 1: -1 None (없음)" in text

    (row, _total) = json.loads(ok(cli("summary", "--json")).stdout)
    assert (row["group"], row["assessed"], row["mean_score"]) == (KEY, 3, 0.0)

    # A revised verdict: history shows both.
    ok(cli("assess", f"{KEY}:7.3", "--score", "0", "--rationale", "1회만 실시"))
    summaries = [e["summary"] for e in history(cli, "7.3")]
    assert summaries == [
        "cycle 1: Not assessed → +1 full; 공동연습 2회 실시",
        "cycle 1: +1 full → 0 partial; 1회만 실시",
    ]


def test_assessments_that_cannot_be_made_are_refused_and_write_nothing(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    assert refused(cli("assess", f"{KEY}:1.1", "--score", "+1", "--rationale", "x")) == (
        f"error: {KEY}:1.1 is not tracked; track it before assessing it\n"
    )
    assert refused(cli("assess", f"{KEY}:7.3", "--score", "+1")) == (
        f"error: {KEY}:7.3: give a rationale for the score\n"
    )
    assert refused(cli("assess", f"{KEY}:7.3", "--score", "+1", "--rationale", "   ")) == (
        f"error: {KEY}:7.3: give a rationale for the score\n"
    )
    assert refused(cli("assess", f"{KEY}:7.3", "--score", "2", "--rationale", "x")) == (
        "error: unknown score '2': use +1 (full), 0 (partial), -1 (none) or na (not assessed)\n"
    )
    assert refused(
        cli("assess", f"{KEY}:7.3", "--cycle", "2", "--score", "0", "--rationale", "x")
    ) == (f"error: agreement '{KEY}' has no review cycle 2 (cycles 1–1)\n")
    assert refused(
        cli("assess", f"{KEY}:7.3", "--cycle", "soon", "--score", "0", "--rationale", "x")
    ).startswith("error: cycle 'soon': give current, previous or a cycle number")
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress"))
    assert refused(
        cli("assess", f"{KEY}:7.3", "--score", "0", "--rationale", "x", "--expect-version", "1"),
        code=3,
    ).startswith(f"error: {KEY}:7.3 changed since you read it (you had version 1, it is now 2")
    for ref in ("1.1", "7.3"):
        assert [e["action"] for e in history(cli, ref)] == ([] if ref == "1.1" else ["status"])
    assert show(cli, "7.3")["assessment"] is None
    assert show(cli, "7.3")["version"] == 2
    assert show(cli, "1.1")["version"] == 1


# Officers and handover


def test_officers_add_and_list_and_a_duplicate_email_is_refused(cli: Cli, engine: Engine) -> None:
    demo(cli)
    result = ok(
        cli(
            "officers",
            "add",
            "김하늘",
            "--division",
            "북미1과",
            "--email",
            "Haneul.Kim@mofa.go.kr",
            "--rank",
            "외무사무관",
        )
    )
    assert result.stdout.startswith("officer ") and result.stdout.endswith(": 김하늘\n")
    before = ok(cli("officers", "list")).stdout
    lines = before.splitlines()
    assert lines[0].split() == ["id", "name", "rank", "division", "email", "active"]
    haneul = next(line for line in lines if "김하늘" in line)
    assert "외무사무관" in haneul and "북미1과" in haneul and "haneul.kim@mofa.go.kr" in haneul

    error = refused(cli("officers", "add", "김하늘", "--email", "haneul.kim@MOFA.go.kr"))
    assert error == "error: an officer with e-mail haneul.kim@mofa.go.kr already exists\n"
    assert refused(cli("officers", "add", "이바다", "--email", "bada")) == (
        "error: 'bada' is not an e-mail address\n"
    )
    assert ok(cli("officers", "list")).stdout == before
    rows = json.loads(ok(cli("officers", "list", "--json")).stdout)
    assert sorted(r["name"] for r in rows) == ["김하늘", "정진우"]


def test_handover_moves_everything_and_shows_in_history(cli: Cli, engine: Engine) -> None:
    demo(cli)
    ok(
        cli(
            "officers", "add", "김하늘", "--division", "북미1과", "--email", "haneul.kim@mofa.go.kr"
        )
    )
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress"))
    result = ok(
        cli("handover", "정진우", "김하늘", "--reason", "2027년 정기 인사", "--by", "정진우")
    )
    assert result.stdout == (
        f"handed over {ALL} commitments and 1 agreement from 정진우 to 김하늘\n"
    )
    assert ok(cli("commitments", "list", "--owner", "정진우")).stdout == "no commitments match\n"
    assert len(listed(cli, "--owner", "김하늘")) == ALL
    assert len(listed(cli, "--division", "북미1과")) == ALL
    assert listed(cli, "--division", "북미2과") == []
    # The status carries on; the history tells who handed over to whom.
    assert show(cli, "7.3")["status"] == "in_progress"
    last = history(cli, "7.3")[-1]
    assert (last["action"], last["actor"], last["summary"]) == (
        "handover",
        "정진우",
        "정진우 → 김하늘; 2027년 정기 인사",
    )
    assert last["detail"]["reason"] == "2027년 정기 인사"
    assert "handover" in ok(cli("history", f"{KEY}:7.3")).stdout
    summary = json.loads(ok(cli("summary", "--by", "owner", "--json")).stdout)
    assert [(r["group"], r["total"]) for r in summary] == [("김하늘", TRACKED), ("total", TRACKED)]

    again = ok(cli("handover", "정진우", "김하늘"))
    assert again.stdout.startswith("handed over 0 commitments and 0 agreements")
    assert refused(cli("handover", "김하늘", "김하늘")) == (
        "error: an officer cannot hand over to themselves\n"
    )


def test_handover_to_an_unknown_or_ambiguous_officer_moves_nothing(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    assert refused(cli("handover", "정진우", "홍길동")) == (
        "error: no officer '홍길동' (see `tracker officers list`)\n"
    )
    ok(cli("officers", "add", "김하늘", "--email", "haneul.kim@mofa.go.kr"))
    ok(cli("officers", "add", "김하늘", "--email", "haneul.kim2@mofa.go.kr"))
    error = refused(cli("handover", "정진우", "김하늘"))
    assert error.startswith("error: 2 officers are called '김하늘': ")
    assert error.endswith("; give the id\n")
    assert len(listed(cli, "--owner", "정진우")) == ALL
    assert history(cli, "7.3") == []
    # The e-mail tells them apart.
    ok(cli("handover", "정진우", "haneul.kim2@mofa.go.kr"))
    assert len(listed(cli, "--owner", "haneul.kim2@mofa.go.kr")) == ALL


def test_the_history_table_shows_why_a_commitment_changed_hands(cli: Cli, engine: Engine) -> None:
    demo(cli)
    ok(cli("officers", "add", "김하늘"))
    ok(cli("handover", "정진우", "김하늘", "--reason", "2027년 정기 인사"))
    ok(cli("assign", f"{KEY}:7.3", "--lead-agency", "국방부", "--reason", "국방부 소관"))
    table = ok(cli("history", f"{KEY}:7.3")).stdout
    assert "2027년 정기 인사" in table
    assert "국방부 소관" in table


# Summary


@pytest.mark.slow  # a second agreement imported and every list read back: seconds
def test_summary_counts_match_what_the_lists_show(cli: Cli, engine: Engine) -> None:
    demo(cli)
    ok(cli("officers", "add", "김하늘", "--division", "북미1과"))
    for ref in ("7.1", "7.2", "9.1"):
        ok(cli("assign", f"{KEY}:{ref}", "--officer", "김하늘"))
    for ref, status in (("7.1", "in_progress"), ("7.2", "stalled"), ("7.3", "achieved")):
        ok(cli("status", "set", f"{KEY}:{ref}", "-s", status))
    ok(cli("assess", f"{KEY}:7.1", "--score", "+1", "--rationale", "완료", "--without-evidence"))
    ok(cli("assess", f"{KEY}:7.2", "--score", "-1", "--rationale", "정체"))
    ok(cli("import", str(KR_AU), "--key", "kr-au-2026"))

    by_agreement = {r["group"]: r for r in json.loads(ok(cli("summary", "--json")).stdout)}
    assert set(by_agreement) == {KEY, "kr-au-2026", "total"}
    for key, row in by_agreement.items():
        scope = () if key == "total" else ("-a", key)
        assert row["total"] == len(listed(cli, *scope, "--tracked"))
        for status, count in row["by_status"].items():
            assert count == len(listed(cli, *scope, "--tracked", "--status", status)), (key, status)
    ca = by_agreement[KEY]
    assert (ca["total"], ca["assessed"], ca["mean_score"]) == (TRACKED, 2, 0.0)
    assert ca["by_status"] == {
        "not_assessed": TRACKED - 3,
        "not_started": 0,
        "in_progress": 1,
        "ongoing": 0,
        "achieved": 1,
        "stalled": 1,
        "discontinued": 0,
    }
    assert ca["attention"] == {"stalled": 1}
    assert by_agreement["kr-au-2026"]["attention"] == {"unowned": 2}
    assert len(listed(cli, "--unowned")) == 2

    for by, option in (
        ("owner", "--owner"),
        ("division", "--division"),
        ("mechanism", "--mechanism"),
    ):
        rows = json.loads(ok(cli("summary", "--by", by, "-a", KEY, "--json")).stdout)
        for row in rows:
            if row["group"] in ("total", "-"):
                continue
            shown = listed(cli, "-a", KEY, "--tracked", option, row["group"])
            assert row["total"] == len(shown), (by, row["group"])
        assert rows[-1]["group"] == "total" and rows[-1]["total"] == TRACKED
    owners = {
        r["group"]: r["total"]
        for r in json.loads(ok(cli("summary", "--by", "owner", "--json")).stdout)
    }
    assert owners == {"정진우": TRACKED - 3, "김하늘": 3, "-": 2, "total": TRACKED + 2}

    table = ok(cli("summary", "-a", KEY)).stdout.splitlines()
    # Columns are two spaces or more apart; a status label has single spaces.
    assert re.split(" {2,}", table[0]) == [
        "agreement",
        "tracked",
        "Not assessed yet",
        "Not started",
        "In progress",
        "Ongoing",
        "Achieved",
        "Stalled",
        "Discontinued",
        "assessed",
        "mean",
    ]
    assert table[1].split() == [KEY, "36", "33", "0", "1", "0", "1", "1", "0", "2", "+0.00"]
    sections = json.loads(ok(cli("summary", "--by", "section", "-a", KEY, "--json")).stdout)
    assert sum(r["total"] for r in sections[:-1]) == TRACKED
    assert all(r["group"].startswith(f"{KEY} › ") for r in sections[:-1])
    assert cli("summary", "--by", "country").exit_code == 2


def test_an_imported_desk_officer_gets_an_e_mail_address_and_then_a_digest(
    cli: Cli, engine: Engine
) -> None:
    demo(cli)
    soon = (date.today() + timedelta(days=10)).isoformat()
    ok(cli("meetings", "add", "2+2", "--date", soon))  # every tracked commitment is due
    assert ok(cli("digest", "due")).stdout == "composed 0, sent 0\n"  # no address yet
    updated = ok(cli("officers", "update", "정진우", "--email", "JW.Jung@mofa.go.kr"))
    assert updated.stdout == "officer 1: 정진우 <jw.jung@mofa.go.kr>\n"
    ok(cli("officers", "add", "김하늘", "--email", "haneul.kim@mofa.go.kr"))
    taken = cli("officers", "update", "정진우", "--email", "haneul.kim@mofa.go.kr")
    assert taken.exit_code == 1
    assert taken.stderr == "error: an officer with e-mail haneul.kim@mofa.go.kr already exists\n"
    nothing = cli("officers", "update", "정진우")
    assert nothing.exit_code == 2
    assert "jw.jung@mofa.go.kr" in ok(cli("officers", "list")).stdout
    assert ok(cli("digest", "due")).stdout == "composed 1, sent 1\n"
