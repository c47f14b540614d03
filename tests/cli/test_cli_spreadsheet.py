"""A desk officer exports a sheet, fills it in, and imports it back from the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tracker.config import Settings
from tracker.services.policy import FollowUpPolicy

KEY = "kr-ca-2025"


@pytest.fixture
def demo(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The seed imported, and the officer working in a folder of their own."""
    assert cli("demo", "--no-report").exit_code == 0
    work = tmp_path / "desk"
    work.mkdir()
    monkeypatch.chdir(work)
    return cli


def fill_in(path: Path, edits: dict[str, dict[str, str]], *, encoding: str = "utf-8-sig") -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(edits.get(row["ref"], {}))
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def statuses(cli: Cli) -> dict[str, Any]:
    listed = json.loads(cli("commitments", "list", "-a", KEY, "--json").stdout)
    return {row["ref"]: (row["status"], row["status_as_of"]) for row in listed}


def test_export_names_the_file_after_the_agreement_and_the_day(
    demo: Cli, settings: Settings
) -> None:
    result = demo("export", "-a", KEY)
    assert result.exit_code == 0, result.output
    name = f"{KEY}-{FollowUpPolicy.from_settings(settings).today():%Y%m%d}.xlsx"
    assert result.stdout == f"wrote 36 commitments to {name}\n"
    assert Path(name).is_file()

    again = demo("export", "-a", KEY)
    assert again.exit_code == 1
    assert again.stderr.startswith(f"error: {name} already exists")
    assert demo("export", "-a", KEY, "--force").exit_code == 0


def test_an_officer_fills_in_the_csv_checks_it_and_imports_it(demo: Cli) -> None:
    exported = demo("export", "--officer", "정진우", "--out", "mine.csv")
    assert exported.stdout == "wrote 36 commitments to mine.csv\n", exported.output
    fill_in(
        Path("mine.csv"),
        {
            "7.3": {"new_status": "진행 중", "note": "1차 협의 개최", "as_of": "2025-11-20"},
            "9.2": {"new_status": "achieved", "evidence": "https://www.mofa.go.kr/press/1"},
        },
    )
    before = statuses(demo)

    dry = demo("import-updates", "mine.csv", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "line 10: kr-ca-2025:7.3 Not assessed yet → In progress as of 2025-11-20, note",
        dry.stdout.splitlines()[1],
        "would apply 2 updates from mine.csv; 34 rows unchanged",
    ]
    assert dry.stdout.splitlines()[1].startswith(
        "line 18: kr-ca-2025:9.2 Not assessed yet → Achieved as of "
    )
    assert dry.stdout.splitlines()[1].endswith(", 1 evidence item")
    assert statuses(demo) == before

    applied = demo("import-updates", "mine.csv", "--by", "정진우")
    assert applied.exit_code == 0, applied.output
    assert applied.stdout.splitlines()[-1] == "applied 2 updates from mine.csv; 34 rows unchanged"
    after = statuses(demo)
    assert after["7.3"] == ("in_progress", "2025-11-20")
    assert after["9.2"][0] == "achieved"
    assert {ref for ref in after if after[ref] != before[ref]} == {"7.3", "9.2"}

    # The same sheet again: its versions are now stale, so nothing is applied twice.
    twice = demo("import-updates", "mine.csv")
    assert twice.exit_code == 3
    assert twice.stderr.splitlines()[0] == "error: mine.csv: 2 problems; nothing was saved"
    assert "line 10: kr-ca-2025:7.3 changed since the export" in twice.stderr
    assert statuses(demo) == after


def test_bad_rows_are_listed_one_a_line_and_nothing_is_saved(demo: Cli) -> None:
    demo("export", "-a", KEY, "-o", "sheet.csv")
    fill_in(
        Path("sheet.csv"),
        {
            "3.2": {"new_status": "진행 중"},
            "5.1": {"new_status": "완료됨"},
            "7.3": {"as_of": "2999-01-01", "note": "예정"},
            "9.2": {"evidence": "회의록.pdf"},
        },
    )
    before = statuses(demo)
    result = demo("import-updates", "sheet.csv")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "error: sheet.csv: 3 problems; nothing was saved"
    assert lines[1].startswith("  line 3: unknown status '완료됨'; use one of: ")
    assert lines[2].startswith("  line 10: as_of 2999-01-01 is after today (")
    assert lines[3] == "  line 18: evidence file 회의록.pdf does not exist"
    assert len(lines) == 4
    assert statuses(demo) == before


def test_a_cp949_csv_is_refused_in_one_line(demo: Cli) -> None:
    demo("export", "-a", KEY, "-o", "sheet.csv")
    fill_in(Path("sheet.csv"), {"7.3": {"new_status": "진행 중"}}, encoding="cp949")
    result = demo("import-updates", "sheet.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: sheet.csv is not in UTF-8 (it looks like CP949")
    assert len(result.stderr.splitlines()) == 1


def test_an_export_needs_something_to_export_and_a_known_format(demo: Cli) -> None:
    nothing = demo("export")
    assert nothing.exit_code == 2
    assert "give --agreement, --officer, or both" in nothing.output

    wrong = demo("export", "-a", KEY, "-o", "sheet.ods")
    assert wrong.exit_code == 1
    assert wrong.stderr == (
        "error: cannot write sheet.ods: the file name must end in .csv or .xlsx\n"
    )
    assert list(Path.cwd().iterdir()) == []

    unknown = demo("export", "--officer", "홍길동")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: no officer '홍길동'")


def test_a_workbook_round_trip_from_the_command_line(demo: Cli) -> None:
    from openpyxl import load_workbook

    assert demo("export", "-a", KEY, "-o", "sheet.xlsx").exit_code == 0
    workbook = load_workbook("sheet.xlsx")
    sheet = workbook["updates"]
    sheet["J18"] = "정체"  # 9.2
    sheet["K18"] = "예산 협의 지연"
    workbook.save("sheet.xlsx")
    result = demo("import-updates", "sheet.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(
        "row 18: kr-ca-2025:9.2 Not assessed yet → Stalled as of"
    )
    assert statuses(demo)["9.2"][0] == "stalled"
