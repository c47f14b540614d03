"""`tracker storage migrate --to database|filesystem` and `tracker storage verify`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.base import TrackerTyper, runtime_of
from tracker.cli.speech import show, tell
from tracker.msgids import N_

if TYPE_CHECKING:
    from tracker.storage.moving import Problem

storage_app = TrackerTyper(help=N_("cli.storage"))
# Each namespace as the terminal names it.
NAMESPACE_WORDS = {
    "evidence": N_("storage.namespace.evidence"),
    "reports": N_("storage.namespace.reports"),
}
REASONS = (
    N_("storage.refused.target_differs"),
    N_("storage.refused.copy_differs"),
    N_("storage.refused.unreadable"),
)


class Backend(StrEnum):
    FILESYSTEM = "filesystem"
    DATABASE = "database"


def migrate(
    ctx: typer.Context,
    to: Annotated[Backend, typer.Option("--to", help=N_("cli.storage.migrate.to"))],
) -> None:
    from tracker.storage import storage_of
    from tracker.storage.moving import move_files

    runtime = runtime_of(ctx)
    settings = runtime.settings
    engine = runtime.checked_engine()
    source = Backend.FILESYSTEM if to is Backend.DATABASE else Backend.DATABASE
    results = move_files(
        storage_of(source.value, settings, engine), storage_of(to.value, settings, engine)
    )
    for done in results:
        show(
            "cli.storage.migrate.done",
            namespace=tell(NAMESPACE_WORDS[done.namespace.value]),
            source=source.value,
            target=to.value,
            moved=f"{done.moved:,}",
            skipped=f"{done.skipped:,}",
            refused=f"{len(done.refused):,}",
        )
        for refusal in done.refused:
            show(
                "cli.storage.migrate.refused",
                namespace=done.namespace.value,
                key=refusal.key,
                reason=tell(refusal.reason),
            )
    if settings.storage.backend != to.value:
        show("cli.storage.migrate.set_backend", backend=to.value, now=settings.storage.backend)
    else:
        show("cli.storage.migrate.backend_set", backend=to.value)
    if any(done.refused for done in results):
        raise typer.Exit(1)


def verify(ctx: typer.Context) -> None:
    from tracker.db import read_session
    from tracker.storage import make_store
    from tracker.storage.moving import verify_files

    runtime = runtime_of(ctx)
    engine = runtime.checked_engine()
    storage = make_store(runtime.settings, engine)
    with read_session(engine) as session:
        result = verify_files(storage, session=session)
    for problem in result.problems:
        _say(problem)
    fields: dict[str, Any] = {"backend": storage.backend, "checked": f"{result.checked:,}"}
    if not result.problems:
        show("cli.storage.verify.clean", **fields)
        return
    show(
        "cli.storage.verify.problems",
        missing=f"{len(result.missing):,}",
        corrupt=f"{len(result.corrupt):,}",
        **fields,
    )
    raise typer.Exit(1)


def _say(problem: Problem) -> None:
    expected = problem.expected
    fields: dict[str, Any] = {
        "namespace": expected.namespace.value,
        "key": expected.key,
        "named_by": expected.named_by,
    }
    if problem.missing:
        show("cli.storage.verify.missing", **fields)
    else:
        show(
            "cli.storage.verify.corrupt",
            expected=expected.sha256[:12],
            found=problem.found_sha256[:12] or "-",
            size=f"{problem.found_size or 0:,}",
            **fields,
        )


def register(app: TrackerTyper) -> None:
    storage_app.command("migrate", help=N_("cli.storage.migrate"))(migrate)
    storage_app.command("verify", help=N_("cli.storage.verify"))(verify)
    app.add_typer(storage_app, name="storage")
