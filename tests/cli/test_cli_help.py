"""Every command explains itself: help with an example, for a user who never read the README."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from tracker import __version__
from tracker.cli import app

runner = CliRunner()


def command_paths() -> Iterator[list[str]]:
    def walk(command: object, path: list[str]) -> Iterator[list[str]]:
        children = getattr(command, "commands", None)
        if children:
            for name, child in sorted(children.items()):
                yield from walk(child, [*path, name])
        else:
            yield path

    yield from walk(typer.main.get_command(app), [])


ALL_COMMANDS = list(command_paths())


def test_the_walk_finds_the_commands_a_user_expects() -> None:
    names = {" ".join(path) for path in ALL_COMMANDS}
    assert {"init", "db upgrade", "agreements list", "commitments list"} <= names


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"tracker {' '.join(path)}" in result.output


def test_the_top_level_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("init", "db", "agreements", "commitments", "mechanisms"):
        assert f"  {name} " in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"tracker {__version__}"


def test_help_works_even_when_the_config_file_is_broken(tmp_path: object) -> None:
    from pathlib import Path

    bad = Path(str(tmp_path)) / "bad.toml"
    bad.write_text("[nonsense", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(bad), "agreements", "list", "--help"])
    assert result.exit_code == 0
