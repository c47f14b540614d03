"""Meetings of the follow-up mechanisms and the review cycles they bound, from the command
line: the seed's cycles run from one 2+2 meeting to the next; recording a held 2+2 closes the
open cycle and opens the next, assessments start blank, progress statuses carry on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import Cli
from tracker.models import Agreement, Assessment, Commitment, ReviewCycle

KEY = "kr-ca-2025"
TWO_PLUS_TWO = "외교·국방장관 2+2 회의"
DIALOGUE = "국장급 외교·국방 정책 대화"
TODAY = date(2026, 12, 1)
SIGNED = date(2025, 10, 30)
TRACKED = 36


@contextmanager
def on(day: date) -> Iterator[None]:
    """Run with the clock at noon in Seoul on `day` (03:00 UTC), ticking."""
    with freeze_time(datetime(day.year, day.month, day.day, 3), tick=True):
        yield


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Any, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    return str(result.stderr)


def add_meeting(cli: Cli, *args: str) -> int:
    """`meetings add ARGS`; the new meeting's id."""
    found = re.match(r"meeting (\d+): ", ok(cli("meetings", "add", *args)).stdout)
    assert found, "no meeting id in the output"
    return int(found.group(1))


def meetings(cli: Cli, *args: str) -> list[tuple[str, str, str]]:
    """(date, mechanism, state) of each row of `meetings list ARGS`."""
    rows = json.loads(ok(cli("meetings", "list", *args, "--json")).stdout)
    return [(row["held_on"], row["mechanism"], row["state"]) for row in rows]


def cycles(cli: Cli) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok(cli("cycles", "list", "-a", KEY, "--json")).stdout)
    return rows


def spans(cli: Cli) -> list[tuple[int, str, str | None]]:
    """(number, starts_on, ends_on) of each cycle; ends_on is None while open."""
    return [(c["number"], c["starts_on"], c["ends_on"]) for c in cycles(cli)]


def show(cli: Cli, ref: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        ok(cli("commitments", "show", f"{KEY}:{ref}", "--json")).stdout
    )
    return data


def listed(cli: Cli, *args: str) -> list[str]:
    return [r["ref"] for r in json.loads(ok(cli("commitments", "list", *args, "--json")).stdout)]


def summary(cli: Cli) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(ok(cli("summary", "-a", KEY, "--json")).stdout)[0]
    return row


# Recording meetings


def test_before_any_meeting_the_next_2plus2_is_projected_from_the_signing(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        assert meetings(cli) == [("2027-10-30", TWO_PLUS_TWO, "estimated")]
        table = ok(cli("cycles", "list", "-a", KEY)).stdout.splitlines()
        assert table[0].split() == ["cycle", "from", "to", "state"]
        assert table[1].split() == [
            "1",
            "2025-10-30",
            "2027-10-30",
            "open,",
            "end",
            "estimated",
            "from",
            "cadence",
        ]
        (cycle,) = cycles(cli)
        assert (cycle["ends_on"], cycle["closes_on"], cycle["closes_estimated"]) == (
            None,
            "2027-10-30",
            True,
        )
        assert refused(cli("cycles", "list", "-a", "kr-xx-1900")).startswith(
            "error: no agreement 'kr-xx-1900'"
        )


def test_planned_and_held_meetings_are_listed(cli: Cli, engine: Engine) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        result = ok(
            cli(
                "meetings",
                "add",
                "2+2@캐나다",
                "--date",
                "2027-06-10",
                "--place",
                "오타와",
                "--title",
                "제3차 한-캐나다 외교·국방(2+2) 장관회의",
            )
        )
        assert re.fullmatch(
            rf"meeting \d+: {re.escape(TWO_PLUS_TWO)} planned 2027-06-10 오타와\n", result.stdout
        )
        result = ok(cli("meetings", "add", "외교·국방 정책 대화", "--date", "2026-06-02", "--held"))
        assert re.fullmatch(rf"meeting \d+: {re.escape(DIALOGUE)} held 2026-06-02\n", result.stdout)

        # The recorded 2+2 replaces the projection, and bounds the open cycle.
        assert meetings(cli) == [
            ("2026-06-02", DIALOGUE, "held"),
            ("2027-06-10", TWO_PLUS_TWO, "planned"),
        ]
        assert spans(cli) == [(1, "2025-10-30", None)]
        assert cycles(cli)[0]["closes_on"] == "2027-06-10"
        assert cycles(cli)[0]["closes_estimated"] is False
        table = ok(cli("meetings", "list")).stdout.splitlines()
        assert table[0].split() == ["id", "date", "mechanism", "state", "place", "title"]
        assert "오타와" in table[2] and "제3차 한-캐나다" in table[2] and "planned" in table[2]

        assert meetings(cli, "--mechanism", "2+2") == [("2027-06-10", TWO_PLUS_TWO, "planned")]
        assert meetings(cli, "--from", "2027-01-01") == [("2027-06-10", TWO_PLUS_TWO, "planned")]
        assert meetings(cli, "--to", "2026-12-31") == [("2026-06-02", DIALOGUE, "held")]
        assert ok(cli("meetings", "list", "--from", "2030-01-01")).stdout == (
            "no meetings recorded or projected\n"
        )


def test_a_held_dialogue_or_an_earlier_2plus2_leaves_the_cycles_alone(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        # The policy dialogue reviews, but reports to the 2+2: only the 2+2 bounds cycles.
        add_meeting(cli, DIALOGUE, "--date", "2026-06-02", "--held")
        # The first 2+2 (November 2024) came before the partnership was signed.
        add_meeting(cli, "2+2", "--date", "2024-11-15", "--held", "--place", "토론토")
        assert spans(cli) == [(1, "2025-10-30", None)]


def test_meetings_that_cannot_be_recorded_are_refused_and_nothing_is_written(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        first = add_meeting(cli, "2+2", "--date", "2027-06-10", "--place", "오타와")
        before = ok(cli("meetings", "list", "--json")).stdout

        tomorrow = TODAY + timedelta(days=1)
        assert refused(cli("meetings", "add", "2+2", "--date", str(tomorrow), "--held")) == (
            f"error: a meeting on {tomorrow} cannot have been held yet (today is {TODAY}); "
            "record it as planned\n"
        )
        assert refused(
            cli("meetings", "add", "2+2", "--date", "2027-06-10", "--place", "서울")
        ) == (
            f"error: {TWO_PLUS_TWO} already has a meeting on 2027-06-10 (id {first}) "
            f"(see `tracker meetings update {first}`)\n"
        )
        assert refused(cli("meetings", "add", "3+3", "--date", "2026-06-02")) == (
            "error: no mechanism '3+3' (see `tracker mechanisms list`)\n"
        )
        assert cli("meetings", "add", "2+2", "--date", "2027-02-30").exit_code == 2
        assert cli("meetings", "add", "2+2").exit_code == 2

        assert ok(cli("meetings", "list", "--json")).stdout == before
        assert spans(cli) == [(1, "2025-10-30", None)]


# Updating a meeting, and the cycles rolling over


def test_setting_the_real_date_then_marking_held_rolls_the_cycle_over(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        planned = add_meeting(cli, "2+2", "--date", "2026-12-20")
        result = ok(
            cli("meetings", "update", str(planned), "--date", "2027-01-14", "--place", "서울")
        )
        assert result.stdout == f"meeting {planned}: planned 2027-01-14 서울\n"
        assert cycles(cli)[0]["closes_on"] == "2027-01-14"
        # Not yet: it cannot be marked held before its day.
        assert refused(cli("meetings", "update", str(planned), "--held")) == (
            f"error: a meeting on 2027-01-14 cannot have been held yet (today is {TODAY}); "
            "record it as planned\n"
        )
        assert meetings(cli, "--mechanism", "2+2") == [("2027-01-14", TWO_PLUS_TWO, "planned")]
        assert spans(cli) == [(1, "2025-10-30", None)]
        assert cli("meetings", "update", str(planned)).exit_code == 2
        assert refused(cli("meetings", "update", "999", "--held")) == (
            "error: no meeting 999 (see `tracker meetings list`)\n"
        )

    with on(date(2027, 1, 20)):
        result = ok(cli("meetings", "update", str(planned), "--held", "--title", "제3차 2+2"))
        assert result.stdout == f"meeting {planned}: held 2027-01-14 서울\n"
        assert spans(cli) == [(1, "2025-10-30", "2027-01-14"), (2, "2027-01-14", None)]
        assert cycles(cli)[1]["closes_on"] == "2029-01-14"
        assert cycles(cli)[1]["closes_estimated"] is True
        table = ok(cli("cycles", "list", "-a", KEY)).stdout.splitlines()
        assert table[1].split() == ["1", "2025-10-30", "2027-01-14", "closed"]
        assert table[2].split()[:4] == ["2", "2027-01-14", "2029-01-14", "open,"]
        assert meetings(cli, "--mechanism", "2+2") == [
            ("2027-01-14", TWO_PLUS_TWO, "held"),
            ("2029-01-14", TWO_PLUS_TWO, "estimated"),
        ]
        # Marking it held again changes nothing.
        ok(cli("meetings", "update", str(planned), "--held"))
        assert len(cycles(cli)) == 2


def test_a_new_cycle_starts_blank_while_statuses_and_old_assessments_stay(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", "-n", "1차 협의 개최"))
        ok(
            cli(
                "assess",
                f"{KEY}:7.3",
                "--score",
                "+1",
                "--rationale",
                "공동연습 2회 실시",
                "--without-evidence",
            )
        )
        ok(cli("assess", f"{KEY}:7.1", "--score", "0", "--rationale", "협의 개시"))
        assert summary(cli)["assessed"] == 2
        version = show(cli, "7.3")["version"]

        add_meeting(cli, "2+2", "--date", "2026-11-20", "--held", "--place", "오타와")
        assert spans(cli) == [(1, "2025-10-30", "2026-11-20"), (2, "2026-11-20", None)]

        shown = show(cli, "7.3")
        assert shown["assessment"] is None
        assert (shown["status"], shown["version"]) == ("in_progress", version)
        assert (
            "assessment:  Not assessed (current cycle)"
            in ok(cli("commitments", "show", f"{KEY}:7.3")).stdout
        )
        rolled = summary(cli)
        assert (rolled["assessed"], rolled["mean_score"]) == (0, None)
        assert rolled["by_status"]["in_progress"] == 1
        history = [
            e["summary"] for e in json.loads(ok(cli("history", f"{KEY}:7.3", "--json")).stdout)
        ]
        assert "cycle 1: Not assessed → +1 full; 공동연습 2회 실시" in history

        # The old cycle can still be revised; the new one is assessed on its own.
        result = ok(
            cli(
                "assess",
                f"{KEY}:7.1",
                "--cycle",
                "previous",
                "--score",
                "-1",
                "--rationale",
                "후속 없음",
            )
        )
        assert result.stdout.startswith(f"{KEY}:7.1: cycle 1 assessed -1 None")
        assert show(cli, "7.1")["assessment"] is None
        result = ok(cli("assess", f"{KEY}:7.3", "--score", "0", "--rationale", "1회 실시"))
        assert result.stdout.startswith(f"{KEY}:7.3: cycle 2 assessed 0 Partial")
        assert show(cli, "7.3")["assessment"]["cycle_number"] == 2
        assert summary(cli)["assessed"] == 1

    with Session(engine) as session:
        agreement = session.exec(select(Agreement).where(Agreement.key == KEY)).one()
        scores = {
            (ref, number): score
            for ref, number, score in session.exec(
                select(Commitment.ref, ReviewCycle.number, Assessment.score)
                .join(Commitment, col(Commitment.id) == Assessment.commitment_id)
                .join(ReviewCycle, col(ReviewCycle.id) == Assessment.cycle_id)
                .where(ReviewCycle.agreement_id == agreement.id)
            ).all()
        }
    assert scores == {("7.3", 1): 1, ("7.1", 1): -1, ("7.3", 2): 0}


def test_each_held_2plus2_closes_one_cycle(cli: Cli, engine: Engine) -> None:
    with on(date(2029, 3, 1)):
        ok(cli("demo", "--no-report"))
        add_meeting(cli, "2+2", "--date", "2026-11-20", "--held")
        add_meeting(cli, "2+2", "--date", "2028-11-09", "--held")
        assert spans(cli) == [
            (1, "2025-10-30", "2026-11-20"),
            (2, "2026-11-20", "2028-11-09"),
            (3, "2028-11-09", None),
        ]
        result = ok(
            cli(
                "assess",
                f"{KEY}:7.3",
                "--cycle",
                "2",
                "--score",
                "+1",
                "--rationale",
                "x",
                "--without-evidence",
            )
        )
        assert "cycle 2 assessed" in result.stdout
        assert show(cli, "7.3")["assessment"] is None


# Due: a reviewing meeting within attention.due_days


def test_a_2plus2_planned_within_due_days_makes_tracked_commitments_due(
    cli: Cli, engine: Engine, config_file: Path
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        ok(cli("status", "set", f"{KEY}:9.1", "-s", "achieved"))
        assert listed(cli, "--due") == []
        add_meeting(cli, "2+2", "--date", str(TODAY + timedelta(days=45)))
        due = listed(cli, "--due")
        assert len(due) == TRACKED - 1  # every tracked one but the achieved one
        assert "9.1" not in due and "1.1" not in due
        assert listed(cli, "--due", "--status", "achieved") == []
        assert "due" in show(cli, "7.3")["attention"]

    config_file.write_text(config_file.read_text() + "[attention]\ndue_days = 30\n")
    with on(TODAY):
        assert listed(cli, "--due") == []
    with on(TODAY + timedelta(days=20)):
        assert len(listed(cli, "--due")) == TRACKED - 1


def test_a_planned_policy_dialogue_makes_the_commitments_it_reviews_due(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        add_meeting(cli, DIALOGUE, "--date", str(TODAY + timedelta(days=19)), "--place", "서울")
        assert len(listed(cli, "--due", "--tracked")) == TRACKED
        assert listed(cli, "--due", "--untracked") == []


def test_the_projected_2plus2_makes_commitments_due_when_it_comes_near(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
    with on(date(2027, 8, 30)):  # 61 days before the projected 2027-10-30
        assert listed(cli, "--due") == []
    with on(date(2027, 9, 1)):
        due = listed(cli, "--due", "--owner", "정진우")
        assert len(due) == TRACKED
        # Due and stale together: nobody has touched them since import.
        assert len(listed(cli, "--due", "--stale")) == TRACKED


# Correcting a held meeting must keep the cycles in step with it


def held_days(cli: Cli) -> set[str]:
    rows = json.loads(ok(cli("meetings", "list", "--mechanism", "2+2", "--json")).stdout)
    return {row["held_on"] for row in rows if row["state"] == "held"}


def test_correcting_the_date_of_a_held_2plus2_moves_the_cycle_boundary(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        held = add_meeting(cli, "2+2", "--date", "2026-11-20", "--held", "--place", "오타와")
        ok(cli("meetings", "update", str(held), "--date", "2026-11-18"))
        assert held_days(cli) == {"2026-11-18"}
        assert spans(cli) == [(1, "2025-10-30", "2026-11-18"), (2, "2026-11-18", None)]
        # cycles list and meetings list agree on when the next 2+2 is expected.
        projected = [
            d for d, _, state in meetings(cli, "--mechanism", "2+2") if state == "estimated"
        ]
        assert projected == [cycles(cli)[-1]["closes_on"]]


def test_a_held_2plus2_set_back_to_planned_does_not_leave_a_cycle_closed_on_nothing(
    cli: Cli, engine: Engine
) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        held = add_meeting(cli, "2+2", "--date", "2026-11-20", "--held")
        cli("meetings", "update", str(held), "--planned", "--date", "2027-02-01")
        # Refused, or the cycle reopened: either way every closed cycle ends on a held 2+2.
        for cycle in cycles(cli):
            if cycle["ends_on"] is not None:
                assert cycle["ends_on"] in held_days(cli)


def test_a_2plus2_recorded_late_still_bounds_its_cycle(cli: Cli, engine: Engine) -> None:
    with on(TODAY):
        ok(cli("demo", "--no-report"))
        add_meeting(cli, "2+2", "--date", "2026-11-20", "--held")
        late = cli("meetings", "add", "2+2", "--date", "2026-05-01", "--held")
        # Refused, or the cycles split at it: either way no held 2+2 lies inside a cycle.
        assert late.exit_code in (0, 1)
        for cycle in cycles(cli):
            end = cycle["ends_on"] or "9999-12-31"
            inside = [d for d in held_days(cli) if cycle["starts_on"] < d < end]
            assert inside == [], (cycle, inside)
