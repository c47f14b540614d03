"""What a report template sees: plain, already-labelled values in the report's language.

Templates never query the database; `tracker.reports.context` builds these from the services.
Every string is plain text; the Jinja environment escapes it and keeps Korean words whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Count:
    """One bar of a chart or one cell of a count table."""

    key: str  # a status key, or "full"/"partial"/"none"/"not_assessed" for assessments
    label: str
    count: int


@dataclass(frozen=True)
class GroupCounts:
    """A row of a summary table: one section or mechanism with its counts."""

    name: str
    total: int
    statuses: list[Count]  # every configured status, in config order, zeros included
    scores: list[Count]  # full, partial, none, not_assessed
    mean_score: float | None  # mean of the given scores (+1/0/-1); None if none given


@dataclass(frozen=True)
class MeetingView:
    mechanism: str
    on: date | None
    place: str = ""
    title: str = ""
    estimated: bool = False  # the date follows from the cadence; not yet set by an officer


@dataclass(frozen=True)
class AttentionItem:
    ref: str  # "7.3", or the mechanism name for a planned mechanism not yet set up
    text: str  # the commitment's text, shortened
    owner: str
    reasons: list[str]  # labels: 정체, 점검 지연, 담당자 없음, 평가 전, 미설치 협의체...


@dataclass(frozen=True)
class MechanismView:
    name: str
    kind: str  # label
    cadence: str  # label
    planned: bool  # named in the text but not yet set up
    reports_to: str
    last_meeting: date | None
    next_meeting: MeetingView | None
    reviews: int  # how many tracked commitments it follows (named or reviewing)


@dataclass(frozen=True)
class CommitmentView:
    ref: str
    agreement_key: str
    text: str  # verbatim
    owner: str
    division: str
    lead_agency: str
    status_key: str
    status: str  # label
    status_as_of: date | None
    score: int | None
    assessment: str  # label: "+1 완전 이행", "미평가"...
    rationale: str
    narrative: str  # the latest update's narrative
    evidence_count: int
    last_update: date | None  # in the configured zone
    mechanisms: list[str]
    attention: list[str]  # labels
    changes: list[str]  # what changed since the previous report, as sentences; [] = nothing
    new_since_previous: bool = False
    # Both parties undertake it (or several): the counterpart's status is shown beside ours,
    # "not recorded" when nobody has recorded one.
    has_counterpart: bool = False
    counterpart_status_key: str = ""  # "" = not recorded
    counterpart_status: str = ""  # label
    counterpart_as_of: date | None = None
    counterpart_narrative: str = ""
    obstacles: str = ""  # the home side's standing update's
    counterpart_obstacles: str = ""
    evidence_level_key: str = ""  # of the home side's standing update; "" = no update yet
    evidence_level: str = ""  # label


@dataclass(frozen=True)
class PartyCount:
    """One status with how many commitments each party stands at."""

    key: str  # a status key, or "not_recorded" (the counterpart's only)
    label: str
    home: int | None  # None on the "not recorded" row: the home side always has a status
    counterpart: int


@dataclass(frozen=True)
class RequestView:
    """A request for cooperation not yet closed, as the action section lists it."""

    ref: str  # the commitment's reference ("7.3"), or KEY:REF across agreements
    from_division: str
    to: str  # a division's name, or another body
    what: str
    due_on: date | None
    age_days: int
    state_key: str  # open, answered
    state: str  # label
    overdue: bool  # its due date has passed


@dataclass(frozen=True)
class ClauseView:
    number: str
    commitments: list[CommitmentView]


@dataclass(frozen=True)
class SectionView:
    title: str
    anchor: str  # an HTML id, for the contents and target-counter()
    clauses: list[ClauseView]


@dataclass(frozen=True)
class AnnexClause:
    section: str  # heading it falls under ("" to repeat none)
    number: str
    text: str  # the clause as imported, its number kept


@dataclass(frozen=True)
class Cover:
    title: str  # the report's own title: "한-캐나다 … 이행 점검 보고서"
    agreement_title: str
    counterpart: str  # countries / foreign body
    signed_on: date | None
    signed_at: str
    meeting: MeetingView | None  # the meeting it is prepared for
    cycle_label: str  # "제1주기 (2025-10-30 ~ 2027-10-30 예정)"
    prepared_by: str  # "북미2과 정진우"
    prepared_on: date
    classification: str  # "" for none


@dataclass
class ReviewReportView:
    """The biennial review report of one agreement for one cycle."""

    language: str  # "ko" or "en": the labels here are in it, and templates render with it
    cover: Cover
    running_title: str  # the running header
    status_counts: list[Count]
    score_counts: list[Count]
    by_section: list[GroupCounts]
    by_mechanism: list[GroupCounts]
    attention: list[AttentionItem]
    mechanisms: list[MechanismView]
    sections: list[SectionView]
    annex: list[AnnexClause]
    previous_report_on: date | None = None  # date of the report "changes since" refers to
    # Each party's status counts; [] when no tracked commitment has a counterpart.
    party_counts: list[PartyCount] = field(default_factory=list)
    # Commitments by the evidence level of the home side's standing update ("no_update" last).
    evidence_counts: list[Count] = field(default_factory=list)
    requests: list[RequestView] = field(default_factory=list)  # oldest first, capped
    requests_total: int = 0  # requests not yet closed, listed or not

    @property
    def requests_left_out(self) -> int:
        """Requests not yet closed that the cap left out of the list."""
        return self.requests_total - len(self.requests)


@dataclass(frozen=True)
class AgreementRow:
    """One agreement in a brief's summary: what the mechanism follows of it, in one row."""

    key: str
    title: str
    counterpart: str
    total: int  # tracked commitments the mechanism follows
    statuses: list[Count]  # every configured status, in config order, zeros included
    assessed: int
    mean_score: float | None  # of its open cycle's assessments; None if none given
    attention: int  # how many of them need attention
    requests: int = 0  # their requests for cooperation not yet closed


@dataclass
class BriefView:
    """A pre-meeting brief: what one mechanism follows, across every agreement naming it.

    It stays bounded however many agreements the mechanism follows: one summary row per
    agreement, and details only for the most urgent commitments that need attention."""

    language: str
    cover: Cover
    running_title: str
    status_counts: list[Count]
    score_counts: list[Count]
    agreements: list[AgreementRow] = field(default_factory=list)
    details: list[CommitmentView] = field(default_factory=list)  # most urgent first
    attention_total: int = 0  # commitments that need attention, detailed or not
    attention_agreements: int = 0  # agreements with at least one of them
    # Each party's status counts, summed over the agreements; [] when no counterpart's status
    # is recorded in any of them.
    party_counts: list[PartyCount] = field(default_factory=list)
    requests_total: int = 0  # requests for cooperation not yet closed, over the agreements

    @property
    def left_out(self) -> int:
        """Commitments that need attention but were not detailed (the cap)."""
        return self.attention_total - len(self.details)
