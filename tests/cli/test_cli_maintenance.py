"""`tracker demo` and `tracker bench` keep working as the project grows."""

from __future__ import annotations

import re

from tests.conftest import Cli


def test_demo_sets_up_a_fresh_installation_and_lists_it(cli: Cli) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert "schema: empty -> " in result.stdout


def test_bench_prints_one_figure_per_line(cli: Cli) -> None:
    result = cli("bench", "--quick")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2
    for line in lines:
        assert re.fullmatch(r"[^:]+: [\d,]+\.\d (ms|/s|agreements/s)(  \(goal .+\))?", line), line
