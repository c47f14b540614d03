"""`tracker export` and `tracker import-updates`: commitments out to a spreadsheet, status
updates back in."""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import TrackerTyper, reading, runtime_of, writing
from tracker.domain import Language
from tracker.errors import NotFound, TrackerError

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.services.spreadsheet import PlannedUpdate, Sheet


class ExportRefused(TrackerError):
    """An export that names nothing to export."""


def export_command(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help="Agreement key or id.")
    ] = None,
    officer: Annotated[
        str | None,
        typer.Option("--officer", help="Only the commitments of this officer (name, id, e-mail)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write, .xlsx or .csv, or a folder "
            "(default: KEY-YYYYMMDD.xlsx in the current folder).",
        ),
    ] = None,
    untracked: Annotated[
        bool, typer.Option("--untracked", help="Include untracked commitments too.")
    ] = False,
    language: Annotated[
        Language | None,
        typer.Option(help="Language of the status labels (default: general.language)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write commitments to a spreadsheet to fill in: each with its current status, and blank
    columns new_status, note, as_of and evidence. Send it back with `tracker import-updates`.

    Columns: agreement, ref, version (leave these three as they are), clause, text, owner,
    division, current_status, current_as_of (for reading), new_status, note, as_of, evidence.
    An .xlsx has a drop-down of the statuses and keeps references as text (prefer it: Excel
    opening a CSV turns 7.10 into 7.1); a CSV is UTF-8 with a BOM.

    \b
    Example:
      tracker export -a kr-ca-2025
      tracker export --officer 정진우 --out updates.csv
    """
    from tracker.services.lookup import find_agreement, find_officer
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.spreadsheet import export_rows, write_export

    if agreement is None and officer is None:
        raise typer.BadParameter("give --agreement, --officer, or both")
    policy = FollowUpPolicy.from_settings(runtime_of(ctx).settings)
    with reading(ctx) as session:
        names = []
        if agreement is not None:
            names.append(find_agreement(agreement, session=session).key)
        if officer is not None:
            names.append(_slug(find_officer(officer, session=session).name))
        rows = export_rows(
            session=session,
            policy=policy,
            agreement=agreement,
            owner=officer,
            include_untracked=untracked,
            language=language,
        )
    if not rows:
        if untracked:
            raise ExportRefused("sheet.export_none")
        raise ExportRefused("sheet.export_none_tracked")
    default_name = f"{'-'.join(names)}-{policy.today():%Y%m%d}.xlsx"
    path = out or Path(default_name)
    if path.is_dir():
        path = path / default_name
    write_export(rows, path, policy=policy, language=language, overwrite=force)
    noun = "commitment" if len(rows) == 1 else "commitments"
    typer.echo(f"wrote {len(rows)} {noun} to {path}")


def import_updates_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The edited sheet, .xlsx or .csv (UTF-8).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and show what would change.")
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who reports (default: your user name); an officer's name "
            "or e-mail links the updates to them.",
        ),
    ] = None,
) -> None:
    """Apply the status updates of a sheet made by `tracker export`: every row or none.

    Rows whose new_status, note, as_of and evidence are all blank are skipped. A row without
    new_status keeps the current status and records its note. Every problem of every row
    (unknown reference or status, a commitment changed since the export, a bad or future
    date, a missing or oversized evidence file) is listed by line, and nothing is written.

    \b
    Example:
      tracker import-updates kr-ca-2025-20251103.xlsx --dry-run
      tracker import-updates updates.csv --by 정진우
    """
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.spreadsheet import apply_updates, check_updates, read_updates

    runtime = runtime_of(ctx)
    policy = FollowUpPolicy.from_settings(runtime.settings)
    sheet = read_updates(file)
    if dry_run:
        with reading(ctx) as session:
            planned = check_updates(sheet, session=session, policy=policy)
        for plan in planned:
            typer.echo(_describe(plan))
        _summary(sheet, len(planned), verb="would apply")
        return
    with writing(ctx) as session:
        author, author_id = _author(by, session=session)
        result = apply_updates(
            sheet, session=session, policy=policy, author=author, author_id=author_id
        )
    for applied in result.applied:
        line = _describe(applied.planned)
        if not applied.current:
            line += f" (kept in history: the update as of {applied.current_as_of} stays current)"
        typer.echo(line)
    _summary(sheet, len(result.applied), verb="applied")


def _describe(plan: PlannedUpdate) -> str:
    change = (
        f"{plan.status_before} → {plan.status_after}"
        if plan.status_before != plan.status_after
        else f"{plan.status_after} (unchanged)"
    )
    extras = []
    if plan.update.narrative:
        extras.append("note")
    if plan.update.evidence:
        count = len(plan.update.evidence)
        extras.append(f"{count} evidence item{'s' if count != 1 else ''}")
    tail = f", {' and '.join(extras)}" if extras else ""
    return f"{plan.where}: {plan.reference} {change} as of {plan.update.as_of}{tail}"


def _summary(sheet: Sheet, count: int, *, verb: str) -> None:
    from tracker.services.spreadsheet import EDITABLE

    noun = "update" if count == 1 else "updates"
    unchanged = f"; {sheet.unchanged} rows unchanged" if sheet.unchanged else ""
    if count == 0:
        typer.echo(
            f"nothing to apply from {sheet.name}: every row leaves {', '.join(EDITABLE)} blank"
        )
        return
    typer.echo(f"{verb} {count} {noun} from {sheet.name}{unchanged}")


def _author(by: str | None, *, session: Session) -> tuple[str, int | None]:
    """`--by` as typed, linked to the officer it names, if one does."""
    from tracker.services.lookup import find_officer

    if by is None:
        return f"cli:{getpass.getuser()}", None
    try:
        officer = find_officer(by, session=session)
    except NotFound:
        return by.strip(), None
    return officer.name, officer.id


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-") or "officer"


def register(app: TrackerTyper) -> None:
    app.command("export")(export_command)
    app.command("import-updates")(import_updates_command)
