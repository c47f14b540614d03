"""/metrics: off unless configured, then readable only from the allowed addresses, with requests
counted per route (not per address) and what the tracker did counted as it commits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web.helpers import form_token, sign_in
from tracker.config import Settings
from tracker.db import write_session
from tracker.digests.mailer import FileBackend
from tracker.digests.sender import send_queued
from tracker.domain import ReportFormat, ReportKind
from tracker.models import Account, OutboxMessage, Report
from tracker.scheduling.ledger import claim, fail, finish
from tracker.services.due import Unit
from tracker.services.lookup import find_officer
from tracker.web import metrics
from tracker.web.app import create_app

PAGE = "/commitments/kr-ca-2025:7.1"


def with_metrics(settings: Settings, **metrics_keys: object) -> Settings:
    enabled = settings.metrics.model_copy(update={"enabled": True, **metrics_keys})
    return settings.model_copy(update={"metrics": enabled})


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def counting() -> Iterator[None]:
    """The session listeners of an app with metrics on, taken off again afterwards."""
    metrics.count_domain_events()
    yield
    metrics.stop_counting_domain_events()


def test_metrics_are_not_there_unless_configured(settings: Settings, engine: Engine) -> None:
    client = TestClient(create_app(settings, engine=engine), client=("127.0.0.1", 40000))
    assert client.get("/metrics").status_code == 404


@pytest.mark.usefixtures("counting")
def test_only_an_allowed_peer_reads_them_and_a_forwarded_address_does_not_count(
    settings: Settings, engine: Engine
) -> None:
    configured = with_metrics(settings, allow=("192.0.2.0/24",)).model_copy(
        update={"web": settings.web.model_copy(update={"trusted_proxies": ("10.0.0.0/8",)})}
    )
    app = create_app(configured, engine=engine)
    inside = TestClient(app, client=("192.0.2.10", 40000))
    answer = inside.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    assert "tracker_http_requests_total" in answer.text
    # A proxy outside the list forwarding for an allowed address is still the proxy.
    proxy = TestClient(app, client=("10.0.0.1", 40000))
    refused = proxy.get("/metrics", headers={"X-Forwarded-For": "192.0.2.10"})
    assert refused.status_code == 403
    assert "[metrics] allow" in proxy.get("/metrics", params={"lang": "en"}).text
    assert TestClient(app, client=("127.0.0.1", 40000)).get("/metrics").status_code == 403
    # A proxy on the allowed machine itself passes every visitor on from an allowed address:
    # what it forwards is never let in.
    local = TestClient(create_app(with_metrics(settings), engine=engine), client=("127.0.0.1", 1))
    assert local.get("/metrics").status_code == 200
    assert local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 403


@pytest.mark.usefixtures("counting")
def test_requests_are_counted_per_route_template_never_per_address(
    web_accounts: dict[str, Account], settings: Settings, engine: Engine
) -> None:
    route = {"route": "/commitments/{reference}", "method": "GET", "status": "2xx"}
    before = sample("tracker_http_requests_total", **route)
    missing = {"route": metrics.UNMATCHED, "method": "GET", "status": "4xx"}
    missing_before = sample("tracker_http_requests_total", **missing)
    client = TestClient(create_app(with_metrics(settings), engine=engine), client=("::1", 1))
    client.follow_redirects = False
    assert sign_in(client) == "/"
    assert client.get(PAGE).status_code == 200
    assert client.get("/commitments/kr-ca-2025:8.1").status_code == 200
    client.get("/no/such/page/42")
    client.request("FROBNICATE42", PAGE)  # any name is a method to the parser: one series
    assert sample("tracker_http_requests_total", **route) == before + 2
    assert sample("tracker_http_requests_total", **missing) == missing_before + 1
    said = client.get("/metrics").text
    assert "kr-ca-2025" not in said and "/no/such/page" not in said
    assert "FROBNICATE42" not in said and 'method="other"' in said
    assert 'tracker_http_request_duration_seconds_bucket{le="0.01",method="GET",route=' in said
    static = [line for line in said.splitlines() if 'route="/static/' in line]
    assert static == [] or all("{name:path}" in line for line in static)


@pytest.mark.usefixtures("counting")
def test_a_status_update_counts_once_it_is_saved_and_a_refused_one_does_not(
    web_accounts: dict[str, Account], settings: Settings, engine: Engine
) -> None:
    before = sample("tracker_status_updates_total", status="in_progress")
    client = TestClient(create_app(with_metrics(settings), engine=engine), follow_redirects=False)
    sign_in(client)
    csrf, version = form_token(client.get(PAGE).text)
    form = {"csrf": csrf, "version": version, "status": "in_progress", "note": "회의 개최"}
    assert client.post(f"{PAGE}/status", data=form).status_code == 303
    assert sample("tracker_status_updates_total", status="in_progress") == before + 1
    # The same form again is stale (its version moved on): rolled back, not counted.
    assert client.post(f"{PAGE}/status", data=form).status_code == 409
    assert sample("tracker_status_updates_total", status="in_progress") == before + 1


@pytest.mark.usefixtures("counting")
def test_reports_built_count_by_kind_and_format_when_committed(
    engine: Engine, seed: object
) -> None:
    labels = {"kind": ReportKind.BRIEF.value, "format": ReportFormat.DOCX.value}
    before = sample("tracker_reports_built_total", **labels)

    def report(version: int) -> Report:
        return Report(
            kind=ReportKind.BRIEF,
            format=ReportFormat.DOCX,
            subject="metrics-test",
            version=version,
            path=f"brief-{version}.docx",
            sha256="0" * 64,
            size_bytes=10,
            generated_by="test",
        )

    with pytest.raises(RuntimeError), write_session(engine) as session:
        session.add(report(1))
        session.flush()
        raise RuntimeError("the file could not be written")
    assert sample("tracker_reports_built_total", **labels) == before
    with write_session(engine) as session:
        session.add(report(1))
    assert sample("tracker_reports_built_total", **labels) == before + 1


@pytest.mark.usefixtures("counting")
def test_scheduler_runs_count_by_kind_and_outcome_with_how_late_they_ran(
    engine: Engine,
) -> None:
    now = datetime(2027, 3, 2, 6, 0, tzinfo=UTC)
    late = Unit("stale_check", "2027-03-02", "all", now - timedelta(minutes=5))
    failing = Unit("stale_check", "2027-03-01", "all", now - timedelta(days=1))
    done_before = sample("tracker_scheduler_runs_total", kind="stale_check", outcome="done")
    failed_before = sample("tracker_scheduler_runs_total", kind="stale_check", outcome="failed")
    lag_sum = sample("tracker_scheduler_lag_seconds_sum", kind="stale_check")

    run = claim(late, engine=engine, now=now, lease=timedelta(minutes=10))
    assert run is not None
    with write_session(engine) as session:
        finish(run, session=session, now=now, result="0 newly stale")
    other = claim(failing, engine=engine, now=now, lease=timedelta(minutes=10))
    assert other is not None
    fail(other, engine=engine, error="RuntimeError: boom")

    assert sample("tracker_scheduler_runs_total", kind="stale_check", outcome="done") == (
        done_before + 1
    )
    assert sample("tracker_scheduler_runs_total", kind="stale_check", outcome="failed") == (
        failed_before + 1
    )
    assert sample("tracker_scheduler_lag_seconds_sum", kind="stale_check") == lag_sum + 300


@pytest.mark.usefixtures("counting")
def test_digests_count_when_the_mail_server_took_them(
    engine: Engine, settings: Settings, session: Session, seed: object, tmp_path: object
) -> None:
    officer = find_officer("정진우", session=session)
    session.add(
        OutboxMessage(
            officer_id=officer.id,  # type: ignore[arg-type]
            period="2027-W09",
            message_id="<metrics-test@tracker>",
            to_address="jwjung@example.org",
            subject="이번 주 이행과제",
            text_body="본문",
            html_body="<p>본문</p>",
        )
    )
    session.commit()
    before = sample("tracker_digests_sent_total")
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    backend = FileBackend(settings.resolve(settings.mail.outbox_dir))
    deliveries = send_queued(engine=engine, settings=settings, backend=backend, now=now)
    assert [d.state for d in deliveries] == ["sent"]
    assert sample("tracker_digests_sent_total") == before + 1
    # Nothing left to send: nothing more counted.
    send_queued(engine=engine, settings=settings, backend=backend, now=now)
    assert sample("tracker_digests_sent_total") == before + 1


def test_any_server_shows_what_the_scheduler_did_elsewhere_from_the_ledger(
    settings: Settings, engine: Engine
) -> None:
    """The scheduler runs on one machine with no /metrics of its own: a web server that did
    none of the work still shows the ledger's units and when each kind last finished."""
    now = datetime(2027, 3, 2, 6, 0, tzinfo=UTC)
    lease = timedelta(minutes=10)
    done = claim(Unit("stale_check", "2027-03-02", "all", now), engine=engine, now=now, lease=lease)
    assert done is not None
    with write_session(engine) as session:
        finish(done, session=session, now=now, result="0 newly stale")
    broken = claim(Unit("digests", "2027-03-02", "all", now), engine=engine, now=now, lease=lease)
    assert broken is not None
    fail(broken, engine=engine, error="SMTPServerDisconnected")

    client = TestClient(create_app(with_metrics(settings), engine=engine), client=("127.0.0.1", 1))
    shown = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(client.get("/metrics").text)
        for sample in family.samples
    }
    assert shown[("tracker_scheduler_units", (("kind", "stale_check"), ("outcome", "done")))] == 1
    assert shown[("tracker_scheduler_units", (("kind", "digests"), ("outcome", "failed")))] == 1
    last = "tracker_scheduler_last_finished_timestamp_seconds"
    assert shown[(last, (("kind", "stale_check"),))] == now.timestamp()
    assert (last, (("kind", "digests"),)) not in shown  # it never finished
