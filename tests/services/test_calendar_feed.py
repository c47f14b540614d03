"""The iCalendar feed on its own: folding, escaping and the events, then the agenda it is
built from (the seed's meetings and the reports due before them)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar, Event
from sqlmodel import Session

from tracker.config import Settings
from tracker.models import Agreement, MeetingCreate
from tracker.services.calendar_feed import (
    AgendaMeeting,
    ReportDue,
    agenda,
    render_ics,
)
from tracker.services.due import BRIEF, REVIEW
from tracker.services.lookup import find_mechanism
from tracker.services.meetings import add_meeting

NOW = datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def unfold(text: str) -> list[str]:
    """The content lines of a feed, strictly: CRLF only, physical lines of at most 75 octets
    that each decode on their own (no character cut in two), continuations unfolded."""
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    lines: list[str] = []
    for raw in data[:-2].split(b"\r\n"):
        assert b"\r" not in raw and b"\n" not in raw
        assert len(raw) <= 75, raw
        piece = raw.decode("utf-8")
        if piece.startswith(" "):
            lines[-1] += piece[1:]
        else:
            lines.append(piece)
    return lines


def events(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    stack: list[str] = []
    for line in unfold(text):
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                found.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack[-1] == "VEVENT":
            found[-1][name] = value
    assert stack == []
    return found


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            assert ch not in ",;", value  # an unescaped separator in a TEXT value
            out.append(ch)
    return "".join(out)


def parsed(text: str) -> list[Event]:
    """The feed's events as the `icalendar` library reads it back."""
    return list(Calendar.from_ical(text).walk("VEVENT"))


def test_long_korean_lines_fold_by_octets_never_inside_a_character() -> None:
    long = "한-캐나다 외교·국방(2+2) 장관회의 " * 10
    meeting = AgendaMeeting(7, 1, long, date(2027, 10, 14), "planned", title=long)
    text = render_ics([meeting], now=NOW)
    assert "\r\n " in text  # folded, and unfold() checks every physical line's octets
    assert unescape(events(text)[0]["SUMMARY"]) == long
    assert str(parsed(text)[0]["SUMMARY"]) == long


def test_text_values_are_escaped_and_control_characters_dropped() -> None:
    place = "오타와, 캐나다; 국방부\r\n2층 \\ 회의실\x07\t끝"
    meeting = AgendaMeeting(7, 1, "2+2", date(2027, 10, 14), "planned", place=place)
    text = render_ics([meeting], now=NOW)
    written = events(text)[0]["LOCATION"]
    assert "\\," in written and "\\;" in written and "\\n" in written
    assert unescape(written) == "오타와, 캐나다; 국방부\n2층 \\ 회의실\t끝"
    assert str(parsed(text)[0]["LOCATION"]) == "오타와, 캐나다; 국방부\n2층 \\ 회의실\t끝"


def test_the_feed_has_a_vevent_per_meeting_and_report_with_stable_uids() -> None:
    meetings = [
        AgendaMeeting(
            id=7,
            mechanism_id=1,
            mechanism="외교·국방장관 2+2 회의",
            on=date(2027, 10, 14),
            state="planned",
            title="제2차 한-캐나다 외교·국방(2+2) 장관회의",
            place="오타와, 캐나다",
            reports=(ReportDue(REVIEW, date(2027, 9, 14), "kr-ca-2025", "2027-10-14#meeting-7"),),
        ),
        AgendaMeeting(
            id=None,
            mechanism_id=3,
            mechanism="방산군수 공동위원회",
            on=date(2027, 5, 1),
            state="estimated",
        ),
        AgendaMeeting(
            id=9,
            mechanism_id=2,
            mechanism="국장급 외교·국방 정책 대화",
            on=date(2026, 6, 2),
            state="held",
            reports=(ReportDue(BRIEF, date(2026, 5, 3), "mechanism-2", "2026-06-02#meeting-9"),),
        ),
    ]
    text = render_ics(meetings, now=NOW)
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    found = {e["UID"]: e for e in events(text)}
    assert set(found) == {
        "meeting-7@tracker",
        "report-review_report-2027-10-14#meeting-7-kr-ca-2025@tracker",
        "meeting-estimated-3@tracker",
        "meeting-9@tracker",
        "report-brief-2026-06-02#meeting-9-mechanism-2@tracker",
    }
    planned = found["meeting-7@tracker"]
    assert planned["DTSTART;VALUE=DATE"] == "20271014"
    assert planned["DTEND;VALUE=DATE"] == "20271015"
    assert unescape(planned["SUMMARY"]) == "외교·국방장관 2+2 회의"
    assert planned["STATUS"] == "CONFIRMED" and planned["DTSTAMP"] == "20260302T010203Z"
    assert unescape(planned["LOCATION"]) == "오타와, 캐나다"
    estimated = found["meeting-estimated-3@tracker"]
    assert estimated["STATUS"] == "TENTATIVE" and "추정" in estimated["SUMMARY"]
    review = found["report-review_report-2027-10-14#meeting-7-kr-ca-2025@tracker"]
    assert review["DTSTART;VALUE=DATE"] == "20270914"
    assert unescape(review["SUMMARY"]) == (
        "보고서 마감: 외교·국방장관 2+2 회의 점검 보고서 (kr-ca-2025)"
    )
    brief = found["report-brief-2026-06-02#meeting-9-mechanism-2@tracker"]
    assert unescape(brief["SUMMARY"]) == "보고서 마감: 국장급 외교·국방 정책 대화 사전 브리핑"
    # Only the stamp changes from one fetch to the next.
    later = render_ics(meetings, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert later.replace("20260401T000000Z", "20260302T010203Z") == text
    assert "Report due: " in render_ics(meetings, now=NOW, language="en")
    # A calendar library reads the same: dates, not times, and the same UIDs and words.
    read = {str(event["UID"]): event for event in parsed(text)}
    assert set(read) == set(found)
    assert read["meeting-7@tracker"].decoded("DTSTART") == date(2027, 10, 14)
    assert read["meeting-7@tracker"].decoded("DTSTAMP") == NOW
    assert str(read["meeting-7@tracker"]["DESCRIPTION"]) == (
        "제2차 한-캐나다 외교·국방(2+2) 장관회의\n예정 2027-10-14"
    )
    assert str(read["meeting-estimated-3@tracker"]["STATUS"]) == "TENTATIVE"
    deadline = read["report-review_report-2027-10-14#meeting-7-kr-ca-2025@tracker"]
    assert str(deadline["TRANSP"]) == "TRANSPARENT" and "TRANSP" not in read["meeting-9@tracker"]


def test_reports_due_on_one_day_are_one_line_that_names_a_few() -> None:
    reviews = tuple(
        ReportDue(REVIEW, date(2027, 9, 30), f"kr-ca-{n}", "estimated-mechanism-1", True)
        for n in range(1, 6)
    )
    brief = ReportDue(BRIEF, date(2027, 9, 1), "mechanism-1", "2027-10-01#meeting-3")
    meeting = AgendaMeeting(
        None, 1, "2+2", date(2027, 10, 30), "estimated", reports=(brief, *reviews)
    )
    lines = meeting.reports_by_day()
    assert [(line.kind, line.on, line.total, line.unnamed) for line in lines] == [
        (BRIEF, date(2027, 9, 1), 1, 0),
        (REVIEW, date(2027, 9, 30), 5, 2),
    ]
    assert lines[1].subjects == ("kr-ca-1", "kr-ca-2", "kr-ca-3") and lines[1].estimated
    assert meeting.reports_by_day(named=10)[1].unnamed == 0


def test_an_english_feed_speaks_english_and_an_unknown_language_korean() -> None:
    report = ReportDue(REVIEW, date(2027, 9, 30), "kr-ca-2025", "estimated-mechanism-1", True)
    meeting = AgendaMeeting(None, 1, "2+2", date(2027, 10, 30), "estimated", reports=(report,))
    english = render_ics([meeting], now=NOW, language="en")
    assert "X-WR-CALNAME:Follow-up meetings" in unfold(english)
    found = {unescape(e["SUMMARY"]): unescape(e["DESCRIPTION"]) for e in events(english)}
    assert found == {
        "2+2 (estimated)": "estimated 2027-10-30",
        "Report due: 2+2 review report (kr-ca-2025) (estimated)": "for the meeting: 2+2 2027-10-30",
    }
    unknown = render_ics([meeting], now=NOW, language="fr")
    assert unknown.replace("//FR", "//KO") == render_ics([meeting], now=NOW, language="ko")


def test_an_empty_agenda_is_still_a_calendar() -> None:
    assert unfold(render_ics([], now=NOW))[-1] == "END:VCALENDAR"
    assert events(render_ics([], now=NOW)) == []


def test_the_seed_agenda_has_the_estimated_2_plus_2_and_its_review_report(
    session: Session, seed: Agreement, settings: Settings
) -> None:
    rows = agenda(session=session, settings=settings, today=TODAY)
    estimated = [m for m in rows if m.state == "estimated"]
    assert [(m.mechanism, m.on) for m in estimated] == [
        ("외교·국방장관 2+2 회의", date(2027, 10, 30))
    ]
    assert estimated[0].reports == (
        ReportDue(REVIEW, date(2027, 9, 30), "kr-ca-2025", "estimated-mechanism-1", True),
    )


def test_a_recorded_meeting_gets_the_reports_the_scheduler_will_build(
    session: Session, seed: Agreement, settings: Settings
) -> None:
    two_plus_two = find_mechanism("2+2", session=session)
    dialogue = find_mechanism("외교·국방 정책 대화", session=session)
    assert two_plus_two.id is not None and dialogue.id is not None
    meeting = add_meeting(
        two_plus_two,
        MeetingCreate(mechanism_id=two_plus_two.id, held_on=date(2027, 10, 14), place="오타와"),
        session=session,
        actor="test",
        today=TODAY,
    )
    talk = add_meeting(
        dialogue,
        MeetingCreate(mechanism_id=dialogue.id, held_on=date(2026, 6, 2)),
        session=session,
        actor="test",
        today=TODAY,
    )
    session.commit()
    rows = {m.id: m for m in agenda(session=session, settings=settings, today=TODAY)}
    assert None not in rows  # the 2+2 is recorded: nothing is projected any more
    assert rows[meeting.id].reports == (
        ReportDue(REVIEW, date(2027, 9, 14), "kr-ca-2025", f"2027-10-14#meeting-{meeting.id}"),
    )
    assert rows[meeting.id].state == "planned" and rows[meeting.id].place == "오타와"
    assert [(r.kind, r.on) for r in rows[talk.id].reports] == [(BRIEF, date(2026, 5, 3))]
    only = agenda(session=session, settings=settings, today=TODAY, mechanism=dialogue)
    assert [m.id for m in only] == [talk.id]
