"""`tracker backup DIR` and `tracker restore DIR` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Cli
from tests.services.test_backup import a_working_installation, lose_everything
from tracker.config import Settings


def test_an_operator_backs_up_loses_the_installation_and_restores_it(
    cli: Cli, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    copy = tmp_path / "backups" / "2026-11-26"

    made = cli("backup", str(copy))
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith(f"backed up to {copy}: {engine.dialect.name} database at ")
    assert "1 evidence files, 1 report files" in made.stdout

    lose_everything(engine, settings)
    assert cli("agreements", "list").exit_code == 1

    restored = cli("restore", str(copy))
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith(f"restored {copy} (made ")
    assert "kr-ca-2025" in cli("agreements", "list").stdout


def test_restoring_over_a_working_installation_is_one_line_and_exit_1(
    cli: Cli, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    assert cli("backup", str(tmp_path / "copy")).exit_code == 0

    result = cli("restore", str(tmp_path / "copy"))

    assert result.exit_code == 1
    assert result.stderr.startswith("error: the target database ")
    assert result.stderr.count("\n") == 1


def test_a_tampered_copy_is_refused_naming_the_file(
    cli: Cli, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    a_working_installation(engine, settings, tmp_path)
    assert cli("backup", str(tmp_path / "copy")).exit_code == 0
    report = next((tmp_path / "copy" / "reports").rglob("*.pdf"))
    report.write_bytes(b"%PDF-1.7 edited")
    lose_everything(engine, settings)

    result = cli("restore", str(tmp_path / "copy"))

    assert result.exit_code == 1
    name = report.relative_to(tmp_path / "copy").as_posix()
    assert result.stderr == (
        f"error: {name} does not match its SHA-256 in the manifest: the copy is damaged; "
        "nothing was restored\n"
    )


def test_a_backup_into_a_folder_in_use_is_refused(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "old.db").write_bytes(b"")

    result = cli("backup", str(tmp_path / "copy"))

    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'copy'} is not empty: give a new or empty folder\n"


def test_with_files_in_the_database_the_backup_says_the_copy_holds_them(
    cli: Cli, engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_STORAGE__BACKEND", "database")
    copy = tmp_path / "copy"
    made = cli("backup", str(copy))
    assert made.exit_code == 0, made.output
    assert "with the evidence files and reports inside it" in made.stdout
    assert "evidence files," not in made.stdout  # no count of empty folders
