"""What a load balancer and an operator see: /healthz and /readyz without signing in, a
request id on every answer and every log line, and logs as JSON lines when configured."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tracker import logs
from tracker.config import Settings
from tracker.db import make_engine
from tracker.web.app import create_app
from tracker.web.routes import health

HEX_ID = r"[0-9a-f]{32}"


def with_changes(settings: Settings, **sections: dict[str, object]) -> Settings:
    """`settings` with some keys of some sections changed (settings are frozen)."""
    changed = {
        name: getattr(settings, name).model_copy(update=values) for name, values in sections.items()
    }
    return settings.model_copy(update=changed)


def client_of(settings: Settings, engine: Engine, peer: str = "127.0.0.1") -> TestClient:
    return TestClient(create_app(settings, engine=engine), client=(peer, 40000))


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """`configure_logging` changes the process's root logger: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger(logs.ACCESS_LOGGER).disabled = False


def test_a_load_balancer_asks_without_signing_in_and_hears_every_check_pass(
    settings: Settings, engine: Engine
) -> None:
    client = client_of(settings, engine)
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"database": "ok", "migrations": "ok", "storage": "ok"}
    # Nothing about where things are: no database address, no folder.
    assert str(settings.base_dir) not in ready.text and "sqlite" not in ready.text


def test_a_database_behind_this_version_makes_the_server_not_ready(
    settings: Settings, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    ready = client_of(settings, engine).get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"database": "ok", "migrations": "behind", "storage": "ok"}


def test_a_database_that_does_not_answer_makes_the_server_not_ready(
    settings: Settings, tmp_path: Path
) -> None:
    gone = make_engine(f"sqlite:///{tmp_path / 'no such folder' / 'tracker.db'}")
    ready = client_of(settings, gone).get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"database": "failed", "migrations": "unchecked", "storage": "ok"}
    assert "no such folder" not in ready.text


def test_an_evidence_folder_that_cannot_be_written_makes_the_server_not_ready(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    blocked = tmp_path / "evidence-is-a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    unwritable = with_changes(settings, paths={"evidence": blocked})
    ready = client_of(unwritable, engine).get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"database": "ok", "migrations": "ok", "storage": "failed"}
    # The probe leaves nothing behind where it could write.
    assert list(settings.resolve(settings.paths.reports).rglob("*")) in (
        [],
        [settings.resolve(settings.paths.reports) / "readiness-probe"],
    )


def test_with_files_in_the_database_the_probe_goes_through_it_and_leaves_nothing(
    settings: Settings, engine: Engine
) -> None:
    in_database = with_changes(settings, storage={"backend": "database"})
    ready = client_of(in_database, engine).get("/readyz")
    assert ready.status_code == 200, ready.text
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM stored_file")).scalar_one() == 0
    assert not settings.resolve(settings.paths.evidence).exists()


def test_every_answer_carries_a_request_id_and_only_a_trusted_proxy_may_name_it(
    settings: Settings, engine: Engine
) -> None:
    direct = client_of(settings, engine, peer="203.0.113.9")
    first, second = direct.get("/healthz"), direct.get("/healthz")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert all(len(r.headers["x-request-id"]) == 32 for r in (first, second))
    # A client talking to the server directly cannot choose its id.
    claimed = direct.get("/healthz", headers={"X-Request-ID": "chosen-by-the-client-1"})
    assert claimed.headers["x-request-id"] != "chosen-by-the-client-1"

    behind_proxy = with_changes(settings, web={"trusted_proxies": ("10.0.0.0/8",)})
    proxy = client_of(behind_proxy, engine, peer="10.1.2.3")
    handed_on = proxy.get("/healthz", headers={"X-Request-ID": "5f0c6a2e-proxy-id-0001"})
    assert handed_on.headers["x-request-id"] == "5f0c6a2e-proxy-id-0001"
    # Even a proxy's id is refused when it could forge a log line or is not an id at all.
    for odd in ("short", "two words here", "x" * 300, 'quote"d-identifier'):
        answer = proxy.get("/healthz", headers={"X-Request-ID": odd})
        assert answer.headers["x-request-id"] != odd
    # Error pages carry it too (a page that is not there).
    assert len(direct.get("/no/such/page").headers["x-request-id"]) == 32


@pytest.mark.usefixtures("logging_restored")
def test_json_logs_give_one_object_a_line_with_the_request_id_of_each_record(
    settings: Settings, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "evidence-is-a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    json_logs = with_changes(
        settings,
        logging={"format": "json", "level": "INFO"},
        paths={"evidence": blocked},
        web={"trusted_proxies": ("10.0.0.0/8",)},
    )
    logs.configure_logging(json_logs)
    logs.configure_logging(json_logs)  # twice: still one line a record
    capsys.readouterr()
    client = client_of(json_logs, engine, peer="10.0.0.2")
    answer = client.get(
        "/readyz?probe=secret-words",
        headers={"X-Forwarded-For": "198.51.100.7", "X-Request-ID": "lb-request-00042"},
    )
    assert answer.status_code == 503

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    lines = [line for line in lines if line["logger"] != "httpx"]  # the test's own client
    ours = [line for line in lines if line["request_id"] == "lb-request-00042"]
    warning = next(line for line in ours if line["level"] == "WARNING")
    assert warning["logger"] == "tracker.web.routes.health"
    assert "not writable" in warning["message"] and "error" in warning  # the traceback
    access = [line for line in ours if line["logger"] == logs.ACCESS_LOGGER]
    assert len(access) == 1
    assert access[0]["method"] == "GET" and access[0]["path"] == "/readyz"
    assert access[0]["status"] == 503 and access[0]["client"] == "198.51.100.7"
    assert 0 <= access[0]["duration_ms"] < 60_000
    assert access[0]["time"].endswith("+00:00")  # UTC
    assert "secret-words" not in json.dumps(lines)  # a query string is nobody's log line
    # Every line is one object: nothing else was written.
    assert all(set(line) >= {"time", "level", "logger", "message", "request_id"} for line in lines)


@pytest.mark.usefixtures("logging_restored")
def test_text_logs_stay_as_they_were(
    settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure_logging(settings)  # the default: text
    capsys.readouterr()
    logging.getLogger("tracker.test").warning("the outbox is %s", "stuck")
    client_of(settings, engine).get("/healthz")
    said = [line for line in capsys.readouterr().err.splitlines() if " httpx: " not in line]
    assert len(said) == 1  # no access line of ours: uvicorn writes its own in text
    assert said[0].endswith(" WARNING tracker.test: the outbox is stuck")
    assert not said[0].startswith("{")


def test_storage_is_probed_at_most_every_few_seconds_however_often_readyz_is_asked(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    probes: list[str] = []
    real = health.storage_writable

    def counted(settings: Settings, engine: Engine) -> bool:
        probes.append(settings.storage.backend)
        return real(settings, engine)

    monkeypatch.setattr(health, "storage_writable", counted)
    monkeypatch.setattr(health, "_storage_checked", {})
    client = client_of(settings, engine)
    assert [client.get("/readyz").status_code for _ in range(5)] == [200] * 5
    assert probes == ["filesystem"]
    monkeypatch.setattr(health, "STORAGE_CHECK_SECONDS", 0.0)
    client.get("/readyz")
    assert probes == ["filesystem", "filesystem"]
