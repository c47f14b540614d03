"""The CLI as an administrator and a desk officer use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import Cli
from tests.factories import add_two_agreements
from tracker.config import Settings


def test_init_creates_the_folders_and_the_schema_and_can_run_again(
    cli: Cli, tmp_path: Path
) -> None:
    first = cli("init")
    assert first.exit_code == 0, first.output
    assert "schema: empty -> " in first.output
    assert (tmp_path / "reports").is_dir()
    assert (tmp_path / "var" / "evidence").is_dir()
    again = cli("init")
    assert again.exit_code == 0
    assert "schema: up to date" in again.output
    assert "up to date" in cli("db", "current").output


def test_listing_before_init_says_what_to_do_and_creates_no_file(
    cli: Cli, settings: Settings
) -> None:
    result = cli("agreements", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the database ")
    assert result.stderr.endswith(" run `tracker init`\n")
    assert result.stdout == ""
    if settings.sqlite_path is not None:
        assert not settings.sqlite_path.exists()


def test_an_empty_installation_lists_nothing_politely(cli: Cli, engine: Engine) -> None:
    result = cli("agreements", "list")
    assert result.exit_code == 0
    assert "no agreements" in result.output
    assert json.loads(cli("agreements", "list", "--json").stdout) == []


def test_agreements_list_as_a_table_and_as_json(cli: Cli, session: Session) -> None:
    add_two_agreements(session)
    table = cli("agreements", "list").stdout.splitlines()
    assert table[0].split() == ["key", "signed", "title", "countries", "clauses", "tracked"]
    assert table[1].startswith("kr-ca-2025  2025-10-30  한-캐나다 안보·국방 협력 파트너십 수립")
    rows = json.loads(cli("agreements", "list", "--json", "--country", "캐나다").stdout)
    assert [row["key"] for row in rows] == ["kr-ca-2025"]
    assert rows[0]["signed_on"] == "2025-10-30"
    assert rows[0]["tracked_count"] == 2


def test_commitments_list_filters_and_json(cli: Cli, session: Session) -> None:
    add_two_agreements(session)
    result = cli("commitments", "list", "--mechanism", "2+2", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["agreement_key"], r["ref"]) for r in rows] == [
        ("kr-ca-2025", "2.1"),
        ("kr-au-2024", "1.1"),
    ]
    assert rows[0]["text"] == "양국은 2+2 회의를 격년으로 개최할 것이다."
    table = cli("commitments", "list", "--agreement", "kr-ca-2025", "--untracked").stdout
    assert "declaratory" in table and "permissive" in table and "firm" not in table


def test_mechanisms_list_shows_the_reporting_line(cli: Cli, session: Session) -> None:
    add_two_agreements(session)
    lines = cli("mechanisms", "list").stdout.splitlines()
    dialogue = next(line for line in lines if "정책 대화" in line)
    assert dialogue.rstrip().endswith("외교·국방장관 2+2 회의")
    rows = json.loads(cli("mechanisms", "list", "--json").stdout)
    assert rows[0]["cadence"] == "biennial"


def test_a_user_error_is_one_line_on_stderr_with_exit_1(cli: Cli, engine: Engine) -> None:
    result = cli("commitments", "list", "--agreement", "kr-xx-1900")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: no agreement 'kr-xx-1900'")


def test_a_usage_error_exits_2(cli: Cli) -> None:
    assert cli("commitments", "list", "--frobnicate").exit_code == 2
    assert cli("commitments", "list", "--strength", "strongish").exit_code == 2
    assert cli("agreements", "list", "--year", "12").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def test_a_bad_config_key_stops_any_command_with_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app

    config = tmp_path / "config.toml"
    config.write_text('[database]\nulr = "sqlite:///x.db"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "agreements", "list"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {config}: unknown key 'database.ulr'\n"


def test_an_unreachable_database_stops_with_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli import app

    config = tmp_path / "config.toml"
    config.write_text(
        '[database]\nurl = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["--config", str(config), "init"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot open database postgresql+psycopg://nobody@")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow  # a real `python -m tracker` process
def test_python_dash_m_tracker_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("tracker ")
