"""`tracker import PATH`: one file, or every file of a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.base import TrackerTyper, print_json, runtime_of, writing
from tracker.cli.speech import show, tell
from tracker.errors import TrackerError
from tracker.msgids import N_
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

# What became of a file, as a line of the command's output says it.
OUTCOMES = {
    "imported": N_("cli.import.outcome.imported"),
    "replaced": N_("cli.import.outcome.replaced"),
    "unchanged": N_("cli.import.outcome.unchanged"),
    "parsed": N_("cli.import.outcome.parsed"),
}


def catalog_for(settings: Settings) -> MechanismCatalog:
    from tracker.importer.mechanism_catalog import MechanismCatalog

    return MechanismCatalog.load_default().extended(settings.imports.mechanisms)


def import_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=N_("cli.import.path"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("cli.import.dry_run"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=N_("cli.import.json"))] = False,
    replace: Annotated[bool, typer.Option("--replace", help=N_("cli.import.replace"))] = False,
    key: Annotated[str | None, typer.Option(help=N_("cli.import.key"))] = None,
) -> None:
    from tracker.services.filing import key_for
    from tracker.services.import_sources import parse_file
    from tracker.services.import_view import parsed_as_dict
    from tracker.services.imports import import_agreement

    runtime = runtime_of(ctx)
    catalog = catalog_for(runtime.settings)
    max_bytes = runtime.settings.imports.max_bytes
    if path.is_dir():
        if key is not None:
            raise typer.BadParameter(tell("cli.import.key_with_folder"))
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
                | {"quality": quality_as_json(parsed)}
            )
        else:
            print_split(parsed, path.name)
            show("cli.import.dry_run_done")
            print_quality(parsed)
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
    with typer.progressbar(
        files, label=tell("cli.import.progress"), show_pos=True, file=sys.stderr
    ) as progress:
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
    } | ({} if result.parsed is None else {"quality": quality_as_json(result.parsed)})


def _print_folder_results(results: list[FileResult], subfolders: list[Path]) -> None:
    from tracker.words import terminal_language

    language = terminal_language()
    counts: dict[str, int] = {}
    for result in results:
        if result.error is not None:
            show("cli.error", err=True, message=result.error.describe(language, terminal=True))
            continue
        assert result.outcome is not None  # a file read without an error has an outcome
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        show(
            "cli.import.file",
            outcome=tell(OUTCOMES[result.outcome]),
            key=result.key,
            file=result.path.name,
        )
        for warning in result.warnings:
            show(
                "cli.import.file_warning",
                err=True,
                file=result.path.name,
                message=warning.describe(language),
            )
        if result.parsed is not None:  # a dry run: each file ends with where to look
            print_quality(result.parsed)
    failed = sum(1 for result in results if result.error)
    summary = ", ".join(
        tell("cli.import.count", count=n, outcome=tell(OUTCOMES[outcome]))
        for outcome, n in sorted(counts.items())
    ) or tell("cli.import.nothing")
    show("cli.import.files", count=len(results), summary=summary, failed=failed)
    if subfolders:
        names = ", ".join(p.name for p in subfolders)
        show("cli.import.subfolders", count=len(subfolders), names=names)


def print_split(parsed: ParsedAgreement, source_name: str) -> None:
    """The split as an officer reviews it: record, then section › clause › commitments."""
    _print_record(parsed, source_name)
    show("cli.import.marks")
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
    typer.echo("\n" + tell("cli.import.mechanisms"))
    for mechanism in parsed.mechanisms:
        typer.echo(f"  {mechanism.name} ({_mechanism_flags(mechanism)})")
    if parsed.review_mechanism:
        show("cli.import.reviewed_by", name=parsed.review_mechanism)
    _print_counts(parsed)


def _print_record(parsed: ParsedAgreement, source_name: str) -> None:
    from tracker.services.filing import agreement_title

    record = parsed.record
    show("cli.import.agreement", title=agreement_title(parsed, source_name))
    if record is None:
        return
    parts = (
        str(record.signed_on or "-"),
        record.place or "-",
        ", ".join(record.countries) or "-",
        record.field or "-",
        f"{record.officer_rank} {record.officer_name}".strip() or "-",
    )
    show("cli.import.record", record=" · ".join(parts))


def _commitment_line(commitment: ParsedCommitment) -> str:
    mark = "●" if commitment.tracked else "○"
    names = f"  → {', '.join(commitment.mechanisms)}" if commitment.mechanisms else ""
    text = shorten(commitment.text)
    strength = tell(f"imp_strength_{commitment.strength.value}")
    return f"    {mark} {commitment.ref} [{strength}] {text}{names}"


def _mechanism_flags(mechanism: ParsedMechanism) -> str:
    # The words of the import review page.
    parts = (
        tell(f"imp_kind_{mechanism.kind.value}"),
        tell(f"imp_cadence_{mechanism.cadence.value}"),
        tell("imp_planned") if mechanism.planned else "",
        tell("cli.import.reports_to", name=mechanism.reports_to) if mechanism.reports_to else "",
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
    from tracker.words import terminal_language

    show(
        "imp_counts",  # as the import review page counts them
        sections=len(parsed.sections),
        clauses=len(parsed.clauses),
        commitments=len(parsed.commitments),
        tracked=sum(1 for c in parsed.commitments if c.tracked),
        mechanisms=len(parsed.mechanisms),
    )
    language = terminal_language()
    for warning in parsed.warnings:
        show("cli.import.warning", err=True, message=warning.describe(language))


def print_quality(parsed: ParsedAgreement) -> None:
    """What the importer was unsure about, one line each with where to look."""
    from tracker.importer.quality import assess_import
    from tracker.words import terminal_language

    findings = assess_import(parsed)
    typer.echo("")
    if not findings:
        show("quality.none")
        return
    show("quality.heading")
    language = terminal_language()
    for finding in findings:
        typer.echo(f"  {finding.describe(language)}")


def quality_as_json(parsed: ParsedAgreement) -> list[dict[str, object]]:
    """The findings as the JSON split carries them: code, where, message, fields as data."""
    from tracker.importer.quality import assess_import
    from tracker.words import terminal_language

    return [finding.as_json(terminal_language()) for finding in assess_import(parsed)]


def print_outcome(outcome: ImportOutcome) -> None:
    from tracker.words import terminal_language

    if outcome.outcome == "unchanged":
        show("cli.import.unchanged", key=outcome.key)
        return
    show("cli.import.done", outcome=tell(OUTCOMES[outcome.outcome]), key=outcome.key)
    _print_counts(outcome.parsed)
    language = terminal_language()
    for change in outcome.changes:
        typer.echo(f"  {change.describe(language)}")


def register(app: TrackerTyper) -> None:
    app.command("import", help=N_("cli.import"))(import_command)
