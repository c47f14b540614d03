"""`tracker import FOLDER --dry-run`: each file's line is followed by its own quality report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy.engine import Engine

from tests.conftest import Cli

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = FIXTURES / "corpus" / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
PRESS_RELEASE = FIXTURES / "import_texts" / "quality_kr-ca_dg-2plus2-press-release_ko.txt"


def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in (SEED, PRESS_RELEASE):
        shutil.copy(path, folder / path.name)
    (folder / "plain.txt").write_text(
        "1. 양국은 정보를 교환할 것이다.\n2. 양국은 연례 협의를 개최할 것이다.\n", encoding="utf-8"
    )
    return folder


def test_a_folder_dry_run_ends_each_file_with_where_to_look(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    result = cli("import", str(inbox(tmp_path)), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    seed = next(n for n, line in enumerate(lines) if SEED.name in line)
    assert lines[seed + 1 : seed + 4] == [
        "What the importer was unsure about (look there before saving):",
        "  commitment 11.1: holds parts of different strength (best effort, firm) but was kept "
        "whole",
        "  commitment 21.1: holds parts of different strength (firm, best effort) but was kept "
        "whole",
    ]
    press = next(n for n, line in enumerate(lines) if PRESS_RELEASE.name in line)
    assert lines[press + 1] == "What the importer was unsure about (look there before saving):"
    assert lines[press + 2].startswith("  commitment 1.2: a sentence whose parts differ")
    plain = next(n for n, line in enumerate(lines) if "plain.txt" in line)
    assert lines[plain + 1] == "Nothing the importer was unsure about."
    assert lines[-1].startswith("3 files: 3 parsed")
    assert json.loads(cli("agreements", "list", "--json").stdout) == []  # nothing written


def test_a_folder_dry_run_in_json_carries_each_files_findings(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    result = cli("import", str(inbox(tmp_path)), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    by_file = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert [f["code"] for f in by_file[PRESS_RELEASE.name]["quality"]] == ["quality.mixed_split"]
    assert [f["where"] for f in by_file[SEED.name]["quality"]] == ["11.1", "21.1"]
    assert by_file["plain.txt"]["quality"] == []


def test_a_folder_import_that_writes_shows_no_quality_report(
    cli: Cli, engine: Engine, tmp_path: Path
) -> None:
    result = cli("import", str(inbox(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "unsure about" not in result.stdout
    assert all(
        "quality" not in r
        for r in json.loads(cli("import", str(tmp_path / "inbox"), "--json").stdout)
    )
