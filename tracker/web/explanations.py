"""The dashboard's explanations, worded in the page's language from what the services found
(`tracker.services.attention_reasons`): why nothing needs attention, and the meeting behind
each commitment that is due.

- `explanations(board, language)`: the lines that say why the attention list is empty (nothing
  watched; the oldest update against the stale threshold; the next review meeting and the day
  its commitments fall due); none when the list has something in it.
- `with_meetings(board, language)`: the board whose listed commitments that are due each carry
  their `meeting`: `{"mechanism", "on", "place", "estimated", "due_from", "message"}`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tracker.models import CommitmentPublic
from tracker.services.attention_reasons import QuietReasons, ReviewMeeting
from tracker.services.dashboard import Dashboard
from tracker.services.paging import Page
from tracker.words import say


class ListedCommitment(CommitmentPublic):
    """A commitment as the dashboard lists it: with the meeting it is due for, if it is."""

    meeting: dict[str, Any] | None = None


def explanations(board: Dashboard, language: str) -> list[str]:
    if not board.counts.total:
        if board.scope == "division":
            return [say(language, "explain.none_watched_division")]
        if board.scope == "all":
            return [say(language, "explain.none_watched_all")]
        return [say(language, "explain.none_watched_mine")]
    if board.quiet is None:
        return []
    return [_stale(board.quiet, language), _due(board.quiet, language)]


def with_meetings(board: Dashboard, language: str) -> Dashboard:
    listed = [
        ListedCommitment.model_validate(
            commitment.model_dump() | {"meeting": _meeting(board.due_for[commitment.id], language)}
        )
        if commitment.id in board.due_for
        else commitment
        for commitment in board.flagged.items
    ]
    flagged = Page(listed, board.flagged.next_cursor, board.flagged.total)
    return replace(board, flagged=flagged)


def _stale(quiet: QuietReasons, language: str) -> str:
    if quiet.quiet_days is None or quiet.stale_from is None:
        return say(language, "explain.stale_all_finished")
    return say(
        language,
        "explain.stale_none",
        count=quiet.quiet_days,
        stale_days=quiet.stale_days,
        stale_from=quiet.stale_from.isoformat(),
    )


def _due(quiet: QuietReasons, language: str) -> str:
    if not quiet.unfinished:
        return say(language, "explain.due_all_finished")
    meeting = quiet.next_review
    if meeting is None:
        return say(language, "explain.due_no_meeting")
    return say(
        language,
        "explain.due_none",
        meeting=_meeting_words(meeting, language),
        due_days=quiet.due_days,
        due_from=meeting.due_from.isoformat(),
    )


def _meeting(meeting: ReviewMeeting, language: str) -> dict[str, Any]:
    return {
        "mechanism": meeting.mechanism_en if language == "en" else meeting.mechanism,
        "on": meeting.on.isoformat(),
        "place": meeting.place,
        "estimated": meeting.estimated,
        "due_from": meeting.due_from.isoformat(),
        "message": say(language, "explain.due_for", meeting=_meeting_words(meeting, language)),
    }


def _meeting_words(meeting: ReviewMeeting, language: str) -> str:
    """ "2+2, 2027-06-01, Ottawa", or the date marked as estimated when the cadence projects it."""
    name = meeting.mechanism_en if language == "en" else meeting.mechanism
    on = meeting.on.isoformat()
    if meeting.estimated:
        return say(language, "explain.meeting_estimated", mechanism=name, on=on)
    if meeting.place:
        return say(language, "explain.meeting_at", mechanism=name, on=on, place=meeting.place)
    return say(language, "explain.meeting", mechanism=name, on=on)
