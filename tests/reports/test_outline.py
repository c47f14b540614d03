"""The editable documents' outline: the review and the brief as headings, tables and
commitment blocks, from the same views as the PDF."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.models import Agreement, Commitment
from tracker.reports import generate
from tracker.reports.outline import Commitment as CommitmentBlock
from tracker.reports.outline import Heading, Table, review_outline

TODAY = date(2026, 11, 26)


def test_the_review_outline_holds_every_tracked_commitment_in_document_order(
    session: Session, seed: Agreement, settings: Settings
) -> None:
    prepared = generate.prepare_review(
        "kr-ca-2025", session=session, settings=settings, today=TODAY
    )
    document = review_outline(prepared.view)  # type: ignore[arg-type]
    refs = [b.ref for b in document.blocks if isinstance(b, CommitmentBlock)]
    tracked = session.exec(
        select(Commitment.ref).where(Commitment.agreement_id == seed.id, col(Commitment.tracked))
    ).all()
    assert sorted(refs) == sorted(tracked) and len(refs) == 36
    assert refs.index("7.1") < refs.index("7.2") < refs.index("24.1")
    parts = [h.text for h in document.headings(1)]
    assert parts == [
        "요약",
        "조치 필요 사항",
        "협의체 현황",
        "조항별 이행 현황",
        "부록: 합의문 전문",
    ]
    status_table = next(b for b in document.blocks if isinstance(b, Table))
    assert status_table.footer[1] == "36"
    assert all(isinstance(b, Heading) for b in document.blocks if getattr(b, "level", 0))
