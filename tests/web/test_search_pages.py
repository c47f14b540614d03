"""The search page and the header's box, as each role; the agreement page's clause navigator."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import sign_in

LOGINS = ("admin", "jwjung", "viewer")


def marks(html: str) -> list[str]:
    return [unescape(word) for word in re.findall(r"<mark>(.*?)</mark>", html)]


def links(html: str) -> list[str]:
    return [
        unescape(href)
        for href in re.findall(r'<li class="search-result[^"]*">.*?href="([^"]+)"', html, re.S)
    ]


def alert(html: str) -> str:
    found = re.search(r'class="error"[^>]*>(.*?)</', html, re.S)
    return " ".join(unescape(found.group(1) if found else html).split())


@pytest.mark.parametrize("login", LOGINS)
def test_every_role_finds_clauses_and_commitments_with_the_words_marked(
    app_client: TestClient, login: str
) -> None:
    sign_in(app_client, login)
    page = app_client.get("/search", params={"q": "상호운용성"})
    assert page.status_code == 200
    found = links(page.text)
    assert "/agreements/kr-ca-2025#clause-7" in found  # the heading, and clause 7 itself
    assert {"/commitments/kr-ca-2025:7.3", "/commitments/kr-ca-2025:10.1"} <= set(found)
    assert set(marks(page.text)) == {"상호운용성"}
    assert 'value="상호운용성"' in page.text  # the box keeps what was typed


def test_the_page_speaks_english_and_canada_finds_the_korean_record(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/search", params={"q": "Canada", "kind": "agreement", "lang": "en"})
    assert links(page.text) == ["/agreements/kr-ca-2025"]
    assert "캐나다" in marks(page.text)
    assert "Results: 1" in page.text


def test_data_is_escaped_around_the_marks(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/search", params={"q": "2+2", "kind": "clause"}).text
    # clause 5 names <외교·국방장관 2+2 회의>: its brackets are text, the mark is the only tag
    assert "&lt;외교·국방장관 <mark>2+2</mark> 회의&gt;" in page
    typed = app_client.get("/search", params={"q": "<b>없는말</b>"}).text
    assert "<b>없는말</b>" not in typed and "&lt;b&gt;없는말&lt;/b&gt;" in typed


def test_nothing_found_says_so_and_what_to_try(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/search", params={"q": "조약"}).text
    assert "다음 검색어에 맞는 항목이 없습니다:" in page and '<q lang="ko">조약</q>' in page
    assert "낱말 수를 줄이거나" in page and '<ol class="search-results"' not in page
    empty = app_client.get("/search").text
    assert "찾을 낱말을 입력하세요." in empty


@pytest.mark.parametrize(
    ("query", "korean", "english"),
    [
        (
            {"owner": "abc"},
            "담당자: 목록에서 고르세요 (입력: 'abc')",
            "Owner: choose one from the list (got 'abc')",
        ),
        ({"owner": "999"}, "999번 담당자가 없습니다", "no officer has the number 999"),
        ({"division": "999"}, "999번 부서가 없습니다", "no division has the number 999"),
        (
            {"kind": "memo"},
            "종류는 다음 중에서 고르세요: 합의문서, 소제목, 이행과제, 조항",
            "type 'memo' is not one of: Agreement, Heading, Commitment, Clause",
        ),
        ({"attention": "late"}, "(입력: 'late')", "flag 'late' is not one of:"),
        ({"status": "someday"}, "someday", "someday"),
        ({"mechanism": "없는 협의체"}, "없는 협의체", "없는 협의체"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_what_to_choose(
    app_client: TestClient, query: dict[str, str], korean: str, english: str
) -> None:
    sign_in(app_client)
    for language, words in (("ko", korean), ("en", english)):
        page = app_client.get("/search", params={"q": "국방", "lang": language, **query})
        assert page.status_code == 400, query
        assert words in alert(page.text), (language, alert(page.text))


def test_filters_narrow_and_the_next_page_keeps_them(app_client: TestClient) -> None:
    sign_in(app_client)
    first = app_client.get("/search", params={"q": "한국과", "kind": "commitment", "limit": "5"})
    found = links(first.text)
    assert len(found) == 5 and all(href.startswith("/commitments/") for href in found)
    following = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert following is not None
    second = app_client.get(unescape(following.group(1)))
    assert "kind=commitment" in following.group(1) and "q=" in following.group(1)
    more = links(second.text)
    assert more and not set(more) & set(found)
    stalled = app_client.get("/search", params={"q": "한국과", "status": "stalled"})
    assert stalled.status_code == 200 and links(stalled.text) == []


def test_the_header_box_is_on_every_page_of_a_signed_in_visitor(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/agreements").text
    box = re.search(r'<form class="search-box"[^>]*action="/search"[^>]*>(.*?)</form>', page, re.S)
    assert box is not None and 'name="q"' in box.group(1) and 'type="search"' in box.group(1)
    assert '<label class="sr-only" for="site-search">' in box.group(1)


def test_the_agreement_page_has_a_clause_navigator(app_client: TestClient) -> None:
    sign_in(app_client)
    page = app_client.get("/agreements/kr-ca-2025").text
    nav = re.search(r'<nav class="clause-nav"[^>]*>(.*?)</nav>', page, re.S)
    assert nav is not None
    targets = re.findall(r'href="#clause-([^"]+)"', nav.group(1))
    assert targets == [str(number) for number in range(1, 27)]
    assert all(f'id="clause-{number}"' in page for number in targets)  # each lands on its clause
    headings = re.findall(r'class="clause-nav-heading"[^>]*>([^<]+)<', nav.group(1))
    assert headings[:4] == ["전문", "일반 프레임워크", "협력 분야", "군 협력 및 상호운용성"]
