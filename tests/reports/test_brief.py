"""A brief for a mechanism that follows many agreements: one summary row per agreement, and
details only for the commitments that need attention, most urgent first, capped."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.factories import add_agreement, add_mechanism
from tests.reports.conftest import pdf_pages
from tracker.config import Settings
from tracker.domain import Strength
from tracker.models import Mechanism, Meeting, MeetingCreate, Officer, StatusUpdateCreate
from tracker.reports import generate
from tracker.reports.context import brief_report
from tracker.reports.render import PdfRenderer
from tracker.reports.views import BriefView
from tracker.services.lookup import find_commitment
from tracker.services.meetings import add_meeting
from tracker.services.owners import OwnerChange, assign_owner
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update

AGREEMENTS = 30
STALLED = [n for n in range(AGREEMENTS) if n % 5 == 0]  # their first commitment is stalled
UNOWNED = [n for n in range(AGREEMENTS) if n % 7 == 2]  # their second has nobody
TEMPLATES = Path(__file__).parents[2] / "templates"


def key(n: int) -> str:
    return f"kr-p{n:02d}"


def title(n: int) -> str:
    return f"협력 약정 제{n}호"


def sentence(n: int, item: int) -> str:
    return f"양국은 정책 대화에서 제{n}호 {item}번째 과제를 점검할 것이다."


@pytest.fixture
def portfolio(session: Session) -> tuple[Mechanism, Meeting, date]:
    """Thirty small agreements, two commitments each, all followed by one policy dialogue;
    every commitment owned, except the few that are not, and a few stalled."""
    today = FollowUpPolicy().today()
    dialogue = add_mechanism(session, "국장급 외교·국방 정책 대화")
    officer = Officer(name="정진우", email="jinwoo@example.go.kr")
    session.add(officer)
    for n in range(AGREEMENTS):
        add_agreement(
            session,
            key=key(n),
            title=title(n),
            countries="캐나다" if n % 2 else "호주",
            clauses=[("1", [(sentence(n, 1), Strength.FIRM), (sentence(n, 2), Strength.FIRM)])],
            mechanisms={"정책 대화": dialogue},
        )
    session.flush()
    for n in range(AGREEMENTS):
        for item in (1, 2):
            if not (item == 2 and n in UNOWNED):
                commitment = find_commitment(f"{key(n)}:1.{item}", session=session)
                assign_owner(commitment, OwnerChange(officer=officer), session=session, actor="t")
    for n in STALLED:
        record_status_update(
            find_commitment(f"{key(n)}:1.1", session=session),
            StatusUpdateCreate(status="stalled", narrative=f"예산 미확보 {n}", as_of=today),
            session=session,
            policy=FollowUpPolicy(),
            author="정진우",
            today=today,
        )
    session.commit()
    assert dialogue.id is not None
    meeting = add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=today + timedelta(days=100)),
        session=session,
        actor="test",
        today=today,
    )
    session.commit()
    return dialogue, meeting, today


def brief(session: Session, portfolio: tuple[Mechanism, Meeting, date], cap: int) -> BriefView:
    mechanism, meeting, today = portfolio
    return brief_report(
        mechanism,
        meeting,
        session=session,
        policy=FollowUpPolicy(),
        language="ko",
        classification="",
        today=today,
        max_details=cap,
    )


def test_each_agreement_is_one_summary_row_and_only_flagged_commitments_are_detailed(
    session: Session, portfolio: tuple[Mechanism, Meeting, date]
) -> None:
    view = brief(session, portfolio, cap=200)
    assert [row.key for row in view.agreements] == [key(n) for n in range(AGREEMENTS)]
    assert all(row.total == 2 for row in view.agreements)
    assert sum(count.count for count in view.status_counts) == 2 * AGREEMENTS
    flagged = {key(n): 1 for n in STALLED} | {key(n): 1 for n in UNOWNED}
    assert {row.key: row.attention for row in view.agreements if row.attention} == flagged
    stalled_row = next(row for row in view.agreements if row.key == key(0))
    assert {c.key: c.count for c in stalled_row.statuses}["stalled"] == 1
    # Stalled ones first (the gravest reason), then those without an owner.
    assert [(c.agreement_key, c.ref) for c in view.details] == [
        *((key(n), "1.1") for n in STALLED),
        *((key(n), "1.2") for n in UNOWNED),
    ]
    assert view.details[0].attention == ["정체"]
    assert view.details[-1].attention == ["담당자 없음"] and view.details[-1].owner == ""
    assert (view.attention_total, view.attention_agreements, view.left_out) == (10, 10, 0)


def test_the_details_are_capped_and_say_how_many_were_left_out(
    session: Session, portfolio: tuple[Mechanism, Meeting, date]
) -> None:
    view = brief(session, portfolio, cap=4)
    assert [c.agreement_key for c in view.details] == [key(n) for n in STALLED[:4]]
    assert (view.attention_total, view.left_out) == (10, 6)
    assert len(view.agreements) == AGREEMENTS  # the summary is never capped
    assert brief(session, portfolio, cap=0).details == []


@pytest.mark.slow  # renders the brief in a WeasyPrint child process
def test_the_pdf_names_every_agreement_once_in_its_summary_and_details_only_the_flagged(
    session: Session, portfolio: tuple[Mechanism, Meeting, date], settings: Settings, tmp_path: Path
) -> None:
    _, meeting, today = portfolio
    capped = settings.model_copy(
        update={"reports": settings.reports.model_copy(update={"brief_max_details": 8})}
    )
    prepared = generate.prepare_brief(
        "국장급 외교·국방 정책 대화",
        meeting.held_on.isoformat(),
        session=session,
        settings=capped,
        today=today,
    )
    assert set(prepared.snapshot) == {f"{key(n)}:1.1" for n in STALLED} | {
        f"{key(n)}:1.2" for n in UNOWNED[:2]
    }
    with PdfRenderer(assets=[TEMPLATES / "reports"], time_limit=120, memory_mb=2048) as renderer:
        pdf = renderer.render(prepared.html)
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf.data)
    pages = pdf_pages(path)
    summary = "\n".join(p for p in pages if "합의별 현황" in p and "조치 필요 사항" not in p)
    for n in range(AGREEMENTS):
        assert len(re.findall(rf"{title(n)}(?!\d)", summary)) == 1, title(n)
    assert "합의 30건" in pages[0]
    details = "\n".join(pages[pages.index(next(p for p in pages[2:] if "모두 10건" in p)) :])
    text = re.sub(r"\s+", " ", details)
    for n in STALLED:
        assert sentence(n, 1) in text and f"예산 미확보 {n}" in text
    for n in range(AGREEMENTS):
        if n not in STALLED:
            assert sentence(n, 1) not in text
        if n not in UNOWNED[:2]:
            assert sentence(n, 2) not in text
    assert "외 2건은 이 브리핑에 싣지 않았습니다" in text
    assert pdf.pages < 12


@pytest.mark.slow  # builds a portfolio, then renders its brief in a WeasyPrint child process
def test_the_portfolio_benchmark_builds_a_shared_portfolio_and_measures_its_brief(
    database_url: str, tmp_path: Path
) -> None:
    from tracker.bench.reports import bench_portfolio_brief

    (tmp_path / "var").mkdir(exist_ok=True)  # where the SQLite file of `database_url` goes
    lines = list(bench_portfolio_brief(database_url, tmp_path, TEMPLATES, agreements=1))
    assert lines[0].startswith("portfolio of 1 agreements built")
    assert re.search(r"prepared .* Python memory peak [\d.]+ MB", lines[1])
    assert re.search(r"rendered: \d+ pages in [\d.]+ s", lines[2])
