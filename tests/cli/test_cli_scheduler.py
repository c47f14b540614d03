"""`tracker scheduler plan|status` and `tracker report due`, as an officer would use them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.conftest import Cli


def test_the_plan_lists_reports_before_meetings_without_running_anything(cli: Cli) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    assert cli("meetings", "add", "2+2", "--date", "2027-10-14").exit_code == 0
    result = cli("scheduler", "plan", "--from", "2027-09-14", "--to", "2027-09-15", "--json")
    assert result.exit_code == 0, result.output
    planned = json.loads(result.stdout)
    assert [(p["kind"], p["subject"], p["due_at"][:10]) for p in planned] == [
        ("review_report", "kr-ca-2025", "2027-09-14"),
        ("stale_check", "all", "2027-09-14"),
        ("digests", "all", "2027-09-14"),
        ("stale_check", "all", "2027-09-15"),
        ("digests", "all", "2027-09-15"),
    ]
    assert planned[0]["reason"] == "meeting 2027-10-14"
    assert (
        "nothing would run"
        not in cli("scheduler", "plan", "--from", "2027-09-14", "--to", "2027-09-14").stdout
    )
    backwards = cli("scheduler", "plan", "--from", "2027-09-14", "--to", "2027-09-01")
    assert backwards.exit_code == 2
    assert json.loads(cli("report", "list", "--json").stdout) == []


@pytest.mark.slow  # the demo, then a review PDF rendered: seconds
def test_report_due_builds_what_is_due_once_and_status_shows_it(cli: Cli) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    soon = (date.today() + timedelta(days=10)).isoformat()
    assert cli("meetings", "add", "2+2", "--date", soon).exit_code == 0
    first = cli("report", "due")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("done: Review report kr-ca-2025 ")
    assert cli("report", "due").stdout == "nothing due: every report due by now is built\n"
    listed = json.loads(cli("report", "list", "--json").stdout)
    assert [(r["subject"], r["generated_by"]) for r in listed] == [("kr-ca-2025/cycle-1", "cli")]
    status = cli("scheduler", "status").stdout
    assert "Review report" in status and f"{soon}_review-cycle-01_ko_v01.pdf" in status
