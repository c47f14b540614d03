"""Find anything: Korean substrings, English in any case, two-syllable words, 2+2, refs,
filters, paging, ranking, and an index that follows every write (migration 0012)."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from tests.conftest import on_postgres
from tests.factories import add_agreement, import_seed
from tracker.domain import Attention, Strength
from tracker.errors import TrackerError
from tracker.importer import parse_agreement
from tracker.models import OfficerCreate, StatusUpdateCreate
from tracker.schema import models_describe
from tracker.services import search as search_module
from tracker.services.import_sources import sample_source
from tracker.services.imports import import_agreement
from tracker.services.lookup import find_commitment, find_officer
from tracker.services.owners import OwnerChange, add_officer, assign_owner, find_division
from tracker.services.paging import BadCursor, PageRequest, encode_cursor
from tracker.services.policy import FollowUpPolicy
from tracker.services.search import (
    Hit,
    Kind,
    Marked,
    SearchFilter,
    SearchResults,
    parse_query,
    search,
    search_choices,
)
from tracker.services.status_updates import record_status_update

POLICY = FollowUpPolicy()


def find(session: Session, query: str, **narrowed: object) -> SearchResults:
    page = narrowed.pop("page", PageRequest(limit=200))
    assert isinstance(page, PageRequest)
    return search(
        query,
        session=session,
        policy=POLICY,
        filters=SearchFilter(**narrowed),
        page=page,  # type: ignore[arg-type]
    )


def named(results: SearchResults) -> list[tuple[str, str]]:
    """Each hit as (kind, what names it): a title, a heading, a clause number, key:ref."""
    return [(hit.kind.value, label(hit)) for hit in results.hits]


def label(hit: Hit) -> str:
    if hit.kind is Kind.COMMITMENT:
        return f"{hit.agreement_key}:{hit.ref}"
    if hit.kind is Kind.CLAUSE:
        return hit.number
    return hit.heading.text


def marked_words(marked: Marked | None) -> list[str]:
    return [piece for piece, on in marked.pieces() if on] if marked else []


@pytest.fixture
def seeded(session: Session) -> Session:
    import_seed(session)
    return session


def test_a_korean_word_is_found_inside_longer_words(seeded: Session) -> None:
    found = find(seeded, "상호운용성")
    assert ("section", "군 협력 및 상호운용성") in named(found)
    assert {"kr-ca-2025:7.3", "kr-ca-2025:10.1"} <= {label(h) for h in found.hits}
    assert {"7", "10"} <= {h.number for h in found.hits if h.kind is Kind.CLAUSE}
    # a part of the word finds the same text (상호운용 is inside 상호운용성을)
    part = find(seeded, "상호운용")
    assert {label(h) for h in found.hits} == {label(h) for h in part.hits}
    commitment = next(h for h in found.hits if label(h) == "kr-ca-2025:7.3")
    assert marked_words(commitment.excerpt) == ["상호운용성"]
    assert commitment.excerpt is not None and "상호운용성을 개선" in commitment.excerpt.text


def test_canada_finds_the_korean_record_and_english_in_any_case(seeded: Session) -> None:
    korean = find(seeded, "캐나다")
    for typed in ("Canada", "canada", "CANADA"):
        english = find(seeded, typed)
        assert named(english) == named(korean), typed  # the same country, in either language
    agreement = next(h for h in korean.hits if h.kind is Kind.AGREEMENT)
    assert agreement.agreement_key == "kr-ca-2025"
    assert marked_words(agreement.heading) == ["캐나다"]
    assert len(korean.hits) > 20  # its clauses and commitments name Canada too


def test_a_country_is_found_by_the_name_the_ministry_writes(seeded: Session) -> None:
    add_agreement(
        seeded,
        key="kr-au-2024",
        title="한-호주 방산 협력 MOU",
        countries="호주",
        clauses=[("1", [("양국은 방산 협력을 증진할 것이다.", Strength.FIRM)])],
    )
    seeded.commit()
    assert parse_query("Australia")[0].words == ("Australia", "오스트레일리아", "호주")
    assert parse_query("호주")[0].words == ("호주", "Australia", "오스트레일리아")
    for typed in ("호주", "australia", "오스트레일리아"):
        assert ("agreement", "한-호주 방산 협력 MOU") in named(find(seeded, typed)), typed
    assert parse_query("new zealand 2+2")[0].words == ("new zealand", "뉴질랜드")


def test_english_text_is_matched_whatever_the_case(seeded: Session) -> None:
    add_english_agreement(seeded)
    found = find(seeded, "INTEROPERABILITY")
    assert named(found) == [("commitment", "kr-nz-2026:1.1"), ("clause", "1")]
    assert marked_words(found.hits[0].excerpt) == ["interoperability"]
    assert named(find(seeded, "interop zealand")) == []  # every word must be there
    assert ("agreement", "Korea-New Zealand Defence Partnership") in named(find(seeded, "zealand"))


def test_wildcards_and_quotes_are_only_characters(seeded: Session) -> None:
    add_english_agreement(seeded)
    assert named(find(seeded, "50%", kind=Kind.COMMITMENT)) == [("commitment", "kr-nz-2026:1.2")]
    assert named(find(seeded, "O'Neill_2")) == [("commitment", "kr-nz-2026:1.2"), ("clause", "1")]
    for wildcard in ("5_%", "O%Neill", "%%", "__"):  # found only where written so
        assert find(seeded, wildcard).hits == [], wildcard


def test_a_two_syllable_korean_word_is_found_though_the_index_needs_three(
    seeded: Session,
) -> None:
    found = find(seeded, "국방")
    assert {"kr-ca-2025:5.1", "kr-ca-2025:11.1"} <= {label(h) for h in found.hits}
    assert all("국방" in marked_words(h.excerpt) + marked_words(h.heading) for h in found.hits)
    assert find(seeded, "조약").hits == []  # nothing says 조약: found nowhere, not everywhere


def test_two_plus_two_and_refs(seeded: Session) -> None:
    assert ("clause", "5") in named(find(seeded, "2+2"))
    ref = find(seeded, "7.3")
    assert label(ref.hits[0]) == "kr-ca-2025:7.3" and ref.hits[0].exact
    assert marked_words(ref.hits[0].heading) == ["7.3"]
    whole = find(seeded, "kr-ca-2025:7.3")
    assert named(whole) == [("commitment", "kr-ca-2025:7.3")] and whole.hits[0].exact
    assert find(seeded, "kr-ca-2025:99.9").hits == []


def test_headings_lead_to_their_first_clause(seeded: Session) -> None:
    headings = {
        h.heading.text: h.number for h in find(seeded, "협력").hits if h.kind is Kind.SECTION
    }
    assert headings["군 협력 및 상호운용성"] == "7"
    assert headings["협력 분야"] == "7"  # no clause of its own: its first subheading's


def test_filters_narrow_commitments_and_what_holds_them(seeded: Session) -> None:
    commitment = find_commitment("kr-ca-2025:7.3", session=seeded)
    record_status_update(
        commitment,
        StatusUpdateCreate(status="in_progress", as_of=date(2025, 11, 20), note="착수"),
        session=seeded,
        policy=POLICY,
        author="정진우",
        today=date(2025, 11, 20),
    )
    seeded.commit()
    in_progress = find(seeded, "상호운용성", status="in_progress")
    assert named(in_progress) == [
        ("section", "군 협력 및 상호운용성"),
        ("commitment", "kr-ca-2025:7.3"),
        ("clause", "7"),
    ]
    assert [h.status for h in in_progress.hits if h.kind is Kind.COMMITMENT] == ["in_progress"]
    assert find(seeded, "상호운용성", status="진행 중").hits == in_progress.hits  # its label
    assert named(find(seeded, "상호운용성", status="achieved")) == []

    desk = find_officer("정진우", session=seeded)
    division = find_division("북미2과", session=seeded)
    owned = find(seeded, "상호운용성", owner_id=desk.id)
    assert {label(h) for h in owned.hits} >= {"kr-ca-2025:7.3", "kr-ca-2025:10.1"}
    assert find(seeded, "상호운용성", division_id=division.id).hits == owned.hits
    other = add_officer(OfficerCreate(name="박서연"), session=seeded, actor="test")
    assign_owner(commitment, OwnerChange(officer=other), session=seeded, actor="test")
    seeded.commit()
    assert named(find(seeded, "상호운용성", owner_id=other.id, kind=Kind.COMMITMENT)) == [
        ("commitment", "kr-ca-2025:7.3")
    ]
    assert named(find(seeded, "상호운용성", kind=Kind.AGREEMENT)) == []
    dialogue = "국장급 외교·국방 정책 대화"  # reviews every tracked commitment of the seed
    reviewed = find(seeded, "상호운용성", mechanism=dialogue, kind=Kind.COMMITMENT)
    assert {label(h) for h in reviewed.hits} == {"kr-ca-2025:7.3", "kr-ca-2025:10.1"}
    assert find(seeded, "상호운용성", mechanism="2+2").hits == []
    nobody = find(seeded, "국방", attention=Attention.UNOWNED, kind=Kind.COMMITMENT)
    assert nobody.hits == []  # every commitment has its desk officer


def test_a_filter_that_names_nothing_is_refused_as_a_bad_request(seeded: Session) -> None:
    for narrowed, code in (
        ({"owner_id": 999}, "search.unknown_owner"),
        ({"division_id": 999}, "search.unknown_division"),
        ({"mechanism": "없는 협의체"}, "mechanism.unknown"),
        ({"status": "someday"}, "status.unknown"),
    ):
        with pytest.raises(TrackerError) as refused:
            find(seeded, "국방", **narrowed)
        assert (refused.value.code, refused.value.http_status) == (code, 400)
    for query, code in (
        ("가" * 201, "search.query_too_long"),
        ("가 나 다 라 마 바 사 아 자", "search.too_many_words"),
    ):
        with pytest.raises(TrackerError) as refused:
            parse_query(query)
        assert refused.value.code == code


def test_pages_follow_the_ranking_without_repeats(seeded: Session) -> None:
    everything = find(seeded, "한국과")
    assert everything.next_cursor is None and everything.total == len(everything.hits) > 30
    pages, cursor = [], None
    while True:
        page = search(
            "한국과",
            session=seeded,
            policy=POLICY,
            page=PageRequest.parse(limit=7, cursor=cursor, width=search_module.CURSOR_WIDTH),
        )
        pages.append(page.hits)
        assert page.total == everything.total
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [hit for page in pages for hit in page] == everything.hits
    assert all(len(page) == 7 for page in pages[:-1])
    forged = encode_cursor((0, -1, "agreement", 0, 0, 0))  # the right width, not a rank
    with pytest.raises(BadCursor):
        search(
            "한국과",
            session=seeded,
            policy=POLICY,
            page=PageRequest.parse(limit=7, cursor=forged, width=search_module.CURSOR_WIDTH),
        )


def test_exact_first_then_the_most_matches(seeded: Session) -> None:
    found = find(seeded, "캐나다")
    matches = [h.matches for h in found.hits]
    assert matches == sorted(matches, reverse=True)
    agreement = next(h for h in found.hits if h.kind is Kind.AGREEMENT)
    assert agreement.matches == 3  # its title, its country, its document title
    clause = find(seeded, "7")
    assert [h.exact for h in clause.hits[:1]] == [True] and clause.hits[0].number == "7"


def test_the_index_follows_imports_replacements_updates_and_deletions(
    seeded: Session, engine: Engine
) -> None:
    revised = sample_source().replace("상호운용성을 개선하고", "상호호환성을 개선하고")
    import_agreement(
        parse_agreement(revised), session=seeded, source_name="revised.txt", replace=True
    )
    seeded.commit()
    assert "kr-ca-2025:7.3" in {label(h) for h in find(seeded, "상호호환성").hits}
    assert "kr-ca-2025:7.3" not in {label(h) for h in find(seeded, "상호운용성").hits}

    other = import_seed(
        seeded, text=sample_source().replace("2025-10-30", "2027-11-02"), key="kr-ca-2027"
    )
    assert {h.agreement_key for h in find(seeded, "상호운용성").hits} == {
        "kr-ca-2025",
        "kr-ca-2027",
    }
    seeded.delete(other)
    seeded.commit()
    assert {h.agreement_key for h in find(seeded, "상호운용성").hits} == {"kr-ca-2025"}
    check_the_index(engine)


def test_the_index_is_in_the_schema_at_head(engine: Engine) -> None:
    with engine.connect() as connection:
        if on_postgres():
            names = connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_%'")
            ).scalars()
            assert len(set(names)) == 10
        else:
            triggers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            # a later batch-mode migration of clause or commitment drops these with the table
            assert {
                f"search_{table}_{event}"
                for table in ("clause", "commitment")
                for event in ("insert", "delete", "update")
            } <= set(triggers)
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": models_describe,
            },
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_a_rare_word_is_looked_up_in_the_index(seeded: Session) -> None:
    """The query plans: on SQLite the FTS index names the clauses holding a rare word of
    three characters and only those are read; PostgreSQL's trigram index backs ILIKE."""
    finder = search_module._Finder(
        seeded, "상호운용성", parse_query("상호운용성"), [], narrowed=False
    )
    query = finder._restrict(Kind.CLAUSE, finder._matching(Kind.CLAUSE))
    assert query is not None
    compiled = query.compile(seeded.get_bind(), compile_kwargs={"literal_binds": True})
    connection = seeded.connection()
    if on_postgres():
        # A table this small is read whole; forbidding that (and the primary key's walk)
        # shows what the trigram index can answer.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_indexscan = off"))
        plan = connection.execute(text(f"EXPLAIN {compiled}")).scalars().all()
        assert any("ix_search_clause_text" in line for line in plan), plan
        return
    named = finder._named(search_module._indexed(Kind.CLAUSE, parse_query("상호운용성")[0]))
    numbers = connection.execute(
        text(f"SELECT number FROM clause WHERE id IN ({', '.join(map(str, named))})")
    ).scalars()
    assert sorted(numbers, key=int) == ["7", "10"]
    plan = [row[3] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()]
    assert "SEARCH clause USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not any(line.startswith("SCAN clause") for line in plan), plan


def test_what_the_form_offers(seeded: Session) -> None:
    choices = search_choices(session=seeded)
    assert [name for _, name in choices.owners] == ["정진우"]
    assert [name for _, name in choices.divisions] == ["북미2과"]


def test_the_window_is_bounded_and_says_so(
    seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "WINDOW", 3)
    found = find(seeded, "한국과")
    assert found.capped and found.by_kind[Kind.CLAUSE] == 3 and found.by_kind[Kind.COMMITMENT] == 3


def add_english_agreement(session: Session) -> None:
    add_agreement(
        session,
        key="kr-nz-2026",
        title="Korea-New Zealand Defence Partnership",
        countries="뉴질랜드",
        clauses=[
            (
                "1",
                [
                    (
                        "The Participants will enhance interoperability of their forces.",
                        Strength.FIRM,
                    ),
                    ("They will raise O'Neill_2 funding by 50%.", Strength.FIRM),
                ],
            )
        ],
    )
    session.commit()


def check_the_index(engine: Engine) -> None:
    """SQLite's own check that each FTS table holds exactly what its table holds."""
    if on_postgres():
        return
    with engine.begin() as connection:
        for table in ("search_clause", "search_commitment"):
            connection.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))
