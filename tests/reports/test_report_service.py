"""Preparing and storing reports: counts from the database, briefs across agreements, the
registry, and the renderer's limits. Everything but the PDF tests runs on both databases."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tests.factories import add_agreement, add_mechanism
from tracker.config import Settings
from tracker.domain import Language, Strength
from tracker.models import Agreement, MeetingCreate, Report, StatusUpdateCreate
from tracker.reports import generate
from tracker.reports.context import brief_report
from tracker.reports.render import PdfRenderer, RenderedPdf, RenderFailed
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.status_updates import record_status_update
from tracker.storage import Namespace
from tracker.storage.filesystem import FilesystemStore

TODAY = date(2026, 11, 26)
TEMPLATES = Path(__file__).parents[2] / "templates"


@pytest.fixture
def seeded(session: Session, seed: Agreement) -> Session:
    commitment = find_commitment("kr-ca-2025:7.1", session=session)
    record_status_update(
        commitment,
        StatusUpdateCreate(
            status="stalled", narrative='<b>굵게</b> & "따옴표"', as_of=date(2026, 11, 1)
        ),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=TODAY,
    )
    session.commit()
    return session


def test_the_review_html_is_escaped_and_counts_what_the_database_holds(
    seeded: Session, settings: Settings
) -> None:
    prepared = generate.prepare_review("kr-ca-2025", session=seeded, settings=settings, today=TODAY)
    assert prepared.subject == "kr-ca-2025/cycle-1"
    assert prepared.stem == "2027-10-30_review-cycle-01_ko"
    html = prepared.html.replace("\u2060", "")
    assert "&lt;b&gt;굵게&lt;/b&gt;" in html and "<b>굵게" not in html
    assert len(prepared.snapshot) == 36
    assert prepared.snapshot["kr-ca-2025:7.1"]["status"] == "stalled"
    statuses = [entry["status"] for entry in prepared.snapshot.values()]
    assert statuses.count("not_assessed") == 35


def test_a_brief_gathers_what_a_mechanism_follows_for_its_meeting(
    seeded: Session, settings: Settings
) -> None:
    dialogue = find_mechanism("외교·국방 정책 대화", session=seeded)
    assert dialogue.id is not None
    add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 3, 4), place="오타와"),
        session=seeded,
        actor="test",
        today=TODAY,
    )
    seeded.commit()
    prepared = generate.prepare_brief(
        "외교·국방 정책 대화", "2027-03-04", session=seeded, settings=settings, today=TODAY
    )
    assert prepared.stem == "2027-03-04_brief_ko"
    html = prepared.html.replace("\u2060", "")
    assert "오타와" in html
    # The dialogue reviews all 36 tracked commitments: counted in the summary, while only the
    # one that needs attention (stalled) is detailed.
    assert '<span class="big">36</span>' in html
    assert list(prepared.snapshot) == ["kr-ca-2025:7.1"]


def test_an_unknown_cycle_or_meeting_is_refused_in_one_line(
    seeded: Session, settings: Settings
) -> None:
    with pytest.raises(generate.ReportRefused, match="has no review cycle 4"):
        generate.prepare_review("kr-ca-2025", session=seeded, settings=settings, cycle="4")
    with pytest.raises(Exception, match="has no meeting on 2027-01-01"):
        generate.prepare_brief("2+2", "2027-01-01", session=seeded, settings=settings)


def test_storing_twice_keeps_both_versions_and_a_failed_row_leaves_no_file(
    seeded: Session, settings: Settings, tmp_path: Path
) -> None:
    prepared = generate.prepare_review("kr-ca-2025", session=seeded, settings=settings, today=TODAY)
    pdf = RenderedPdf(b"%PDF-1.7 fake", pages=1, seconds=0.0, peak_rss_mb=0.0)
    folder = tmp_path / "reports"
    first = generate.store_report(
        prepared, pdf, session=seeded, store=FilesystemStore(folder, Namespace.REPORTS), actor="a"
    )
    second = generate.store_report(
        prepared, pdf, session=seeded, store=FilesystemStore(folder, Namespace.REPORTS), actor="a"
    )
    seeded.commit()
    assert (first.version, second.version) == (1, 2)
    assert [p.name for p in sorted((folder / "kr-ca-2025").iterdir())] == [
        "2027-10-30_review-cycle-01_ko_v01.pdf",
        "2027-10-30_review-cycle-01_ko_v02.pdf",
    ]
    english = generate.prepare_review(
        "kr-ca-2025", session=seeded, settings=settings, language=Language.EN, today=TODAY
    )
    orphan = replace(english, cycle_id=999_999)  # the row cannot be stored
    with pytest.raises(IntegrityError):
        generate.store_report(
            orphan, pdf, session=seeded, store=FilesystemStore(folder, Namespace.REPORTS), actor="a"
        )
    seeded.rollback()
    assert not any(p.name.endswith("_en_v01.pdf") for p in (folder / "kr-ca-2025").iterdir())
    assert len(seeded.exec(select(Report)).all()) == 2
    assert not [p for p in folder.rglob(".*") if p.is_file()]  # no temp files left behind


@pytest.mark.slow  # a renderer process stopped at its time limit, then started again
def test_a_render_over_its_time_limit_is_stopped_and_the_next_one_still_works() -> None:
    slow = "<p>x</p>" * 200_000
    with PdfRenderer(assets=[TEMPLATES / "reports"], time_limit=0.5, memory_mb=2048) as renderer:
        with pytest.raises(RenderFailed, match=r"longer than 0.5 s"):
            renderer.render(slow)
        renderer.time_limit = 60
        assert renderer.render("<p>다음 보고서</p>").data.startswith(b"%PDF")


@pytest.mark.slow  # a renderer process grows to its memory cap: seconds, more when loaded
def test_a_render_over_its_memory_cap_fails_cleanly_and_the_next_one_still_works() -> None:
    huge = "<table>" + "<tr><td>가나다</td><td>라마바</td></tr>" * 20_000 + "</table>"
    # The time limit stays far out: on a loaded 2-core machine the render took over 120 s to
    # reach the cap, and the time limit, not the cap, stopped it.
    renderer = PdfRenderer(assets=[TEMPLATES / "reports"], time_limit=900, memory_mb=300)
    with renderer, pytest.raises(RenderFailed, match=r"over the 300 MiB memory cap"):
        renderer.render(huge)
    with renderer:
        assert renderer.render("<p>다음 보고서</p>").data.startswith(b"%PDF")


def test_templates_fetch_nothing_outside_their_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("p { color: red }", encoding="utf-8")
    page = f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="http://example.com/x.png">'
    with PdfRenderer(assets=[TEMPLATES / "reports"], time_limit=60, memory_mb=2048) as renderer:
        rendered = renderer.render(page + "<p>본문</p>")
    assert rendered.data.startswith(b"%PDF")  # rendered without them, not failed


def test_an_override_folder_replaces_a_shipped_template(
    seeded: Session, settings: Settings, tmp_path: Path
) -> None:
    override = tmp_path / "mine" / "reports"
    override.mkdir(parents=True)
    (override / "review.html").write_text(
        "<h1>우리 부서 양식: {{ report.cover.agreement_title }}</h1>", encoding="utf-8"
    )
    custom = settings.model_copy(
        update={
            "reports": settings.reports.model_copy(update={"override_templates": override.parent})
        }
    )
    prepared = generate.prepare_review("kr-ca-2025", session=seeded, settings=custom, today=TODAY)
    assert prepared.html.startswith("<h1>우리 부서 양식: 한\u2060-")


def test_a_brief_counts_only_its_own_mechanism_when_another_counterpart_shares_the_name(
    seeded: Session, settings: Settings
) -> None:
    canadian = find_mechanism("외교·국방 정책 대화", session=seeded)
    australian = add_mechanism(seeded, canadian.name)
    australian.counterpart = "호주"
    add_agreement(
        seeded,
        key="kr-au-2026",
        title="한-호주 국방 협력",
        countries="호주",
        clauses=[("1", [("양국은 국장급 외교·국방 정책 대화에서 점검할 것이다.", Strength.FIRM)])],
        mechanisms={"정책 대화": australian},
    )
    seeded.commit()
    assert canadian.id is not None
    meeting = add_meeting(
        canadian,
        MeetingCreate(mechanism_id=canadian.id, held_on=date(2027, 3, 4)),
        session=seeded,
        actor="test",
        today=TODAY,
    )
    view = brief_report(
        canadian,
        meeting,
        session=seeded,
        policy=FollowUpPolicy(),
        language="ko",
        classification="",
        today=TODAY,
    )
    assert sum(count.count for count in view.status_counts) == 36
    assert [row.key for row in view.agreements] == ["kr-ca-2025"]


def test_the_parent_reads_a_render_s_address_space_to_stop_one_that_stays_at_its_cap() -> None:
    from tracker.reports.render import _address_space_mb

    mine = _address_space_mb(os.getpid())
    assert mine is not None and mine > 10  # this Python process maps more than 10 MiB
    assert _address_space_mb(None) is None and _address_space_mb(2**22 + 1) is None
