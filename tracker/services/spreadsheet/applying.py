"""Checking an edited sheet's rows against the database and applying them, all or none: the
version, date and evidence checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.config import ProgressStatus
from tracker.domain import UpdateSource
from tracker.errors import Conflict, NotFound, TrackerError
from tracker.models import (
    Commitment,
    StatusUpdateCreate,
)
from tracker.services.evidence import EvidenceRefused, check_evidence
from tracker.services.lookup import find_agreement
from tracker.services.policy import FollowUpPolicy, UnknownStatus
from tracker.services.spreadsheet.columns import SheetRefused
from tracker.services.spreadsheet.reading import Sheet, SheetRow
from tracker.services.status_updates import last_change, record_status_update
from tracker.text import fold_whitespace


@dataclass(frozen=True)
class PlannedUpdate:
    """A row that passed every check: what it will record."""

    where: str
    reference: str  # KEY:REF
    commitment_id: int
    update: StatusUpdateCreate
    status_before: str  # labels
    status_after: str


@dataclass(frozen=True)
class AppliedUpdate:
    planned: PlannedUpdate
    status_update_id: int
    current: bool  # False: a later update stays current (the row was back-dated)
    current_as_of: date | None


@dataclass(frozen=True)
class SheetResult:
    name: str
    applied: list[AppliedUpdate]
    unchanged: int


_DATE = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?$")


def check_updates(
    sheet: Sheet,
    *,
    session: Session,
    policy: FollowUpPolicy,
    today: date | None = None,
) -> list[PlannedUpdate]:
    """Check every changed row of `sheet` and return what each would record, or raise
    SheetRefused listing every problem of every row. Writes nothing."""
    today = today or policy.today()
    problems: list[TrackerError] = list(sheet.problems)
    commitments = _commitments(sheet.rows, session=session)
    seen: dict[int, str] = {}
    planned: list[PlannedUpdate] = []
    for row in sheet.rows:
        row_problems: list[TrackerError] = []
        reference = f"{row.agreement}:{row.ref}"
        commitment: Commitment | None = None
        if not row.agreement or not row.ref:
            row_problems.append(TrackerError("sheet.identity_blank"))
        else:
            found = commitments.get((row.agreement, row.ref))
            if isinstance(found, TrackerError):
                row_problems.append(found)
            else:
                commitment = found
        if commitment is not None:
            assert commitment.id is not None
            if commitment.id in seen:
                row_problems.append(
                    TrackerError("sheet.duplicate", reference=reference, other=seen[commitment.id])
                )
            else:
                seen[commitment.id] = row.where
            if row.text and not _same_text(row.text, commitment.text):
                row_problems.append(TrackerError("sheet.text_differs", reference=reference))
            version_problem = _version_problem(
                row.version, commitment, reference, session=session, policy=policy
            )
            if version_problem is not None:
                row_problems.append(version_problem)
        status: ProgressStatus | None = None
        if row.new_status:
            try:
                status = policy.status(row.new_status)
            except UnknownStatus as exc:
                row_problems.append(exc)
        as_of, date_problem = _as_of(row.as_of, today=today)
        if date_problem is not None:
            row_problems.append(date_problem)
        evidence: list[str] = []
        for item in _evidence_items(row.evidence, folder=sheet.path.parent):
            try:
                check_evidence([item], max_bytes=policy.evidence_max_bytes)
            except EvidenceRefused as exc:
                row_problems.append(exc)
            evidence.append(item)
        problems.extend(problem.at(row.where) for problem in row_problems)
        if row_problems or commitment is None or as_of is None:
            continue
        assert commitment.id is not None
        before = policy.status_of(commitment.status)
        after = status or before
        planned.append(
            PlannedUpdate(
                where=row.where,
                reference=reference,
                commitment_id=commitment.id,
                update=StatusUpdateCreate(
                    status=after.key,
                    narrative=row.note,
                    as_of=as_of,
                    evidence=evidence,
                    expected_version=commitment.version,
                ),
                status_before=before.label(policy.language),
                status_after=after.label(policy.language),
            )
        )
    if problems:
        conflicts = all(isinstance(problem, Conflict) for problem in problems)
        raise SheetRefused(sheet.name, problems, exit_code=3 if conflicts else 1)
    return planned


def apply_updates(
    sheet: Sheet,
    *,
    session: Session,
    policy: FollowUpPolicy,
    author: str,
    author_id: int | None = None,
    today: date | None = None,
) -> SheetResult:
    """Check every row, then record them all as status updates from a spreadsheet, in the
    caller's transaction (which makes it all or nothing: roll back on any error)."""
    today = today or policy.today()
    planned = check_updates(sheet, session=session, policy=policy, today=today)
    applied: list[AppliedUpdate] = []
    for plan in planned:
        commitment = session.get(Commitment, plan.commitment_id)
        assert commitment is not None
        try:
            row = record_status_update(
                commitment,
                plan.update,
                session=session,
                policy=policy,
                author=author,
                author_id=author_id,
                source=UpdateSource.SPREADSHEET,
                today=today,
            )
        except TrackerError as exc:  # changed between the check and now: a concurrent writer
            raise SheetRefused(sheet.name, [exc.at(plan.where)], exit_code=exc.exit_code) from None
        assert row.id is not None
        applied.append(
            AppliedUpdate(
                planned=plan,
                status_update_id=row.id,
                current=commitment.status_as_of == row.as_of,
                current_as_of=commitment.status_as_of,
            )
        )
    return SheetResult(name=sheet.name, applied=applied, unchanged=sheet.unchanged)


def _commitments(
    rows: Sequence[SheetRow], *, session: Session
) -> dict[tuple[str, str], Commitment | TrackerError]:
    """(agreement, ref) -> the commitment, or why there is none; one query per agreement."""
    found: dict[tuple[str, str], Commitment | TrackerError] = {}
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.agreement and row.ref:
            wanted.setdefault(row.agreement, set()).add(row.ref)
    for key, refs in wanted.items():
        try:
            agreement = find_agreement(key, session=session)
        except NotFound:
            found.update(
                {
                    (key, ref): NotFound("sheet.no_agreement", reference=f"{key}:{ref}", key=key)
                    for ref in refs
                }
            )
            continue
        by_ref = {
            c.ref: c
            for c in session.exec(
                select(Commitment).where(
                    Commitment.agreement_id == agreement.id, col(Commitment.ref).in_(refs)
                )
            ).all()
        }
        for ref in refs:
            found[(key, ref)] = by_ref.get(ref) or NotFound(
                "sheet.no_commitment", reference=f"{key}:{ref}", key=agreement.key, ref=ref
            )
    return found


def _same_text(typed: str, stored: str) -> bool:
    """Whether a sheet's text cell still holds `stored`: spacing may differ, and the CSV export
    put a quote before a text that Excel would take for a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    expected = fold_whitespace(ILLEGAL_CHARACTERS_RE.sub("", stored))
    typed = fold_whitespace(typed)
    return typed == expected or (typed.startswith("'") and typed[1:] == expected)


def _version_problem(
    text: str,
    commitment: Commitment,
    reference: str,
    *,
    session: Session,
    policy: FollowUpPolicy,
) -> TrackerError | None:
    if not text:
        return TrackerError("sheet.version_blank", reference=reference)
    if not text.isdigit():
        return TrackerError("sheet.version_not_number", reference=reference, version=text)
    if int(text) == commitment.version:
        return None
    last = last_change(commitment, session=session, policy=policy)
    return Conflict(
        "sheet.changed" if last else "sheet.changed_unrecorded",
        reference=reference,
        exported=int(text),
        now=commitment.version,
        **last,
    )


def _as_of(value: str | date, *, today: date) -> tuple[date | None, TrackerError | None]:
    """The row's as-of date (blank: today), or why it cannot be one."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    elif not value:
        return today, None
    else:
        match = _DATE.match(value)
        if match is None:
            return None, TrackerError("sheet.as_of_not_a_date", value=value, today=today)
        try:
            parsed = date(*(int(part) for part in match.groups()))
        except ValueError:
            return None, TrackerError("sheet.as_of_no_such_day", value=value)
    if parsed > today:
        return None, TrackerError("sheet.as_of_after_today", as_of=parsed, today=today)
    return parsed, None


_SEPARATORS = re.compile(r"[;\r\n]+")


def _evidence_items(text: str, *, folder: Path) -> list[str]:
    """Links and file paths; relative paths resolved against `folder`. Pieces are split on ';'
    and line breaks, then on spaces unless the whole piece names an existing file."""
    items: list[str] = []
    for piece in (p.strip() for p in _SEPARATORS.split(text)):
        if not piece:
            continue
        spaced = " " in piece or "\t" in piece
        if spaced and (_is_link(piece) or not _resolve(piece, folder).is_file()):
            items.extend(_resolved(token, folder) for token in piece.split())
            continue
        items.append(_resolved(piece, folder))
    return items


def _is_link(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _resolve(value: str, folder: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else folder / path


def _resolved(value: str, folder: Path) -> str:
    if _is_link(value) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", value):
        return value  # a link (or another scheme, which check_evidence explains)
    return str(_resolve(value, folder))
