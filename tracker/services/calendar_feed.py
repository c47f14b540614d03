"""Meetings and report due dates as one agenda, and that agenda as an RFC 5545 iCalendar feed.

`agenda` reads the database through the services: the recorded meetings and the one each
cadence projects (`portfolio_calendar.list_meetings`), and the reports due before them as the
scheduler sees them (`due.meeting_units`: a review report before each meeting of the
mechanism that bounds review cycles, a brief before other followed mechanisms' meetings). A
projected meeting of a reviewing mechanism also gets its review report, marked estimated: the
scheduler only acts on recorded meetings, but the desk officer plans for it all the same.

`render_ics` is pure: the agenda in, the feed's text out, written by the `icalendar` library
(CRLF lines folded at 75 octets, TEXT values escaped), so a calendar app and the tests read the
same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session

from tracker.config import Settings
from tracker.models import Mechanism
from tracker.services.cycles import BoundedAgreement
from tracker.services.due import BRIEF, REVIEW, meeting_units
from tracker.services.mechanisms import MechanismSummary, mechanism_summaries, page_in_order
from tracker.services.meetings import MeetingListed
from tracker.services.paging import Page, PageRequest
from tracker.services.portfolio_calendar import (
    bounding,
    cached_calendar,
    list_meetings,
)
from tracker.words import N_, say

HELD, PLANNED, ESTIMATED = "held", "planned", "estimated"
UID_DOMAIN = "tracker"

# The feed's words for a meeting's state and a report's kind (message ids).
STATE_WORDS = {HELD: N_("ical.held"), PLANNED: N_("ical.planned"), ESTIMATED: N_("ical.estimated")}
KIND_WORDS = {REVIEW: N_("ical.review_report"), BRIEF: N_("ical.brief")}


@dataclass(frozen=True)
class ReportDue:
    """A report due before one meeting: a review report of an agreement or a brief."""

    kind: str  # due.REVIEW or BRIEF
    on: date  # the local day it is due
    subject: str  # the agreement key (review) or "mechanism-<id>" (brief)
    period: str  # the ledger's period for a recorded meeting; a stable stand-in for a projected
    estimated: bool = False


REPORTS_NAMED = 3  # subjects a page names on one line of reports due; the rest are counted


@dataclass(frozen=True)
class ReportsDue:
    """The reports of one kind due on one day before one meeting, as a page lists them."""

    kind: str
    on: date
    subjects: tuple[str, ...]  # the first few, in order
    total: int
    estimated: bool = False

    @property
    def unnamed(self) -> int:
        return self.total - len(self.subjects)


@dataclass(frozen=True)
class AgendaMeeting:
    """One meeting, recorded (held or planned) or projected from its mechanism's cadence."""

    id: int | None  # None: projected, not recorded
    mechanism_id: int
    mechanism: str
    on: date
    state: str  # held, planned or estimated
    title: str = ""
    place: str = ""
    reports: tuple[ReportDue, ...] = field(default=())

    def reports_by_day(self, *, named: int = REPORTS_NAMED) -> list[ReportsDue]:
        """The reports due, one line per (day, kind, estimated): a 2+2 that bounds a hundred
        agreements' cycles is due a hundred review reports on one day, which a page names a
        few of and counts."""
        lines: dict[tuple[date, str, bool], list[str]] = {}
        for report in self.reports:
            lines.setdefault((report.on, report.kind, report.estimated), []).append(report.subject)
        return [
            ReportsDue(kind, on, tuple(subjects[:named]), len(subjects), estimated)
            for (on, kind, estimated), subjects in sorted(lines.items())
        ]

    @property
    def uid(self) -> str:
        # A projected meeting moves with its cadence: one per mechanism, so name it by that.
        if self.id is None:
            return f"meeting-estimated-{self.mechanism_id}@{UID_DOMAIN}"
        return f"meeting-{self.id}@{UID_DOMAIN}"


def agenda(
    *,
    session: Session,
    settings: Settings,
    today: date,
    mechanism: Mechanism | None = None,
) -> list[AgendaMeeting]:
    """Every meeting (of `mechanism`, or of all), by date, each with the reports due for it."""
    rows = list_meetings(session=session, today=today, mechanism=mechanism)
    return with_reports(rows, session=session, settings=settings, bounded=bounding(session=session))


def with_reports(
    rows: Sequence[MeetingListed],
    *,
    session: Session,
    settings: Settings,
    bounded: Mapping[int, Sequence[BoundedAgreement]],
) -> list[AgendaMeeting]:
    """`rows` (a page of `list_meetings`, or all of it), each with the reports due for it;
    `bounded` is `portfolio_calendar.bounding`. Only the rows' own meetings are looked at."""
    lead = timedelta(days=settings.schedule.report_lead_days)
    due: dict[int, list[ReportDue]] = {}
    recorded = {row.id for row in rows if row.id is not None}
    if recorded:
        units = meeting_units(
            session=session, settings=settings, bounded=bounded, meeting_ids=recorded
        )
        for unit in units:
            meeting_id = int(unit.period.rsplit("#meeting-", 1)[1])
            due.setdefault(meeting_id, []).append(
                ReportDue(
                    unit.kind, unit.due_at.astimezone(settings.tz).date(), unit.subject, unit.period
                )
            )
    meetings = []
    for row in rows:
        if row.id is not None:
            reports = due.get(row.id, [])
        else:
            reports = [
                ReportDue(
                    REVIEW,
                    row.held_on - lead,
                    agreement.key,
                    f"estimated-mechanism-{row.mechanism_id}",
                    estimated=True,
                )
                for agreement in bounded.get(row.mechanism_id, [])
            ]
        meetings.append(
            AgendaMeeting(
                id=row.id,
                mechanism_id=row.mechanism_id,
                mechanism=row.mechanism,
                on=row.held_on,
                state=row.state,
                title=row.title,
                place=row.place,
                reports=tuple(sorted(reports, key=lambda r: (r.on, r.kind, r.subject))),
            )
        )
    return meetings


MECHANISMS_SHOWN = 50  # in the meetings page's table of mechanisms: those meeting soonest
CHOICES = 200  # in a form's list of mechanisms


@dataclass(frozen=True)
class MeetingsBoard:
    """The meetings page, bounded however many mechanisms and meetings there are."""

    page: Page[AgendaMeeting]  # coming meetings soonest first, then past ones latest first
    chosen: int | None  # the mechanism the list is narrowed to
    following: dict[int, MeetingListed]  # mechanism id → its next meeting
    mechanisms: list[MechanismSummary]  # those meeting soonest, and the chosen one
    choices: list[MechanismSummary]  # those, and the ones the visitor may record, capped
    mechanisms_total: int


def meetings_board(
    *,
    session: Session,
    settings: Settings,
    today: date,
    chosen: int | None,
    page: PageRequest,
    recordable: set[int],
) -> MeetingsBoard:
    """One page of meetings (of `chosen`, or of all), only its meetings with their reports,
    and the short lists of mechanisms the page names."""
    calendar = cached_calendar(session)
    mechanisms = calendar.summaries if calendar else mechanism_summaries(session=session)
    if chosen not in {m.id for m in mechanisms}:
        chosen = None
    bounded = bounding(session=session)
    everything = list_meetings(session=session, today=today)
    shown = page_in_order(
        [m for m in everything if chosen is None or m.mechanism_id == chosen],
        page,
        _board_key(today),
    )
    following: dict[int, MeetingListed] = {}
    for meeting in everything:
        if meeting.held_on >= today:
            following.setdefault(meeting.mechanism_id, meeting)
    soonest = sorted(following.values(), key=lambda m: (m.held_on, m.mechanism_id))
    wanted = {m.mechanism_id for m in soonest[:MECHANISMS_SHOWN]} | {chosen}
    listed = with_reports(shown.items, session=session, settings=settings, bounded=bounded)
    return MeetingsBoard(
        page=Page(listed, shown.next_cursor),
        chosen=chosen,
        following=following,
        mechanisms=[m for m in mechanisms if m.id in wanted],
        choices=[m for m in mechanisms if m.id in wanted or m.id in recordable][:CHOICES],
        mechanisms_total=len(mechanisms),
    )


def _board_key(today: date) -> Callable[[MeetingListed], tuple[int, int, int, int]]:
    """The page's order: coming meetings from the soonest, then past ones from the latest."""

    def key(meeting: MeetingListed) -> tuple[int, int, int, int]:
        day = meeting.held_on.toordinal()
        section, day = (0, day) if meeting.held_on >= today else (1, -day)
        return (section, day, meeting.mechanism_id, meeting.id or 0)

    return key


# -- iCalendar (RFC 5545), pure ---------------------------------------------------------------


def _plain(value: str) -> str:
    """Text a content line may hold: the library escapes TEXT values and folds lines, but lets
    control characters through, which RFC 5545 (3.1) forbids in a content line; newlines and
    tabs stay (a newline is escaped as \\n)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))


def _event(
    uid: str,
    stamp: datetime,
    on: date,
    summary: str,
    status: str,
    *,
    description: str,
    location: str = "",
    transparent: bool = False,
) -> Event:
    """An all-day event: a date, not a time, so no zone can move it to another day."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))
    event.add("summary", _plain(summary))
    event.add("description", _plain(description))
    if location:
        event.add("location", _plain(location))
    event.add("status", status)
    if transparent:  # a deadline, not a meeting: it does not make the reader busy
        event.add("transp", "TRANSPARENT")
    return event


def render_ics(meetings: Sequence[AgendaMeeting], *, now: datetime, language: str = "ko") -> str:
    """The feed: a VEVENT per meeting (all day; estimated ones TENTATIVE) and one per report
    due date, with UIDs that stay the same from one fetch to the next. The `icalendar` library
    writes it (escaping, folding at 75 octets, CRLF)."""
    estimated = f" ({say(language, 'ical.estimated')})"
    report_due = say(language, "ical.report_due")
    for_meeting = say(language, "ical.for_meeting")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    feed = Calendar()
    feed.add("version", "2.0")
    feed.add("prodid", f"-//{UID_DOMAIN}//commitment follow-up//{language.upper()}")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", say(language, "ical.calendar"))
    for meeting in meetings:
        summary = meeting.mechanism + (estimated if meeting.state == ESTIMATED else "")
        details = [meeting.title, f"{say(language, STATE_WORDS[meeting.state])} {meeting.on}"]
        feed.add_component(
            _event(
                meeting.uid,
                stamp,
                meeting.on,
                summary,
                "TENTATIVE" if meeting.state == ESTIMATED else "CONFIRMED",
                description="\n".join(d for d in details if d),
                location=meeting.place,
            )
        )
        for report in meeting.reports:
            what = say(language, KIND_WORDS[report.kind]) + (
                f" ({report.subject})" if report.kind == REVIEW else ""
            )
            summary = f"{report_due}: {meeting.mechanism} {what}" + (
                estimated if report.estimated else ""
            )
            feed.add_component(
                _event(
                    f"report-{report.kind}-{report.period}-{report.subject}@{UID_DOMAIN}",
                    stamp,
                    report.on,
                    summary,
                    "TENTATIVE" if report.estimated else "CONFIRMED",
                    description=f"{for_meeting}: {meeting.mechanism} {meeting.on}",
                    transparent=True,
                )
            )
    written: bytes = feed.to_ical()
    return written.decode("utf-8")
