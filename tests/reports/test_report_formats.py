"""A report in several formats: one generation is one version, whatever it is written as, and
a failure leaves no file of any format behind."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.domain import ReportFormat
from tracker.models import Agreement, Report
from tracker.reports import generate
from tracker.reports.generate import ReportRefused, output_files
from tracker.services.paging import PageRequest
from tracker.services.report_registry import generations, page_of_reports
from tracker.storage import Namespace
from tracker.storage.filesystem import FilesystemStore

TODAY = date(2026, 11, 26)
DOCUMENTS = [ReportFormat.HWPX, ReportFormat.DOCX]


def no_pdf() -> generate.RendersPdf:
    raise AssertionError("no PDF was asked for: the renderer must not start")


def prepared_review(session: Session, settings: Settings) -> generate.PreparedReport:
    return generate.prepare_review("kr-ca-2025", session=session, settings=settings, today=TODAY)


def test_each_generation_is_one_version_in_every_format_it_is_written_in(
    session: Session, seed: Agreement, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    prepared = prepared_review(session, settings)
    session.rollback()  # the rows are written in transactions of their own
    folder = tmp_path / "reports"
    for _ in range(2):
        renditions = generate.render_report(prepared, DOCUMENTS, pdf_renderer=no_pdf)
        generate.save_reports(
            prepared,
            renditions,
            engine=engine,
            store=FilesystemStore(folder, Namespace.REPORTS),
            actor="a",
        )
    rows = session.exec(select(Report).order_by(col(Report.id))).all()
    assert [(r.version, r.format, r.pages) for r in rows] == [
        (1, ReportFormat.HWPX, None),
        (1, ReportFormat.DOCX, None),
        (2, ReportFormat.HWPX, None),
        (2, ReportFormat.DOCX, None),
    ]
    for row in rows:
        data = (folder / row.path).read_bytes()
        assert row.path == f"kr-ca-2025/2027-10-30_review-cycle-01_ko_v0{row.version}.{row.format}"
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size_bytes
        assert data[:2] == b"PK"  # both are zip packages
        assert row.snapshot == prepared.snapshot  # what the next report compares against


def test_a_registry_write_that_fails_leaves_no_file_of_any_format(
    session: Session, seed: Agreement, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    prepared = prepared_review(session, settings)
    session.rollback()
    renditions = generate.render_report(prepared, DOCUMENTS, pdf_renderer=no_pdf)
    folder = tmp_path / "reports"

    def refuse(_session: Session, reports: list[Report]) -> None:
        assert len(reports) == 2 and all((folder / r.path).is_file() for r in reports)
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        generate.save_reports(
            prepared,
            renditions,
            engine=engine,
            store=FilesystemStore(folder, Namespace.REPORTS),
            actor="a",
            also=refuse,
        )
    assert session.exec(select(Report)).all() == []
    assert not any(path.is_file() for path in folder.rglob("*"))


def test_out_names_the_file_of_one_format_and_a_file_per_format_for_several() -> None:
    assert output_files(Path("x/review.docx"), [ReportFormat.DOCX]) == {
        ReportFormat.DOCX: Path("x/review.docx")
    }
    assert output_files(Path("review"), [ReportFormat.PDF, ReportFormat.HWPX]) == {
        ReportFormat.PDF: Path("review.pdf"),
        ReportFormat.HWPX: Path("review.hwpx"),
    }
    assert output_files(Path("2+2.review.PDF"), DOCUMENTS) == {
        ReportFormat.HWPX: Path("2+2.review.hwpx"),
        ReportFormat.DOCX: Path("2+2.review.docx"),
    }
    with pytest.raises(ReportRefused) as refused:
        output_files(Path("review.pdf"), [ReportFormat.DOCX])
    assert str(refused.value.describe("en")) == (
        "the --out file review.pdf does not end in the chosen format docx: "
        "name it .docx or change --format"
    )


def test_two_generations_of_one_report_at_once_take_two_versions_and_keep_both_files(
    session: Session, seed: Agreement, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    """A click and the scheduler at the same moment: the second waits for the first's version
    to be recorded, then takes the next (it used to take the same number, overwrite the first's
    file, and fail on the unique version)."""
    prepared = prepared_review(session, settings)
    session.rollback()
    store = FilesystemStore(tmp_path / "reports", Namespace.REPORTS)
    renditions = generate.render_report(prepared, [ReportFormat.HWPX], pdf_renderer=no_pdf)
    first_inside, let_first_commit = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def hold(_session: Session, _reports: list[Report]) -> None:
        first_inside.set()
        let_first_commit.wait(10)

    def generate_as(name: str, also: Callable[[Session, list[Report]], None] | None = None) -> None:
        try:
            saved = generate.save_reports(
                prepared, renditions, engine=engine, store=store, actor=name, also=also
            )
            outcomes[name] = saved[0].version
        except Exception as exc:  # the test shows what went wrong
            outcomes[name] = exc

    first = threading.Thread(target=generate_as, args=("click", hold))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=generate_as, args=("scheduler",))
    second.start()
    time.sleep(0.5)  # the scheduler is now waiting for the click's transaction
    let_first_commit.set()
    first.join(20)
    second.join(20)
    assert outcomes == {"click": 1, "scheduler": 2}
    rows = session.exec(select(Report).order_by(col(Report.version))).all()
    assert [store.read_bytes(r.path) for r in rows] == [renditions[0].data] * 2


def test_the_registry_lists_a_generations_formats_together_pdf_first(
    session: Session, seed: Agreement, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    prepared = prepared_review(session, settings)
    session.rollback()
    store = FilesystemStore(tmp_path / "reports", Namespace.REPORTS)
    renditions = generate.render_report(prepared, DOCUMENTS, pdf_renderer=no_pdf)
    for _ in range(2):
        generate.save_reports(prepared, renditions, engine=engine, store=store, actor="a")
    listed = page_of_reports(session=session, page=PageRequest()).items  # newest first
    found = generations(listed)
    assert [(g.listed.report.version, [f.format.value for f in g.files]) for g in found] == [
        (2, ["hwpx", "docx"]),
        (1, ["hwpx", "docx"]),
    ]
    assert found[0].listed.agreement_key == "kr-ca-2025"
