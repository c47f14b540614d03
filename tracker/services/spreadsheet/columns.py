"""The sheet's columns (keys, help notes, widths), the file constants, and the errors shared by
export, reading and applying. Keep _HELP and _WIDTHS in step with COLUMNS: both are looked up
by every column's key."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.errors import TrackerError

IDENTITY = ("agreement", "ref", "version")
INFORMATION = (
    "clause",
    "text",
    "owner",
    "division",
    "current_status",
    "current_as_of",
    "current_counterpart_status",
    "current_counterpart_as_of",
)
# The home side's update (its status, note, date, evidence, what it rests on, what blocks it),
# then the counterpart's (its status, note and date), each recorded when any of its cells is filled.
HOME = ("new_status", "note", "as_of", "evidence", "evidence_level", "obstacles")
COUNTERPART = ("new_counterpart_status", "counterpart_note", "counterpart_as_of")
EDITABLE = (*HOME, *COUNTERPART)
# Each party's block: what stands, then what to record; the home side's first, where it always was.
COLUMNS = (
    *IDENTITY,
    *INFORMATION[:6],
    *HOME,
    *INFORMATION[6:],
    *COUNTERPART,
)
# Columns a sheet exported before parties were recorded lacks: it still reads, without them.
SINCE_PARTIES = (
    "current_counterpart_status",
    "current_counterpart_as_of",
    "evidence_level",
    "obstacles",
    *COUNTERPART,
)

SUFFIXES = (".csv", ".xlsx")
SHEET_TITLE = "updates"
STATUS_SHEET_TITLE = "statuses"
MAX_BYTES = 10_000_000

# What each column is for, shown as a note on the XLSX header cells.
_HELP: dict[str, tuple[str, str]] = {
    "agreement": ("협정 키 (수정하지 마세요)", "Agreement key (do not edit)"),
    "ref": ("공약 번호 (수정하지 마세요)", "Commitment reference (do not edit)"),
    "version": (
        "내보낼 때의 버전 (수정하지 마세요): 그 뒤 바뀐 공약은 거부됩니다",
        "Version at export (do not edit): a commitment changed since is refused",
    ),
    "clause": ("조항 (참고용)", "Clause (for reading only)"),
    "text": ("공약 원문 (참고용)", "Commitment text (for reading only)"),
    "owner": ("담당자 (참고용)", "Responsible officer (for reading only)"),
    "division": ("담당 부서 (참고용)", "Division (for reading only)"),
    "current_status": ("현재 상태 (참고용)", "Current status (for reading only)"),
    "current_as_of": ("현재 상태의 기준일 (참고용)", "As-of date of the current status"),
    "current_counterpart_status": (
        "상대국 측 현재 상태 (참고용, 비어 있으면 기록 없음)",
        "The counterpart's current status (for reading; blank: none recorded)",
    ),
    "current_counterpart_as_of": (
        "상대국 측 현재 상태의 기준일 (참고용)",
        "As-of date of the counterpart's current status",
    ),
    "new_status": (
        "새 상태: 목록에서 고르세요. 비워 두면 현재 상태를 유지합니다",
        "New status: pick from the list; blank keeps the current status",
    ),
    "note": ("진행 상황 설명", "What happened"),
    "as_of": (
        "기준일 YYYY-MM-DD; 비워 두면 오늘, 미래 날짜는 안 됩니다",
        "As-of date YYYY-MM-DD; blank means today; not in the future",
    ),
    "evidence": (
        "근거: 링크 또는 파일 경로, ';'로 구분 (상대 경로는 이 파일의 폴더 기준)",
        "Evidence: links or file paths separated by ';' (relative to this file's folder)",
    ),
    "evidence_level": (
        "증빙 수준: 목록에서 고르세요. 비워 두면 근거가 있을 때 '증빙 확인', "
        "없을 때 '증빙 없이 보고'",
        "Evidence level: pick from the list; blank: found with evidence, else reported",
    ),
    "obstacles": ("장애요인 (우리 측)", "Obstacles (home side)"),
    "new_counterpart_status": (
        "상대국 측 새 상태: 양측 공동 이행과제에만 씁니다",
        "The counterpart's new status: only for a commitment both parties undertake",
    ),
    "counterpart_note": ("상대국 측 진행 상황 설명", "What the counterpart did"),
    "counterpart_as_of": (
        "상대국 측 상태의 기준일 YYYY-MM-DD; 비워 두면 오늘",
        "As-of date of the counterpart's status YYYY-MM-DD; blank means today",
    ),
}

_WIDTHS = {
    "agreement": 18,
    "ref": 8,
    "version": 8,
    "clause": 7,
    "text": 60,
    "owner": 12,
    "division": 14,
    "current_status": 14,
    "current_as_of": 13,
    "new_status": 16,
    "note": 40,
    "as_of": 13,
    "evidence": 40,
    "current_counterpart_status": 14,
    "current_counterpart_as_of": 13,
    "evidence_level": 16,
    "obstacles": 30,
    "new_counterpart_status": 16,
    "counterpart_note": 30,
    "counterpart_as_of": 13,
}


class SpreadsheetRefused(TrackerError):
    """A spreadsheet that cannot be written or read: its name, encoding or header."""


class SheetRefused(TrackerError):
    """Rows of an edited sheet that cannot be applied: how many, in which file, and each row's
    problem (a refusal about its line or row) as `problems`."""

    def __init__(
        self, source: str, problems: Sequence[TrackerError], *, exit_code: int = 1
    ) -> None:
        super().__init__("sheet.refused", source=source, count=len(problems))
        self.with_problems(problems)
        self.exit_code = exit_code
