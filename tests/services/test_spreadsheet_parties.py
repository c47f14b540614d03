"""The spreadsheet round trip speaks both parties: a block of columns per party (what stands, for
reading; what to record), the obstacles and the evidence level of the home side's update; a
counterpart's status for a commitment of one party alone is refused with its row, and a sheet
with any problem writes nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, func, select

from tracker.domain import EvidenceLevel, Party
from tracker.models import Agreement, StatusUpdate, StatusUpdateCreate
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.spreadsheet import (
    COLUMNS,
    SheetRefused,
    SheetResult,
    apply_updates,
    check_updates,
    export_rows,
    read_updates,
    write_export,
)
from tracker.services.status_updates import record_status_update

KEY = "kr-ca-2025"
TODAY = date(2025, 12, 1)
Edits = dict[str, dict[str, Any]]


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence", evidence_max_bytes=1000)


@pytest.fixture
def sheets(tmp_path: Path) -> Path:
    folder = tmp_path / "sheets"
    folder.mkdir()
    return folder


def export(session: Session, policy: FollowUpPolicy, path: Path) -> Path:
    rows = export_rows(session=session, policy=policy, agreement=KEY)
    return write_export(rows, path, policy=policy)


def edit_csv(path: Path, edits: Edits) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(edits.get(row["ref"], {}))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def edit_xlsx(path: Path, edits: Edits) -> None:
    workbook = load_workbook(path)
    sheet = workbook["updates"]
    columns = {str(cell.value): index for index, cell in enumerate(sheet[1], start=1)}
    for number in range(2, sheet.max_row + 1):
        ref = str(sheet.cell(row=number, column=columns["ref"]).value)
        for name, value in edits.get(ref, {}).items():
            sheet.cell(row=number, column=columns[name], value=value)
    workbook.save(path)


def sheet_rows(path: Path) -> dict[str, dict[str, Any]]:
    """The exported workbook's rows by reference, each a column -> value mapping."""
    sheet = load_workbook(path)["updates"]
    header = [str(cell.value) for cell in sheet[1]]
    rows = (
        dict(zip(header, values, strict=True))
        for values in sheet.iter_rows(min_row=2, values_only=True)
    )
    return {str(row["ref"]): row for row in rows}


def line_of(path: Path, ref: str) -> int:
    refs = [row["ref"] for row in csv.DictReader(path.open(encoding="utf-8-sig"))]
    return refs.index(ref) + 2


def import_sheet(session: Session, policy: FollowUpPolicy, path: Path) -> SheetResult:
    result = apply_updates(
        read_updates(path), session=session, policy=policy, author="정진우", today=TODAY
    )
    session.commit()
    return result


def updates_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(StatusUpdate)).one()


def refused(session: Session, policy: FollowUpPolicy, path: Path) -> list[str]:
    """Each row's problem of a refused sheet (English), having checked that nothing was written."""
    before = updates_count(session)
    with pytest.raises(SheetRefused) as caught:
        apply_updates(
            read_updates(path), session=session, policy=policy, author="정진우", today=TODAY
        )
    session.rollback()
    assert updates_count(session) == before, "a refused sheet wrote something"
    return [str(problem) for problem in caught.value.problems]


def one_party(session: Session, ref: str) -> None:
    commitment = find_commitment(f"{KEY}:{ref}", session=session)
    commitment.actors = "Korea"
    session.add(commitment)
    session.commit()


def test_each_party_has_a_block_of_columns_and_the_counterpart_s_status_is_exported(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    commitment = find_commitment(f"{KEY}:7.3", session=session)
    record_status_update(
        commitment,
        StatusUpdateCreate(status="achieved", as_of=date(2025, 11, 20), party=Party.COUNTERPART),
        session=session,
        policy=policy,
        author="정진우",
        today=TODAY,
    )
    session.commit()
    path = export(session, policy, sheets / "kr-ca.xlsx")
    header = [cell.value for cell in load_workbook(path)["updates"][1]]
    assert header == list(COLUMNS)
    # The home side's block stays where it was; the counterpart's follows it.
    assert header[9:] == [
        "new_status",
        "note",
        "as_of",
        "evidence",
        "evidence_level",
        "obstacles",
        "current_counterpart_status",
        "current_counterpart_as_of",
        "new_counterpart_status",
        "counterpart_note",
        "counterpart_as_of",
    ]
    rows = sheet_rows(path)
    assert rows["7.3"]["current_status"] == "점검 전"
    assert rows["7.3"]["current_counterpart_status"] == "달성"
    assert rows["7.3"]["current_counterpart_as_of"].date() == date(2025, 11, 20)
    assert rows["7.1"]["current_counterpart_status"] is None  # nobody recorded it


def test_one_row_records_both_parties_with_obstacles_and_an_evidence_level(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(session, policy, sheets / "kr-ca.xlsx")
    edit_xlsx(
        path,
        {
            "7.3": {
                "new_status": "진행 중",
                "note": "1차 협의 개최",
                "as_of": "2025-11-25",
                "evidence_level": "증빙 없이 보고",
                "obstacles": "예산 미확보",
                "new_counterpart_status": "Achieved",
                "counterpart_note": "캐나다 측 법령 개정",
                "counterpart_as_of": date(2025, 11, 20),
            },
            "7.1": {"new_counterpart_status": "in_progress"},
        },
    )
    before = updates_count(session)
    planned = check_updates(read_updates(path), session=session, policy=policy, today=TODAY)
    assert [(p.reference, p.party, p.status_before, p.status_after) for p in planned] == [
        (f"{KEY}:7.1", Party.COUNTERPART, "-", "진행 중"),
        (f"{KEY}:7.3", Party.HOME, "점검 전", "진행 중"),
        (f"{KEY}:7.3", Party.COUNTERPART, "-", "달성"),
    ]
    assert updates_count(session) == before  # checking writes nothing

    result = import_sheet(session, policy, path)
    assert len(result.applied) == 3 and all(a.current for a in result.applied)
    session.expire_all()
    commitment = find_commitment(f"{KEY}:7.3", session=session)
    assert (commitment.status, commitment.status_as_of) == ("in_progress", date(2025, 11, 25))
    assert (commitment.counterpart_status, commitment.counterpart_status_as_of) == (
        "achieved",
        date(2025, 11, 20),
    )
    ours, theirs = session.exec(
        select(StatusUpdate)
        .where(StatusUpdate.commitment_id == commitment.id)
        .order_by(col(StatusUpdate.id))
    ).all()
    assert (ours.party, ours.obstacles, ours.evidence_level) == (
        Party.HOME,
        "예산 미확보",
        EvidenceLevel.REPORTED,
    )
    assert (theirs.party, theirs.narrative, theirs.obstacles) == (
        Party.COUNTERPART,
        "캐나다 측 법령 개정",
        "",
    )
    # Only the counterpart's was filled on 7.1: its home side's status is untouched.
    other = find_commitment(f"{KEY}:7.1", session=session)
    assert (other.status, other.counterpart_status) == (None, "in_progress")

    again = sheet_rows(export(session, policy, sheets / "again.xlsx"))
    assert (again["7.3"]["current_status"], again["7.3"]["current_counterpart_status"]) == (
        "진행 중",
        "달성",
    )


def test_a_counterpart_status_for_a_one_party_commitment_is_refused_and_nothing_is_written(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    one_party(session, "7.3")
    path = export(session, policy, sheets / "kr-ca.csv")
    edit_csv(
        path,
        {
            "7.1": {"new_status": "in_progress"},  # a good row: not applied either
            "7.3": {"new_status": "in_progress", "new_counterpart_status": "achieved"},
        },
    )
    assert refused(session, policy, path) == [
        f"line {line_of(path, '7.3')}: {KEY}:7.3 is one party's alone (Korea): leave "
        "new_counterpart_status, counterpart_note and counterpart_as_of blank"
    ]
    session.expire_all()
    assert find_commitment(f"{KEY}:7.1", session=session).status is None

    # Its own party's columns alone are fine.
    edit_csv(path, {"7.3": {"new_counterpart_status": ""}})
    assert len(import_sheet(session, policy, path).applied) == 2


def test_every_party_cell_s_problem_is_listed_by_its_line(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(session, policy, sheets / "kr-ca.csv")
    edit_csv(
        path,
        {
            "3.2": {"note": "x", "evidence_level": "maybe"},
            "5.1": {"new_status": "achieved", "evidence_level": "found"},
            "7.1": {
                "new_status": "achieved",
                "evidence_level": "none_available",
                "evidence": "https://www.mofa.go.kr/press/1",
            },
            "7.2": {"new_counterpart_status": "끝", "counterpart_as_of": "2025-12-02"},
            "7.3": {"counterpart_note": "x", "counterpart_as_of": "2025-11-31"},
        },
    )
    problems = refused(session, policy, path)
    assert [problem.split(":")[0] for problem in problems] == [
        f"line {line_of(path, ref)}" for ref in ("3.2", "5.1", "7.1", "7.2", "7.2", "7.3")
    ]
    said = "\n".join(problems)
    assert "unknown evidence_level 'maybe'; use one of: found" in said
    assert "'Evidence found' needs a link or a file." in said
    assert "'No evidence available' with 1 item of evidence attached" in said
    assert "unknown new_counterpart_status '끝'" in said
    assert "counterpart_as_of 2025-12-02 is after today (2025-12-01)" in said
    assert "counterpart_as_of '2025-11-31' is not a date that exists" in said


def test_an_evidence_level_is_read_by_its_key_or_its_words_in_either_language(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(session, policy, sheets / "kr-ca.csv")
    typed = {
        "3.2": ("None available", EvidenceLevel.NONE_AVAILABLE),
        "5.1": ("확인 가능한 증빙 없음", EvidenceLevel.NONE_AVAILABLE),
        "7.1": ("reported", EvidenceLevel.REPORTED),
        "7.2": ("Reported without evidence", EvidenceLevel.REPORTED),
    }
    edit_csv(path, {ref: {"evidence_level": words} for ref, (words, _) in typed.items()})
    result = import_sheet(session, policy, path)
    assert {
        a.planned.reference.rpartition(":")[2]: a.planned.update.evidence_level
        for a in result.applied
    } == {ref: level for ref, (_, level) in typed.items()}


def test_a_sheet_exported_before_the_party_columns_still_reads(
    session: Session, seed: Agreement, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(session, policy, sheets / "kr-ca.csv")
    old = [
        "agreement",
        "ref",
        "version",
        "clause",
        "text",
        "owner",
        "division",
        "current_status",
        "current_as_of",
        "new_status",
        "note",
        "as_of",
        "evidence",
    ]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["new_status"] = "achieved"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=old, extrasaction="ignore", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    (applied,) = import_sheet(session, policy, path).applied
    assert (applied.planned.party, applied.planned.update.status) == (Party.HOME, "achieved")
