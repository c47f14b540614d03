"""Importing an agreement in the browser: paste or upload the text, review the split, save it,
then correct it. Only officers and administrators import; viewers read.

Nothing is kept on the server between the steps: the review page carries the decoded text in a
hidden field, and saving parses it again (the same text, so the same split).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.errors import Conflict, Forbidden, Grouped, TrackerError, Word, form_status
from tracker.importer.errors import ImportInputError
from tracker.importer.parsed import ParsedAgreement
from tracker.importer.quality import assess_import
from tracker.services import accounts, corrections
from tracker.services.accounts import Permission
from tracker.services.commitments import CommitmentFilter, list_commitments
from tracker.services.import_review import (
    ImportPreview,
    change_log,
    may_correct,
    preview_import,
    record_summary,
    save_import,
)
from tracker.services.import_sources import (
    PASTED_NAME,
    catalog_for,
    clean_source_name,
    parse_text,
    text_of_paste,
    text_of_upload,
)
from tracker.services.import_view import parsed_as_dict
from tracker.services.lookup import find_agreement
from tracker.services.mechanisms import list_mechanisms
from tracker.services.outline import agreement_outline
from tracker.web.deps import Reader, Web, WebDep, permitted, permitted_form
from tracker.web.flash import tell
from tracker.web.form_errors import FormFields
from tracker.words import say

router = APIRouter()

Action = Literal["split", "merge", "adjust", "track", "untrack", "link", "unlink"]


# Officers and administrators import and correct the split; a viewer only reads. A form post
# has its CSRF token checked first (a forged post is a 403 whatever else it holds).
Importer = Annotated[accounts.Visitor, Depends(permitted(Permission.IMPORT))]
ImporterForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.IMPORT))]

# Which field each refusal of the import forms is about. A text's own problems belong to the
# pasted text or to the uploaded file, whichever was given.
PASTE_FIELDS = FormFields(
    codes={"import.nothing_given": "text", "import.": "text", "source.": "text"},
    renamed={"source": "text"},
)
UPLOAD_FIELDS = FormFields(
    codes={"import.nothing_given": "text", "import.": "upload", "source.": "upload"}
)
SAVE_FIELDS = FormFields(
    codes={
        "import.title_too_long": "title",
        "import.bad_key": "key",
        "import.unknown_commitment": "tracked",
        "import.revision": "replace",
        "import.drops_followed": "replace",
    }
)
# A correction's refusal is about the field its action reads (a split's words, a merge's
# neighbour...); a reference that is not there is the commitment chosen.
CORRECTION_FIELDS = {
    action: FormFields(
        codes={"commitment.": "ref", "correction.": field, "mechanism.": "mechanism"}
        | ({"correction.end_before_start": "end_after"} if action == "adjust" else {})
    )
    for action, field in (
        ("split", "at"),
        ("merge", "other"),
        ("adjust", "start_at"),
        ("track", "ref"),
        ("untrack", "ref"),
        ("link", "mechanism"),
        ("unlink", "mechanism"),
    )
}


# --- step 1: the text ---------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, web: WebDep, visitor: Importer) -> Response:
    return _form(request, web, visitor)


def _form(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    text: str = "",
    key: str = "",
    field_errors: dict[str, str] | None = None,
) -> Response:
    return web.render(
        request,
        "import.html",
        status_code,
        visitor=visitor,
        error=error,
        text=text,
        key=key,
        values={"text": text, "key": key} if error else {},
        field_errors=field_errors or {},
        max_bytes=web.settings.imports.max_bytes,
    )


def _refused_form(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    refusal: TrackerError,
    *,
    text: str,
    key: str,
    fields: FormFields,
) -> Response:
    """The import form again, with what was typed and the refusal beside its field."""
    return _form(
        request,
        web,
        visitor,
        status_code=form_status(refusal),
        error=refusal,
        text=text,
        key=key,
        field_errors=web.field_errors(request, refusal, fields),
    )


# --- step 2: the review -------------------------------------------------------------------------


@router.post("/import/preview", response_class=HTMLResponse)
def preview(
    request: Request,
    web: WebDep,
    visitor: ImporterForm,
    text: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    key = key.strip()
    max_bytes = web.settings.imports.max_bytes
    uploaded = upload is not None and bool(upload.filename)
    try:
        if upload is not None and upload.filename:
            source_name = clean_source_name(upload.filename)
            label = source_name
            source = text_of_upload(
                upload.file.read(max_bytes + 1), name=label, max_bytes=max_bytes
            )
        elif text.strip():
            source_name, label = PASTED_NAME, _pasted(web, request)
            source = text_of_paste(text, max_bytes=max_bytes, name=label)
        else:
            raise ImportInputError("import.nothing_given")
        parsed = parse_text(source, name=label, catalog=catalog_for(web.settings))
        with read_session(web.db) as session:
            found = preview_import(parsed, session=session, source_name=source_name, key=key)
    except TrackerError as exc:
        # What was pasted stays in the form; an uploaded file must be chosen again.
        fields = UPLOAD_FIELDS if uploaded else PASTE_FIELDS
        return _refused_form(request, web, visitor, exc, text=text, key=key, fields=fields)
    return _review(request, web, visitor, found, key=key)


def _pasted(web: Web, request: Request) -> str:
    """What a refusal about a pasted text names as its subject, in the page's language."""
    return say(web.language_of(request), "import.pasted_text")


def _review(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    found: ImportPreview,
    *,
    key: str,
    status_code: int = 200,
    error: Exception | str = "",
    chosen: Sequence[str] | None = None,
    title: str | None = None,
    replace: bool = False,
    field_errors: dict[str, str] | None = None,
) -> Response:
    parsed = found.parsed
    language = web.language_of(request)
    split = parsed_as_dict(parsed, source_name=found.source_name, key=found.key, language=language)
    changes = [change.describe(language) for change in found.changes]
    quality = [finding.describe(language) for finding in assess_import(parsed)]
    tracked = (
        set(chosen) if chosen is not None else {c.ref for c in parsed.commitments if c.tracked}
    )
    return web.render(
        request,
        "import_preview.html",
        status_code,
        visitor=visitor,
        preview=found,
        split=split,
        changes=changes,
        quality=quality,
        groups=_groups(split),
        tracked=tracked,
        key=key or found.key,
        title=found.title if title is None else title,
        replace=replace,
        error=error,
        values={"key": key, "title": title or "", "replace": "on" if replace else ""}
        if error
        else {},
        field_errors=field_errors or {},
    )


def _groups(split: dict[str, Any]) -> list[dict[str, Any]]:
    """The split as the review shows it: section (its path) › clauses › commitments."""
    sections = {s["index"]: s for s in split["sections"]}

    def path(index: int | None) -> str:
        parts: list[str] = []
        while index is not None:
            parts.append(sections[index]["title"])
            index = sections[index]["parent"]
        return " › ".join(reversed(parts))

    of_clause: dict[str, list[dict[str, Any]]] = {}
    for commitment in split["commitments"]:
        of_clause.setdefault(commitment["clause"], []).append(commitment)
    groups: list[dict[str, Any]] = []
    for clause in split["clauses"]:
        if not groups or groups[-1]["section"] != clause["section"]:
            groups.append(
                {"section": clause["section"], "path": path(clause["section"]), "clauses": []}
            )
        groups[-1]["clauses"].append(clause | {"commitments": of_clause.get(clause["number"], [])})
    return groups


# --- step 3: save -------------------------------------------------------------------------------


@router.post("/import/save", response_class=HTMLResponse)
def save(
    request: Request,
    web: WebDep,
    visitor: ImporterForm,
    text: Annotated[str, Form()] = "",
    source_name: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    reviewed: Annotated[bool, Form()] = False,
    tracked: Annotated[list[str] | None, Form()] = None,
    replace: Annotated[bool, Form()] = False,
) -> Response:
    key = key.strip()
    source_name = PASTED_NAME if source_name == PASTED_NAME else clean_source_name(source_name)
    label = _pasted(web, request) if source_name == PASTED_NAME else source_name
    chosen = (tracked or []) if reviewed else None
    try:
        parsed = _parsed(web, text, label)
    except TrackerError as exc:
        return _refused_form(request, web, visitor, exc, text=text, key=key, fields=PASTE_FIELDS)
    try:
        with write_session(web.db) as session:
            saved = save_import(
                parsed,
                session=session,
                source_name=source_name,
                key=key,
                replace=replace,
                actor=visitor.officer.name,
                tracked_refs=chosen,
                title=title,
            )
    except TrackerError as exc:
        return _review_again(
            request,
            web,
            visitor,
            parsed,
            source_name=source_name,
            key=key,
            status_code=409 if isinstance(exc, Conflict) else form_status(exc),
            error=exc,
            chosen=chosen,
            title=title,
            replace=replace,
            field_errors=web.field_errors(request, exc, SAVE_FIELDS),
        )
    told = [
        tell("flash.import_imported", key=saved.key)
        if saved.outcome == "imported"
        else tell("flash.import_replaced", key=saved.key)
        if saved.outcome == "replaced"
        else tell("flash.import_unchanged", "info", key=saved.key)
    ]
    if saved.corrections:
        told.append(tell("flash.import_choices_applied", count=saved.corrections))
    return web.redirect(request, f"/import/{quote(saved.key)}/review", *told)


def _parsed(web: Web, text: str, label: str) -> ParsedAgreement:
    """The text the review carried, held to the same limit as the first step."""
    size = len(text.encode("utf-8", "replace"))
    max_bytes = web.settings.imports.max_bytes
    if size > max_bytes:
        raise ImportInputError(
            "source.text_too_large", size=Grouped(size), limit=Grouped(max_bytes)
        ).at(label)
    return parse_text(text, name=label, catalog=catalog_for(web.settings))


def _review_again(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    parsed: ParsedAgreement,
    *,
    source_name: str,
    key: str,
    status_code: int,
    error: Exception | str,
    chosen: Sequence[str] | None,
    title: str,
    replace: bool,
    field_errors: dict[str, str],
) -> Response:
    """The review again, with the reason the save was refused and every choice kept."""
    with read_session(web.db) as session:
        try:
            found = preview_import(parsed, session=session, source_name=source_name, key=key)
        except TrackerError:  # the key typed is not a key: preview under the default one
            found = preview_import(parsed, session=session, source_name=source_name)
    return _review(
        request,
        web,
        visitor,
        found,
        key=key,
        status_code=status_code,
        error=error,
        chosen=chosen,
        title=title,
        replace=replace,
        field_errors=field_errors,
    )


# --- step 4: corrections after saving -----------------------------------------------------------


@router.get("/import/{key}/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    key: str,
    web: WebDep,
    visitor: Importer,
    session: Reader,
    ref: str = "",
) -> Response:
    return _corrections(request, web, visitor, key, session, ref=ref)


def _corrections(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    key: str,
    session: Session,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    draft: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    ref: str = "",
) -> Response:
    agreement = find_agreement(key, session=session)
    commitments = list_commitments(
        session=session, policy=web.policy, where=CommitmentFilter(agreement=agreement.key)
    )
    log = change_log(agreement, session=session)
    draft = draft or {}
    return web.render(
        request,
        "import_review.html",
        status_code,
        visitor=visitor,
        agreement=agreement,
        outline=agreement_outline(agreement, commitments, session=session),
        commitments=commitments,
        tracked_count=sum(1 for c in commitments if c.tracked),
        mechanisms=list_mechanisms(session=session),
        log=[(record, record_summary(record)) for record in log],
        # What a save or a correction did is a flash message now (flash.py), never the query.
        saved="",
        applied=0,
        done="",
        selected=draft.get("ref", ref),
        draft=draft,
        values=draft,
        field_errors=field_errors or {},
        error=error,
        may_correct=may_correct(visitor, agreement, session=session),
    )


@router.post("/import/{key}/review", response_class=HTMLResponse)
def correct(
    request: Request,
    key: str,
    web: WebDep,
    visitor: ImporterForm,
    action: Annotated[Action, Form()],
    ref: Annotated[str, Form()],
    other: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
    start_at: Annotated[str, Form()] = "",
    end_after: Annotated[str, Form()] = "",
    mechanism: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    draft = {
        "action": action,
        "ref": ref,
        "other": other,
        "at": at,
        "start_at": start_at,
        "end_after": end_after,
        "mechanism": mechanism,
        "reason": reason,
    }
    try:
        with write_session(web.db) as session:
            agreement = find_agreement(key, session=session)
            if not may_correct(visitor, agreement, session=session):
                raise Forbidden("import.not_yours")
            _apply(action, draft, agreement.key, session=session, actor=visitor.officer.name)
    except TrackerError as exc:
        with read_session(web.db) as session:
            return _corrections(
                request,
                web,
                visitor,
                key,
                session,
                status_code=409 if isinstance(exc, Conflict) else form_status(exc),
                error=exc,
                draft=draft,
                field_errors=web.field_errors(request, exc, CORRECTION_FIELDS[action]),
            )
    # `ref` keeps the corrected commitment chosen; what was done is the flash message.
    told = tell("flash.corrected", action=Word(f"action_{action}"), ref=ref.strip())
    target = f"/import/{quote(key)}/review?{urlencode({'ref': ref})}#c-{quote(ref)}"
    return web.redirect(request, target, told)


def _apply(action: Action, form: dict[str, str], key: str, *, session: Session, actor: str) -> None:
    """One correction, through the correction services (each writes its change record)."""
    reason = form["reason"].strip()
    commitment = corrections.find_commitment(key, form["ref"].strip(), session=session)
    if action == "split":
        if not form["at"].strip():
            raise TrackerError("correction.split_needs_words")
        corrections.split_commitment(
            commitment, at=form["at"].strip(), session=session, actor=actor, reason=reason
        )
    elif action == "merge":
        if not form["other"].strip():
            raise TrackerError("correction.merge_needs_other")
        other = corrections.find_commitment(key, form["other"].strip(), session=session)
        if other.id == commitment.id:
            raise TrackerError("correction.merge_itself", ref=commitment.ref)
        corrections.merge_commitments(
            commitment, other, session=session, actor=actor, reason=reason
        )
    elif action == "adjust":
        start_at, end_after = form["start_at"].strip(), form["end_after"].strip()
        if not start_at and not end_after:
            raise TrackerError("correction.adjust_needs_words")
        corrections.move_boundaries(
            commitment,
            start_at=start_at or None,
            end_after=end_after or None,
            session=session,
            actor=actor,
            reason=reason,
        )
    elif action in ("track", "untrack"):
        corrections.set_tracked(
            commitment, action == "track", session=session, actor=actor, reason=reason
        )
    else:
        if not form["mechanism"].strip():
            if action == "link":
                raise TrackerError("correction.link_needs_mechanism")
            raise TrackerError("correction.unlink_needs_mechanism")
        change = corrections.link_mechanism if action == "link" else corrections.unlink_mechanism
        change(commitment, form["mechanism"].strip(), session=session, actor=actor, reason=reason)
