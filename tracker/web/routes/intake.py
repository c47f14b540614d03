"""Follow-up intake in the browser: paste or upload a later statement or press release, review
the meetings and commitment links it proposes, then record what the officer ticks. Officers and
administrators use it; viewers read.

Nothing is kept on the server between the steps: the review page carries the decoded text (and
the agreement and date it was read with) in hidden fields, and applying proposes it again: the
same text against the same records gives the same proposal, which a digest on the page checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from tracker.db import read_session, write_session
from tracker.domain import Party
from tracker.errors import Conflict, TrackerError, form_status
from tracker.importer.errors import ImportInputError
from tracker.intake.counterparts import country
from tracker.intake.dates import FuzzyDate, Precision
from tracker.intake.terms import shared_analyzer
from tracker.models import Commitment
from tracker.services import accounts
from tracker.services.accounts import Permission
from tracker.services.agreements import agreement_choices
from tracker.services.evidence import check_evidence
from tracker.services.import_sources import (
    PASTED_NAME,
    clean_source_name,
    text_of_paste,
    text_of_upload,
)
from tracker.services.intake import (
    FollowUpChoices,
    FollowUpOutcome,
    FollowUpProposal,
    Permitted,
    apply_follow_up,
    check_permitted,
    intake_rules,
    permitted_choices,
    proposal_digest,
    propose_follow_up,
    suggested_status,
)
from tracker.services.lookup import find_agreement
from tracker.services.status_updates import has_counterpart
from tracker.web.deps import Web, WebDep, permitted, permitted_form
from tracker.web.flash import Flash, tell
from tracker.web.form_errors import FormFields
from tracker.words import say

router = APIRouter()

# Those who import agreements read follow-up texts; what each may then record is checked per
# row (a commitment they may edit, a mechanism whose meetings they may record).
Reader = Annotated[accounts.Visitor, Depends(permitted(Permission.IMPORT))]
ReaderForm = Annotated[accounts.Visitor, Depends(permitted_form(Permission.IMPORT))]

FORM_FIELDS = FormFields(
    codes={
        "agreement.unknown": "agreement",
        "intake.choose_agreement": "agreement",
        "import.nothing_given": "text",
        "import.": "text",
        "source.": "text",
        "evidence.": "source_url",
    }
)
UPLOAD_FIELDS = FormFields(
    codes=dict(FORM_FIELDS.codes) | {"import.": "upload", "source.": "upload"}
)


@dataclass
class Ticks:
    """The review form's state: what is ticked, typed and chosen on each row."""

    meetings: set[int] = field(default_factory=set)
    days: dict[int, str] = field(default_factory=dict)
    cadences: set[int] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    statuses: dict[str, str] = field(default_factory=dict)
    # Whose progress each link records: the home side's unless the counterpart's is chosen.
    parties: dict[str, str] = field(default_factory=dict)
    source_url: str = ""


# --- step 1: the text ---------------------------------------------------------------------------


@router.get("/follow-up", response_class=HTMLResponse)
def follow_up_page(request: Request, web: WebDep, visitor: Reader, agreement: str = "") -> Response:
    return _form(request, web, visitor, agreement=agreement.strip())


def _form(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    *,
    status_code: int = 200,
    error: Exception | str = "",
    agreement: str = "",
    text: str = "",
    on: str = "",
    source_url: str = "",
    field_errors: dict[str, str] | None = None,
) -> Response:
    with read_session(web.db) as session:
        choices = agreement_choices(
            session=session,
            officer_id=visitor.officer.id,
            division_id=visitor.officer.division_id,
        )
        if agreement and agreement not in {key for key, _ in choices}:
            try:  # the agreement page's link names one beyond the offered few
                found = find_agreement(agreement, session=session)
                choices.insert(0, (found.key, found.title))
                agreement = found.key
            except TrackerError:
                pass  # a key typed into the address: the choice starts empty
    return web.render(
        request,
        "follow_up.html",
        status_code,
        visitor=visitor,
        error=error,
        agreements=choices,
        agreement=agreement,
        text=text,
        on=on,
        source_url=source_url,
        field_errors=field_errors or {},
        max_bytes=web.settings.imports.max_bytes,
    )


# --- step 2: the review -------------------------------------------------------------------------


@router.post("/follow-up/review", response_class=HTMLResponse)
def review(
    request: Request,
    web: WebDep,
    visitor: ReaderForm,
    agreement: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    on: Annotated[str, Form(alias="date")] = "",
    source_url: Annotated[str, Form()] = "",
    source_name: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
) -> Response:
    agreement, on, source_url = agreement.strip(), on.strip(), source_url.strip()
    max_bytes = web.settings.imports.max_bytes
    uploaded = upload is not None and bool(upload.filename)
    try:
        if not agreement:
            raise TrackerError("intake.choose_agreement")
        given = _given_date(on)
        if upload is not None and upload.filename:
            source_name = clean_source_name(upload.filename)
            source = text_of_upload(
                upload.file.read(max_bytes + 1), name=source_name, max_bytes=max_bytes
            )
        elif text.strip():
            # A text carried back from the review (a date given there) keeps its file's name.
            source_name = clean_source_name(source_name) if source_name else PASTED_NAME
            source = text_of_paste(
                text, max_bytes=max_bytes, name=_label(web, request, source_name)
            )
        else:
            raise ImportInputError("import.nothing_given")
        if source_url:
            check_evidence([source_url], max_bytes=max_bytes, links_only=True)
        with read_session(web.db) as session:
            proposal = _propose(web, source, agreement, given, source_name, session=session)
            allowed = permitted_choices(proposal, visitor, session=session)
    except TrackerError as exc:
        # What was pasted stays in the form; an uploaded file must be chosen again.
        return _form(
            request,
            web,
            visitor,
            status_code=form_status(exc),
            error=exc,
            agreement=agreement,
            text=text,
            on=on,
            source_url=source_url,
            field_errors=web.field_errors(request, exc, UPLOAD_FIELDS if uploaded else FORM_FIELDS),
        )
    ticks = _proposed_ticks(proposal, web, allowed)
    ticks.source_url = source_url
    return _review(request, web, visitor, proposal, allowed, ticks, on=on)


def _given_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrackerError(
            "form.follow_up_date_not_a_date", field="date", value=value[:40]
        ) from None


def _label(web: Web, request: Request, source_name: str) -> str:
    """What a refusal about the text names as its subject, in the page's language."""
    if source_name == PASTED_NAME:
        return say(web.language_of(request), "import.pasted_text")
    return source_name


def _propose(
    web: Web,
    text: str,
    agreement: str,
    given: date | None,
    source_name: str,
    *,
    session: Session,
) -> FollowUpProposal:
    return propose_follow_up(
        text,
        session=session,
        analyzer=shared_analyzer(),
        rules=intake_rules(web.settings),
        agreement_key=agreement,
        given_date=given,
        source_name=source_name,
        max_agreements=web.settings.intake.max_agreements,
    )


def _proposed_ticks(proposal: FollowUpProposal, web: Web, allowed: Permitted) -> Ticks:
    """As first shown: every link and every meeting with a full day ticked (those the officer
    may record), each link at its suggested status; a cadence ticked when it changes one. Links
    wait for the text's day (their as-of date) when it is not known."""
    reading = proposal.reading
    dated = _full_day(reading.date)
    return Ticks(
        meetings={
            m.number for m in reading.meetings if m.number in allowed.meetings and _full_day(m.date)
        },
        days={m.number: m.date.iso() for m in reading.meetings if m.date and _full_day(m.date)},
        cadences={
            c.number
            for c in reading.cadences
            if c.number in allowed.cadences and c.cadence != c.mechanism.cadence
        },
        links={link.commitment.label for link in reading.links if dated} & allowed.links,
        statuses={
            link.commitment.label: suggested_status(link, web.policy) or ""
            for link in reading.links
        },
    )


def _full_day(on: FuzzyDate | None) -> bool:
    return on is not None and on.precision is Precision.DAY


def _review(
    request: Request,
    web: Web,
    visitor: accounts.Visitor,
    proposal: FollowUpProposal,
    allowed: Permitted,
    ticks: Ticks,
    *,
    on: str,
    status_code: int = 200,
    error: Exception | str = "",
    row_errors: dict[str, str] | None = None,
) -> Response:
    language = web.language_of(request)
    reading = proposal.reading
    assert proposal.agreement_key is not None
    with read_session(web.db) as session:
        agreement = find_agreement(proposal.agreement_key, session=session)
        two_party = _two_party([link.commitment.id for link in reading.links], session=session)
    return web.render(
        request,
        "follow_up_review.html",
        status_code,
        visitor=visitor,
        proposal=proposal,
        agreement=agreement,
        document=_label(web, request, proposal.source_name),
        on=on,
        digest=proposal_digest(proposal),
        text_date=_shown_date(reading.date, language),
        date_given=reading.date_given,
        needs_date=not _full_day(reading.date),
        counterparts=[_country_name(code, language) for code in reading.counterparts],
        warnings=[" ".join(w.describe(language).split()) for w in reading.warnings],
        meetings=[
            {
                "number": m.number,
                "mechanism": m.mechanism.label,
                "state": m.state.value,
                "when": _shown_date(m.date, language),
                "full_day": _full_day(m.date),
                "place": m.place,
                "ordinal": m.ordinal,
                "sentence": m.sentence,
                "allowed": m.number in allowed.meetings,
            }
            for m in reading.meetings
        ],
        cadences=[
            {
                "number": c.number,
                "mechanism": c.mechanism.label,
                "current": c.mechanism.cadence.value,
                "stated": c.cadence.value,
                "changes": c.cadence != c.mechanism.cadence,
                "sentence": c.sentence,
                "allowed": c.number in allowed.cadences,
            }
            for c in reading.cadences
        ],
        links=[
            {
                "label": link.commitment.label,
                "ref": link.commitment.label.rpartition(":")[2],
                "text": link.commitment.text,
                "score": f"{link.score:.2f}",
                "sentence": link.sentence,
                "words": link.words,
                "mechanisms": link.mechanisms,
                "allowed": link.commitment.label in allowed.links,
                "two_party": link.commitment.id in two_party,
            }
            for link in reading.links
        ],
        threshold=f"{web.settings.intake.threshold:.2f}",
        ticks=ticks,
        error=error,
        row_errors=row_errors or {},
        field_errors={"source_url": row_errors["source_url"]}
        if row_errors and "source_url" in row_errors
        else {},
    )


def _two_party(ids: list[int], *, session: Session) -> set[int]:
    """Which of the linked commitments a counterpart's progress can be recorded for: those
    both parties undertake (the commitment page offers the same choice)."""
    found = session.exec(select(Commitment).where(col(Commitment.id).in_(ids))).all()
    return {c.id for c in found if c.id is not None and has_counterpart(c)}


def _shown_date(on: FuzzyDate | None, language: str) -> str:
    if on is None:
        return ""
    if on.precision is Precision.DAY:
        return on.iso()
    return say(language, f"fu_precision_{on.precision.value}", date=on.iso())


def _country_name(code: str, language: str) -> str:
    named = country(code)
    return str(named.ko if language == "ko" else named.en)


# --- step 3: apply ------------------------------------------------------------------------------


async def _posted(request: Request) -> FormData:
    """The review form as posted: its rows' fields are named after them (meeting_day_1,
    status_KEY:REF), so they are read from the form itself."""
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


@router.post("/follow-up/apply", response_class=HTMLResponse)
def apply(request: Request, web: WebDep, visitor: ReaderForm, form: Posted) -> Response:
    agreement = _one(form, "agreement")
    on = _one(form, "date")
    source_name = _one(form, "source_name") or PASTED_NAME
    source_name = source_name if source_name == PASTED_NAME else clean_source_name(source_name)
    ticks = _ticks_of(form)
    try:
        text = _carried_text(web, request, _one(form, "text", strip=False), source_name)
        given = _given_date(on)
    except TrackerError as exc:  # a forged or damaged form: start over
        return _form(
            request,
            web,
            visitor,
            status_code=form_status(exc),
            error=exc,
            agreement=agreement,
            field_errors=web.field_errors(request, exc, FORM_FIELDS),
        )
    proposal: FollowUpProposal | None = None
    try:
        with write_session(web.db) as session:
            proposal = _propose(web, text, agreement, given, source_name, session=session)
            if proposal_digest(proposal) != _one(form, "proposal"):
                raise Conflict("intake.proposal_changed")
            choices = _choices(ticks)
            check_permitted(proposal, choices, visitor, session=session)
            outcome = apply_follow_up(
                proposal,
                choices,
                session=session,
                policy=web.policy,
                actor=visitor.officer.name,
                author_id=visitor.officer.id,
            )
    except TrackerError as exc:
        if proposal is None:  # the agreement is gone, or was never one
            return _form(
                request,
                web,
                visitor,
                status_code=form_status(exc),
                error=exc,
                agreement=agreement,
                text=text,
                on=on,
                source_url=ticks.source_url,
                field_errors=web.field_errors(request, exc, FORM_FIELDS),
            )
        with read_session(web.db) as session:
            allowed = permitted_choices(proposal, visitor, session=session)
        if isinstance(exc, Conflict):  # the rows changed: show the new ones as proposed
            kept = _proposed_ticks(proposal, web, allowed)
            kept.source_url = ticks.source_url
            ticks = kept
        return _review(
            request,
            web,
            visitor,
            proposal,
            allowed,
            ticks,
            on=on,
            status_code=409 if isinstance(exc, Conflict) else form_status(exc),
            error=exc,
            row_errors=_row_errors(exc, proposal, web.language_of(request)),
        )
    assert proposal.agreement_key is not None
    target = f"/agreements/{quote(proposal.agreement_key)}"
    return web.redirect(request, target, *_told(outcome))


def _one(form: FormData, name: str, *, strip: bool = True) -> str:
    value = form.get(name)
    text = value if isinstance(value, str) else ""
    return text.strip() if strip else text


def _many(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def _ticks_of(form: FormData) -> Ticks:
    meetings = {int(v) for v in _many(form, "meeting") if v.isdigit()}
    links = set(_many(form, "link"))
    labels = {key.removeprefix("status_") for key in form if key.startswith("status_")}
    sides = {key.removeprefix("party_") for key in form if key.startswith("party_")}
    return Ticks(
        meetings=meetings,
        days={
            int(key.removeprefix("meeting_day_")): _one(form, key)
            for key in form
            if key.startswith("meeting_day_") and key.removeprefix("meeting_day_").isdigit()
        },
        cadences={int(v) for v in _many(form, "cadence") if v.isdigit()},
        links=links,
        statuses={label: _one(form, f"status_{label}") for label in labels},
        parties={label: _one(form, f"party_{label}") for label in sides},
        source_url=_one(form, "source_url"),
    )


def _choices(ticks: Ticks) -> FollowUpChoices:
    if not (ticks.meetings or ticks.links or ticks.cadences):
        raise TrackerError("intake.nothing_chosen")
    meetings: dict[int, date | None] = {}
    for number in sorted(ticks.meetings):
        typed = ticks.days.get(number, "")
        try:
            meetings[number] = date.fromisoformat(typed) if typed else None
        except ValueError:
            raise TrackerError(
                "form.meeting_date_not_a_date", number=number, value=typed[:40]
            ) from None
    sides: dict[Party, dict[str, str | None]] = {party: {} for party in Party}
    for label in sorted(ticks.links):
        chosen = ticks.parties.get(label) or Party.HOME.value
        try:
            party = Party(chosen)
        except ValueError:
            raise TrackerError("form.party_unknown", commitment=label, value=chosen[:20]) from None
        sides[party][label] = ticks.statuses.get(label) or None
    return FollowUpChoices(
        meetings=meetings,
        links=sides[Party.HOME],
        counterpart_links=sides[Party.COUNTERPART],
        cadences=frozenset(ticks.cadences),
        source_url=ticks.source_url,
    )


def _carried_text(web: Web, request: Request, text: str, source_name: str) -> str:
    """The text the review carried, held to the first step's limit and folded as it was then
    (a browser posts the hidden field's line ends as CR LF)."""
    label = _label(web, request, source_name)
    return text_of_paste(text, max_bytes=web.settings.imports.max_bytes, name=label)


def _row_errors(exc: TrackerError, proposal: FollowUpProposal, language: str) -> dict[str, str]:
    """Each row a refusal is about → its words: meeting_N, cadence_N, link_KEY:REF, or the
    source address; a refusal about none of them is only the page's alert."""
    labels = {link.commitment.label for link in proposal.reading.links}
    found: dict[str, str] = {}
    for problem in _each(exc):
        row = _row_of(problem, labels, proposal.agreement_key or "")
        if row is not None:
            words = TrackerError(problem.code, **problem.fields).describe(language)
            found.setdefault(row, words)
    return found


def _each(exc: TrackerError) -> Iterable[TrackerError]:
    if not exc.problems:
        yield exc
    for problem in exc.problems:
        yield from _each(problem)


def _row_of(problem: TrackerError, labels: set[str], key: str) -> str | None:
    fields: dict[str, Any] = problem.fields
    if problem.code.startswith("evidence."):
        return "source_url"
    if problem.where in labels:
        return f"link_{problem.where}"
    if "commitment" in fields:
        reference = str(fields["commitment"])
        label = reference if ":" in reference else f"{key}:{reference}"
        return f"link_{label}"
    if "cadence" in fields:
        return f"cadence_{fields['cadence']}"
    if problem.code.startswith("intake.unknown_cadence"):
        return f"cadence_{fields.get('number')}"
    if "number" in fields:
        return f"meeting_{fields['number']}"
    return None


def _told(outcome: FollowUpOutcome) -> list[Flash]:
    """What the agreement page says once: what was recorded, or that it already was."""
    meetings = len(outcome.meetings_added) + len(outcome.meetings_held)
    updates = len(outcome.updates_added)
    unchanged = len(outcome.meetings_unchanged) + len(outcome.updates_unchanged)
    if not outcome.changed:
        return [tell("flash.follow_up_unchanged", "info")]
    told = [
        tell(
            "flash.follow_up_applied_cadences",
            meetings=meetings,
            updates=updates,
            cadences=len(outcome.cadences_changed),
        )
        if outcome.cadences_changed
        else tell("flash.follow_up_applied", meetings=meetings, updates=updates)
    ]
    if unchanged:
        told.append(tell("flash.follow_up_some_unchanged", "info", count=unchanged))
    return told
