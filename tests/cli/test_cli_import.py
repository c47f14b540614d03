"""`tracker import` as a desk officer uses it: review, import, re-import, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.conftest import Cli

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
SEED = CORPUS / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"


def test_a_dry_run_shows_the_split_and_writes_nothing(cli: Cli, engine: Engine) -> None:
    result = cli("import", str(SEED), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "agreement: 한-캐나다 안보·국방 협력 파트너십 수립" in result.stdout
    assert "§ 협력 분야 › 방위산업 및 혁신" in result.stdout
    assert "26 clauses" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert "no agreements" in cli("agreements", "list").stdout


def test_the_json_split_has_the_documented_keys(cli: Cli, engine: Engine) -> None:
    result = cli("import", str(SEED), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    split = json.loads(result.stdout)
    assert {"agreement", "sections", "clauses", "commitments", "mechanisms"} <= split.keys()
    first = split["commitments"][0]
    assert {"ref", "clause", "text", "actors", "strength", "tracked", "mechanisms"} <= first.keys()
    mechanism = split["mechanisms"][0]
    assert {"name", "aliases", "kind", "cadence", "planned", "reports_to"} <= mechanism.keys()
    assert len(split["clauses"]) == 26


def test_import_then_import_again_says_nothing_changed(cli: Cli, engine: Engine) -> None:
    first = cli("import", str(SEED))
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("imported: kr-ca-security-defence-partnership-2025-10-30-portal")
    again = cli("import", str(SEED))
    assert again.exit_code == 0
    assert "unchanged: this text is already imported" in again.stdout
    listed = json.loads(cli("agreements", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["clause_count"] == 26


def test_a_revised_text_asks_for_replace(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    original = tmp_path / "kr-ca.txt"
    shutil.copy(SEED, original)
    assert cli("import", str(original)).exit_code == 0
    text = original.read_text(encoding="utf-8")
    original.write_text(
        text.replace("적절히 검토될 것이다", "매년 검토될 것이다"), encoding="utf-8"
    )
    refused = cli("import", str(original))
    assert refused.exit_code == 1
    assert "revises agreement 'kr-ca'" in refused.stderr and "--replace" in refused.stderr
    replaced = cli("import", str(original), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.startswith("replaced: kr-ca")
    assert "reworded" in replaced.stdout


def test_bad_files_get_one_line_naming_the_file_and_nothing_is_written(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    prose = tmp_path / "prose.txt"
    prose.write_text("hello world\n", encoding="utf-8")
    passwords = tmp_path / "shadow"
    passwords.write_text("root:$6$abc:19000:0:99999:7:::\ndaemon:*:19000:0:::\n", encoding="utf-8")
    for path in (empty, binary, prose, passwords, tmp_path / "missing.txt"):
        result = cli("import", str(path))
        assert result.exit_code == 1, (path, result.output)
        assert result.stderr.startswith(f"error: {path}"), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    assert json.loads(cli("agreements", "list", "--json").stdout) == []


def test_a_file_over_the_configured_limit_is_refused(
    cli: Cli, engine: Engine, config_file: Path
) -> None:
    config_file.write_text(config_file.read_text() + "[imports]\nmax_bytes = 1000\n")
    result = cli("import", str(SEED))
    assert result.exit_code == 1
    assert "larger than the limit of 1,000" in result.stderr


def test_a_folder_imports_each_file_and_reports_the_bad_ones(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "archive").mkdir()
    result = cli("import", str(folder))
    assert result.exit_code == 1
    assert "6 files: 5 imported, 1 failed" in result.stdout
    assert "imported: us-jp-kr-spirit-of-camp-david-2023  (02_us-jp-kr" in result.stdout
    assert "not read: 1 subfolder (archive)" in result.stdout
    assert "broken.txt" in result.stderr
    assert len(json.loads(cli("agreements", "list", "--json").stdout)) == 5
    again = json.loads(cli("import", str(folder), "--json").stdout)
    assert [r["outcome"] for r in again] == ["unchanged"] * 5 + ["failed"]
    assert cli("import", str(folder), "--key", "x1").exit_code == 2


def test_the_same_text_with_other_line_endings_or_encoding_is_unchanged(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    text = (
        "한-호주 국방 협력 양해각서\n\n"
        "1. 양국은 방산 협력을 강화할 것이다.\n\n"
        "2. 양국은 <한-호주 방산 공동위원회>를 연례 개최할 것이다.\n"
    )
    utf8 = tmp_path / "kr-au.txt"
    utf8.write_text(text, encoding="utf-8")
    assert cli("import", str(utf8)).exit_code == 0
    crlf = tmp_path / "kr-au-crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8") + b"\r\n")
    korean_ansi = tmp_path / "kr-au-cp949.txt"
    korean_ansi.write_bytes(text.encode("cp949"))
    for path in (crlf, korean_ansi):
        result = cli("import", str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("unchanged:"), result.stdout


def test_replacing_lists_the_corrections_it_discards(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    original = tmp_path / "kr-ca.txt"
    shutil.copy(SEED, original)
    assert cli("import", str(original)).exit_code == 0
    assert cli("commitments", "untrack", "7.0", "-a", "kr-ca").exit_code == 0
    original.write_text(
        original.read_text(encoding="utf-8").replace("적절히 검토될", "매년 검토될"),
        encoding="utf-8",
    )
    refused = cli("import", str(original))
    assert "commitment 26.1 reworded" in refused.stderr
    assert "correction discarded: untrack 7.0" in refused.stderr


def test_a_bad_key_is_refused(cli: Cli, engine: Engine) -> None:
    for key in ("Bad Key!/../x", "1", "x" * 81):
        result = cli("import", str(SEED), "--key", key)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: key '{key}': use 2 to 80 lowercase")
