"""`tracker follow-up PATH` as a desk officer uses it: read the press release after a meeting,
see what it proposes (a table, or JSON in the issue's contract), then record what they confirm;
whatever shape the file comes in, and with bad files refused in one line and nothing written."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import Result

from tests.conftest import Cli
from tracker.models import Agreement, ChangeRecord, Evidence, Meeting, StatusUpdate

KEY = "kr-ca-2025"
INTAKE = Path(__file__).parents[1] / "fixtures" / "intake"
CYBER = INTAKE / "kr-ca_cyber-consultation_2026-03-13_ko.txt"
NEWS1 = INTAKE / "kr-ca_dg-2plus2-meeting_news1_2025-10-02_ko.txt"
CYBER_CONSULTATION = "한-캐나다 사이버 정책협의회"


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """Each command run on 20 March 2026 (noon in Seoul), a week after the release: the clock is
    set around the command only, not while the database is made."""

    def run(*args: str) -> Result:
        with freeze_time(datetime(2026, 3, 20, 3), tick=True):
            return cli(*args)

    return run


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def refused(result: Any, code: int = 1) -> str:
    """The one `error: ...` line of a refused command."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


def proposal(cli: Cli, path: Path, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        ok(cli("follow-up", str(path), "-a", KEY, "--dry-run", "--json", *args))
    )
    return found


def written(engine: Engine) -> tuple[int, int, int, int]:
    """(meetings, status updates, evidence, change records) in the database."""
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(model)).one()
            for model in (Meeting, StatusUpdate, Evidence, ChangeRecord)
        )


def stored_files(tmp_path: Path) -> list[Path]:
    evidence = tmp_path / "var" / "evidence"
    return [p for p in evidence.rglob("*") if p.is_file()] if evidence.exists() else []


# --- the proposal -----------------------------------------------------------------------------


def test_the_json_proposal_keeps_the_issues_contract(cli: Cli, seed: Agreement) -> None:
    found = proposal(cli, CYBER)
    assert {"date", "counterparts", "meetings", "links", "warnings"} <= found.keys()
    assert found["date"] == "2026-03-13"
    assert found["counterparts"] == ["CA"]
    assert isinstance(found["warnings"], list)

    assert len(found["meetings"]) == 2
    for meeting in found["meetings"]:
        assert {"mechanism", "state", "date", "precision", "place", "ordinal", "sentence"} <= (
            meeting.keys()
        )
        assert isinstance(meeting["mechanism"], str) and isinstance(meeting["sentence"], str)
        assert meeting["state"] in ("held", "planned")
        assert isinstance(meeting["place"], str)
        assert meeting["ordinal"] is None or isinstance(meeting["ordinal"], int)
    held, planned = found["meetings"]
    assert {
        k: held[k] for k in ("mechanism", "state", "date", "precision", "place", "ordinal")
    } == {
        "mechanism": CYBER_CONSULTATION,
        "state": "held",
        "date": "2026-03-12",
        "precision": "day",
        "place": "오타와",
        "ordinal": 1,
    }
    assert (planned["state"], planned["date"], planned["precision"]) == ("planned", "2027", "year")

    assert found["links"]
    for link in found["links"]:
        assert {"commitment", "score", "sentence", "reasons", "suggested_status"} <= link.keys()
        assert re.fullmatch(rf"{KEY}:\d+\.\d+", link["commitment"])
        assert isinstance(link["score"], float) and 0 < link["score"] <= 1
        assert isinstance(link["sentence"], str) and link["sentence"]
        assert isinstance(link["reasons"]["words"], list)
        assert isinstance(link["reasons"]["mechanisms"], list)
        assert link["suggested_status"] in (None, "in_progress", "ongoing", "achieved")
    first = found["links"][0]
    assert (first["commitment"], first["score"], first["suggested_status"]) == (
        f"{KEY}:17.1",
        1.0,
        "ongoing",
    )
    assert first["reasons"]["mechanisms"] == [CYBER_CONSULTATION]


def test_a_release_before_the_signing_is_a_warning_in_the_json_not_a_crash(
    cli: Cli, seed: Agreement
) -> None:
    found = proposal(cli, NEWS1, "--date", "2025-10-02")
    assert found["date"] == "2025-10-02" and found["links"] == []
    assert [(m["date"], m["precision"]) for m in found["meetings"]] == [
        ("2025-10-02", "day"),
        ("2024-11", "month"),
        (None, None),
    ]
    (warning,) = found["warnings"]
    assert warning["code"] == "warning.intake.before_signing"
    assert warning["fields"] == {"on": "2025-10-02", "signed_on": "2025-10-30"}
    assert "2025-10-30" in warning["message"]


def test_the_table_shows_what_the_officer_will_confirm_and_how(cli: Cli, seed: Agreement) -> None:
    out = ok(cli("follow-up", str(CYBER), "-a", KEY))
    assert out.startswith(
        f"Follow-up text {CYBER.name} · dated 2026-03-13 · counterparts Canada · 1 agreement"
    )
    assert "Meetings proposed" in out and "Commitments the text advances" in out
    rows = out.splitlines()
    assert any(CYBER_CONSULTATION in r and "2026-03-12" in r and "오타와" in r for r in rows)
    assert any("2027 (year only)" in r and "서울" in r for r in rows)
    assert any(r.startswith(f"{KEY}:17.1") and "1.00" in r and "Ongoing" in r for r in rows)
    # The planned meeting has no day yet: the command to confirm it asks for one.
    assert "--meeting 1 --meeting 2=YYYY-MM-DD --link 17.1" in out


def test_a_korean_terminal_reads_korean_headings(
    cli: Cli, seed: Agreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")
    out = ok(cli("follow-up", str(CYBER), "-a", KEY))
    assert out.startswith(f"후속 문서 {CYBER.name} · 날짜 2026-03-13 · 상대국 캐나다")
    assert "회의 제안" in out and "이행과제 연결 제안" in out
    assert "상시 이행" in out  # the suggested status, as the pages say it
    assert "Meetings proposed" not in out and "Commitments the text advances" not in out


# --- every shape of the same text --------------------------------------------------------------


def shapes(folder: Path) -> dict[str, Path]:
    """The release as UTF-8 with a BOM, UTF-16, CP949 with CRLF line ends, and a web page."""
    text = CYBER.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(lines[0])}</title></head><body>"
        "<nav><a href='/'>외교부</a></nav>"
        f"<h1>{html.escape(lines[0])}</h1>"
        + "".join(f"<p>{html.escape(line)}</p>\n" for line in lines[1:])
        + "</body></html>"
    )
    files = {
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
        "cp949.txt": text.replace("\n", "\r\n").encode("cp949"),
        "release.html": page.encode("utf-8"),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def test_the_same_release_in_any_encoding_or_as_html_proposes_the_same(
    cli: Cli, seed: Agreement, tmp_path: Path
) -> None:
    plain = proposal(cli, CYBER)
    for name, path in shapes(tmp_path).items():
        assert proposal(cli, path) == plain, name


# --- bad input --------------------------------------------------------------------------------


def test_empty_binary_and_oversized_files_are_refused_in_one_line_and_nothing_is_written(
    cli: Cli, seed: Agreement, engine: Engine, tmp_path: Path, config_file: Path
) -> None:
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "[imports]\nmax_bytes = 4000\n",
        encoding="utf-8",
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    scan = tmp_path / "scan.txt"
    scan.write_bytes(bytes(range(256)) * 8)
    large = tmp_path / "large.txt"
    large.write_text(CYBER.read_text(encoding="utf-8") * 5, encoding="utf-8")
    before = written(engine)
    for path, says in (
        (empty, "the file is empty"),
        (scan, "this looks like a binary file"),
        (large, "larger than the limit of 4,000 (imports.max_bytes)"),
        (tmp_path / "missing.txt", "no such file"),
    ):
        for apply in ((), ("--apply", "--meeting", "1", "--link", "17.1")):
            line = refused(cli("follow-up", str(path), "-a", KEY, *apply))
            assert line.startswith(f"error: {path}") and says in line, line
    assert written(engine) == before
    assert stored_files(tmp_path) == []


def test_choices_without_apply_are_a_usage_error(cli: Cli, seed: Agreement) -> None:
    for choice in (("--link", "17.1"), ("--meeting", "1"), ("--cadence", "1")):
        result = cli("follow-up", str(CYBER), "-a", KEY, *choice)
        assert result.exit_code == 2, result.output
        assert "--meeting, --link and --cadence go with --apply" in result.stderr


# --- confirming -------------------------------------------------------------------------------


def test_apply_records_the_meeting_and_updates_and_again_changes_nothing(
    cli: Cli, seed: Agreement, engine: Engine, tmp_path: Path
) -> None:
    meetings, updates, evidence, changes = written(engine)
    confirm = ("follow-up", str(CYBER), "-a", KEY, "--apply", "--meeting", "1")
    outcome = json.loads(ok(cli(*confirm, "--link", "17.1", "--link", "7.5", "--json")))
    assert outcome["updates_added"] == [f"{KEY}:17.1", f"{KEY}:7.5"]
    assert len(outcome["meetings_added"]) == 1 and outcome["dry_run"] is False
    # One meeting; two updates, each with the text itself as its evidence (stored once).
    after = written(engine)
    assert after[:3] == (meetings + 1, updates + 2, evidence + 2)
    assert after[3] > changes
    assert len(stored_files(tmp_path)) == 1
    listed = ok(cli("meetings", "list", "--mechanism", CYBER_CONSULTATION))
    assert "2026-03-12" in listed and "오타와" in listed and "held" in listed

    (entry,) = json.loads(ok(cli("history", f"{KEY}:7.5", "--json")))
    detail = entry["detail"]
    assert (detail["status"], detail["as_of"], detail["source"]) == (
        "achieved",
        "2026-03-13",
        "follow_up",
    )
    assert "「특수작전부대 협력에 대한 MOU」를 체결했다" in detail["narrative"]
    ((kept_name, kept_hash),) = [(e["file_name"], e["sha256"]) for e in detail["evidence"]]
    assert kept_name == CYBER.name
    assert kept_hash == hashlib.sha256(CYBER.read_text(encoding="utf-8").encode()).hexdigest()

    again = ok(cli(*confirm, "--link", "17.1", "--link", "7.5"))
    assert again.startswith("recorded: nothing new")
    assert (
        f"already recorded, left as they were: 3 items: #{outcome['meetings_added'][0]}, " in again
    )
    assert written(engine) == after


def test_apply_with_dry_run_checks_everything_and_writes_nothing(
    cli: Cli, seed: Agreement, engine: Engine
) -> None:
    before = written(engine)
    choices = ("--apply", "--meeting", "1", "--link", "17.1", "--dry-run")
    out = ok(cli("follow-up", str(CYBER), "-a", KEY, *choices))
    assert "dry run: nothing was written" in out
    assert written(engine) == before
    # A wrong choice is still found in a dry run.
    line = refused(cli("follow-up", str(CYBER), "-a", KEY, "--apply", "--link", "3.2", "--dry-run"))
    assert "3.2" in line
    assert written(engine) == before


def test_a_dry_run_leaves_no_file_in_the_evidence_folder(
    cli: Cli, seed: Agreement, tmp_path: Path
) -> None:
    ok(cli("follow-up", str(CYBER), "-a", KEY, "--apply", "--link", "17.1", "--dry-run"))
    assert stored_files(tmp_path) == []


def test_a_link_not_proposed_is_refused_in_one_line_and_nothing_is_written(
    cli: Cli, seed: Agreement, engine: Engine
) -> None:
    before = written(engine)
    line = refused(
        cli("follow-up", str(CYBER), "-a", KEY, "--apply", "--meeting", "1", "--link", "3.2")
    )
    assert line == "error: Commitment 3.2 is not among the links this text proposes.\n"
    assert written(engine) == before


def test_one_meeting_and_one_update_are_counted_in_the_singular(cli: Cli, seed: Agreement) -> None:
    out = ok(cli("follow-up", str(CYBER), "-a", KEY, "--apply", "--meeting", "1", "--link", "7.5"))
    assert out.startswith("recorded: 1 meeting, 1 status update\n")
    out = ok(cli("follow-up", str(CYBER), "-a", KEY, "--apply", "--link", "17.1", "--dry-run"))
    assert out.startswith("would record (dry run): 1 status update\n")
