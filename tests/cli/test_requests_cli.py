"""`tracker requests`: a request for cooperation made with a status update reaches its
addressee's list, is answered, then closed by the asker and leaves the open lists; lists narrow
by addressee (a division or another body), asking division, agreement and state, stream the
whole portfolio in batches and stop at `--limit`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import Session
from typer.testing import Result

from tests.conftest import Cli
from tracker.domain import RequestState
from tracker.models import Agreement
from tracker.services.requests import RequestFilter, iter_requests

KEY = "kr-ca-2025"
TODAY = date(2026, 12, 1)


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """Each command a day after the one before, from 1 December 2026 (noon in Seoul)."""
    days = count()

    def run(*args: str) -> Result:
        moment = datetime(2026, 12, 1, 3) + timedelta(days=next(days))
        with freeze_time(moment, tick=True):
            return cli(*args)

    return run


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.output
    return str(result.stdout)


def listed(cli: Cli, *args: str) -> list[tuple[int, str, str]]:
    """(id, to, state) of each request `requests list ARGS --json` shows."""
    return [
        (r["id"], r["to"], r["state"])
        for r in json.loads(ok(cli("requests", "list", *args, "--json")))
    ]


@pytest.fixture
def asked(cli: Cli, seed: Agreement) -> Cli:
    """Three requests from 북미2과 (the seed's division): 1 and 3 to 국제정책과, 2 to a ministry
    outside the tracker; the second officer's division, 국제정책과, asked one itself (4)."""
    ok(cli("officers", "add", "김하늘", "--division", "국제정책과"))
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", "-r", "국제정책과:Exercise dates"))
    ok(cli("status", "set", f"{KEY}:7.1", "-s", "in_progress", "-r", "산업통상자원부:Licence"))
    ok(cli("status", "set", f"{KEY}:7.2", "-s", "stalled", "-r", "2:Budget:2027-01-15"))
    ok(cli("assign", f"{KEY}:9.1", "--division", "국제정책과"))
    ok(cli("status", "set", f"{KEY}:9.1", "-s", "in_progress", "-r", "북미2과:Talking points"))
    return cli


def test_a_request_is_answered_then_closed_and_leaves_the_open_lists(asked: Cli) -> None:
    cli = asked
    table = ok(cli("requests", "list", "--to", "국제정책과")).splitlines()
    assert table[0].split() == ["id", "commitment", "from", "to", "what", "due", "state", "age"]
    assert table[1].split() == [
        "1",
        f"{KEY}:7.3",
        "북미2과",
        "국제정책과",
        "Exercise",
        "dates",
        "-",
        "Awaiting",
        "answer",
        "5",
        "days",
    ]
    assert table[2].split()[:2] == ["3", f"{KEY}:7.2"] and "2027-01-15" in table[2]
    assert len(table) == 3

    assert ok(cli("requests", "answer", "1", "--answer", "Week 2 works", "--by", "김하늘")) == (
        "answered request 1\n"
    )
    assert listed(cli, "--to", "국제정책과") == [(3, "국제정책과", "open")]
    assert listed(cli, "--from", "북미2과", "--state", "answered") == [
        (1, "국제정책과", "answered")
    ]
    (answered,) = json.loads(ok(cli("requests", "list", "--state", "answered", "--json")))
    assert (answered["answer"], answered["commitment"]) == ("Week 2 works", f"{KEY}:7.3")

    assert ok(cli("requests", "close", "1", "--reason", "dates agreed")) == "closed request 1\n"
    assert ok(cli("requests", "close", "1")) == "closed request 1\n"  # closing again: no change
    assert listed(cli, "--state", "closed") == [(1, "국제정책과", "closed")]
    assert 1 not in [id_ for id_, *_ in listed(cli)]
    history = json.loads(ok(cli("history", f"{KEY}:7.3", "--json")))
    assert [e["action"] for e in history] == [
        "status",
        "request made",
        "request answered",
        "request closed",
    ]
    assert history[-1]["detail"]["reason"] == "dates agreed"

    closed = cli("requests", "answer", "1", "--answer", "Too late")
    assert (closed.exit_code, closed.stderr) == (1, "error: Request 1 is closed already.\n")
    missing = cli("requests", "close", "99")
    assert (missing.exit_code, missing.stderr) == (1, "error: There is no request 99.\n")


def test_lists_narrow_by_addressee_asker_agreement_and_state(asked: Cli) -> None:
    cli = asked
    assert listed(cli) == [
        (1, "국제정책과", "open"),
        (2, "산업통상자원부", "open"),
        (3, "국제정책과", "open"),
        (4, "북미2과", "open"),
    ]
    assert listed(cli, "--to", "산업통상자원부") == [(2, "산업통상자원부", "open")]
    assert listed(cli, "--to", "2") == [(1, "국제정책과", "open"), (3, "국제정책과", "open")]
    assert listed(cli, "--to", "보건복지부") == []
    assert listed(cli, "--from", "국제정책과") == [(4, "북미2과", "open")]
    assert listed(cli, "-a", KEY, "--state", "all", "--limit", "2") == [
        (1, "국제정책과", "open"),
        (2, "산업통상자원부", "open"),
    ]
    assert (
        ok(cli("requests", "list", "--to", "보건복지부")) == "no requests for cooperation match\n"
    )
    unknown = cli("requests", "list", "--from", "없는과")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: no division '없는과' (known: ")
    assert cli("requests", "list", "--state", "pending").exit_code == 2
    assert cli("requests", "list", "-a", "nowhere").exit_code == 1


def test_a_list_streams_every_request_in_batches_oldest_first(asked: Cli, session: Session) -> None:
    session.rollback()  # the seed's read began before the commands wrote: read afresh
    everything = list(
        iter_requests(RequestFilter(state=None), session=session, today=TODAY, batch=1)
    )
    assert [r.id for r in everything] == [1, 2, 3, 4]
    assert [r.age_days for r in everything] == [0, 0, 0, 0]  # made after TODAY: never below 0
    to_division = RequestFilter(to_division_id=2, state=RequestState.OPEN)
    assert [r.id for r in iter_requests(to_division, session=session, today=TODAY, batch=1)] == [
        1,
        3,
    ]


def test_a_commitment_s_card_names_a_few_requests_and_says_how_to_list_the_rest(
    cli: Cli, seed: Agreement
) -> None:
    many = [f"산업통상자원부:Item {n}" for n in range(1, 7)]
    ok(cli("status", "set", f"{KEY}:7.3", "-s", "in_progress", *(f"--request={r}" for r in many)))
    card = ok(cli("commitments", "show", f"{KEY}:7.3"))
    shown = card[card.index("\nrequests:") :].splitlines()[1:]
    assert len(shown) == 6
    assert shown[-1].strip() == f"and 1 more: tracker requests list -a {KEY} --state all"
    data = json.loads(ok(cli("commitments", "show", f"{KEY}:7.3", "--json")))
    assert (len(data["requests"]), data["requests_total"]) == (5, 6)
