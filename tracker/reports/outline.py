"""A report as an editable document's outline: headings, paragraphs and tables, in order.

The PDF is laid out by the HTML templates; Hangul (HWPX) and Word (DOCX) files are written from
this outline instead, which is built from the same view objects (`tracker.reports.views`) with
the same catalogue words, part by part as the templates show them: cover, contents, summary
tables, what needs attention, mechanisms, clause by clause, the annex. Charts become the count
tables the PDF prints beside them. Every value stays plain text: a writer puts it into a text
node, so markup in a note is shown as typed.

Rules the writers rely on:
- heading levels run 1 (a part) to 3 (a clause); a commitment is a `Commitment` block, not a
  heading, so the navigation pane lists parts, sections and clauses;
- a `Table` has one header row (repeated on every page) and maybe a footer row (totals);
- `Fields` is a two-column table of label and value, as the PDF's definition lists are;
- a value may hold line breaks and any character: `xml_text` gives what an XML text node can
  hold, for both writers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from tracker.reports.templating import report_day
from tracker.reports.views import (
    AttentionItem,
    BriefView,
    CommitmentView,
    Count,
    Cover,
    GroupCounts,
    MeetingView,
    PartyCount,
    RequestView,
    ReviewReportView,
)
from tracker.words import say

# XML 1.0 has no place for most C0 controls, lone surrogates or U+FFFE/U+FFFF: lxml refuses
# them, so a stray one pasted into a note would stop the whole export. Tab and newline stay.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold; line ends become "\\n"."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class Style(StrEnum):
    BODY = "body"
    LEAD = "lead"  # the first words of a part
    NOTE = "note"  # small print under a table
    QUOTE = "quote"  # a commitment's text, verbatim
    ITEM = "item"  # a bullet of the agreement's text
    EMPTY = "empty"  # "nothing here"
    COVER_KIND = "cover_kind"  # "이행 점검 보고서" above the title
    COVER_TITLE = "cover_title"


@dataclass(frozen=True)
class Heading:
    level: int  # 1 part, 2 section, 3 clause
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Style = Style.BODY
    bold: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] = ()
    numeric: frozenset[int] = frozenset()  # columns aligned right
    widths: tuple[int, ...] = ()  # relative widths; () = equal


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, one row each (a commitment's owner, status, narrative...)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Commitment:
    """One tracked commitment: a line with its reference, status and flags, its text, and
    its fields."""

    ref: str
    headline: str  # "7.3 · 진행 중 · +1 완전 이행 · 정체"
    text: str
    fields: Fields


@dataclass(frozen=True)
class Contents:
    """The table of contents: the headings of levels 1 and 2 (a writer may make it a field
    that the word processor fills in)."""

    entries: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Fields | Commitment | Contents | PageBreak


@dataclass(frozen=True)
class ReportDocument:
    language: str
    title: str
    running_title: str
    classification: str  # "" for none: printed in the header and footer of every page
    author: str
    created: date
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def headings(self, level: int | None = None) -> list[Heading]:
        return [
            b for b in self.blocks if isinstance(b, Heading) and (level is None or b.level == level)
        ]


def review_outline(report: ReviewReportView) -> ReportDocument:
    """The review report, part by part as `review.html` lays it out."""
    w = _Words(report.language)
    blocks: list[Block] = [*_cover(report.cover, report.running_title, w, "report.review_kind")]
    parts = ["part.summary", "part.attention", "part.mechanisms", "part.clauses"]
    sections = [(2, s.title or w("section.untitled")) for s in report.sections]
    entries = [(1, w(p)) for p in parts[:3]] + [(1, w("part.clauses")), *sections]
    if report.annex:
        entries.append((1, w("part.annex")))
    blocks += [Contents(tuple(entries)), PageBreak()]

    blocks.append(Heading(1, w("part.summary")))
    total = sum(c.count for c in report.status_counts)
    blocks.append(Paragraph(f"{total} {w('summary.tracked_total')}", Style.LEAD, bold=True))
    if total:
        blocks += _overview(report.status_counts, report.score_counts, report.party_counts, w)
        blocks.append(Heading(2, w("report.rw_by_evidence")))
        blocks.append(_count_table(report.evidence_counts, w("report.rw_evidence_level"), w))
        blocks.append(Paragraph(w("report.rw_evidence_note"), Style.NOTE))
        for title, heading, groups in (
            ("summary.by_section", "col.section", report.by_section),
            ("summary.by_mechanism", "col.mechanism", report.by_mechanism),
        ):
            if groups:
                blocks.append(Heading(2, w(title)))
                blocks.append(_group_status_table(groups, w(heading), report.status_counts, w))
                blocks.append(_group_score_table(groups, w(heading), report.score_counts, w))
                blocks.append(Paragraph(w("summary.mean_note"), Style.NOTE))
    else:
        blocks.append(Paragraph(w("summary.empty"), Style.EMPTY))

    blocks.append(Heading(1, w("part.attention")))
    blocks += _attention(report.attention, w)
    blocks.append(Heading(2, w("report.rw_requests")))
    if report.requests:
        blocks.append(Paragraph(w("report.rw_requests_lead", count=report.requests_total)))
        blocks.append(_requests_table(report.requests, w))
        if report.requests_left_out:
            left_out = w("report.rw_requests_left_out", count=report.requests_left_out)
            blocks.append(Paragraph(left_out, bold=True))
    else:
        blocks.append(Paragraph(w("report.rw_requests_none"), Style.EMPTY))

    blocks.append(Heading(1, w("part.mechanisms")))
    blocks += _mechanisms(report, w)

    blocks.append(Heading(1, w("part.clauses")))
    show_changes = report.previous_report_on is not None
    note = (
        w("changes.note", date=w.day(report.previous_report_on))
        if show_changes
        else w("changes.first")
    )
    blocks.append(Paragraph(note, Style.NOTE))
    for section in report.sections:
        blocks.append(Heading(2, section.title or w("section.untitled")))
        for clause in section.clauses:
            count = w("clause.count", count=len(clause.commitments))
            blocks.append(Heading(3, f"{_clause_title(clause.number, w)} ({count})"))
            blocks += [_commitment(c, w, show_changes=show_changes) for c in clause.commitments]
    if not report.sections:
        blocks.append(Paragraph(w("clauses.none"), Style.EMPTY))

    if report.annex:
        blocks += [PageBreak(), Heading(1, w("part.annex"))]
        for printed in report.annex:
            if printed.section:
                blocks.append(Heading(2, printed.section))
            blocks += _annex_clause(printed.number, printed.text)
    return _document(report.cover, report.running_title, report.language, blocks)


def brief_outline(report: BriefView) -> ReportDocument:
    """The pre-meeting brief, part by part as `brief.html` lays it out."""
    w = _Words(report.language)
    blocks: list[Block] = [*_cover(report.cover, report.running_title, w, "report.brief_kind")]
    parts = ("part.summary", "part.by_agreement", "part.attention")
    blocks += [Contents(tuple((1, w(p)) for p in parts)), PageBreak()]

    blocks.append(Heading(1, w("part.summary")))
    total = sum(c.count for c in report.status_counts)
    blocks.append(Paragraph(f"{total} {w('brief.for_meeting')}", Style.LEAD, bold=True))
    if total:
        blocks += _overview(report.status_counts, report.score_counts, report.party_counts, w)
    else:
        blocks.append(Paragraph(w("brief.none"), Style.EMPTY))

    blocks.append(Heading(1, w("part.by_agreement")))
    if report.agreements:
        requests = (
            w("report.rw_brief_requests", count=report.requests_total)
            if report.requests_total
            else w("report.rw_requests_none")
        )
        lead = w("brief.agreements_lead", count=len(report.agreements))
        blocks.append(Paragraph(f"{lead} {requests}", Style.LEAD))
        statuses = report.status_counts
        header = (
            w("col.agreement"),
            w("col.counterpart"),
            w("col.followed"),
            *(c.label for c in statuses),
            w("col.mean_score"),
            w("col.attention"),
            w("report.rw_requests"),
        )
        rows = tuple(
            (
                f"{row.title} ({row.key})" if row.title else row.key,
                row.counterpart or w("value.none"),
                str(row.total),
                *(str(c.count) for c in row.statuses),
                _mean(row.mean_score),
                str(row.attention),
                str(row.requests),
            )
            for row in report.agreements
        )
        numeric = frozenset(range(2, len(header)))
        widths = (8, 3, 2, *(2 for _ in statuses), 2, 2, 2)
        blocks.append(Table(header, rows, numeric=numeric, widths=widths))
        blocks.append(Paragraph(w("summary.mean_note"), Style.NOTE))
    else:
        blocks.append(Paragraph(w("brief.none"), Style.EMPTY))

    blocks.append(Heading(1, w("part.attention")))
    if report.attention_total:
        lead = w(
            "brief.attention_lead",
            total=report.attention_total,
            agreements=report.attention_agreements,
        )
        if report.details:
            lead = f"{lead} {w('brief.attention_shown', shown=len(report.details))}"
        blocks += [Paragraph(lead, Style.LEAD), Paragraph(w("brief.order_note"), Style.NOTE)]
        titles = {row.key: row.title or row.key for row in report.agreements}
        for c in report.details:
            label = f"{titles.get(c.agreement_key, c.agreement_key)} · {c.agreement_key}"
            blocks += [Paragraph(label, Style.NOTE), _commitment(c, w, show_changes=False)]
        if report.left_out:
            blocks.append(Paragraph(w("brief.left_out", count=report.left_out), bold=True))
    else:
        blocks.append(Paragraph(w("attention.none"), Style.EMPTY))
    return _document(report.cover, report.running_title, report.language, blocks)


class _Words:
    """The catalogue in one language, and its dates, as the templates' `_` and `day` give."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message_id: str, /, **fields: object) -> str:
        return say(self.language, message_id, **fields)

    def day(self, value: date | None) -> str:
        return report_day(value, self.language)


def _document(
    cover: Cover, running_title: str, language: str, blocks: list[Block]
) -> ReportDocument:
    return ReportDocument(
        language=language,
        title=cover.title,
        running_title=running_title,
        classification=cover.classification,
        author=cover.prepared_by,
        created=cover.prepared_on,
        blocks=tuple(blocks),
    )


def _cover(cover: Cover, running_title: str, w: _Words, kind: str) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(running_title, Style.NOTE),
        Paragraph(w(kind), Style.COVER_KIND),
        Paragraph(cover.title, Style.COVER_TITLE, bold=True),
    ]
    facts: list[tuple[str, str]] = [(w("cover.agreement"), cover.agreement_title)]
    if cover.counterpart:
        facts.append((w("cover.counterpart"), cover.counterpart))
    if cover.signed_on or cover.signed_at:
        signed = ", ".join(
            p for p in (w.day(cover.signed_on) if cover.signed_on else "", cover.signed_at) if p
        )
        facts.append((w("cover.signed"), signed))
    if cover.meeting:
        meeting = cover.meeting
        name = meeting.title or meeting.mechanism
        if meeting.title and meeting.title != meeting.mechanism:
            name = f"{name} ({meeting.mechanism})"
        facts += [(w("cover.meeting"), name), (w("cover.meeting_date"), _meeting_date(meeting, w))]
        if meeting.place:
            facts.append((w("cover.place"), meeting.place))
    if cover.cycle_label:
        facts.append((w("cover.cycle"), cover.cycle_label))
    facts += [
        (w("cover.prepared_by"), cover.prepared_by or w("value.none")),
        (w("cover.prepared_on"), w.day(cover.prepared_on)),
    ]
    blocks.append(Fields(tuple(facts)))
    return blocks


def _meeting_date(meeting: MeetingView, w: _Words) -> str:
    day = w("date.none") if meeting.on is None else w.day(meeting.on)
    return f"{day} ({w('report.estimated')})" if meeting.estimated else day


def _overview(
    status_counts: Sequence[Count],
    score_counts: Sequence[Count],
    party_counts: Sequence[PartyCount],
    w: _Words,
) -> list[Block]:
    blocks: list[Block] = [Heading(2, w("summary.by_status"))]
    if party_counts:
        blocks += [_party_table(party_counts, w), Paragraph(w("report.rw_party_note"), Style.NOTE)]
    else:
        blocks.append(_count_table(status_counts, w("col.status"), w))
    blocks += [Heading(2, w("summary.by_score")), _count_table(score_counts, w("col.score"), w)]
    return blocks


def _share(part: int, total: int) -> str:
    return f"{part / total * 100:.0f}%" if total else "-"


def _count_table(counts: Sequence[Count], heading: str, w: _Words) -> Table:
    total = sum(c.count for c in counts)
    return Table(
        header=(heading, w("col.count"), w("col.share")),
        rows=tuple((c.label, str(c.count), _share(c.count, total)) for c in counts),
        footer=(w("col.total"), str(total), "100%" if total else "-"),
        numeric=frozenset({1, 2}),
        widths=(6, 2, 2),
    )


def _party_table(counts: Sequence[PartyCount], w: _Words) -> Table:
    home_total = sum(c.home for c in counts if c.home is not None)
    counterpart_total = sum(c.counterpart for c in counts)
    rows = tuple(
        (
            c.label,
            "-" if c.home is None else str(c.home),
            "-" if c.home is None else _share(c.home, home_total),
            str(c.counterpart),
            _share(c.counterpart, counterpart_total),
        )
        for c in counts
    )
    return Table(
        header=(
            w("col.status"),
            w("party.home"),
            w("col.share"),
            w("party.counterpart"),
            w("col.share"),
        ),
        rows=rows,
        footer=(
            w("col.total"),
            str(home_total),
            "100%" if home_total else "-",
            str(counterpart_total),
            "100%" if counterpart_total else "-",
        ),
        numeric=frozenset({1, 2, 3, 4}),
        widths=(5, 2, 2, 2, 2),
    )


def _group_status_table(
    groups: Sequence[GroupCounts], name: str, statuses: Sequence[Count], w: _Words
) -> Table:
    return Table(
        header=(name, *(c.label for c in statuses), w("col.total")),
        rows=tuple((g.name, *(str(c.count) for c in g.statuses), str(g.total)) for g in groups),
        numeric=frozenset(range(1, len(statuses) + 2)),
        widths=(6, *(2 for _ in statuses), 2),
    )


def _group_score_table(
    groups: Sequence[GroupCounts], name: str, scores: Sequence[Count], w: _Words
) -> Table:
    return Table(
        header=(name, *(c.label for c in scores), w("col.total"), w("col.mean_score")),
        rows=tuple(
            (g.name, *(str(c.count) for c in g.scores), str(g.total), _mean(g.mean_score))
            for g in groups
        ),
        numeric=frozenset(range(1, len(scores) + 3)),
        widths=(6, *(2 for _ in scores), 2, 2),
    )


def _mean(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}".replace("+0.00", "0.00")


def _attention(items: Sequence[AttentionItem], w: _Words) -> list[Block]:
    if not items:
        return [Paragraph(w("attention.none"), Style.EMPTY)]
    rows = tuple(
        (
            item.ref if item.text else "",
            # a planned mechanism not yet set up: `ref` holds its name
            item.text or f"{item.ref} — {w('mechanism.planned_note')}",
            item.owner or w("value.none"),
            ", ".join(item.reasons),
        )
        for item in items
    )
    header = (w("col.ref"), w("col.commitment"), w("col.owner"), w("col.reasons"))
    return [
        Paragraph(w("attention.intro"), Style.LEAD),
        Table(header, rows, widths=(1, 6, 2, 3)),
    ]


def _requests_table(requests: Sequence[RequestView], w: _Words) -> Table:
    rows = []
    for r in requests:
        due = w.day(r.due_on) if r.due_on else w("value.none")
        if r.overdue:
            due = f"{due} ({w('report.rw_overdue')})"
        parties = f"{r.from_division or w('value.none')} → {r.to}"
        age = w("report.rw_age_days", count=r.age_days)
        rows.append((r.ref, parties, r.what, due, age, r.state))
    header = (
        w("col.ref"),
        w("report.rw_from_to"),
        w("report.rw_what"),
        w("report.rw_due"),
        w("report.rw_age"),
        w("report.rw_state"),
    )
    return Table(header, tuple(rows), numeric=frozenset({4}), widths=(1, 3, 5, 2, 1, 1))


def _mechanisms(report: ReviewReportView, w: _Words) -> list[Block]:
    if not report.mechanisms:
        return [Paragraph(w("mechanisms.none"), Style.EMPTY)]
    rows = []
    for x in report.mechanisms:
        name = f"{x.name} ({w('mechanism.planned')})" if x.planned else x.name
        if x.reports_to:
            name = f"{name} → {w('mechanism.reports_to')}: {x.reports_to}"
        following = w("value.none")
        if x.next_meeting:
            following = _meeting_date(x.next_meeting, w)
            if x.next_meeting.place:
                following = f"{following}, {x.next_meeting.place}"
        rows.append((name, x.kind, x.cadence, w.day(x.last_meeting), following, str(x.reviews)))
    header = (
        w("col.mechanism"),
        w("col.kind"),
        w("col.cadence"),
        w("col.last_meeting"),
        w("col.next_meeting"),
        w("col.reviews"),
    )
    blocks: list[Block] = [
        Table(header, tuple(rows), numeric=frozenset({5}), widths=(5, 2, 2, 2, 3, 1))
    ]
    if any(x.planned for x in report.mechanisms):
        note = f"{w('mechanism.planned')}: {w('mechanism.planned_note')}"
        blocks.append(Paragraph(note, Style.NOTE))
    return blocks


def _clause_title(number: str, w: _Words) -> str:
    return w("clause.heading", number=number) if number[:1].isdigit() else number


def _commitment(c: CommitmentView, w: _Words, *, show_changes: bool) -> Commitment:
    flags = [w("change.new")] if c.new_since_previous else []
    headline = " · ".join([c.ref, c.status, c.assessment, *flags, *c.attention])
    owner = c.owner or w("owner.none")
    if c.division:
        owner = f"{owner} · {c.division}"
    if c.lead_agency:
        owner = f"{owner} | {w('field.lead_agency')}: {c.lead_agency}"
    rows: list[tuple[str, str]] = [
        (w("field.owner"), owner),
        (w("field.status"), _status(c, w)),
        (w("field.assessment"), f"{c.assessment} — {c.rationale}" if c.rationale else c.assessment),
        (w("field.narrative"), c.narrative or w("narrative.none")),
    ]
    if c.obstacles or c.counterpart_obstacles:
        theirs = (
            f"{w('party.counterpart')}: {c.counterpart_obstacles}"
            if c.counterpart_obstacles
            else ""
        )
        rows.append((w("report.rw_obstacles"), "\n".join(p for p in (c.obstacles, theirs) if p)))
    evidence = w("evidence.count", count=c.evidence_count)
    if c.evidence_level:
        evidence = f"{c.evidence_level} · {evidence}"
    evidence = f"{evidence} | {w('field.last_update')}: {w.day(c.last_update)}"
    rows.append((w("field.evidence"), evidence))
    if c.mechanisms:
        rows.append((w("field.mechanisms"), ", ".join(c.mechanisms)))
    if show_changes:
        changes = "; ".join(c.changes) if c.changes else ""
        if not changes:
            changes = w("change.new") if c.new_since_previous else w("change.none")
        rows.append((w("field.changes"), changes))
    return Commitment(ref=c.ref, headline=headline, text=c.text, fields=Fields(tuple(rows)))


def _status(c: CommitmentView, w: _Words) -> str:
    ours = c.status
    if c.status_as_of:
        ours = f"{ours} ({w('field.status_as_of')} {w.day(c.status_as_of)})"
    if not c.has_counterpart:
        return ours
    theirs = c.counterpart_status or w("report.rw_not_recorded")
    if c.counterpart_status and c.counterpart_as_of:
        theirs = f"{theirs} ({w('field.status_as_of')} {w.day(c.counterpart_as_of)})"
    if c.counterpart_narrative:
        theirs = f"{theirs}\n{c.counterpart_narrative}"
    return f"{w('party.home')}: {ours}\n{w('party.counterpart')}: {theirs}"


_ITEM_MARKS = "ㅇ○◦•·-–▪□■※"


def _annex_clause(number: str, text: str) -> list[Block]:
    """The clause as imported: its number, then each line; bullets as items."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    mark = f"{number}." if number[-1:].isdigit() else number
    blocks: list[Block] = []
    for i, line in enumerate(lines):
        style = Style.ITEM if line[:1] in _ITEM_MARKS else Style.BODY
        blocks.append(Paragraph(f"{mark} {line}" if i == 0 else line, style))
    return blocks or [Paragraph(mark)]
