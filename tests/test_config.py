"""config.toml and TRACKER_* variables, as an administrator meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import load_settings
from tracker.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_file_loads_with_the_documented_defaults() -> None:
    settings = load_settings(Path(__file__).parents[1] / "config.toml")
    assert settings.general.timezone == "Asia/Seoul"
    assert settings.general.language == "ko"
    assert settings.database_url.startswith("sqlite:////")
    assert settings.database_url.endswith("/var/tracker.db")
    assert settings.imports.max_bytes == 5_000_000
    assert settings.mail.backend == "file"


def test_every_key_in_the_shipped_config_file_is_commented() -> None:
    lines = (Path(__file__).parents[1] / "config.toml").read_text(encoding="utf-8").splitlines()
    # Indented lines continue a multi-line value (the status list); its key carries the comment.
    keys = [n for n, line in enumerate(lines) if "=" in line and not line.startswith(("#", " "))]
    assert len(keys) > 20
    for number in keys:
        above = lines[number - 1]
        assert above.startswith("#"), f"config.toml:{number + 1} has no comment: {lines[number]}"


def test_relative_paths_are_resolved_against_the_config_folder(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[paths]\nreports = "out/reports"\n'))
    assert settings.resolve(settings.paths.reports) == tmp_path / "out" / "reports"
    assert settings.sqlite_path == tmp_path / "var" / "tracker.db"


def test_an_unknown_key_stops_start_up_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nulr = "sqlite:///x.db"\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value) == f"{path}: unknown key 'database.ulr'"


def test_an_unknown_section_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'databse'"):
        load_settings(write(tmp_path, "[databse]\nurl = 'x'\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[general]\ntimezone = "Mars/Olympus"\n', "general.timezone: unknown time zone"),
        ('[general]\nlanguage = "fr"\n', "general.language:"),
        ('[schedule]\ndigest_time = "8am"\n', "schedule.digest_time: expected HH:MM"),
        ('[schedule]\ndigest_weekday = "someday"\n', "schedule.digest_weekday: expected one of"),
        ('[database]\nurl = "mysql://x/y"\n', "database.url: unsupported database 'mysql'"),
        ('[database]\nurl = "not a url"\n', "database.url: not a database URL"),
        ("[mail]\nport = 0\n", "mail.port:"),
        ("[imports]\nmax_bytes = -5\n", "imports.max_bytes:"),
    ],
)
def test_a_bad_value_is_reported_in_one_line_naming_the_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text))
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_a_bad_value_is_said_in_the_reader_s_language_without_pydantic_s_english(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "[mail]\nport = 0\nbackend = 'file'\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value) == f"{path}: mail.port: must be greater than 0"
    assert error.value.describe("ko") == f"{path}: mail.port: 0보다 커야 합니다."
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, "[mail]\nbackend = 'pigeon'\n"))
    assert error.value.code == "config.choice" and error.value.fields == {
        "choices": ["file", "smtp"]
    }
    assert error.value.describe("ko").endswith("mail.backend: 다음 중 하나여야 합니다: file, smtp")


def test_environment_variables_override_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[general]\ntimezone = "Asia/Seoul"\n[imports]\nmax_bytes = 100\n')
    monkeypatch.setenv("TRACKER_GENERAL__TIMEZONE", "Europe/Amsterdam")
    monkeypatch.setenv("TRACKER_IMPORTS__MAX_BYTES", "2048")
    settings = load_settings(path)
    assert settings.general.timezone == "Europe/Amsterdam"
    assert settings.imports.max_bytes == 2048


def test_a_bad_environment_value_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SCHEDULE__DIGEST_TIME", "25:00")
    with pytest.raises(ConfigError, match="TRACKER_SCHEDULE__DIGEST_TIME: schedule.digest_time"):
        load_settings(write(tmp_path, ""))


def test_the_smtp_password_comes_only_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="set TRACKER_MAIL__PASSWORD instead"):
        load_settings(write(tmp_path, '[mail]\npassword = "hunter2"\n'))
    monkeypatch.setenv("TRACKER_MAIL__PASSWORD", "hunter2")
    settings = load_settings(write(tmp_path, ""))
    assert settings.mail.password.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(settings)


def test_a_missing_explicit_file_is_an_error_but_a_missing_default_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")
    monkeypatch.chdir(tmp_path)
    assert load_settings().general.timezone == "Asia/Seoul"
    monkeypatch.setenv("TRACKER_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="missing.toml: config file not found"):
        load_settings()


def test_a_file_that_is_not_toml_is_reported_with_its_position(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 2"):
        load_settings(write(tmp_path, "[database]\nurl = \n"))
