"""A Korean officer's terminal speaks Korean: every help text is a catalogue id said in the
terminal's language, and the framework's own words (usage, headings, errors) are said too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer
from typer import _click
from typer.testing import CliRunner

from tracker.cli import app
from tracker.words import knows

HANGUL = re.compile("[\uac00-\ud7a3]")
RANGE = re.compile(r"\s*\[[-\dx<=>.]+\]$")
runner = CliRunner()


def commands() -> Iterator[tuple[str, _click.Command]]:
    def walk(command: _click.Command, path: str) -> Iterator[tuple[str, _click.Command]]:
        yield path, command
        for name, child in sorted(getattr(command, "commands", {}).items()):
            yield from walk(child, f"{path} {name}".strip())

    yield from walk(typer.main.get_command(app), "")


EVERY_COMMAND = dict(commands())


def help_texts(command: _click.Command) -> Iterator[tuple[str, str]]:
    """(where, help id) for the command's own help and each parameter's."""
    yield "help", str(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            yield str(param.name), str(param.help)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=lambda path: path or "tracker")
def test_every_help_text_is_a_message_of_both_catalogues(path: str) -> None:
    command = typer.main.get_command(app) if not path else EVERY_COMMAND[path]
    for where, text in help_texts(command):
        assert knows("ko", text) and knows("en", text), f"tracker {path} {where}: {text!r}"


@pytest.mark.parametrize("path", EVERY_COMMAND, ids=lambda path: path or "tracker")
def test_a_korean_terminal_gets_every_help_page_in_korean(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")
    result = runner.invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("사용법: tracker")
    assert "예:" in result.output and "Example" not in result.output
    for line in result.output.splitlines():
        # An option's or command's description, without a range's notation (`[x>=1]`).
        described = RANGE.sub("", line.strip().split("  ")[-1])
        if line.startswith("  ") and len(line.strip().split("  ")) > 1 and described:
            assert HANGUL.search(described), f"tracker {path} --help: {line!r}"


def test_a_korean_terminal_hears_usage_errors_in_korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")
    missing = runner.invoke(app, ["officers", "add"])
    unknown = runner.invoke(app, ["officres"])
    choice = runner.invoke(app, ["officers", "add", "김하늘", "--digest", "hourly"])
    assert missing.exit_code == unknown.exit_code == choice.exit_code == 2
    assert "오류: 필요한 인자가 없습니다: 'name'" in missing.output
    assert "도움말: 'tracker officers add --help'" in missing.output
    assert "오류: 없는 명령입니다: 'officres'" in unknown.output
    assert "'--digest' 값은 다음 중 하나여야 합니다: daily, weekly, off" in choice.output


def test_an_english_terminal_hears_them_in_english() -> None:
    missing = runner.invoke(app, ["officers", "add"])
    assert missing.exit_code == 2
    assert missing.output.startswith("Usage: tracker officers add")
    assert "error: Missing argument 'name'." in missing.output


def test_without_a_language_asked_for_the_terminal_speaks_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("TRACKER_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert runner.invoke(app, ["--help"]).output.startswith("Usage: tracker")
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert runner.invoke(app, ["--help"]).output.startswith("사용법: tracker")
