"""Text from agreements and officers is shown, never obeyed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import import_seed
from tests.web.test_web_pages import PASSWORD, sign_in
from tracker.config import Settings
from tracker.services.accounts import add_account
from tracker.services.imports import sample_source
from tracker.services.lookup import find_officer
from tracker.services.reports import prepare_review
from tracker.web.app import create_app

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def hostile_client(session: Session, engine: Engine, settings: Settings) -> Iterator[TestClient]:
    """The seed, with a script in its title and in the commitment 7.1."""
    text = sample_source().replace(
        "합동 작전, 연습 및 훈련 참여 확대", f"{SCRIPT} 합동 작전, 연습 및 훈련 참여 확대"
    )
    text = text.replace(
        "한-캐나다 안보·국방 협력 파트너십 수립\n합의기관",
        f"한-캐나다 {SCRIPT} 파트너십 수립\n합의기관",
    )
    import_seed(session, text=text)
    desk = find_officer("정진우", session=session)
    add_account(desk, login="jwjung", password=PASSWORD, session=session, actor="test")
    session.commit()
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as client:
        yield client


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
