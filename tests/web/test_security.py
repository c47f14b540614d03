"""Text from agreements and officers is shown, never obeyed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import import_seed
from tests.web.helpers import add_desk_account, sign_in
from tracker.config import Settings
from tracker.reports.generate import prepare_review
from tracker.services.import_sources import sample_source

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def hostile_seed(session: Session) -> None:
    """The seed, with a script in its title and in the commitment 7.1, and its desk officer."""
    text = sample_source().replace(
        "합동 작전, 연습 및 훈련 참여 확대", f"{SCRIPT} 합동 작전, 연습 및 훈련 참여 확대"
    )
    text = text.replace(
        "한-캐나다 안보·국방 협력 파트너십 수립\n합의기관",
        f"한-캐나다 {SCRIPT} 파트너십 수립\n합의기관",
    )
    import_seed(session, text=text)
    add_desk_account(session)
    session.commit()


@pytest.fixture
def hostile_client(hostile_seed: None, web_client: TestClient) -> TestClient:
    return web_client


def test_a_script_in_agreement_text_is_shown_escaped_on_every_page(
    hostile_client: TestClient,
) -> None:
    sign_in(hostile_client)
    for path in (
        "/",
        "/agreements",
        "/agreements/kr-ca-2025",
        "/commitments/kr-ca-2025:7.1",
        "/reports",
    ):
        page = hostile_client.get(path)
        assert page.status_code == 200, path
        assert SCRIPT not in page.text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_client.get("/agreements").text
    commitment = hostile_client.get("/commitments/kr-ca-2025:7.1").text
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt; 합동 작전" in commitment


def test_the_same_script_prints_as_text_in_the_review_report(
    hostile_client: TestClient, session: Session, settings: Settings
) -> None:
    html = prepare_review("kr-ca-2025", session=session, settings=settings).html
    assert SCRIPT not in html
    # The report's finalize hook puts word joiners inside Korean words, not inside markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
