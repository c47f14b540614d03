"""Officers live in spreadsheets: they export their commitments, fill in the new statuses, and
import the sheet back; every row is applied, or none and every bad row is named."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from tracker.domain import Language, UpdateSource
from tracker.importer import parse_agreement
from tracker.models import Commitment, OfficerCreate, StatusUpdate, StatusUpdateCreate
from tracker.services import owners
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.import_sources import SAMPLE_KEY, SAMPLE_NAME, sample_source
from tracker.services.imports import import_agreement
from tracker.services.lookup import find_commitment
from tracker.services.policy import FollowUpPolicy
from tracker.services.spreadsheet import (
    COLUMNS,
    SheetRefused,
    SheetResult,
    SpreadsheetRefused,
    apply_updates,
    check_updates,
    export_rows,
    read_updates,
    write_export,
)
from tracker.services.status_updates import list_updates, record_status_update

TODAY = date(2025, 12, 1)
Edits = dict[str, dict[str, Any]]


@pytest.fixture
def policy(tmp_path: Path) -> FollowUpPolicy:
    return FollowUpPolicy(evidence_dir=tmp_path / "evidence", evidence_max_bytes=1000)


@pytest.fixture
def seeded(session: Session) -> Session:
    """The Korea-Canada partnership, imported: 36 tracked commitments, owned by 정진우."""
    import_agreement(
        parse_agreement(sample_source()), session=session, source_name=SAMPLE_NAME, key=SAMPLE_KEY
    )
    session.commit()
    return session


@pytest.fixture
def sheets(tmp_path: Path) -> Path:
    folder = tmp_path / "sheets"
    folder.mkdir()
    return folder


def export(session: Session, policy: FollowUpPolicy, path: Path, **options: Any) -> Path:
    rows = export_rows(session=session, policy=policy, agreement=SAMPLE_KEY, **options)
    return write_export(rows, path, policy=policy)


def edit_csv(path: Path, edits: Edits, *, encoding: str = "utf-8-sig") -> None:
    """What Excel's "CSV UTF-8" gives back after the officer typed into some rows."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(edits.get(row["ref"], {}))
    with path.open("w", encoding=encoding, newline="") as handle:
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


def line_of(path: Path, ref: str) -> int:
    """The line (CSV) or row (XLSX) where `ref` stands, as the officer sees it."""
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


def status_of(session: Session, ref: str) -> tuple[str | None, date | None]:
    session.expire_all()
    commitment = find_commitment(f"{SAMPLE_KEY}:{ref}", session=session)
    return commitment.status, commitment.status_as_of


def refused(
    session: Session, policy: FollowUpPolicy, path: Path
) -> tuple[SheetRefused, Callable[[], int]]:
    before = updates_count(session)
    with pytest.raises(SheetRefused) as caught:
        apply_updates(
            read_updates(path), session=session, policy=policy, author="정진우", today=TODAY
        )
    session.rollback()
    assert updates_count(session) == before, "a refused sheet wrote something"
    return caught.value, lambda: updates_count(session)


def row_problems(error: SheetRefused) -> list[str]:
    """Each row's problem as the terminal shows it under the head line (English)."""
    return [str(problem) for problem in error.problems]


# --- the round trip ---------------------------------------------------------------------------


def test_an_officer_fills_in_the_csv_and_the_new_statuses_are_current(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    edit_csv(
        path,
        {
            "7.3": {"new_status": "진행 중", "note": "1차 협의 개최", "as_of": "2025-11-20"},
            "9.2": {"new_status": "achieved", "evidence": "https://www.mofa.go.kr/press/1234"},
        },
    )

    result = import_sheet(seeded, policy, path)

    assert [(a.planned.reference, a.planned.status_after) for a in result.applied] == [
        ("kr-ca-2025:7.3", "진행 중"),
        ("kr-ca-2025:9.2", "달성"),
    ]
    assert result.unchanged == 34
    assert status_of(seeded, "7.3") == ("in_progress", date(2025, 11, 20))
    assert status_of(seeded, "9.2") == ("achieved", TODAY)  # a blank as_of means today
    listed = {
        c.ref: c
        for c in list_commitments(
            session=seeded, policy=policy, where=CommitmentFilter(agreement=SAMPLE_KEY)
        )
    }
    assert listed["7.3"].status_label == "진행 중"
    assert listed["7.3"].version == 2
    (update,) = list_updates(find_commitment("kr-ca-2025:7.3", session=seeded), session=seeded)
    assert (update.narrative, update.author, update.source) == (
        "1차 협의 개최",
        "정진우",
        UpdateSource.SPREADSHEET,
    )
    (linked,) = list_updates(find_commitment("kr-ca-2025:9.2", session=seeded), session=seeded)
    assert [e.url for e in linked.evidence] == ["https://www.mofa.go.kr/press/1234"]
    assert updates_count(seeded) == 2  # the untouched rows recorded nothing


def test_an_officer_fills_in_the_xlsx_with_excel_dates_and_evidence_files(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.xlsx")
    (sheets / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    (sheets / "press release.pdf").write_bytes(b"%PDF-1.4 press")
    edit_xlsx(
        path,
        {
            "5.1": {"new_status": "Achieved", "as_of": datetime(2025, 11, 3)},
            "6.1": {
                "new_status": "stalled",
                "note": "상대측 회신 대기\n다음 달 재협의",
                "evidence": "minutes.pdf; press release.pdf",
            },
        },
    )

    result = import_sheet(seeded, policy, path)

    assert [a.planned.where for a in result.applied] == ["row 3", "row 5"]
    assert status_of(seeded, "5.1") == ("achieved", date(2025, 11, 3))
    assert status_of(seeded, "6.1") == ("stalled", TODAY)
    (update,) = list_updates(find_commitment("kr-ca-2025:6.1", session=seeded), session=seeded)
    assert update.narrative == "상대측 회신 대기\n다음 달 재협의"
    assert sorted(e.file_name for e in update.evidence) == ["minutes.pdf", "press release.pdf"]
    assert all((policy.evidence_dir / e.stored_path).is_file() for e in update.evidence)


def test_the_xlsx_looks_like_a_form_to_fill_in(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.xlsx")
    workbook = load_workbook(path)
    sheet = workbook["updates"]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "C2"
    assert sheet.max_row == 37
    assert sheet["B2"].value == "3.2" and sheet["B2"].data_type == "s"  # a reference stays text
    assert sheet["H2"].value == "점검 전"
    assert sheet.column_dimensions["E"].width == 60
    lists = {v.errorTitle: v for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"new_status", "new_counterpart_status", "evidence_level"}
    choices = lists["new_status"]
    assert str(choices.sqref) == "J2:J37"
    labels = [row[1] for row in workbook["statuses"].iter_rows(min_row=2, values_only=True)]
    assert choices.formula1 == "=statuses!$B$2:$B$8"
    assert labels == ["점검 전", "미착수", "진행 중", "상시 이행", "달성", "정체", "중단"]


def test_a_note_without_a_new_status_keeps_the_current_one(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    first = export(seeded, policy, sheets / "first.csv")
    edit_csv(first, {"7.3": {"new_status": "in_progress", "as_of": "2025-11-01"}})
    import_sheet(seeded, policy, first)

    second = export(seeded, policy, sheets / "second.csv")
    edit_csv(second, {"7.3": {"note": "실무협의 2차 개최", "as_of": "2025.11.28"}})
    result = import_sheet(seeded, policy, second)

    assert result.applied[0].planned.status_before == result.applied[0].planned.status_after
    assert status_of(seeded, "7.3") == ("in_progress", date(2025, 11, 28))
    latest = list_updates(find_commitment("kr-ca-2025:7.3", session=seeded), session=seeded)[0]
    assert (latest.status, latest.narrative) == ("in_progress", "실무협의 2차 개최")


def test_a_back_dated_row_goes_into_the_history_without_becoming_current(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    first = export(seeded, policy, sheets / "first.csv")
    edit_csv(first, {"7.3": {"new_status": "in_progress", "as_of": "2025-11-25"}})
    import_sheet(seeded, policy, first)
    second = export(seeded, policy, sheets / "second.csv")
    edit_csv(second, {"7.3": {"new_status": "not_started", "as_of": "2025-11-05"}})

    (applied,) = import_sheet(seeded, policy, second).applied

    assert not applied.current and applied.current_as_of == date(2025, 11, 25)
    assert status_of(seeded, "7.3") == ("in_progress", date(2025, 11, 25))


def test_the_export_follows_an_officer_and_leaves_untracked_commitments_out(
    seeded: Session, policy: FollowUpPolicy
) -> None:
    successor = owners.add_officer(OfficerCreate(name="김민수"), session=seeded, actor="test")
    owners.assign_owner(
        find_commitment("kr-ca-2025:9.2", session=seeded),
        owners.OwnerChange(officer=successor),
        session=seeded,
        actor="test",
    )
    seeded.commit()

    mine = export_rows(session=seeded, policy=policy, owner="김민수")
    assert [(r.ref, r.owner, r.version) for r in mine] == [("9.2", "김민수", 2)]
    assert len(export_rows(session=seeded, policy=policy, owner="정진우")) == 35
    everything = export_rows(
        session=seeded, policy=policy, agreement=SAMPLE_KEY, include_untracked=True
    )
    assert len(everything) > 36
    english = export_rows(session=seeded, policy=policy, owner="김민수", language=Language.EN)
    assert english[0].current_status == "Not assessed yet"


# --- the files --------------------------------------------------------------------------------


def test_the_csv_starts_with_a_bom_so_excel_shows_korean(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    data = export(seeded, policy, sheets / "kr-ca.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfagreement,ref,version,clause,text,")
    first = data.decode("utf-8-sig").splitlines()[1]
    assert first.startswith("kr-ca-2025,3.2,1,3,")
    # Blank: the as-of, the home side's six cells, the counterpart's two for reading and three.
    assert first.endswith(",정진우,북미2과,점검 전" + "," * 12)


def test_an_unknown_suffix_is_refused_and_leaves_no_file(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    rows = export_rows(session=seeded, policy=policy, agreement=SAMPLE_KEY)
    with pytest.raises(SpreadsheetRefused, match=r"kr-ca\.ods: the file name must end in"):
        write_export(rows, sheets / "kr-ca.ods", policy=policy)
    assert list(sheets.iterdir()) == []


def test_an_existing_sheet_is_not_overwritten_unless_asked(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = sheets / "kr-ca.csv"
    path.write_text("my edits", encoding="utf-8")
    rows = export_rows(session=seeded, policy=policy, agreement=SAMPLE_KEY)
    with pytest.raises(SpreadsheetRefused, match="already exists"):
        write_export(rows, path, policy=policy)
    assert path.read_text(encoding="utf-8") == "my edits"
    write_export(rows, path, policy=policy, overwrite=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfagreement")
    assert [p.name for p in sheets.iterdir()] == ["kr-ca.csv"]  # no temp file left behind


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    seeded: Session, policy: FollowUpPolicy, sheets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sheets / "kr-ca.xlsx"
    path.write_bytes(b"the previous export")
    rows = export_rows(session=seeded, policy=policy, agreement=SAMPLE_KEY)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("openpyxl.Workbook.save", disk_full)
    with pytest.raises(SpreadsheetRefused, match="No space left on device"):
        write_export(rows, path, policy=policy, overwrite=True)
    assert path.read_bytes() == b"the previous export"
    assert [p.name for p in sheets.iterdir()] == ["kr-ca.xlsx"]


def test_a_csv_saved_by_korean_excel_in_cp949_is_refused_with_how_to_fix_it(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    edit_csv(path, {"7.3": {"new_status": "진행 중"}}, encoding="cp949")
    with pytest.raises(SpreadsheetRefused) as caught:
        read_updates(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("kr-ca.csv is not in UTF-8 (it looks like CP949/EUC-KR")
    assert "CSV UTF-8" in message


def test_a_sheet_with_an_extra_or_a_missing_column_is_refused_naming_them(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    text = path.read_bytes().decode("utf-8-sig")
    text = text.replace(",counterpart_as_of\r\n", ",counterpart_as_of,comments\r\n", 1)
    path.write_bytes(text.encode("utf-8-sig"))
    with pytest.raises(SpreadsheetRefused, match="\n  unknown columns: comments$"):
        read_updates(path)

    text = text.replace("owner,division,", "owner,", 1).replace(",comments", "", 1)
    path.write_bytes(text.encode("utf-8-sig"))
    with pytest.raises(SpreadsheetRefused, match="\n  missing columns: division$"):
        read_updates(path)


def test_an_old_excel_workbook_or_a_broken_one_is_refused_in_one_line(sheets: Path) -> None:
    (sheets / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SpreadsheetRefused, match="save it as .xlsx or as CSV UTF-8"):
        read_updates(sheets / "old.xls")
    (sheets / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SpreadsheetRefused, match="broken.xlsx is not a readable .xlsx"):
        read_updates(sheets / "broken.xlsx")


def test_a_sheet_over_the_size_limit_is_refused(sheets: Path) -> None:
    (sheets / "big.csv").write_bytes(b"x" * 2000)
    with pytest.raises(SpreadsheetRefused, match="big.csv is 2,000 bytes; the limit"):
        read_updates(sheets / "big.csv", max_bytes=1000)


# --- bad rows ---------------------------------------------------------------------------------


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    line = {ref: line_of(path, ref) for ref in ("5.1", "5.2", "6.1", "6.2", "7.0", "7.1")}
    line |= {ref: line_of(path, ref) for ref in ("7.2", "7.3", "7.4", "7.5")}
    (sheets / "big.pdf").write_bytes(b"x" * 5000)
    edit_csv(
        path,
        {
            "3.2": {"new_status": "진행 중"},  # a good row: not applied either
            "5.1": {"ref": "99.9", "new_status": "달성"},
            "5.2": {"new_status": "거의 다 됨"},
            "6.1": {"new_status": "달성", "as_of": "2026-01-15"},
            "6.2": {"new_status": "달성", "as_of": "11/20"},
            "7.0": {"new_status": "달성", "as_of": "2025-02-30"},
            "7.1": {"note": "근거 첨부", "evidence": "minutes.pdf"},
            "7.2": {"note": "근거 첨부", "evidence": "big.pdf"},
            "7.3": {"new_status": "달성", "version": "one"},
            "7.4": {"agreement": "kr-jp-2023", "new_status": "달성"},
            "7.5": {"evidence": "ftp://files.example/minutes.pdf"},
        },
    )

    error, _ = refused(seeded, policy, path)

    assert str(error).splitlines()[0] == "kr-ca.csv: 10 problems; nothing was saved"
    assert row_problems(error) == [
        f"line {line['5.1']}: unknown reference kr-ca-2025:99.9: agreement 'kr-ca-2025' has "
        "no commitment '99.9'",
        f"line {line['5.2']}: unknown status '거의 다 됨'; use one of: "
        "not_assessed (Not assessed yet), not_started (Not started), in_progress (In progress), "
        "ongoing (Ongoing), achieved (Achieved), stalled (Stalled), discontinued (Discontinued)",
        f"line {line['6.1']}: as_of 2026-01-15 is after today (2025-12-01)",
        f"line {line['6.2']}: as_of '11/20' is not a date; write YYYY-MM-DD, e.g. 2025-12-01",
        f"line {line['7.0']}: as_of '2025-02-30' is not a date that exists",
        f"line {line['7.1']}: evidence file {sheets / 'minutes.pdf'} does not exist",
        f"line {line['7.2']}: evidence file {sheets / 'big.pdf'} is 5,000 bytes; the limit is "
        "1,000 (evidence.max_bytes)",
        f"line {line['7.3']}: kr-ca-2025:7.3 has version 'one'; the version column must stay "
        "as exported (a number)",
        f"line {line['7.4']}: unknown reference kr-jp-2023:7.4: no agreement 'kr-jp-2023'",
        f"line {line['7.5']}: evidence link 'ftp://files.example/minutes.pdf': only http and "
        "https links are accepted, not ftp:",
    ]
    assert status_of(seeded, "3.2") == (None, None)


def test_a_refused_sheet_is_a_code_with_its_count_and_each_row_a_refusal_about_its_line(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    first, second = line_of(path, "6.1"), line_of(path, "7.3")
    edit_csv(
        path,
        {
            "6.1": {"new_status": "달성", "as_of": "2026-01-15"},
            "7.3": {"version": "one", "note": "회의 개최"},
        },
    )
    error, _ = refused(seeded, policy, path)

    assert (error.code, error.fields) == ("sheet.refused", {"source": "kr-ca.csv", "count": 2})
    assert [(problem.code, problem.where) for problem in error.problems] == [
        ("sheet.as_of_after_today", f"line {first}"),
        ("sheet.version_not_number", f"line {second}"),
    ]
    assert error.describe("ko").splitlines() == [
        "kr-ca.csv: 문제 2건이 있어 아무것도 저장하지 않았습니다.",
        f"  line {first}: 기준일(as_of 2026-01-15)이 오늘(2025-12-01)보다 뒤입니다. 오늘이나 "
        "그 이전 날짜를 입력하세요.",
        f"  line {second}: kr-ca-2025:7.3: version 열 값이 숫자가 아닙니다: 'one'. version 열은 "
        "내보낸 그대로(숫자) 두어야 합니다.",
    ]
    assert error.as_json("en")["fields"]["problems"][0]["fields"] == {
        "as_of": "2026-01-15",
        "today": "2025-12-01",
        "where": f"line {first}",
    }


def test_a_row_for_a_commitment_someone_updated_since_the_export_is_refused(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    record_status_update(
        find_commitment("kr-ca-2025:7.3", session=seeded),
        StatusUpdateCreate(status="in_progress", as_of=date(2025, 11, 25)),
        session=seeded,
        policy=policy,
        author="김민수",
        today=TODAY,
    )
    seeded.commit()
    edit_csv(path, {"7.3": {"new_status": "달성"}, "9.2": {"new_status": "진행 중"}})

    error, count = refused(seeded, policy, path)

    assert str(error).splitlines()[0] == "kr-ca.csv: 1 problem; nothing was saved"
    (problem,) = row_problems(error)
    assert problem.startswith(
        f"line {line_of(path, '7.3')}: kr-ca-2025:7.3 changed since the export (the sheet has "
        "version 1, it is now 2; last change: 김민수, In progress, 2025-11-25)"
    )
    assert problem.endswith("export again and re-enter this row")
    assert error.exit_code == 3
    assert count() == 1
    assert status_of(seeded, "9.2") == (None, None)


def test_a_stale_version_on_a_row_nobody_touched_does_no_harm(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    record_status_update(
        find_commitment("kr-ca-2025:7.3", session=seeded),
        StatusUpdateCreate(status="in_progress", as_of=date(2025, 11, 25)),
        session=seeded,
        policy=policy,
        author="김민수",
        today=TODAY,
    )
    seeded.commit()
    edit_csv(path, {"9.2": {"new_status": "진행 중"}})
    assert [a.planned.reference for a in import_sheet(seeded, policy, path).applied] == [
        "kr-ca-2025:9.2"
    ]
    assert status_of(seeded, "7.3")[0] == "in_progress"


def test_the_same_commitment_twice_in_a_sheet_is_refused_with_both_lines(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    """The officer copied the whole row of 7.3 over the row below and changed its status."""
    path = export(seeded, policy, sheets / "kr-ca.csv")
    copied = {"ref": "7.3", "text": find_commitment("kr-ca-2025:7.3", session=seeded).text}
    edit_csv(path, {"7.3": {"new_status": "진행 중"}, "7.4": {**copied, "new_status": "달성"}})
    error, _ = refused(seeded, policy, path)
    first, second = line_of(path, "7.3"), line_of(path, "7.3") + 1
    assert row_problems(error) == [
        f"line {second}: kr-ca-2025:7.3 is also on line {first}; give each commitment one row"
    ]


def test_a_reference_excel_turned_into_another_one_does_not_update_the_wrong_commitment(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    """Excel opening a CSV reads the reference 7.10 as the number 7.1; the row's text, which
    is 7.10's, gives it away."""
    path = export(seeded, policy, sheets / "kr-ca.csv")
    edit_csv(path, {"7.4": {"ref": "7.1", "new_status": "달성"}})
    error, _ = refused(seeded, policy, path)
    assert row_problems(error) == [
        f"line {line_of(path, '7.1') + 3}: the text is not that of kr-ca-2025:7.1: was the ref "
        "changed (Excel turns a CSV's 7.10 into 7.1)? keep agreement, ref, version and text "
        "as exported"
    ]


def test_a_text_starting_like_a_formula_is_kept_as_text_and_still_matches(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    commitment = find_commitment("kr-ca-2025:7.3", session=seeded)
    commitment.text = "-" + commitment.text  # as if an item kept its dash
    seeded.add(commitment)
    seeded.commit()
    csv_path = export(seeded, policy, sheets / "kr-ca.csv")
    assert f"'-{commitment.text[1:12]}" in csv_path.read_bytes().decode("utf-8-sig")
    edit_csv(csv_path, {"7.3": {"new_status": "달성", "as_of": "2025-11-01"}})
    xlsx_path = export(seeded, policy, sheets / "kr-ca.xlsx")
    assert load_workbook(xlsx_path)["updates"]["E10"].data_type == "s"
    import_sheet(seeded, policy, csv_path)
    assert status_of(seeded, "7.3") == ("achieved", date(2025, 11, 1))


def test_a_bad_row_in_a_workbook_is_named_by_its_row(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.xlsx")
    edit_xlsx(path, {"9.2": {"new_status": "완료됨"}, "7.3": {"as_of": datetime(2030, 1, 1)}})
    error, _ = refused(seeded, policy, path)
    assert [problem.split(":")[0] for problem in row_problems(error)] == ["row 10", "row 18"]
    assert row_problems(error)[0] == "row 10: as_of 2030-01-01 is after today (2025-12-01)"


def test_a_multi_line_note_moves_the_lines_of_later_rows_and_both_numbers_are_given(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    edit_csv(path, {"3.2": {"note": "첫째 줄\n둘째 줄\n셋째 줄"}, "5.1": {"new_status": "끝"}})
    error, _ = refused(seeded, policy, path)
    assert row_problems(error)[0].startswith("line 5 (spreadsheet row 3): unknown status '끝'")


def test_extra_cells_beyond_the_header_are_refused_on_their_line(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.csv")
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[2] += ",진행 중,stray"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    error, _ = refused(seeded, policy, path)
    assert row_problems(error) == ["line 3: values beyond the header's 20 columns: 진행 중, stray"]


def test_a_sheet_with_nothing_filled_in_applies_nothing(
    seeded: Session, policy: FollowUpPolicy, sheets: Path
) -> None:
    path = export(seeded, policy, sheets / "kr-ca.xlsx")
    sheet = read_updates(path)
    assert (sheet.rows, sheet.unchanged) == ([], 36)
    assert check_updates(sheet, session=seeded, policy=policy, today=TODAY) == []


def test_nothing_is_written_when_a_commitment_changes_while_the_sheet_is_applied(
    seeded: Session, policy: FollowUpPolicy, sheets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the check and the write another writer gets in (PostgreSQL allows that): the
    sheet is refused naming the row, and the caller's rollback leaves nothing behind."""
    path = export(seeded, policy, sheets / "kr-ca.csv")
    edit_csv(path, {"3.2": {"new_status": "진행 중"}, "9.2": {"new_status": "달성"}})
    sheet = read_updates(path)
    from tracker.services.spreadsheet import applying

    checked = applying.check_updates

    def racing(*args: Any, **kwargs: Any) -> Any:
        planned = checked(*args, **kwargs)
        commitment = seeded.get(Commitment, planned[1].commitment_id)
        assert commitment is not None
        commitment.version += 1
        return planned

    monkeypatch.setattr(applying, "check_updates", racing)
    with pytest.raises(SheetRefused, match=r"line 18: kr-ca-2025:9\.2 changed since you read"):
        apply_updates(sheet, session=seeded, policy=policy, author="정진우", today=TODAY)
    seeded.rollback()
    assert updates_count(seeded) == 0
