"""The domain's shared vocabulary: the closed lists every layer agrees on.

Values are stored in the database as these strings, so renaming a member is a migration.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Language(StrEnum):
    KO = "ko"
    EN = "en"


class Strength(StrEnum):
    """How strongly a sentence binds the parties; only firm and best-effort ones are tracked."""

    FIRM = "firm"  # 할 것이다 / will / shall
    BEST_EFFORT = "best_effort"  # 노력 / 모색 / seek to / endeavour / explore
    DECLARATORY = "declaratory"  # 재확인 / 인식 / reaffirm / recognize
    PERMISSIVE = "permissive"  # 할 수 있다 / may
    DESCRIPTIVE = "descriptive"  # states a fact, undertakes nothing

    @property
    def is_undertaking(self) -> bool:
        return self in (Strength.FIRM, Strength.BEST_EFFORT)


class MechanismKind(StrEnum):
    MINISTERIAL_MEETING = "ministerial_meeting"
    SUMMIT = "summit"  # 정상회담: the heads of state or government meet
    LEADERS_MEETING = "leaders_meeting"  # 정상회의, a leaders' meeting (often of several)
    HIGH_LEVEL_TALKS = "high_level_talks"  # 고위급/차관급/국장급 회담·협의
    WORKING_LEVEL_TALKS = "working_level_talks"  # 실무 회담·협의
    DIALOGUE = "dialogue"
    COMMITTEE = "committee"
    WORKING_GROUP = "working_group"
    AGREEMENT = "agreement"  # an MOU or other instrument
    FORUM = "forum"  # forum or event
    EXHIBITION = "exhibition"
    INSTITUTION = "institution"
    OTHER = "other"


class Cadence(StrEnum):
    BIENNIAL = "biennial"
    ANNUAL = "annual"
    REGULAR = "regular"
    AD_HOC = "ad_hoc"
    UNKNOWN = "unknown"


class LinkRole(StrEnum):
    """Why a commitment is linked to a mechanism."""

    NAMED = "named"  # the commitment's text names the mechanism
    REVIEWS = "reviews"  # the agreement's review chain assigns the mechanism to review it


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"


class TokenScope(StrEnum):
    """What a token may do: call the JSON API as its officer, or only read the calendar feed
    (a subscription address ends up in calendar services and shared calendars)."""

    API = "api"
    CALENDAR = "calendar"


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class UpdateSource(StrEnum):
    """Where a status update was entered."""

    WEB = "web"
    CLI = "cli"
    SPREADSHEET = "spreadsheet"
    API = "api"
    FOLLOW_UP = "follow_up"  # confirmed from a follow-up text (tracker.services.intake)


class Party(StrEnum):
    """Whose progress a status update records: the home side's (the default) or the
    counterpart's, for a commitment both (or several) parties undertake."""

    HOME = "home"
    COUNTERPART = "counterpart"


class EvidenceLevel(StrEnum):
    """What a status update rests on (OGP's IRM keeps "no evidence available" apart from "not
    started"): evidence found (links or files), reported without evidence, or none to be found."""

    FOUND = "found"
    REPORTED = "reported"
    NONE_AVAILABLE = "none_available"


class RequestState(StrEnum):
    """A request for cooperation: open (awaiting the addressee), answered (awaiting the asker's
    close), closed."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class EvidenceKind(StrEnum):
    LINK = "link"
    FILE = "file"


class Score(IntEnum):
    """The per-cycle assessment; "not assessed" is the absence of a score, never 0."""

    FULL = 1
    PARTIAL = 0
    NONE = -1

    @property
    def key(self) -> str:
        """Its words' id in the catalogues is `score.<key>`: full, partial, none (and a missing
        score is `score.not_assessed`)."""
        return self.name.lower()


class Attention(StrEnum):
    """Why a commitment needs an officer's attention."""

    STALE = "stale"  # no status update for attention.stale_days
    DUE = "due"  # a meeting that reviews it is within attention.due_days
    UNOWNED = "unowned"  # no officer, or the officer has left
    STALLED = "stalled"  # its progress status is flagged stalled


class ReportKind(StrEnum):
    REVIEW = "review"  # the biennial review report of one agreement for one cycle
    BRIEF = "brief"  # a pre-meeting brief for one mechanism meeting


class ReportFormat(StrEnum):
    """What file a report is written as; every format is built from the same report views."""

    PDF = "pdf"  # WeasyPrint, from the HTML templates
    HWPX = "hwpx"  # Hangul's open format (OWPML, KS X 6101)
    DOCX = "docx"  # Word

    @property
    def media_type(self) -> str:
        return _REPORT_MEDIA_TYPES[self]


_REPORT_MEDIA_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.HWPX: "application/hwp+zip",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENT = "sent"
    FAILED = "failed"  # refused for good (5xx), or out of attempts; `outbox retry` re-queues


class Grouping(StrEnum):
    """What a rollup (`tracker summary --by`, a report's tables) counts commitments by."""

    AGREEMENT = "agreement"
    SECTION = "section"
    MECHANISM = "mechanism"
    OWNER = "owner"
    DIVISION = "division"
