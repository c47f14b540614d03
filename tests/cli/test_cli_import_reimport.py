"""Corrections made on an imported agreement survive a re-import that does not change its text
(issue 19): the same file, the same text saved with Windows line breaks and a byte-order mark,
and the same text with --replace all leave the officer's split, untrack and link in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Cli

SEED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "corpus"
    / "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt"
)
KEY = "kr-ca"


def rows(cli: Cli) -> dict[str, dict[str, object]]:
    listed = cli("commitments", "list", "--agreement", KEY, "--json")
    assert listed.exit_code == 0, listed.output
    return {r["ref"]: r for r in json.loads(listed.stdout)}


@pytest.mark.parametrize("variant", ["same file", "windows line breaks", "replace"])
def test_corrections_survive_a_reimport_of_the_same_text(
    cli: Cli, engine: Engine, tmp_path: Path, variant: str
) -> None:
    path = tmp_path / "kr-ca.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    split = cli("commitments", "split", "9.2", "-a", KEY, "--at", "공동 개발")
    assert split.exit_code == 0, split.output
    assert cli("commitments", "untrack", "7.0", "-a", KEY).exit_code == 0
    assert cli("commitments", "link", "16.1", "2+2", "-a", KEY).exit_code == 0
    corrected = rows(cli)

    args = ["import", str(path)]
    if variant == "windows line breaks":
        again = tmp_path / "kr-ca-windows.txt"
        again.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
        args = ["import", str(again), "--key", KEY]
    elif variant == "replace":
        args.append("--replace")
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.stdout

    after = rows(cli)
    assert after == corrected
    assert after["9.2b"]["tracked"] is True and after["7.0"]["tracked"] is False
    assert any("2+2" in name for name in after["16.1"]["mechanisms"])  # type: ignore[attr-defined]
