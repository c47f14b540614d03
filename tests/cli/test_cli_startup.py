"""Start-up: `tracker --version` and the help pages load none of the heavy parts (PDF, web,
spreadsheets, migrations, the database layer); a command that needs them loads them when it runs.

Which modules a run imports is read from Python's own `-X importtime` report of a real
`python -m tracker ...` process: these tests check what a user's shell would load, not timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tracker.cli import app

# Top-level packages (or tracker subpackages) that must wait for a command that needs them.
HEAVY = (
    "weasyprint",
    "fastapi",
    "starlette",
    "uvicorn",
    "openpyxl",
    "alembic",
    "apscheduler",
    "jinja2",
    "sqlalchemy",
    "sqlmodel",
    "pydantic_settings",
    "tracker.web",
    "tracker.reports",
    "tracker.services",
    "tracker.models",
    "tracker.importer",
    "tracker.config",
    "tracker.db",
)


def modules_loaded_by(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def heavy_among(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY)}


@pytest.mark.slow  # a real `python -m tracker` process
@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["commitments", "--help"], ["report", "brief", "--help"]],
    ids=" ".join,
)
def test_version_and_help_load_none_of_the_heavy_parts(args: list[str]) -> None:
    loaded = modules_loaded_by(*args)
    assert "tracker.cli.app" in loaded  # the report is read right
    assert heavy_among(loaded) == set()


@pytest.mark.slow  # a real `python -m tracker` process
@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=" ".join)
def test_version_and_the_command_list_build_no_command(args: list[str]) -> None:
    # Building a command makes pydantic adapters for its options; listing needs none of them.
    assert "pydantic" not in modules_loaded_by(*args)


@pytest.mark.slow  # a real `python -m tracker` process
def test_a_command_loads_what_it_needs_when_it_runs(config_file: Path) -> None:
    # The same report shows the heavy parts once a command uses them: the check above can fail.
    loaded = modules_loaded_by("--config", str(config_file), "init")
    assert {"sqlalchemy", "alembic", "tracker.services.setup"} <= loaded


@pytest.mark.slow  # a real `python -m tracker` process
def test_a_reading_command_loads_the_database_layer_but_no_pdf_web_or_migrations(
    config_file: Path, engine: Engine
) -> None:
    loaded = modules_loaded_by("--config", str(config_file), "commitments", "list", "--json")
    assert {"sqlalchemy", "tracker.services.commitments"} <= loaded
    assert {"alembic", "weasyprint", "fastapi", "uvicorn", "openpyxl", "tracker.web"}.isdisjoint(
        {m.split(".")[0] for m in loaded} | {m for m in loaded if m.startswith("tracker.web")}
    )


def test_the_command_list_shows_each_command_s_own_one_line_help() -> None:
    # The top-level help lists commands without building them; what it shows must be what the
    # built command would say about itself.
    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    ctx = typer.Context(root)
    names = root.list_commands(ctx)
    assert {"init", "import", "summary", "commitments", "report", "users"} <= set(names)
    for name in names:
        listed = root.commands.outline(name)  # type: ignore[attr-defined]
        built = root.get_command(ctx, name)
        assert built is not None
        assert listed.get_short_help_str(60) == built.get_short_help_str(60), name
        assert listed.hidden == built.hidden


def test_a_mistyped_command_still_gets_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["comitments", "list"], prog_name="tracker")
    assert result.exit_code == 2
    assert "No such command 'comitments'. Did you mean 'commitments'?" in result.output
