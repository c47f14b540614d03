"""`tracker export` and `tracker import-updates`: commitments out to a spreadsheet, status
updates back in."""

from __future__ import annotations

import getpass
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import TrackerTyper, reading, runtime_of, writing
from tracker.cli.speech import show, tell
from tracker.domain import Language, Party
from tracker.errors import NotFound, TrackerError
from tracker.msgids import N_

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.services.policy import FollowUpPolicy
    from tracker.services.spreadsheet import PlannedUpdate, Sheet


class ExportRefused(TrackerError):
    """An export that names nothing to export."""


def export_command(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Option("--agreement", "-a", help=N_("cli.agreement_ref"))
    ] = None,
    officer: Annotated[str | None, typer.Option("--officer", help=N_("cli.export.officer"))] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=N_("cli.export.out"))] = None,
    untracked: Annotated[
        bool, typer.Option("--untracked", help=N_("cli.export.untracked"))
    ] = False,
    language: Annotated[Language | None, typer.Option(help=N_("cli.export.language"))] = None,
    force: Annotated[bool, typer.Option("--force", help=N_("cli.export.force"))] = False,
) -> None:
    from tracker.services.lookup import find_agreement, find_officer
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.spreadsheet import export_rows, write_export

    if agreement is None and officer is None:
        raise typer.BadParameter(tell("cli.export.nothing"))
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
    show("cli.export.done", count=len(rows), path=path)


def import_updates_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=N_("cli.import_updates.file"))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("cli.import_updates.dry_run"))
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help=N_("cli.import_updates.by"))] = None,
) -> None:
    from tracker.services.policy import FollowUpPolicy
    from tracker.services.spreadsheet import apply_updates, check_updates, read_updates

    runtime = runtime_of(ctx)
    policy = FollowUpPolicy.from_settings(runtime.settings)
    sheet = read_updates(file)
    if dry_run:
        with reading(ctx) as session:
            planned = check_updates(sheet, session=session, policy=policy)
        for plan in planned:
            typer.echo(_describe(plan, policy))
        _summary(sheet, len(planned), dry_run=True)
        return
    with writing(ctx) as session:
        author, author_id = _author(by, session=session)
        result = apply_updates(
            sheet, session=session, policy=policy, author=author, author_id=author_id
        )
    for applied in result.applied:
        line = _describe(applied.planned, policy)
        if not applied.current:
            line += tell("cli.import_updates.not_current", as_of=applied.current_as_of)
        typer.echo(line)
    _summary(sheet, len(result.applied), dry_run=False)


def _describe(plan: PlannedUpdate, policy: FollowUpPolicy) -> str:
    from tracker.words import terminal_language

    language = Language(terminal_language())
    before = _status_in(plan.status_before, policy, language)
    after = policy.label(plan.update.status, language)
    if before != after:
        change = tell("cli.import_updates.change", before=before, after=after)
    else:
        change = tell("cli.import_updates.unchanged", status=after)
    if plan.party is Party.COUNTERPART:
        change = tell("cli.import_updates.counterpart", change=change)
    parts = [
        tell(
            "cli.import_updates.row",
            where=plan.where,
            commitment=plan.reference,
            change=change,
            as_of=plan.update.as_of,
        )
    ]
    if plan.update.narrative:
        parts.append(tell("cli.import_updates.note"))
    if plan.update.evidence:
        parts.append(tell("cli.import_updates.evidence", count=len(plan.update.evidence)))
    if plan.update.evidence_level is not None:
        parts.append(tell(f"evidence_level.{plan.update.evidence_level.value}"))
    if plan.update.obstacles:
        parts.append(tell("cli.import_updates.obstacles"))
    return ", ".join(parts)


def _status_in(label: str, policy: FollowUpPolicy, language: Language) -> str:
    """A status the plan names by its label in the configured language, in `language`."""
    from tracker.services.policy import UnknownStatus

    try:
        return policy.status(label).label(language)
    except UnknownStatus:  # a status since removed from the configuration: its key, as is
        return label


def _summary(sheet: Sheet, count: int, *, dry_run: bool) -> None:
    from tracker.services.spreadsheet import EDITABLE

    if count == 0:
        show("cli.import_updates.nothing", name=sheet.name, columns=", ".join(EDITABLE))
        return
    if dry_run:
        said = tell("cli.import_updates.would_apply", count=count, name=sheet.name)
    else:
        said = tell("cli.import_updates.applied", count=count, name=sheet.name)
    if sheet.unchanged:
        said += tell("cli.import_updates.rows_unchanged", count=sheet.unchanged)
    typer.echo(said)


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
    # The epilogs tell the columns each party's progress, obstacles and evidence level take.
    app.command("export", help=N_("cli.export"), epilog=N_("cli.export.parties"))(export_command)
    app.command(
        "import-updates", help=N_("cli.import_updates"), epilog=N_("cli.import_updates.parties")
    )(import_updates_command)
