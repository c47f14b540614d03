"""`tracker import PATH --dry-run` ends with what the importer was unsure about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Cli

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEED = FIXTURES / "corpus" / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
PRESS_RELEASE = FIXTURES / "import_texts" / "quality_kr-ca_dg-2plus2-press-release_ko.txt"


def test_the_dry_run_ends_with_where_to_look(cli: Cli, engine: Engine) -> None:
    result = cli("import", str(SEED), "--dry-run")
    assert result.exit_code == 0, result.output
    tail = result.stdout.rstrip().splitlines()[-3:]
    assert tail == [
        "What the importer was unsure about (look there before saving):",
        "  commitment 11.1: holds parts of different strength (best effort, firm) but was kept "
        "whole",
        "  commitment 21.1: holds parts of different strength (firm, best effort) but was kept "
        "whole",
    ]


def test_a_korean_officer_reads_the_report_in_korean(
    cli: Cli, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "ko")
    result = cli("import", str(PRESS_RELEASE), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.rstrip().splitlines()
    assert lines[-2] == "가져오면서 확실하지 않았던 곳 (저장하기 전에 확인하세요):"
    assert lines[-1] == (
        "  이행과제 1.2: 강도가 다른 부분이 섞인 문장을 1.2, 1.2b(으)로 나누었습니다. "
        "점검 대상: 1.2b"
    )
    # the split itself: the condemnation kept untracked, the undertaking tracked
    assert "    ○ 1.2 [" in result.stdout and "    ● 1.2b [" in result.stdout
    assert "고위급·국장급 협의" in result.stdout  # the DG-level 2+2 meeting's kind


def test_a_text_with_nothing_doubtful_says_so(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "1. 양국은 정보를 교환할 것이다.\n2. 양국은 연례 협의를 개최할 것이다.\n", encoding="utf-8"
    )
    result = cli("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("Nothing the importer was unsure about.")


def test_the_json_dry_run_carries_the_findings_as_data(cli: Cli, engine: Engine) -> None:
    result = cli("import", str(PRESS_RELEASE), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    (finding,) = json.loads(result.stdout)["quality"]
    assert finding == {
        "code": "quality.mixed_split",
        "at": "commitment",
        "where": "1.2",
        "message": "commitment 1.2: a sentence whose parts differ in strength was split into "
        "1.2, 1.2b; tracked: 1.2b",
        "fields": {"refs": ["1.2", "1.2b"], "tracked": ["1.2b"]},
    }
