"""A real `tracker serve`: on SIGTERM it stops taking connections, finishes the request in
flight and exits 0; with several workers, /metrics from any of them adds up all of them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start(config_file: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = config_file.parent / f"serve-{port}.log"
    command = ["--config", str(config_file), "serve", "--port", str(port), *extra]
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker", *command],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, **(env or {})},
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, server.said()[-2000:]
        try:
            if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"tracker serve did not come up:\n{server.said()[-2000:]}")


@pytest.fixture
def stopped_afterwards() -> Iterator[list[Server]]:
    servers: list[Server] = []
    yield servers
    for server in servers:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=10)


def test_sigterm_lets_the_request_in_flight_finish_and_takes_no_new_one(
    config_file: Path, session: Session, stopped_afterwards: list[Server]
) -> None:
    server = start(config_file)
    stopped_afterwards.append(server)
    form_page = httpx.get(f"{server.base}/login")
    csrf = form_page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    body = f"login=nobody&password=wrong&csrf={csrf}&next=/".encode()
    half = len(body) // 2
    first_half_sent, go_on = threading.Event(), threading.Event()

    def slowly() -> Iterator[bytes]:
        yield body[:half]
        first_half_sent.set()
        go_on.wait(timeout=20)
        yield body[half:]

    answers: list[httpx.Response] = []

    def post() -> None:
        answers.append(
            httpx.post(
                f"{server.base}/login",
                content=slowly(),
                cookies=form_page.cookies,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Content-Length": str(len(body)),
                },
                timeout=30,
            )
        )

    poster = threading.Thread(target=post)
    poster.start()
    assert first_half_sent.wait(timeout=10)
    time.sleep(0.3)  # the server is now reading the body
    server.process.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    with pytest.raises(httpx.ConnectError):  # no longer accepting
        httpx.get(f"{server.base}/healthz", timeout=2)
    assert server.process.poll() is None  # still finishing the one in flight
    go_on.set()
    poster.join(timeout=30)

    assert len(answers) == 1
    answer = answers[0]
    # The whole sign-in page again, saying the login was wrong.
    assert answer.status_code == 401
    assert 'name="password"' in answer.text and answer.text.rstrip().endswith("</html>")
    assert server.process.wait(timeout=30) == 0


def test_metrics_of_several_workers_add_up_and_their_folder_goes_with_them(
    config_file: Path, session: Session, stopped_afterwards: list[Server], tmp_path: Path
) -> None:
    with config_file.open("a", encoding="utf-8") as config:
        config.write("\n[metrics]\nenabled = true\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = start(config_file, "--workers", "2", env={"TMPDIR": str(temp)})
    stopped_afterwards.append(server)
    shared = list(temp.glob("tracker-metrics-*"))
    assert len(shared) == 1

    asked = 24
    for _ in range(asked):  # a new connection each: the workers share them out
        assert httpx.get(f"{server.base}/readyz").status_code == 200
    line = 'tracker_http_requests_total{method="GET",route="/readyz",status="2xx"}'
    for _ in range(6):  # whichever worker answers adds up both
        said = httpx.get(f"{server.base}/metrics").text
        counted = [each for each in said.splitlines() if each.startswith(line)]
        assert counted and float(counted[0].split()[-1]) == asked, counted
    assert len({p.name.split("_")[-1] for p in shared[0].glob("counter_*.db")}) == 2

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    assert list(temp.glob("tracker-metrics-*")) == []
