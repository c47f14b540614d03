"""`tracker import PATH`: one file, or every file of a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import TrackerTyper, print_json, runtime_of, writing
from tracker.errors import TrackerError
from tracker.text import shorten

if TYPE_CHECKING:
    from tracker.config import Settings
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.importer.parsed import (
        ParsedAgreement,
        ParsedCommitment,
        ParsedMechanism,
        ParsedSection,
    )
    from tracker.services.imports import FileResult, ImportOutcome


def catalog_for(settings: Settings) -> MechanismCatalog:
    from tracker.importer.mechanism_catalog import MechanismCatalog

    return MechanismCatalog.load_default().extended(settings.imports.mechanisms)


def import_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="An agreement file (text or HTML), or a folder of them.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the split for review; write nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the split as one JSON object.")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an earlier version of the same agreement.")
    ] = False,
    key: Annotated[
        str | None,
        typer.Option(help="Key to file the agreement under (default: from the file name)."),
    ] = None,
) -> None:
    """Import an agreement: its record, sections, clauses, commitments and mechanisms.

    Importing the same text again changes nothing. A revised text of an agreement already
    imported is refused with a summary of what changed, until you add --replace.
    A folder imports every .txt/.md/.html file in it, each in its own transaction.

    \b
    Example:
      tracker import partnership.txt --dry-run
      tracker import partnership.txt --json
      tracker import agreements/
    """
    from tracker.services.filing import key_for
    from tracker.services.import_sources import parse_file
    from tracker.services.import_view import parsed_as_dict
    from tracker.services.imports import import_agreement

    runtime = runtime_of(ctx)
    catalog = catalog_for(runtime.settings)
    max_bytes = runtime.settings.imports.max_bytes
    if path.is_dir():
        if key is not None:
            raise typer.BadParameter("--key names one agreement; it cannot be used with a folder")
        _import_folder(
            ctx,
            path,
            catalog=catalog,
            max_bytes=max_bytes,
            dry_run=dry_run,
            replace=replace,
            as_json=as_json,
        )
        return
    parsed = parse_file(path, max_bytes=max_bytes, catalog=catalog)
    if dry_run:
        if as_json:
            print_json(
                parsed_as_dict(parsed, source_name=path.name, key=key or key_for(parsed, path.name))
            )
        else:
            print_split(parsed, path.name)
            typer.echo("dry run: nothing was written")
        return
    with writing(ctx) as session:
        outcome = import_agreement(
            parsed, session=session, source_name=path.name, key=key, replace=replace
        )
    if as_json:
        print_json(
            parsed_as_dict(parsed, source_name=path.name, key=outcome.key)
            | {"outcome": outcome.outcome}
        )
        return
    print_outcome(outcome)


def _import_folder(
    ctx: typer.Context,
    folder: Path,
    *,
    catalog: MechanismCatalog,
    max_bytes: int,
    dry_run: bool,
    replace: bool,
    as_json: bool,
) -> None:
    from tracker.services.import_sources import agreement_files
    from tracker.services.imports import import_files

    files, subfolders = agreement_files(folder)
    if not files:
        raise TrackerError("import.empty_folder").at(str(folder))
    runtime = runtime_of(ctx)
    engine = runtime.engine if dry_run else runtime.checked_engine()
    results = []
    with typer.progressbar(files, label="importing", show_pos=True, file=sys.stderr) as progress:
        results = list(
            import_files(
                progress,
                engine=engine,
                catalog=catalog,
                max_bytes=max_bytes,
                dry_run=dry_run,
                replace=replace,
            )
        )
    if as_json:
        print_json([_result_as_dict(result) for result in results])
    else:
        _print_folder_results(results, subfolders)
    if any(result.error for result in results):
        raise typer.Exit(1)


def _result_as_dict(result: FileResult) -> dict[str, object]:
    return {
        "file": str(result.path),
        "outcome": result.outcome or "failed",
        "key": result.key,
        "error": None if result.error is None else str(result.error),
        "warnings": [str(warning) for warning in result.warnings],
    }


def _print_folder_results(results: list[FileResult], subfolders: list[Path]) -> None:
    from tracker.words import terminal_language

    language = terminal_language()
    counts: dict[str, int] = {}
    for result in results:
        if result.error:
            typer.echo(f"error: {result.error.describe(language, terminal=True)}", err=True)
            continue
        outcome = result.outcome or "failed"
        counts[outcome] = counts.get(outcome, 0) + 1
        typer.echo(f"{outcome}: {result.key}  ({result.path.name})")
        for warning in result.warnings:
            typer.echo(f"warning: {result.path.name}: {warning.describe(language)}", err=True)
    failed = sum(1 for result in results if result.error)
    summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing imported"
    typer.echo(f"{len(results)} files: {summary}, {failed} failed")
    if subfolders:
        names = ", ".join(p.name for p in subfolders)
        typer.echo(f"not read: {len(subfolders)} subfolders ({names}); import each on its own")


def print_split(parsed: ParsedAgreement, source_name: str) -> None:
    """The split as an officer reviews it: record, then section › clause › commitments."""
    _print_record(parsed, source_name)
    typer.echo("(● tracked, ○ kept but not tracked)")
    sections = {s.index: s for s in parsed.sections}
    lines_of_clause: dict[str, list[str]] = {}
    for commitment in parsed.commitments:
        lines_of_clause.setdefault(commitment.clause, []).append(_commitment_line(commitment))
    current: int | None = -1
    for clause in parsed.clauses:
        if clause.section != current:
            current = clause.section
            if current is not None:
                typer.echo(f"\n§ {_section_path(sections, current)}")
        typer.echo(f"  {clause.number}. {shorten(clause.text, 70)}")
        for line in lines_of_clause.get(clause.number, []):
            typer.echo(line)
    typer.echo("\nmechanisms:")
    for mechanism in parsed.mechanisms:
        typer.echo(f"  {mechanism.name} ({_mechanism_flags(mechanism)})")
    if parsed.review_mechanism:
        typer.echo(f"reviewed by: {parsed.review_mechanism}")
    _print_counts(parsed)


def _print_record(parsed: ParsedAgreement, source_name: str) -> None:
    from tracker.services.filing import agreement_title

    record = parsed.record
    typer.echo(f"agreement: {agreement_title(parsed, source_name)}")
    if record is None:
        return
    parts = (
        str(record.signed_on or "-"),
        record.place or "-",
        ", ".join(record.countries) or "-",
        record.field or "-",
        f"{record.officer_rank} {record.officer_name}".strip() or "-",
    )
    typer.echo("record: " + " · ".join(parts))


def _commitment_line(commitment: ParsedCommitment) -> str:
    mark = "●" if commitment.tracked else "○"
    names = f"  → {', '.join(commitment.mechanisms)}" if commitment.mechanisms else ""
    text = shorten(commitment.text)
    return f"    {mark} {commitment.ref} [{commitment.strength.value}] {text}{names}"


def _mechanism_flags(mechanism: ParsedMechanism) -> str:
    parts = (
        mechanism.kind.value,
        mechanism.cadence.value,
        "planned" if mechanism.planned else "",
        f"reports to {mechanism.reports_to}" if mechanism.reports_to else "",
    )
    return ", ".join(part for part in parts if part)


def _section_path(sections: dict[int, ParsedSection], index: int) -> str:
    parts: list[str] = []
    current: int | None = index
    while current is not None:
        parts.append(sections[current].title)
        current = sections[current].parent
    return " › ".join(reversed(parts))


def _print_counts(parsed: ParsedAgreement) -> None:
    tracked = sum(1 for c in parsed.commitments if c.tracked)
    typer.echo(
        f"{len(parsed.sections)} sections, {len(parsed.clauses)} clauses, "
        f"{len(parsed.commitments)} commitments ({tracked} tracked), "
        f"{len(parsed.mechanisms)} mechanisms"
    )
    from tracker.words import terminal_language

    language = terminal_language()
    for warning in parsed.warnings:
        typer.echo(f"warning: {warning.describe(language)}", err=True)


def print_outcome(outcome: ImportOutcome) -> None:
    if outcome.outcome == "unchanged":
        typer.echo(f"unchanged: this text is already imported as {outcome.key}; nothing changed")
        return
    typer.echo(f"{outcome.outcome}: {outcome.key}")
    _print_counts(outcome.parsed)
    for change in outcome.changes:
        typer.echo(f"  {change}")


def register(app: TrackerTyper) -> None:
    app.command("import")(import_command)
