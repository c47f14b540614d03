"""A desk officer corrects the split from the command line."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine

from tests.conftest import Cli

KEY = "kr-ca-2025"


def test_an_officer_splits_untracks_and_links_then_sees_the_result(
    cli: Cli, engine: Engine
) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    split = cli("commitments", "split", "9.2", "-a", KEY, "--at", "공동 개발", "--by", "정진우")
    assert split.exit_code == 0, split.output
    assert "9.2b (tracked): 공동 개발" in split.stdout
    assert cli("commitments", "untrack", "7.0", "-a", KEY).exit_code == 0
    assert cli("commitments", "link", "16.1", "2+2", "-a", KEY).exit_code == 0
    rows = {
        r["ref"]: r
        for r in json.loads(cli("commitments", "list", "--agreement", KEY, "--json").stdout)
    }
    assert rows["9.2b"]["tracked"] is True
    assert rows["7.0"]["tracked"] is False
    assert any("2+2" in name for name in rows["16.1"]["mechanisms"])


def test_a_refused_correction_is_one_line_and_changes_nothing(cli: Cli, engine: Engine) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    before = cli("commitments", "list", "--agreement", KEY, "--json").stdout
    result = cli("commitments", "merge", "7.1", "7.3", "-a", KEY)
    assert result.exit_code == 1
    assert result.stderr == "error: 7.1 and 7.3 are not neighbours: 7.2 lies between them\n"
    assert cli("commitments", "list", "--agreement", KEY, "--json").stdout == before
    assert cli("commitments", "adjust", "7.1", "-a", KEY).exit_code == 2
