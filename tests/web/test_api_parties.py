"""The JSON API speaks parties, obstacles, evidence levels and requests (issue 17): a status
update for the counterpart with a request, the commitment's counterpart status, the requests
of a commitment and of a division, answering and closing, and the refusals as the API says
them (code, message, fields)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.web.test_api import ITEM, Tokens, bearer, tokens  # noqa: F401 (a fixture)
from tracker.models import Account
from tracker.services.lookup import find_commitment


@pytest.fixture
def client(tokens: Tokens, web_client: TestClient) -> TestClient:  # noqa: F811
    return web_client


def version_of(client: TestClient, token: str) -> int:
    version = client.get(ITEM, headers=bearer(token)).json()["version"]
    assert isinstance(version, int)
    return version


def record(client: TestClient, token: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    body = {"status": "in_progress", "expected_version": version_of(client, token), **fields}
    response = client.post(f"{ITEM}/status", json=body, headers=bearer(token, "ko"))
    return response.status_code, response.json()


def test_a_counterpart_status_with_a_request_goes_round_the_api(
    client: TestClient,
    tokens: Tokens,  # noqa: F811
    web_accounts: dict[str, Account],
) -> None:
    home = client.get(ITEM, headers=bearer(tokens.owner)).json()["status"]
    status, body = record(
        client,
        tokens.owner,
        party="counterpart",
        status="stalled",
        note="캐나다 측 예산 심의 지연",
        obstacles="캐나다 의회 예산 심의 지연",
        evidence_level="none_available",
        requests=[
            {"to_division": "군비통제과", "what": "국방부 의견 회신", "due_on": "2027-03-31"},
            {"to_body": "국방부 국제정책관실", "what": "참가 규모 확정"},
        ],
    )
    assert status == 201, body
    update, after = body["update"], body["commitment"]
    assert (update["party"], update["obstacles"], update["evidence_level"]) == (
        "counterpart",
        "캐나다 의회 예산 심의 지연",
        "none_available",
    )
    assert after["status"] == home  # the home side's status is not the counterpart's
    assert (after["counterpart_status"], after["counterpart_status_label"]) == ("stalled", "정체")
    assert after["counterpart_status_as_of"] == update["as_of"]

    listed = client.get(f"{ITEM}/requests", headers=bearer(tokens.owner)).json()
    assert [(r["to"], r["what"], r["state"]) for r in listed] == [
        ("국방부 국제정책관실", "참가 규모 확정", "open"),  # newest first
        ("군비통제과", "국방부 의견 회신", "open"),
    ]
    asked = next(r for r in listed if r["to"] == "군비통제과")
    assert (asked["commitment"], asked["from_division"], asked["due_on"]) == (
        "kr-ca-2025:7.1",
        "북미2과",
        "2027-03-31",
    )

    def incoming(token: str) -> list[str]:
        """What waits for the token's division to answer."""
        wanted = {"to": "mine", "state": "open"}
        response = client.get("/api/requests", params=wanted, headers=bearer(token))
        assert response.status_code == 200
        return [r["what"] for r in response.json()]

    assert incoming(tokens.other) == ["국방부 의견 회신"]
    assert incoming(tokens.admin) == []  # 정책과 was not asked

    path = f"/api/requests/{asked['id']}"
    refused = client.post(f"{path}/answer", json={"answer": "x"}, headers=bearer(tokens.owner))
    assert (refused.status_code, refused.json()["code"]) == (403, "request.not_addressee")
    refused = client.post(f"{path}/close", json={}, headers=bearer(tokens.other))
    assert (refused.status_code, refused.json()["code"]) == (403, "request.not_asker")
    viewer = client.post(f"{path}/answer", json={"answer": "x"}, headers=bearer(tokens.viewer))
    assert (viewer.status_code, viewer.json()["code"]) == (403, "role.may_not")

    answered = client.post(
        f"{path}/answer", json={"answer": "3월 중 회신"}, headers=bearer(tokens.other)
    )
    assert answered.status_code == 200
    assert (answered.json()["state"], answered.json()["answer"]) == ("answered", "3월 중 회신")
    assert incoming(tokens.other) == []
    made = client.get("/api/requests", params={"from": "mine"}, headers=bearer(tokens.owner))
    assert [r["state"] for r in made.json()] == ["answered", "open"]
    closed = client.post(f"{path}/close", json={"reason": "반영"}, headers=bearer(tokens.owner))
    assert (closed.status_code, closed.json()["state"]) == (200, "closed")
    again = client.post(f"{path}/answer", json={"answer": "추가"}, headers=bearer(tokens.other))
    assert (again.status_code, again.json()["code"]) == (400, "request.closed")
    history = client.get(f"{ITEM}/history", headers=bearer(tokens.owner)).json()
    assert [e["action"] for e in history][-3:] == [
        "request made",
        "request answered",
        "request closed",
    ]


def test_refusals_name_their_code_and_fields(
    client: TestClient,
    tokens: Tokens,  # noqa: F811
    session: Session,
) -> None:
    status, body = record(client, tokens.owner, evidence_level="found")
    assert (status, body["code"]) == (400, "status_update.evidence_missing")
    status, body = record(
        client, tokens.owner, requests=[{"to_division": 2, "to_body": "국방부", "what": "x"}]
    )
    assert (status, body["code"], body["fields"]["number"]) == (400, "request.two_addressees", 1)
    status, body = record(client, tokens.owner, requests=[{"to_division": "없는과", "what": "x"}])
    assert (status, body["code"], body["fields"]["name"]) == (
        400,
        "owner.division_unknown",
        "없는과",
    )
    status, body = record(client, tokens.owner, requests=[{"to_division": 2, "what": " "}])
    assert (status, body["code"]) == (400, "request.what_missing")
    status, body = record(client, tokens.owner, party="neither")
    assert (status, body["code"]) == (422, "request.invalid")
    status, body = record(client, tokens.viewer, party="counterpart")
    assert (status, body["code"]) == (403, "api.viewer_reads_only")

    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    commitment.actors = "한국"
    session.add(commitment)
    session.commit()
    status, body = record(client, tokens.owner, party="counterpart")
    assert status == 400
    assert (body["code"], body["fields"]["actors"]) == ("status_update.one_party", "한국")
    assert "상대국 측 현황을 기록할 수 없습니다" in body["message"]
    listed = client.get(f"{ITEM}/requests", headers=bearer(tokens.owner)).json()
    assert listed == []  # nothing of the refused updates was kept
