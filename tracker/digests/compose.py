"""Compose due digests into the outbox: one transaction per officer, unique per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import make_msgid, parseaddr

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.db import read_session, write_session
from tracker.digests.content import DigestContent, DigestDay, digest_content
from tracker.digests.periods import current_period
from tracker.domain import DigestFrequency, OutboxState
from tracker.models import Officer, OutboxMessage
from tracker.services.policy import FollowUpPolicy
from tracker.words import install

# With no earlier digest, a first one covers this far back.
FIRST_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    text: str
    html: str


def email_environment(settings: Settings) -> Environment:
    """The mail's templates: HTML escaped, text as typed, words from the reader's catalogue
    (every render passes `language`)."""
    folder = settings.resolve(settings.paths.templates) / "email"
    environment = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    install(environment)
    return environment


def render_digest(
    content: DigestContent, *, settings: Settings, dated: date, environment: Environment
) -> ComposedMail:
    officer = content.officer
    language = officer.language.value
    context = {
        "officer": officer,
        "content": content,
        "period": dated.isoformat(),  # readers see the digest's day, not "2027-W03"
        "language": language,
        "since": content.since.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"),
        "settings_link": f"{settings.web.base_url.rstrip('/')}/me/settings",
    }
    subject = environment.get_template("digest.subject.txt").render(context).strip()
    return ComposedMail(
        subject=subject,
        text=environment.get_template("digest.txt").render(context),
        html=environment.get_template("digest.html").render(context | {"subject": subject}),
    )


def preview(
    officer: Officer, *, session: Session, settings: Settings, now: datetime
) -> ComposedMail | None:
    """What the officer's digest would say now, dated as theirs would be; composes nothing."""
    frequency = (
        officer.digest_frequency
        if officer.digest_frequency is not DigestFrequency.OFF
        else DigestFrequency.WEEKLY
    )
    period = current_period(frequency, now=now, settings=settings)
    dated = (period[1] if period else now).astimezone(settings.tz).date()
    day = _day(session=session, settings=settings, now=now)
    content = _content(officer, session=session, settings=settings, now=now, day=day)
    if content is None:
        return None
    environment = email_environment(settings)
    return render_digest(content, settings=settings, dated=dated, environment=environment)


def compose_due(*, engine: Engine, settings: Settings, now: datetime) -> list[int]:
    """Compose every digest due by `now` that is not composed yet; returns the outbox ids.

    Only each officer's latest period is composed: a digest reports what happened since the
    previous one, so after downtime one late digest says it all.
    """
    with read_session(engine) as session:
        day = _day(session=session, settings=settings, now=now)
        officers = session.exec(
            select(Officer.id).where(
                col(Officer.active).is_(True),
                col(Officer.email).is_not(None),
                Officer.digest_frequency != DigestFrequency.OFF,
            )
        ).all()
    environment = email_environment(settings)
    composed = []
    for officer_id in officers:
        with write_session(engine) as session:
            message_id = _compose_one(
                officer_id,
                session=session,
                settings=settings,
                now=now,
                day=day,
                environment=environment,
            )
        if message_id is not None:
            composed.append(message_id)
    return composed


def _compose_one(
    officer_id: int | None,
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    day: DigestDay,
    environment: Environment,
) -> int | None:
    officer = session.get(Officer, officer_id)
    assert officer is not None and officer.email is not None
    due = current_period(officer.digest_frequency, now=now, settings=settings)
    if due is None:
        return None
    period, due_at = due
    if session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.officer_id == officer.id,
            OutboxMessage.kind == "digest",
            OutboxMessage.period == period,
        )
    ).first():
        return None
    content = _content(officer, session=session, settings=settings, now=now, day=day)
    if content is None:
        return None  # nothing to say: no mail
    dated = due_at.astimezone(settings.tz).date()
    mail = render_digest(content, settings=settings, dated=dated, environment=environment)
    domain = parseaddr(settings.mail.from_address)[1].rpartition("@")[2] or "localhost"
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = session.execute(
        insert(OutboxMessage)
        .values(
            officer_id=officer.id,
            kind="digest",
            period=period,
            message_id=make_msgid(idstring=f"digest.{officer.id}.{period}", domain=domain),
            to_address=officer.email,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            state=OutboxState.QUEUED,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["officer_id", "kind", "period"])
        .returning(col(OutboxMessage.id))
    )
    return result.scalar()


def _day(*, session: Session, settings: Settings, now: datetime) -> DigestDay:
    return DigestDay.on(
        session=session,
        policy=FollowUpPolicy.from_settings(settings),
        today=now.astimezone(settings.tz).date(),
        max_items=settings.digests.max_items,
    )


def _content(
    officer: Officer, *, session: Session, settings: Settings, now: datetime, day: DigestDay
) -> DigestContent | None:
    previous = session.exec(
        select(OutboxMessage.created_at)
        .where(OutboxMessage.officer_id == officer.id, OutboxMessage.kind == "digest")
        .order_by(col(OutboxMessage.created_at).desc())
    ).first()
    return digest_content(
        officer,
        session=session,
        policy=FollowUpPolicy.from_settings(settings),
        since=previous or now - FIRST_LOOKBACK,
        day=day,
        base_url=settings.web.base_url,
        max_items=settings.digests.max_items,
    )
