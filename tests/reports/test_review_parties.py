"""The review report shows what the review meeting asks (issue 17): each party's status side by
side, what blocks a commitment, what its progress rests on, and the requests for cooperation not
yet closed, with their age; in Korean and English, read back from the PDF."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.factories import import_seed
from tests.reports.conftest import pdf_text
from tracker.config import Settings, load_settings
from tracker.db import make_engine, read_session
from tracker.domain import EvidenceLevel, Language, Party, RequestState
from tracker.models import (
    Agreement,
    Commitment,
    CooperationRequest,
    Division,
    MeetingCreate,
    StatusUpdateCreate,
)
from tracker.reports.context import brief_report, review_report
from tracker.reports.generate import make_renderer, prepare_review
from tracker.reports.render import PdfRenderer
from tracker.schema import upgrade_database
from tracker.services.cycles import find_cycle
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.report_data import evidence_levels
from tracker.services.requests import answer_request, close_request
from tracker.services.status_updates import latest_update, record_status_update
from tracker.words import LANGUAGES, knows

TODAY = date(2026, 11, 26)
ASKED = "2026-11-02 10:00:00+09:00"  # 24 days before TODAY
WHAT = "합동훈련 예산 반영 협의"
ELSEWHERE = "방산 협력 품목 목록 회신"
OBSTACLE = "캐나다 측 함정 일정 미확정으로 훈련 시기 조율 지연"


def record(session: Session, ref: str, policy: FollowUpPolicy, **fields: object) -> None:
    record_status_update(
        find_commitment(f"kr-ca-2025:{ref}", session=session),
        StatusUpdateCreate.model_validate({"as_of": date(2026, 11, 2), **fields}),
        session=session,
        policy=policy,
        author="정진우",
        today=TODAY,
    )


def follow_up(session: Session, policy: FollowUpPolicy) -> Division:
    """7.1: ours in progress with evidence and an obstacle, theirs achieved; 9.1: stalled,
    reported without evidence, asking 국방부 국제정책과 and 방위사업청 for help; 16.1: ongoing,
    no evidence available. The requests are made on ASKED."""
    division = Division(name="국제정책과", ministry="국방부")
    session.add(division)
    session.flush()
    record(
        session,
        "7.1",
        policy,
        status="in_progress",
        narrative="1차 합동훈련 참관",
        evidence=["https://www.mnd.go.kr/exercise"],
        obstacles=OBSTACLE,
    )
    record(
        session,
        "7.1",
        policy,
        status="achieved",
        party="counterpart",
        as_of=date(2026, 11, 20),
        narrative="캐나다 해군 함정 참가 확정",
    )
    with freeze_time(ASKED):
        record(
            session,
            "9.1",
            policy,
            status="stalled",
            narrative="예산 미확보",
            requests=[
                {"to_division_id": division.id, "what": WHAT, "due_on": date(2026, 11, 20)},
                {"to_body": "방위사업청", "what": ELSEWHERE},
            ],
        )
    record(session, "16.1", policy, status="ongoing", evidence_level="none_available")
    return division


@dataclass
class Rendered:
    korean: str
    english: str
    after_closing: str  # Korean, once the request to 국제정책과 is closed and the other answered


def render(settings: Settings, engine: Engine, renderer: PdfRenderer, language: Language) -> str:
    with read_session(engine) as session:
        prepared = prepare_review(
            "kr-ca-2025", session=session, settings=settings, language=language, today=TODAY
        )
    path = Path(settings.resolve(settings.paths.reports)) / f"review-{language.value}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(renderer.render(prepared.html).data)
    return pdf_text(path, layout=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    folder = tmp_path_factory.mktemp("parties")
    (folder / "var").mkdir()
    templates = (Path(__file__).parents[2] / "templates").as_posix()
    (folder / "config.toml").write_text(
        f'[database]\nurl = "sqlite:///{folder}/var/t.db"\n[paths]\ntemplates = "{templates}"\n',
        encoding="utf-8",
    )
    settings = load_settings(folder / "config.toml")
    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    policy = FollowUpPolicy(evidence_dir=folder / "evidence")
    with Session(engine) as session:
        import_seed(session)
        follow_up(session, policy)
        session.commit()
    with make_renderer(settings) as renderer:
        korean = render(settings, engine, renderer, Language.KO)
        english = render(settings, engine, renderer, Language.EN)
        with Session(engine) as session:
            asked = {r.what: r for r in session.exec(select(CooperationRequest)).all()}
            close_request(asked[WHAT], session=session, actor="정진우")
            answer_request(asked[ELSEWHERE], "목록 송부 예정", session=session, actor="방위사업청")
            session.commit()
        after = render(settings, engine, renderer, Language.KO)
    engine.dispose()
    yield Rendered(korean, english, after)


def block(text: str, ref: str) -> str:
    """The clause-by-clause block of commitment `ref`: from its heading to the next one."""
    clauses = text[text.index("조항별 이행 현황", text.index("조항별 이행 현황") + 1) :]
    start = re.search(rf"(?m)^\s*{re.escape(ref)}\s", clauses)
    assert start is not None, ref
    following = re.search(r"(?m)^\s*\d+\.\d+\s", clauses[start.end() :])
    return clauses[start.start() : start.end() + (following.start() if following else 2000)]


def block_en(text: str, ref: str) -> str:
    clauses = text[text.index("Clause by clause", text.index("Clause by clause") + 1) :]
    start = re.search(rf"(?m)^\s*{re.escape(ref)}\s", clauses)
    assert start is not None, ref
    following = re.search(r"(?m)^\s*\d+\.\d+\s", clauses[start.end() :])
    return clauses[start.start() : start.end() + (following.start() if following else 2000)]


@pytest.mark.slow
def test_each_party_s_status_stands_side_by_side_with_its_as_of_date(
    rendered: Rendered,
) -> None:
    ours = block(rendered.korean, "7.1")
    assert re.search(
        r"우리 측\s+진행 중 \(기준일 2026-11-02\)\s+상대국 측\s+달성 \(기준일 2026-11-20\)", ours
    ), ours
    assert "캐나다 해군 함정 참가 확정" in ours  # the counterpart's own note, beside its status
    # Nobody has recorded Canada's progress on 9.1: said so, not left blank or "not started".
    assert re.search(
        r"우리 측\s+정체 \(기준일 2026-11-02\)\s+상대국 측\s+미기록", block(rendered.korean, "9.1")
    )
    english = block_en(rendered.english, "7.1")
    assert re.search(
        r"Korea \(home side\)\s+In progress \(as of 02 Nov 2026\)\s+Counterpart\s+Achieved"
        r" \(as of 20 Nov 2026\)",
        english,
    ), english
    assert re.search(r"Counterpart\s+Not recorded", block_en(rendered.english, "9.1"))


@pytest.mark.slow
def test_the_block_names_the_obstacles_and_the_evidence_level(rendered: Rendered) -> None:
    ours = block(rendered.korean, "7.1")
    assert re.search(rf"장애요인\s+{OBSTACLE}", ours)
    assert re.search(r"증빙\s+증빙 확인 · 1건", ours)
    assert re.search(r"증빙\s+증빙 없이 보고 · 0건", block(rendered.korean, "9.1"))
    assert re.search(r"증빙\s+확인 가능한 증빙 없음 · 0건", block(rendered.korean, "16.1"))
    assert "장애요인" not in block(rendered.korean, "16.1")
    assert re.search(rf"Obstacles\s+{OBSTACLE}", block_en(rendered.english, "7.1"))
    assert re.search(
        r"Evidence\s+Reported without evidence · 0 items", block_en(rendered.english, "9.1")
    )


@pytest.mark.slow
def test_the_summary_counts_each_party_and_the_evidence_levels(rendered: Rendered) -> None:
    summary = rendered.korean[rendered.korean.index("진행 상황별 현황") :]
    # status, ours (count, share), theirs (count, share)
    assert re.search(r"진행 중\s+1\s+3%\s+0\s+0%", summary)
    assert re.search(r"달성\s+0\s+0%\s+1\s+3%", summary)
    assert re.search(r"미기록\s+-\s+-\s+35\s+97%", summary)
    assert re.search(r"계\s+36\s+100%\s+36\s+100%", summary)
    assert "2027-10-30 예정(추정)" in rendered.korean  # no 2+2 recorded: the estimate, marked
    levels = summary[summary.index("증빙 수준별 현황") :]
    for label, count in (
        ("증빙 확인", 1),
        ("증빙 없이 보고", 1),
        ("확인 가능한 증빙 없음", 1),
        ("갱신 없음", 33),
    ):
        assert re.search(rf"{label}\s+{count}\s+\d+%", levels), label
    english = rendered.english[rendered.english.index("By evidence level") :]
    assert re.search(r"Reported without evidence\s+1\s+3%", english)
    assert re.search(r"No update yet\s+33\s+92%", english)
    assert re.search(r"Not recorded\s+-\s+-\s+35\s+97%", rendered.english)


@pytest.mark.slow
def test_the_action_section_lists_the_open_requests_with_their_age(rendered: Rendered) -> None:
    action = rendered.korean[rendered.korean.index("협조 요청\n") :]
    assert "아직 종결되지 않은 협조 요청 2건입니다" in action
    assert re.search(
        rf"9\.1\s+북미2과 → 국제정책과\s+{WHAT}\s+2026-11-20\s+24일\s+회신 대기", action
    )
    assert "기한 경과" in action  # due on 20 November
    assert re.search(rf"9\.1\s+북미2과 → 방위사업청\s+{ELSEWHERE}\s+-\s+24일\s+회신 대기", action)
    english = rendered.english[rendered.english.index("Requests for cooperation\n") :]
    assert re.search(rf"{WHAT}\s+20 Nov 2026\s+24 days\s+Awaiting answer", english)
    assert "Overdue" in english


@pytest.mark.slow
def test_a_closed_request_is_gone_from_the_next_report_and_an_answered_one_stays(
    rendered: Rendered,
) -> None:
    assert WHAT not in rendered.after_closing
    action = rendered.after_closing[rendered.after_closing.index("협조 요청\n") :]
    assert "아직 종결되지 않은 협조 요청 1건입니다" in action
    assert re.search(rf"{ELSEWHERE}\s+-\s+24일\s+회신됨", action)


# --- what the report reads, without a PDF ----------------------------------------------------


def test_every_word_the_report_builds_from_a_level_or_a_state_is_in_both_catalogues() -> None:
    ids = {f"evidence_level.{level.value}" for level in EvidenceLevel}
    ids |= {f"request_state.{state.value}" for state in RequestState}
    ids |= {"evidence_level.no_update"}
    missing = sorted((language, i) for language in LANGUAGES for i in ids if not knows(language, i))
    assert missing == []


def test_evidence_levels_count_the_home_side_s_standing_update_in_one_query(
    session: Session, seed: Agreement, tmp_path: Path
) -> None:
    """Only the update that stands counts: the latest as-of, a correction instead of what it
    corrects, never the counterpart's; the same commitment as `latest_update` picks."""
    policy = FollowUpPolicy(evidence_dir=tmp_path)
    record(session, "7.1", policy, status="in_progress", evidence=["https://a.kr/1"])
    record(session, "7.1", policy, status="ongoing", as_of=date(2026, 11, 10))  # later: reported
    record(session, "7.2", policy, status="in_progress", evidence_level="none_available")
    wrong = find_commitment("kr-ca-2025:7.2", session=session)
    standing = latest_update(wrong, session=session)
    assert standing is not None
    record(
        session,
        "7.2",
        policy,
        status="in_progress",
        corrects_id=standing.id,
        evidence=["https://a.kr/2"],
    )
    # The counterpart's evidence says nothing of ours.
    record(
        session, "7.3", policy, status="achieved", party="counterpart", evidence=["https://b.ca/1"]
    )
    session.commit()

    counted = evidence_levels(seed.id, session=session)

    expected: Counter[str] = Counter()
    for commitment in session.exec(
        select(Commitment).where(Commitment.agreement_id == seed.id, col(Commitment.tracked))
    ).all():
        update = latest_update(commitment, session=session, party=Party.HOME)
        expected[update.evidence_level.value if update else ""] += 1
    assert counted == expected
    assert counted == Counter({"": 34, "reported": 1, "found": 1})
    assert EvidenceLevel.NONE_AVAILABLE.value not in counted  # corrected away


def test_the_review_caps_its_requests_and_says_how_many_more(
    session: Session, seed: Agreement, settings: Settings, tmp_path: Path
) -> None:
    follow_up(session, FollowUpPolicy(evidence_dir=tmp_path))
    session.commit()
    view = review_report(
        seed,
        find_cycle(seed, "current", session=session),
        session=session,
        policy=FollowUpPolicy(),
        language="ko",
        classification="",
        today=TODAY,
        max_requests=1,
    )
    assert [r.what for r in view.requests] == [WHAT]  # the oldest first (made first)
    assert (view.requests_total, view.requests_left_out) == (2, 1)
    assert view.requests[0].ref == "9.1" and view.requests[0].overdue
    assert [c.key for c in view.party_counts][-1] == "not_recorded"


def test_the_brief_counts_each_party_and_the_requests_not_yet_closed_per_agreement(
    session: Session, seed: Agreement, tmp_path: Path
) -> None:
    follow_up(session, FollowUpPolicy(evidence_dir=tmp_path))
    dialogue = find_mechanism("외교·국방 정책 대화", session=session)
    assert dialogue.id is not None
    meeting = add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 3, 4)),
        session=session,
        actor="t",
        today=TODAY,
    )
    closed = session.exec(select(CooperationRequest).where(CooperationRequest.what == WHAT)).one()
    close_request(closed, session=session, actor="정진우")
    session.commit()

    brief = brief_report(
        dialogue,
        meeting,
        session=session,
        policy=FollowUpPolicy(),
        language="ko",
        classification="",
        today=TODAY,
    )

    (row,) = brief.agreements
    assert (row.key, row.requests, brief.requests_total) == ("kr-ca-2025", 1, 1)
    theirs = {c.key: c.counterpart for c in brief.party_counts}
    ours = {c.key: c.home for c in brief.party_counts}
    assert theirs["achieved"] == 1 and theirs["not_recorded"] == row.total - 1
    assert ours["stalled"] == 1 and ours["not_recorded"] is None


def test_requests_made_long_ago_are_aged_from_when_they_were_made(
    session: Session, seed: Agreement, tmp_path: Path
) -> None:
    follow_up(session, FollowUpPolicy(evidence_dir=tmp_path))
    made = session.exec(select(CooperationRequest)).all()
    assert {r.created_at for r in made} == {datetime(2026, 11, 2, 1, 0, tzinfo=UTC)}
    session.commit()
    view = review_report(
        seed,
        find_cycle(seed, "current", session=session),
        session=session,
        policy=FollowUpPolicy(),
        language="en",
        classification="",
        today=date(2027, 1, 1),
    )
    assert [r.age_days for r in view.requests] == [60, 60]
    assert [r.state for r in view.requests] == ["Awaiting answer", "Awaiting answer"]
