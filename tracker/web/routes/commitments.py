"""The commitment page: its clause, history and evidence, each party's status, the status
update form (with file uploads, obstacles, evidence level and requests for cooperation), the
commitment's requests, and the assessment for the open cycle."""

from __future__ import annotations

from datetime import date
from itertools import zip_longest
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from tracker.db import read_session, write_session
from tracker.domain import EvidenceKind, EvidenceLevel, Party, Score, UpdateSource
from tracker.errors import (
    Conflict,
    Forbidden,
    InLanguages,
    NotFound,
    TrackerError,
    Word,
    form_status,
)
from tracker.models import Agreement, Commitment, Evidence, RequestCreate, StatusUpdateCreate
from tracker.services import accounts, status_updates
from tracker.services.accounts import Permission
from tracker.services.assessments import (
    NeedsConfirmation,
    assess,
    current_assessment,
    parse_score,
)
from tracker.services.commitments import commitment_public
from tracker.services.cycles import open_cycle
from tracker.services.lookup import find_commitment
from tracker.services.outline import clause_excerpt
from tracker.services.requests import (
    addressee_divisions,
    may_answer,
    may_close,
    requests_of_commitment,
)
from tracker.storage import StorageRefused, check_key
from tracker.web.deps import Current, Reader, Web, WebDep, permitted_form
from tracker.web.downloads import stream_download
from tracker.web.flash import tell
from tracker.web.form_errors import FormFields
from tracker.web.uploads import saved_uploads

router = APIRouter()
# Viewers never edit; an officer's edit is then checked per commitment (`may_edit`).
EditorForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.EDIT_COMMITMENTS))]
# Which field of the status form and of the assessment form each refusal is about.
STATUS_FIELDS = FormFields(
    codes={
        "status.unknown": "status",
        "status_update.after_today": "as_of",
        "status_update.before_signing": "as_of",
        "status_update.note_too_long": "note",
        "evidence.": "evidence",
        "upload.": "files",
        "evidence.file_too_big": "files",
        "status_update.one_party": "party",
        "status_update.obstacles_too_long": "obstacles",
        "status_update.evidence_missing": "evidence_level",
        "status_update.evidence_contradicts": "evidence_level",
    },
    renamed={"narrative": "note", "expected_version": "version"},
)
# A request's refusal names its row (`number`): it goes beside that row's field.
REQUEST_FIELDS = {
    "request.what_missing": "request_what",
    "request.what_too_long": "request_what",
    "request.no_addressee": "request_to",
    "request.unknown_division": "request_to",
}
MAX_REQUESTS = 3  # rows of the status form; more are asked with the next update
ASSESSMENT_FIELDS = FormFields(
    codes={
        "assessment.score_unknown": "score",
        "assessment.rationale_missing": "rationale",
        "assessment.rationale_too_long": "rationale",
        "assessment.full_without_evidence": "confirmed",
    }
)


@router.get("/commitments/{reference}", response_class=HTMLResponse)
def commitment_page(
    request: Request, reference: str, web: WebDep, visitor: Current, session: Reader
) -> Response:
    return _commitment(request, web, reference, visitor, session)


def _commitment(
    request: Request,
    web: Web,
    reference: str,
    visitor: accounts.Visitor,
    session: Session,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    draft: dict[str, str] | None = None,
    form: str = "status",
    field_errors: dict[str, str] | None = None,
) -> Response:
    commitment = find_commitment(reference, session=session)
    agreement = session.get(Agreement, commitment.agreement_id)
    assessment = current_assessment(commitment, session=session)
    assert commitment.id is not None
    asked = requests_of_commitment(commitment.id, session=session, today=web.policy.today())
    editable = accounts.may_edit(visitor, commitment)
    draft = draft or {}
    score_choice = draft.get("score") or (
        "na" if assessment is None or assessment.score is None else _score_value(assessment.score)
    )
    return web.render(
        request,
        "commitment.html",
        status_code,
        visitor=visitor,
        agreement=agreement,
        commitment=commitment_public(commitment, session=session, policy=web.policy),
        clause=clause_excerpt(commitment, session=session),
        history=status_updates.history(commitment, session=session, policy=web.policy),
        two_party=status_updates.has_counterpart(commitment),
        requests=asked,
        answerable={r.id for r in asked.items if may_answer(visitor, r)},
        closable={r.id for r in asked.items if may_close(visitor, r)},
        divisions=addressee_divisions(session=session) if editable else [],
        request_rows=range(1, MAX_REQUESTS + 1),
        requests_typed=any(
            name.startswith("request_") and (value or name in (field_errors or {}))
            for name, value in draft.items()
        ),
        assessment=assessment,
        score_choice=score_choice,
        editable=editable,
        error=error,
        error_form=form,
        conflict=isinstance(error, Conflict),
        confirming=isinstance(error, NeedsConfirmation),
        draft=draft,
        values=draft,
        field_errors=field_errors or {},
        today=web.policy.today().isoformat(),
    )


def _editable(reference: str, visitor: accounts.Visitor, *, session: Session) -> Commitment:
    commitment = find_commitment(reference, session=session)
    if not accounts.may_edit(visitor, commitment):
        raise Forbidden("commitment.not_yours")
    return commitment


def _refused(
    request: Request,
    web: Web,
    reference: str,
    visitor: accounts.Visitor,
    exc: Exception,
    draft: dict[str, str],
    form: str,
) -> Response:
    """The page again with the one-line reason and what the officer typed, nothing saved."""
    with read_session(web.db) as session:
        return _commitment(
            request,
            web,
            reference,
            visitor,
            session,
            status_code=409 if isinstance(exc, Conflict | NeedsConfirmation) else form_status(exc),
            error=exc,
            draft=draft,
            form=form,
            field_errors=_field_errors(request, web, exc, form),
        )


def _field_errors(request: Request, web: Web, exc: Exception, form: str) -> dict[str, str]:
    if form != "status":
        return web.field_errors(request, exc, ASSESSMENT_FIELDS)
    found = web.field_errors(request, exc, STATUS_FIELDS)
    language = web.language_of(request)
    problems = exc.problems if isinstance(exc, TrackerError) and exc.problems else (exc,)
    for problem in problems:
        if isinstance(problem, TrackerError) and problem.code in REQUEST_FIELDS:
            name = f"{REQUEST_FIELDS[problem.code]}_{problem.fields.get('number', 1)}"
            found.setdefault(name, TrackerError(problem.code, **problem.fields).describe(language))
    return found


@router.post("/commitments/{reference}/status", response_class=HTMLResponse)
def update_status(
    request: Request,
    reference: str,
    web: WebDep,
    visitor: EditorForm,
    new_status: Annotated[str, Form(alias="status")],
    version: Annotated[int, Form()],
    note: Annotated[str, Form()] = "",
    as_of: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    party: Annotated[str, Form()] = "",
    obstacles: Annotated[str, Form()] = "",
    evidence_level: Annotated[str, Form()] = "",
    request_to: Annotated[list[str] | None, Form()] = None,
    request_body: Annotated[list[str] | None, Form()] = None,
    request_what: Annotated[list[str] | None, Form()] = None,
    request_due: Annotated[list[str] | None, Form()] = None,
) -> Response:
    rows = list(
        zip_longest(
            request_to or [],
            request_body or [],
            request_what or [],
            request_due or [],
            fillvalue="",
        )
    )
    draft = {
        "status": new_status,
        "note": note,
        "as_of": as_of,
        "evidence": evidence,
        "party": party,
        "obstacles": obstacles,
        "evidence_level": evidence_level,
    }
    for number, (to, body, what, due) in enumerate(rows, 1):
        draft |= {
            f"request_to_{number}": to,
            f"request_body_{number}": body,
            f"request_what_{number}": what,
            f"request_due_{number}": due,
        }
    numbered: list[tuple[int, RequestCreate]] = []
    try:
        day = _day(as_of) if as_of else web.policy.today()
        whose = _party(party)
        level = _evidence_level(evidence_level)
        numbered = _requests(rows)
        asked = [each for _, each in numbered]
        with (
            saved_uploads(files or [], max_bytes=web.policy.evidence_max_bytes) as uploads,
            write_session(web.db) as session,
        ):
            status_updates.record_status_update(
                _editable(reference, visitor, session=session),
                StatusUpdateCreate(
                    status=new_status,
                    narrative=note,
                    as_of=day,
                    evidence=evidence.split(),
                    expected_version=version,
                    party=whose,
                    obstacles=obstacles,
                    evidence_level=level,
                    requests=asked,
                ),
                session=session,
                policy=web.policy,
                author=visitor.officer.name,
                author_id=visitor.officer.id,
                source=UpdateSource.WEB,
                # A typed path would make the server copy one of its own files: links only,
                # and files only as uploads.
                evidence_links_only=True,
                evidence_files=uploads,
            )
    except (TrackerError, ValueError) as exc:
        _by_row(exc, [row for row, _ in numbered])
        return _refused(request, web, reference, visitor, exc, draft, "status")
    status = web.policy.status(new_status)
    said: dict[str, str | InLanguages] = {
        "commitment": reference,
        "status": InLanguages(ko=status.ko, en=status.en),
        "on": day.isoformat(),
    }
    told = [
        tell("flash.status_saved", **said)
        if whose is Party.HOME
        else tell("flash.counterpart_status_saved", **said)
    ]
    if attached := len(evidence.split()) + sum(1 for f in files or [] if f.filename):
        told.append(tell("flash.evidence_added", count=attached))
    if asked:
        told.append(tell("flash.requests_made", count=len(asked)))
    return web.redirect(request, f"/commitments/{reference}", *told)


@router.post("/commitments/{reference}/assessment", response_class=HTMLResponse)
def record_assessment(
    request: Request,
    reference: str,
    web: WebDep,
    visitor: EditorForm,
    score: Annotated[str, Form()],
    version: Annotated[int, Form()],
    rationale: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    draft = {"score": score, "rationale": rationale}
    try:
        with write_session(web.db) as session:
            commitment = _editable(reference, visitor, session=session)
            agreement = session.get(Agreement, commitment.agreement_id)
            assert agreement is not None
            assess(
                commitment,
                open_cycle(agreement, session=session),
                score=parse_score(score),
                rationale=rationale,
                session=session,
                actor=visitor.officer.name,
                expected_version=version,
                # The box the page adds once the service asked: a full verdict without evidence.
                confirmed=bool(confirmed),
            )
    except TrackerError as exc:
        return _refused(request, web, reference, visitor, exc, draft, "assessment")
    scored = parse_score(score)
    said = Word(f"score.{Score(scored).key}" if scored is not None else "score.not_assessed")
    told = tell("flash.assessment_saved", commitment=reference, score=said)
    return web.redirect(request, f"/commitments/{reference}#assessment", told)


@router.get("/evidence/{evidence_id}")
def evidence_file(evidence_id: int, web: WebDep, _visitor: Current, session: Reader) -> Response:
    """An uploaded evidence file, always as a download: served inline, an HTML file would run
    as a page of this site. Streamed from the evidence store (folder or database)."""
    item = session.get(Evidence, evidence_id)
    if item is None or item.kind is not EvidenceKind.FILE:
        raise NotFound("download.no_evidence_file", evidence=evidence_id)
    missing = NotFound("download.evidence_file_missing", name=item.file_name)
    key, filename = item.stored_path, item.file_name or item.stored_path.rsplit("/", 1)[-1]
    # The response is streamed after this function returns, and the request's session would
    # hold its connection until the last byte: give it back now (a chunk takes its own).
    session.close()
    try:
        store = web.policy.evidence_store(web.db)
        return stream_download(
            store,
            check_key(key),
            filename=filename,
            media_type="application/octet-stream",
            missing=missing,
        )
    except StorageRefused:
        raise missing from None


def _score_value(score: int) -> str:
    return {Score.FULL: "+1", Score.PARTIAL: "0", Score.NONE: "-1"}[Score(score)]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError("form.as_of_not_a_date", field="as_of", value=value[:40]) from None


def _party(value: str) -> Party:
    try:
        return Party(value or Party.HOME)
    except ValueError:
        raise TrackerError("form.party_unknown", field="party", value=value[:20]) from None


def _evidence_level(value: str) -> EvidenceLevel | None:
    """None (the form's "as the evidence says"): found with links or files, else reported."""
    if not value:
        return None
    try:
        return EvidenceLevel(value)
    except ValueError:
        raise TrackerError(
            "form.evidence_level_unknown", field="evidence_level", value=value[:20]
        ) from None


def _requests(rows: list[tuple[str, str, str, str]]) -> list[tuple[int, RequestCreate]]:
    """The form's request rows (addressee: a division's id, or another body by name; what;
    by when), each with its row's number; a row left empty is no request."""
    asked: list[tuple[int, RequestCreate]] = []
    for number, (to, body, what, due) in enumerate(rows, 1):
        if not (to.strip() or body.strip() or what.strip() or due.strip()):
            continue
        if number > MAX_REQUESTS:
            raise TrackerError("form.too_many_requests", most=MAX_REQUESTS)
        if to.strip() and body.strip():
            raise TrackerError(
                "request.two_addressees", field=f"request_to_{number}", number=number
            )
        if to.strip() and not to.strip().isdigit():
            raise TrackerError("form.request_division_unknown", field=f"request_to_{number}")
        try:
            by = date.fromisoformat(due.strip()) if due.strip() else None
        except ValueError:
            raise TrackerError(
                "form.request_due_not_a_date",
                field=f"request_due_{number}",
                number=number,
                value=due[:40],
            ) from None
        asked.append(
            (
                number,
                RequestCreate(
                    to_division_id=int(to) if to.strip() else None,
                    to_body=body.strip(),
                    what=what,
                    due_on=by,
                ),
            )
        )
    return asked


def _by_row(exc: Exception, rows: list[int]) -> None:
    """The service numbers the requests it was given; the page, its rows (an empty row in
    between is no request): each refusal is said of the row the officer typed it in."""
    problems = exc.problems if isinstance(exc, TrackerError) and exc.problems else (exc,)
    for problem in problems:
        if not isinstance(problem, TrackerError) or problem.code not in REQUEST_FIELDS:
            continue
        number = problem.fields.get("number")
        if isinstance(number, int) and 1 <= number <= len(rows):
            problem.fields["number"] = rows[number - 1]
