"""The review report as the director reads it: the PDF itself, read back."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from tests.factories import import_seed
from tests.reports.conftest import pdf_fonts, pdf_pages, pdf_text
from tracker.config import Settings, load_settings
from tracker.db import make_engine, read_session, write_session
from tracker.domain import Language, ReportKind, Score
from tracker.models import (
    Agreement,
    Clause,
    Commitment,
    MeetingCreate,
    Report,
    StatusUpdateCreate,
)
from tracker.reports.generate import prepare_brief, prepare_review, store_report
from tracker.reports.render import PdfRenderer
from tracker.reports.templating import keep_words
from tracker.schema import upgrade_database
from tracker.services.assessments import assess
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.cycles import find_cycle
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.meetings import add_meeting
from tracker.services.policy import FollowUpPolicy
from tracker.services.report_registry import report_path
from tracker.services.status_updates import record_status_update
from tracker.storage import Namespace
from tracker.storage.filesystem import FilesystemStore

# Four real PDFs rendered once for the module: half a minute on a loaded 2-core machine.
pytestmark = pytest.mark.slow

TODAY = date(2026, 11, 26)
NANUM = Path("/usr/share/fonts/truetype/nanum")
SCRIPT = '<script>alert("x")</script><img src="file:///etc/passwd">'


@dataclass
class Rendered:
    settings: Settings
    engine: Engine
    first: Path
    second: Path
    english: Path
    brief: Path


def generate(
    settings: Settings, engine: Engine, renderer: PdfRenderer, language: Language = Language.KO
) -> Path:
    with read_session(engine) as session:
        prepared = prepare_review(
            "kr-ca-2025", session=session, settings=settings, language=language, today=TODAY
        )
    pdf = renderer.render(prepared.html)
    folder = settings.resolve(settings.paths.reports)
    with write_session(engine) as session:
        report = store_report(
            prepared,
            pdf,
            session=session,
            store=FilesystemStore(folder, Namespace.REPORTS),
            actor="test",
        )
        return report_path(report, folder)


def generate_brief(settings: Settings, engine: Engine, renderer: PdfRenderer) -> Path:
    with Session(engine) as session:
        dialogue = find_mechanism("외교·국방 정책 대화", session=session)
        assert dialogue.id is not None
        add_meeting(
            dialogue,
            MeetingCreate(mechanism_id=dialogue.id, held_on=date(2027, 3, 4), place="오타와"),
            session=session,
            actor="test",
            today=TODAY,
        )
        session.commit()
        prepared = prepare_brief(
            str(dialogue.id), "2027-03-04", session=session, settings=settings, today=TODAY
        )
    folder = settings.resolve(settings.paths.reports)
    with write_session(engine) as session:
        report = store_report(
            prepared,
            renderer.render(prepared.html),
            session=session,
            store=FilesystemStore(folder, Namespace.REPORTS),
            actor="t",
        )
        return report_path(report, folder)


def update(session: Session, ref: str, status: str, note: str, score: Score | None = None) -> None:
    commitment = find_commitment(f"kr-ca-2025:{ref}", session=session)
    record_status_update(
        commitment,
        StatusUpdateCreate(status=status, narrative=note, as_of=date(2026, 11, 2)),
        session=session,
        policy=FollowUpPolicy(),
        author="정진우",
        today=TODAY,
    )
    if score is not None:
        agreement_cycle = find_cycle(
            commitment_agreement(session, commitment), "current", session=session
        )
        assess(
            commitment,
            agreement_cycle,
            score=score,
            rationale="근거",
            session=session,
            actor="t",
            confirmed=True,  # these updates carry no evidence; the report is what is tested
        )


def commitment_agreement(session: Session, commitment: Commitment) -> object:

    return session.get(Agreement, commitment.agreement_id)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """The seed with some follow-up, reported twice (with a change between) and in English."""
    folder = tmp_path_factory.mktemp("reports")
    (folder / "var").mkdir()
    config = folder / "config.toml"
    templates = (Path(__file__).parents[2] / "templates").as_posix()
    config.write_text(
        f'[database]\nurl = "sqlite:///{folder}/var/t.db"\n[paths]\ntemplates = "{templates}"\n'
        '[reports]\nclassification = "대외비"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        import_seed(session)
        update(session, "7.1", "in_progress", "1차 합동훈련 참관", Score.PARTIAL)
        update(session, "9.1", "stalled", f"예산 미확보 {SCRIPT}")
        update(session, "16.1", "achieved", "협의 개시", Score.FULL)
        session.commit()
    with PdfRenderer(assets=[Path(templates) / "reports"], time_limit=120, memory_mb=2048) as r:
        first = generate(settings, engine, r)
        with Session(engine) as session:
            update(session, "7.1", "achieved", "훈련 완료")
            session.commit()
        second = generate(settings, engine, r)
        english = generate(settings, engine, r, Language.EN)
        brief = generate_brief(settings, engine, r)
    yield Rendered(settings, engine, first, second, english, brief)
    engine.dispose()


def test_every_tracked_commitment_appears_with_its_reference_owner_and_status(
    rendered: Rendered,
) -> None:
    text = pdf_text(rendered.second, layout=True)
    with read_session(rendered.engine) as session:
        tracked = list_commitments(session=session, where=CommitmentFilter(tracked=True))
    assert len(tracked) == 36
    for commitment in tracked:
        assert re.search(rf"(?m)(^|\s){re.escape(commitment.ref)}(\s|$)", text), commitment.ref
    assert text.count("정진우") >= 36
    for label in ("달성", "정체", "점검 전"):
        assert label in text


def test_the_summary_counts_equal_the_database(rendered: Rendered) -> None:
    summary = next(page for page in pdf_pages(rendered.second) if "진행 상황별 현황" in page)
    with read_session(rendered.engine) as session:
        counts = dict(
            session.exec(
                select(Commitment.status, func.count())
                .where(Commitment.tracked)
                .group_by(Commitment.status)
            ).all()
        )
    expected = {"점검 전": counts[None], "달성": counts["achieved"], "정체": counts["stalled"]}
    assert expected == {"점검 전": 33, "달성": 2, "정체": 1}
    for label, count in expected.items():
        assert re.search(rf"{label}\s+{count}\s+\d+%", summary), (label, count)
    assert re.search(r"계\s+36\s+100%", summary)


def test_the_contents_give_the_page_each_heading_is_on(rendered: Rendered) -> None:
    pages = pdf_pages(rendered.second)
    contents = next(page for page in pages if "목차" in page)
    entries = re.findall(r"(?m)^\s*(\S[^.\n]*?)\s*\.{3,}\s*(\d+)\s*$", contents)
    assert len(entries) >= 8
    for heading, number in entries:
        page = pages[int(number) - 1]
        assert heading.strip() in page, (heading, number)


def test_pages_carry_the_running_title_n_of_n_and_the_classification(rendered: Rendered) -> None:
    pages = pdf_pages(rendered.second)
    total = len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert f"{number} / {total}" in page
        assert "한-캐나다 안보·국방 협력 파트너십 수립" in page
        assert "대외비" in page


def test_korean_is_set_in_nanum_fonts_that_hold_every_character(rendered: Rendered) -> None:
    fonts = set(pdf_fonts(rendered.second))
    assert fonts and all(name.startswith("Nanum") for name in fonts), fonts
    covered: set[int] = set()
    for name in fonts:
        path = NANUM / f"{name.replace('-', '')}.ttf"
        covered |= set(TTFont(path).getBestCmap())
    text = pdf_text(rendered.second)
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
    assert missing == set()
    assert "양국은" in text or "한국과 캐나다는" in text


def words_split_across_lines(text: str, words: set[str]) -> list[str]:
    """Pairs (end of one line, start of the next) that are one word cut in two."""
    lines = [line.split() for line in text.splitlines() if line.split()]
    return [
        f"{a[-1]}|{b[0]}"
        for a, b in itertools.pairwise(lines)
        if re.search("[가-힣]", a[-1]) and a[-1] + b[0] in words and a[-1] not in words
    ]


def test_korean_lines_break_between_words_never_inside_one(rendered: Rendered) -> None:
    with read_session(rendered.engine) as session:
        sources = [c.text for c in session.exec(select(Commitment)).all()]
        sources += [c.text for c in session.exec(select(Clause)).all()]
    words = {word for text in sources for word in text.split()}
    assert words_split_across_lines(pdf_text(rendered.second), words) == []


def test_without_word_joiners_weasyprint_would_cut_words(rendered: Rendered) -> None:
    """The check above can fail: the same narrow column, once raw and once kept whole."""
    text = "한국과 캐나다는 안보 및 국방 관련 분야에서 유사 입장국들과의 다자 대화 및 협력을 촉진"
    words = set(text.split())
    page = '<div style="width: 22mm; font: 11pt NanumGothic">{}</div>'
    templates = Path(__file__).parents[2] / "templates" / "reports"
    with PdfRenderer(assets=[templates], time_limit=60, memory_mb=2048) as renderer:
        raw = renderer.render(page.format(text)).data
        kept = renderer.render(page.format(keep_words(text))).data
    for name, data in (("raw", raw), ("kept", kept)):
        (rendered.first.parent / f"{name}.pdf").write_bytes(data)
    cut = words_split_across_lines(pdf_text(rendered.first.parent / "raw.pdf"), words)
    assert cut != []
    assert words_split_across_lines(pdf_text(rendered.first.parent / "kept.pdf"), words) == []


def test_text_from_notes_is_printed_not_obeyed(rendered: Rendered) -> None:
    text = pdf_text(rendered.second)
    assert '<script>alert("x")</script>' in text.replace("\n", "")
    assert "<img" in text


def test_a_second_report_says_what_changed_and_keeps_the_first_as_a_version(
    rendered: Rendered,
) -> None:
    assert rendered.first.exists() and rendered.second.exists()
    assert rendered.first.name.endswith("_ko_v01.pdf") and rendered.second.name.endswith(
        "_ko_v02.pdf"
    )
    assert sorted([rendered.second.name, rendered.first.name]) == [
        rendered.first.name,
        rendered.second.name,
    ]
    text = pdf_text(rendered.second, layout=True)
    assert re.search(r"진행 중\s*→\s*달성", text)
    with read_session(rendered.engine) as session:
        rows = session.exec(
            select(Report).where(Report.kind == ReportKind.REVIEW).order_by(Report.id)
        ).all()
    assert [(r.version, r.language, r.pages > 5) for r in rows] == [
        (1, Language.KO, True),
        (2, Language.KO, True),
        (1, Language.EN, True),
    ]
    assert hashlib.sha256(rendered.second.read_bytes()).hexdigest() == rows[1].sha256


def test_the_english_report_has_english_headings_and_the_same_commitments(
    rendered: Rendered,
) -> None:
    text = pdf_text(rendered.english, layout=True)
    assert "Contents" in text and "Summary" in text
    assert "목차" not in text
    assert "7.1" in text and "Achieved" in text


def test_the_brief_for_a_policy_dialogue_lists_what_it_follows_for_that_meeting(
    rendered: Rendered,
) -> None:
    text = pdf_text(rendered.brief, layout=True)
    assert "국장급 외교·국방 정책 대화" in text and "2027-03-04" in text and "오타와" in text
    # Every agreement it follows gets its summary row; only what needs attention is detailed:
    # 9.1 is stalled, while 7.1 and 16.1 are achieved.
    assert re.search(r"협력 파트너십 수립\s+kr-ca-2025\s+캐나다 / 국방부\s+36\s+33\s", text)
    details = text[text.index("조치가 필요한 이행과제는") :]
    assert re.search(r"(?m)(^|\s)9\.1(\s|$)", details) and "예산 미확보" in details
    for ref in ("7.1", "16.1"):
        assert not re.search(rf"(?m)(^|\s){re.escape(ref)}(\s|$)", details), ref
    assert re.search(r"정체", text) and re.search(r"달성", text)
    assert rendered.brief.parent.name.startswith("mechanism-")


def test_the_english_report_labels_every_status_in_english(rendered: Rendered) -> None:
    text = pdf_text(rendered.english)
    assert "Not assessed yet" in text and "Stalled" in text
    assert "점검 전" not in text and "정체" not in text
