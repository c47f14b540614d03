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
from tracker.domain import EvidenceLevel, Party, UpdateSource
from tracker.errors import Conflict, InLanguages, NotFound, TrackerError
from tracker.models import (
    Commitment,
    StatusUpdateCreate,
)
from tracker.services.evidence import EvidenceRefused, check_evidence
from tracker.services.lookup import find_agreement
from tracker.services.policy import FollowUpPolicy, UnknownStatus
from tracker.services.spreadsheet.columns import SheetRefused
from tracker.services.spreadsheet.reading import Sheet, SheetRow
from tracker.services.status_updates import (
    UpdateRefused,
    has_counterpart,
    last_change,
    record_status_update,
)
from tracker.text import fold_name, fold_whitespace
from tracker.words import say


@dataclass(frozen=True)
class PlannedUpdate:
    """A row that passed every check: what it will record."""

    where: str
    reference: str  # KEY:REF
    commitment_id: int
    update: StatusUpdateCreate
    status_before: str  # labels ("-": the counterpart's, none recorded yet)
    status_after: str

    @property
    def party(self) -> Party:
        return self.update.party


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
        if row.counterpart_changed and commitment is not None and not has_counterpart(commitment):
            row_problems.append(
                TrackerError(
                    "sheet.counterpart_one_party",
                    reference=reference,
                    actors=commitment.actors or "-",
                )
            )
        status = _status(row.new_status, row_problems, policy=policy)
        their_status = _status(
            row.new_counterpart_status, row_problems, policy=policy, counterpart=True
        )
        as_of = _day_of(row.as_of, row_problems, today=today)
        their_as_of = _day_of(row.counterpart_as_of, row_problems, today=today, counterpart=True)
        level = _level(row.evidence_level, row_problems)
        evidence: list[str] = []
        for item in _evidence_items(row.evidence, folder=sheet.path.parent):
            try:
                check_evidence([item], max_bytes=policy.evidence_max_bytes)
            except EvidenceRefused as exc:
                row_problems.append(exc)
            evidence.append(item)
        if level is EvidenceLevel.FOUND and not evidence:
            row_problems.append(UpdateRefused("status_update.evidence_missing"))
        if level is EvidenceLevel.NONE_AVAILABLE and evidence:
            row_problems.append(
                UpdateRefused("status_update.evidence_contradicts", count=len(evidence))
            )
        problems.extend(problem.at(row.where) for problem in row_problems)
        if row_problems or commitment is None or as_of is None or their_as_of is None:
            continue
        if row.home_changed:
            home = StatusUpdateCreate(
                status=(status or policy.status_of(commitment.status)).key,
                narrative=row.note,
                as_of=as_of,
                evidence=evidence,
                evidence_level=level,
                obstacles=row.obstacles,
                expected_version=commitment.version,
            )
            planned.append(_plan(row.where, reference, commitment, home, policy=policy))
        if row.counterpart_changed:
            theirs = StatusUpdateCreate(
                status=(their_status or policy.status_of(commitment.counterpart_status)).key,
                narrative=row.counterpart_note,
                as_of=their_as_of,
                party=Party.COUNTERPART,
                # After the home side's update of the same row the version has moved on, in
                # this very transaction: that update's check stands for both.
                expected_version=None if row.home_changed else commitment.version,
            )
            planned.append(_plan(row.where, reference, commitment, theirs, policy=policy))
    if problems:
        conflicts = all(isinstance(problem, Conflict) for problem in problems)
        raise SheetRefused(sheet.name, problems, exit_code=3 if conflicts else 1)
    return planned


def _plan(
    where: str,
    reference: str,
    commitment: Commitment,
    update: StatusUpdateCreate,
    *,
    policy: FollowUpPolicy,
) -> PlannedUpdate:
    """What one checked update will record, with its party's status before and after."""
    assert commitment.id is not None
    recorded = (
        commitment.counterpart_status if update.party is Party.COUNTERPART else commitment.status
    )
    before = "-" if update.party is Party.COUNTERPART and recorded is None else None
    return PlannedUpdate(
        where=where,
        reference=reference,
        commitment_id=commitment.id,
        update=update,
        status_before=before or policy.label(recorded, policy.language),
        status_after=policy.label(update.status, policy.language),
    )


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
        current_as_of = (
            commitment.counterpart_status_as_of
            if plan.party is Party.COUNTERPART
            else commitment.status_as_of
        )
        applied.append(
            AppliedUpdate(
                planned=plan,
                status_update_id=row.id,
                current=current_as_of == row.as_of,
                current_as_of=current_as_of,
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


def _status(
    text: str, problems: list[TrackerError], *, policy: FollowUpPolicy, counterpart: bool = False
) -> ProgressStatus | None:
    """The status a cell names (None when blank), or its problem added to `problems`."""
    if not text:
        return None
    try:
        return policy.status(text)
    except UnknownStatus as exc:
        if counterpart:  # named by its column, for the row has two
            exc = UnknownStatus("sheet.new_counterpart_status_unknown", **exc.fields)
        problems.append(exc)
        return None


def _day_of(
    value: str | date, problems: list[TrackerError], *, today: date, counterpart: bool = False
) -> date | None:
    """An as-of cell's date (blank: today), or its problem added to `problems`, which names
    the counterpart's column when it is that one."""
    day, problem = _as_of(value, today=today)
    if problem is not None and counterpart:
        problem = _counterpart_day_problem(problem)
    if problem is not None:
        problems.append(problem)
    return day


def _counterpart_day_problem(problem: TrackerError) -> TrackerError:
    fields = problem.fields
    if problem.code == "sheet.as_of_not_a_date":
        return TrackerError("sheet.counterpart_as_of_not_a_date", **fields)
    if problem.code == "sheet.as_of_no_such_day":
        return TrackerError("sheet.counterpart_as_of_no_such_day", **fields)
    return TrackerError("sheet.counterpart_as_of_after_today", **fields)


def _level(text: str, problems: list[TrackerError]) -> EvidenceLevel | None:
    """The evidence level a cell names, by key or by its words in either language (None when
    blank: the update's evidence decides), or its problem added to `problems`."""
    if not text:
        return None
    wanted = _folded(text)
    for level in EvidenceLevel:
        words = (say(language, f"evidence_level.{level.value}") for language in ("ko", "en"))
        if wanted in {_folded(name) for name in (level.value, *words)}:
            return level
    choices = [
        InLanguages(ko=say("ko", f"evidence_level.{level.value}"), en=level.value)
        for level in EvidenceLevel
    ]
    problems.append(TrackerError("sheet.evidence_level_unknown", value=text, choices=choices))
    return None


def _folded(text: str) -> str:
    return fold_name(text.replace("_", " ").replace("-", " "))


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
