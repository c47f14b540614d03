"""A short web load test: a few signed-in users browse and update at once through the real
server (`tracker serve` in a child process); nothing may fail and no update may be lost.
Timing is the benchmark's business (`tracker bench-web`), not this test's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.bench.web import LoadUser, UserResult, run_web_load, tally

TEMPLATES = Path(__file__).parents[2] / "templates"


@pytest.mark.slow  # a real server and five users for eight seconds
def test_concurrent_users_browse_and_update_without_errors_or_lost_updates(
    database_url: str, tmp_path: Path
) -> None:
    report = run_web_load(database_url, tmp_path / "load", TEMPLATES, users=5, seconds=8)
    shown = "\n".join(report.lines())
    assert not report.errors, shown
    assert report.lost_updates == 0, shown
    assert report.unknown_saved == 0, shown
    assert report.accepted > 0, shown
    assert all(route.count > 0 for route in report.routes), shown


def test_the_tally_finds_lost_duplicated_and_unanswered_updates(
    database_url: str, tmp_path: Path
) -> None:
    from tracker.bench.seed import seed_database, write_status_updates

    (tmp_path / "var").mkdir()  # where the SQLite database goes
    references = seed_database(database_url)
    for _ in range(2):  # "writer 0, update 1 of 2" and "... 2 of 2", each stored twice
        written = write_status_updates(
            database_url, references, worker=0, count=2, evidence_dir=tmp_path
        )
        assert not written.error
    user = UserResult("load00", accepted=["writer 0, update 1 of 2", "writer 0, update 3 of 2"])
    report = tally(
        database_url,
        [user],
        people=[LoadUser("load00", editor=True)],
        window=1.0,
        think_ms=0.0,
        marker="writer 0, update",
        errors=[],
        goals=(100.0, 200.0),
        server_log="",
    )
    assert report.lost == ("writer 0, update 3 of 2",)
    assert report.duplicated == ("writer 0, update 1 of 2",)
    assert report.phantom == ("writer 0, update 2 of 2",)
    assert report.lost_updates == 3 and not report.ok
