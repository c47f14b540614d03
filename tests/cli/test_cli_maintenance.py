"""`tracker demo` and `tracker bench` keep working as the project grows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Cli

# The demo renders a PDF; the quick bench starts writer processes and renderers: each takes
# seconds, the bench half a minute.
pytestmark = pytest.mark.slow

UNITS = "ms|s|/s|agreements/s|digests/s|%|pages|KB|MB|reports/min"
FIGURE = rf"[^:]+: [\d,]+\.\d ({UNITS})(  \(goal .+\))?"


def test_demo_sets_up_a_fresh_installation_and_ends_with_the_review_reports_path(
    cli: Cli, tmp_path: Path
) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.output
    assert "schema: empty -> " in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    path = Path(last.split(" (")[0])
    assert path.is_relative_to(tmp_path / "reports" / "kr-ca-2025")
    assert path.name.endswith("_review-cycle-01_ko_v01.pdf")
    assert path.read_bytes().startswith(b"%PDF")


def test_bench_prints_one_figure_per_line(cli: Cli) -> None:
    result = cli("bench", "--quick")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2
    for line in lines:
        assert re.fullmatch(FIGURE, line), line
