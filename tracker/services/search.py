"""Find anything: agreements, section headings, clauses and commitments whose words contain
what was typed, Korean or English, with the matched words marked.

Every word typed must appear in a result (in any of its fields, in any case); a country's
name also matches its name in the other language (Canada finds 캐나다). Words are matched as
substrings, which Korean needs: 상호운용성 is inside 상호운용성을. A word that looks like a
number also matches a commitment's ref (7.3 in 7.3, 17.3) and a clause's number (7, whole).

How the database answers (migration 0012 builds the index; triggers keep it in step with
every write, whoever makes it):
- SQLite: clause and commitment texts are in FTS5 tables with the trigram tokenizer. A word
  of three characters or more is looked up there first; when the index finds it rarely, only
  the rows it names are read. A word it finds often, a shorter word (the index never matches
  fewer than three characters: 조약, 국방; 2+2 is three), a ref, agreements and headings (few
  and short) are matched with LIKE on the rows themselves, newest first, which stops as soon
  as the window is full.
- PostgreSQL: ILIKE on every field, backed by pg_trgm GIN indexes.

Bounded: each kind contributes at most `WINDOW` of its newest matches, filters applied in SQL.
Those are ranked (an exact ref, key or clause number first, then how many times the words
occur, then agreements, headings, commitments, clauses, newest agreement first, in document
order) and paged with a keyset cursor over that ranking; the total is counted within the
window ("200+" when a kind has more). Marks and excerpts are made for the page shown only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from babel import Locale
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    exists,
    func,
    literal,
    or_,
    union_all,
)
from sqlalchemy import column as sa_column
from sqlalchemy import select as sa_select
from sqlalchemy import table as sa_table
from sqlmodel import Session, col, select

from tracker.domain import Attention
from tracker.errors import NotFound, TrackerError
from tracker.models import Agreement, Clause, Commitment, Division, Officer, Section
from tracker.services.attention import AttentionRule
from tracker.services.commitments import CommitmentFilter, filter_conditions
from tracker.services.lookup import find_mechanism
from tracker.services.paging import BadCursor, CursorKey, PageRequest, encode_cursor
from tracker.services.policy import FollowUpPolicy

WINDOW = 200  # the newest matches of each kind that are ranked
RARE = 1000  # a word the index finds this often or less: read only the rows it names
SHORTEST_INDEXED = 3  # the trigram tokenizer matches nothing shorter
MAX_QUERY = 200  # characters
MAX_WORDS = 8
EXCERPT = 160  # characters of a long text shown around its first match
CURSOR_WIDTH = 6  # see `_rank`
REF = re.compile(r"\d+(\.\d+)*[a-z]?\.?", re.IGNORECASE)  # 7, 7.3, 7.3b

Query = Select[*tuple[Any, ...]]


class Kind(StrEnum):
    """What a result is; the order is the ranking's among otherwise equal results."""

    AGREEMENT = "agreement"
    SECTION = "section"
    COMMITMENT = "commitment"
    CLAUSE = "clause"


KIND_ORDER = {kind: order for order, kind in enumerate(Kind)}
# SQLite's FTS5 tables (migration 0012), each over the text of one table.
INDEXED = {Kind.CLAUSE: "search_clause", Kind.COMMITMENT: "search_commitment"}


@dataclass(frozen=True)
class SearchFilter:
    """What the results are narrowed to. Agreements, headings and clauses pass a commitment
    filter when they hold a tracked commitment that passes it."""

    kind: Kind | None = None
    status: str | None = None  # a status key or label, as `FollowUpPolicy.status` reads it
    attention: Attention | None = None
    owner_id: int | None = None
    division_id: int | None = None
    mechanism: str | None = None  # an id or a name, as `find_mechanism` reads it

    @property
    def narrows_commitments(self) -> bool:
        chosen = (self.status, self.attention, self.owner_id, self.division_id, self.mechanism)
        return any(value is not None for value in chosen)


@dataclass(frozen=True)
class Term:
    """One word typed, and what else matches it: the same country in the other language."""

    words: tuple[str, ...]

    @property
    def is_ref(self) -> bool:
        return REF.fullmatch(self.words[0]) is not None


@dataclass(frozen=True)
class Marked:
    """A text and where the words searched for are in it, as (start, end) offsets: the page
    marks them and escapes the text. `cut_before`/`cut_after`: an excerpt of a longer text."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()
    cut_before: bool = False
    cut_after: bool = False

    def pieces(self) -> list[tuple[str, bool]]:
        """The text in order, each piece with whether it is a match."""
        pieces: list[tuple[str, bool]] = []
        at = 0
        for start, end in self.spans:
            if start > at:
                pieces.append((self.text[at:start], False))
            pieces.append((self.text[start:end], True))
            at = end
        if at < len(self.text):
            pieces.append((self.text[at:], False))
        return pieces


@dataclass(frozen=True)
class Hit:
    """One result. `heading` names it (an agreement's title, a heading, a clause's number, a
    commitment's ref); `excerpt` is the text around its first match (an agreement's other
    fields). `number` is the clause a link jumps to: the clause itself, a heading's first
    clause, a commitment's clause."""

    kind: Kind
    id: int
    agreement_key: str
    agreement_title: str
    heading: Marked
    excerpt: Marked | None = None
    number: str = ""
    ref: str = ""
    section: str = ""  # the heading over a clause
    status: str | None = None  # a commitment's status key (None: nobody has reported)
    owner: str = ""
    exact: bool = False
    matches: int = 0


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[Term, ...]
    hits: list[Hit]  # one page
    next_cursor: str | None
    total: int  # results within the window
    capped: bool  # some kind had more than WINDOW matches: the total is "at least"
    by_kind: dict[Kind, int]  # results of each kind within the window


def parse_query(text: str) -> tuple[Term, ...]:
    """The words of a query, each with its alternatives: a run of up to three words that
    names a country ("United States", "캐나다") is one term matching either language's name."""
    if len(text) > MAX_QUERY:
        raise TrackerError("search.query_too_long", most=MAX_QUERY, length=len(text))
    tokens = text.split()
    names = _country_names()
    terms: list[Term] = []
    at = 0
    while at < len(tokens):
        width = next((w for w in (3, 2) if " ".join(tokens[at : at + w]).casefold() in names), 1)
        phrase = " ".join(tokens[at : at + width])
        at += width
        others = names.get(phrase.casefold(), ())
        if all(phrase.casefold() != term.words[0].casefold() for term in terms):
            terms.append(Term((phrase, *others)))
    if len(terms) > MAX_WORDS:
        raise TrackerError("search.too_many_words", most=MAX_WORDS, count=len(terms))
    return tuple(terms)


# Names the ministry writes that CLDR does not give (its Korean for AU is 오스트레일리아).
COUNTRY_ALIASES = {
    "AU": ("호주", "Australia"),
    "ZA": ("남아프리카공화국", "South Africa"),
    "KR": ("한국", "Korea"),
    "TR": ("터키", "Turkey"),
}


@cache
def _country_names() -> dict[str, tuple[str, ...]]:
    """Every country's name (casefolded), Korean or English → its other names: CLDR's in
    each language, and the aliases above."""
    korean, english = Locale("ko").territories, Locale("en").territories
    # Two letters: a country (numeric codes name regions: 150 is Europe).
    by_code = {
        code: {korean[code], english[code]}
        for code in korean
        if isinstance(code, str) and code.isalpha() and len(code) == 2 and code in english
    }
    for code, aliases in COUNTRY_ALIASES.items():
        by_code[code].update(aliases)
    names: dict[str, tuple[str, ...]] = {}
    for country in by_code.values():
        for name in country:
            names[name.casefold()] = tuple(sorted(other for other in country if other != name))
    return names


def search(
    query: str,
    *,
    session: Session,
    policy: FollowUpPolicy,
    filters: SearchFilter | None = None,
    page: PageRequest | None = None,
) -> SearchResults:
    """One page of what matches every word of `query`, ranked; see the module's notes."""
    filters = filters or SearchFilter()
    page = page or PageRequest()
    if page.after is not None and not all(type(part) is int for part in page.after):
        raise BadCursor("page.bad_cursor", cursor=encode_cursor(page.after)[:40])
    terms = parse_query(query)
    by_kind = dict.fromkeys(Kind, 0)
    if not terms:
        return SearchResults(query, terms, [], None, 0, False, by_kind)
    conditions = _commitment_conditions(filters, session=session, policy=policy)
    finder = _Finder(session, query, terms, conditions, narrowed=filters.narrows_commitments)
    found: list[_Found] = []
    capped = False
    for kind in [filters.kind] if filters.kind else list(Kind):
        rows, more = finder.window(kind)
        if kind is Kind.COMMITMENT and (reference := _reference(query)) is not None:
            named = finder.referenced(*reference)
            rows = named + [row for row in rows if row.id not in {n.id for n in named}]
        found += rows
        by_kind[kind] = len(rows)
        capped = capped or more
    found.sort(key=lambda one: one.rank)
    after = [one for one in found if page.after is None or one.rank > page.after]
    shown = after[: page.limit]
    return SearchResults(
        query=query,
        terms=terms,
        hits=finder.hits(shown),
        next_cursor=encode_cursor(shown[-1].rank) if len(after) > page.limit else None,
        total=len(found),
        capped=capped,
        by_kind=by_kind,
    )


def _reference(query: str) -> tuple[str, str] | None:
    """`kr-ca-2025:7.3` typed whole: the agreement's key and the commitment's ref."""
    text = query.strip()
    key, colon, ref = text.rpartition(":")
    if not (colon and key and ref) or any(c.isspace() for c in text):
        return None
    return key, ref


def _commitment_conditions(
    filters: SearchFilter, *, session: Session, policy: FollowUpPolicy
) -> list[ColumnElement[bool]]:
    """The filters as conditions on tracked commitments. A value that names nothing is a
    400, not a 404: it is what was typed or chosen in the form, not a page."""
    mechanism = None
    if filters.mechanism is not None:
        try:
            mechanism = str(find_mechanism(filters.mechanism, session=session).id)
        except NotFound as refusal:
            raise TrackerError(refusal.code, **refusal.fields) from None
    if filters.owner_id is not None and session.get(Officer, filters.owner_id) is None:
        raise TrackerError("search.unknown_owner", value=filters.owner_id)
    if filters.division_id is not None and session.get(Division, filters.division_id) is None:
        raise TrackerError("search.unknown_division", value=filters.division_id)
    where = CommitmentFilter(
        mechanism=mechanism,
        owner_id=filters.owner_id,
        division_id=filters.division_id,
        status=filters.status,
        attention=(filters.attention,) if filters.attention else (),
    )
    # Meeting dates are worked out only when "due" may be asked for.
    rule = (
        AttentionRule.on(session=session, policy=policy)
        if filters.attention
        else AttentionRule.undated(policy=policy, today=policy.today())
    )
    conditions = filter_conditions(where, session=session, policy=policy, rule=rule)
    return [col(Commitment.tracked).is_(True), *conditions]


@dataclass(frozen=True)
class _Found:
    """A row of some kind's window and its place in the ranking."""

    kind: Kind
    row: Any
    rank: CursorKey  # exact first, most matches, kind, newest agreement, document order

    @property
    def id(self) -> int:
        return int(self.row.id)


class _Finder:
    """The window of each kind (the newest rows matching every term and the filters), and
    the hits of a page of them."""

    def __init__(
        self,
        session: Session,
        query: str,
        terms: Sequence[Term],
        commitment_conditions: list[ColumnElement[bool]],
        *,
        narrowed: bool,
    ) -> None:
        self.session = session
        self.wanted = query.strip().casefold()
        self.terms = terms
        self.conditions = commitment_conditions
        self.narrowed = narrowed
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.pattern = _pattern(terms)

    def window(self, kind: Kind) -> tuple[list[_Found], bool]:
        """Up to WINDOW rows of `kind`, newest first, and whether there were more."""
        query = self._restrict(kind, self._matching(kind))
        if query is None:
            return [], False
        rows = self.session.execute(query.limit(WINDOW + 1)).all()
        return [self._found(kind, row) for row in rows[:WINDOW]], len(rows) > WINDOW

    def referenced(self, key: str, ref: str) -> list[_Found]:
        """The commitment `key:ref` names, if it exists and passes the filters: exact."""
        query = _select(Kind.COMMITMENT).where(
            col(Agreement.key) == key, col(Commitment.ref) == ref, *self.conditions
        )
        return [self._found(Kind.COMMITMENT, row) for row in self.session.execute(query).all()]

    def hits(self, page: list[_Found]) -> list[Hit]:
        """The page's rows as hits, with their words marked."""
        first = self._first_clauses([one.row for one in page if one.kind is Kind.SECTION])
        return [self._hit(one, first) for one in page]

    def _matching(self, kind: Kind) -> Query:
        query = _select(kind).where(*(self._matches(kind, term) for term in self.terms))
        if kind is Kind.COMMITMENT:
            return query.where(*self.conditions)
        if self.narrowed:
            return query.where(self._holds_passing_commitment(kind))
        return query

    def _restrict(self, kind: Kind, query: Query) -> Query | None:
        """`query`, newest first; on SQLite, limited to the rows the FTS index names for the
        rarest indexed term when that is rare. None: some term is found nowhere."""
        newest = query.order_by(_id(kind).desc())
        if not self.sqlite or kind not in INDEXED:
            return newest
        looked_up = (_indexed(kind, term) for term in self.terms)
        named = [self._named(found) for found in looked_up if found is not None]
        if not named:
            return newest
        fewest = min(named, key=len)
        if not fewest:
            return None
        return newest.where(_id(kind).in_(fewest)) if len(fewest) <= RARE else newest

    def _named(self, found: Any) -> list[int]:
        """The rows the index names, up to RARE + 1 (read once: the index checks each
        against its table, and reading them again in the query would check them twice)."""
        return list(self.session.execute(found.limit(RARE + 1)).scalars())

    def _matches(self, kind: Kind, term: Term) -> ColumnElement[bool]:
        fields = _fields(kind, ref=term.is_ref)
        found = [self._like(field, word) for field in fields for word in term.words]
        if kind is Kind.CLAUSE and term.is_ref:  # a clause by its number, whole: 7 or 7.
            found.append(col(Clause.number) == term.words[0].rstrip("."))
        return or_(*found)

    def _like(self, field: Any, word: str) -> ColumnElement[bool]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        # SQLite's LIKE ignores ASCII case already; ILIKE would wrap both sides in lower().
        if self.sqlite:
            return field.like(pattern, escape="\\")  # type: ignore[no-any-return]
        # Written into the statement, not bound: psycopg prepares a statement run five times,
        # and PostgreSQL's generic plan for `ILIKE $1` cannot weigh the word, so a rare one
        # (found nowhere) walked every row newest first (0.45 s at 2,000 agreements; 8 ms
        # through the trigram index).
        inline: BindParameter[str] = bindparam(None, pattern, literal_execute=True)
        return field.ilike(inline, escape="\\")  # type: ignore[no-any-return]

    def _holds_passing_commitment(self, kind: Kind) -> ColumnElement[bool]:
        # Each through an indexed column of commitment (clause has no index by section).
        if kind is Kind.AGREEMENT:
            return exists().where(col(Commitment.agreement_id) == Agreement.id, *self.conditions)
        if kind is Kind.CLAUSE:
            return exists().where(col(Commitment.clause_id) == Clause.id, *self.conditions)
        inner = sa_select(col(Commitment.id)).join(Clause, col(Clause.id) == Commitment.clause_id)
        return exists(
            inner.where(
                col(Commitment.agreement_id) == Section.agreement_id,
                col(Clause.section_id) == Section.id,
                *self.conditions,
            )
        )

    def _found(self, kind: Kind, row: Any) -> _Found:
        matches = sum(len(self.pattern.findall(text)) for text in _texts(kind, row))
        return _Found(
            kind,
            row,
            (
                0 if self._exact(kind, row) else 1,
                -matches,
                KIND_ORDER[kind],
                -row.agreement_id,
                row.position,
                row.id,
            ),
        )

    def _exact(self, kind: Kind, row: Any) -> bool:
        """The query names the row whole: an agreement's key, a heading, a clause's number
        (7 or 7.), a commitment's ref (7.3) or key:ref."""
        wanted = self.wanted
        if kind is Kind.AGREEMENT:
            return bool(row.key.casefold() == wanted)
        if kind is Kind.SECTION:
            return bool(row.heading.strip().casefold() == wanted)
        if kind is Kind.CLAUSE:
            return bool(row.number.casefold() == wanted.rstrip("."))
        return wanted in (row.ref.casefold(), f"{row.key}:{row.ref}".casefold())

    def _hit(self, found: _Found, first_clauses: dict[int, str]) -> Hit:
        kind, row, mark = found.kind, found.row, self.pattern
        common = {
            "kind": kind,
            "id": row.id,
            "agreement_key": row.key,
            "agreement_title": row.title,
            "exact": found.rank[0] == 0,
            "matches": -int(found.rank[1] or 0),
        }
        if kind is Kind.AGREEMENT:
            # Where else it matched: its key, countries, parties and document title.
            details = " · ".join(part for part in _texts(kind, row)[1:] if part)
            return Hit(heading=_marked(row.title, mark), excerpt=_marked(details, mark), **common)
        if kind is Kind.SECTION:
            number = first_clauses.get(row.id, "")
            return Hit(heading=_marked(row.heading, mark), number=number, **common)
        excerpt = _excerpt(_marked(row.text, mark))
        if kind is Kind.CLAUSE:
            heading = Marked(row.number)
            return Hit(
                heading=heading, excerpt=excerpt, number=row.number, section=row.section, **common
            )
        return Hit(
            heading=_marked(row.ref, mark),
            excerpt=excerpt,
            number=row.number,
            ref=row.ref,
            status=row.status,
            owner=row.owner,
            **common,
        )

    def _first_clauses(self, sections: list[Any]) -> dict[int, str]:
        """Each heading's first clause, under it or under one of its subheadings (read for
        one page of headings, through the clause index by agreement)."""
        if not sections:
            return {}
        wanted = {row.id for row in sections}
        agreements = {row.agreement_id for row in sections}
        parents = dict(
            self.session.execute(
                sa_select(col(Section.id), col(Section.parent_id)).where(
                    col(Section.agreement_id).in_(agreements)
                )
            ).all()
        )
        clauses = self.session.execute(
            sa_select(col(Clause.section_id), col(Clause.number))
            .where(col(Clause.agreement_id).in_(agreements))
            .order_by(col(Clause.agreement_id), col(Clause.position))
        ).all()
        first: dict[int, str] = {}
        for section_id, number in clauses:
            under = section_id
            while under is not None:  # the clause stands under this heading and its parents
                if under in wanted:
                    first.setdefault(under, number)
                under = parents.get(under)
        return first


def _select(kind: Kind) -> Query:
    """The columns a kind's rows are ranked and shown by."""
    key, title = col(Agreement.key), col(Agreement.title)
    if kind is Kind.AGREEMENT:
        return sa_select(
            col(Agreement.id),
            col(Agreement.id).label("agreement_id"),
            key,
            title,
            col(Agreement.countries),
            col(Agreement.foreign_body),
            col(Agreement.domestic_body),
            col(Agreement.document_title),
            literal(0).label("position"),
        )
    if kind is Kind.SECTION:
        return sa_select(
            col(Section.id),
            col(Section.agreement_id),
            key,
            title,
            col(Section.title).label("heading"),
            col(Section.position),
        ).join(Agreement, col(Agreement.id) == Section.agreement_id)
    if kind is Kind.CLAUSE:
        return (
            sa_select(
                col(Clause.id),
                col(Clause.agreement_id),
                key,
                title,
                col(Clause.number),
                col(Clause.text),
                col(Clause.position),
                func.coalesce(col(Section.title), "").label("section"),
            )
            .join(Agreement, col(Agreement.id) == Clause.agreement_id)
            .outerjoin(Section, col(Section.id) == Clause.section_id)
        )
    return (
        sa_select(
            col(Commitment.id),
            col(Commitment.agreement_id),
            key,
            title,
            col(Commitment.ref),
            col(Commitment.text),
            col(Commitment.span_start).label("position"),
            col(Commitment.status),
            func.coalesce(col(Officer.name), "").label("owner"),
            col(Clause.number),
        )
        .join(Agreement, col(Agreement.id) == Commitment.agreement_id)
        .join(Clause, col(Clause.id) == Commitment.clause_id)
        .outerjoin(Officer, col(Officer.id) == Commitment.owner_id)
    )


def _fields(kind: Kind, *, ref: bool) -> tuple[Any, ...]:
    """What a kind's words are matched in (a commitment's ref, by a word that looks like one)."""
    if kind is Kind.AGREEMENT:
        return (
            col(Agreement.key),
            col(Agreement.title),
            col(Agreement.document_title),
            col(Agreement.countries),
            col(Agreement.foreign_body),
            col(Agreement.domestic_body),
        )
    if kind is Kind.SECTION:
        return (col(Section.title),)
    if kind is Kind.CLAUSE:
        return (col(Clause.text),)
    return (col(Commitment.ref), col(Commitment.text)) if ref else (col(Commitment.text),)


def _texts(kind: Kind, row: Any) -> tuple[str, ...]:
    """A row's texts the words are counted and marked in (the title first)."""
    if kind is Kind.AGREEMENT:
        document = row.document_title if row.document_title != row.title else ""
        return (row.title, row.key, row.countries, row.foreign_body, row.domestic_body, document)
    if kind is Kind.SECTION:
        return (row.heading,)
    if kind is Kind.CLAUSE:
        return (row.text,)
    return (row.ref, row.text)


def _id(kind: Kind) -> Any:
    return {
        Kind.AGREEMENT: col(Agreement.id),
        Kind.SECTION: col(Section.id),
        Kind.CLAUSE: col(Clause.id),
        Kind.COMMITMENT: col(Commitment.id),
    }[kind]


def _indexed(kind: Kind, term: Term) -> Any:
    """The rowids SQLite's FTS index finds for `term` (any of its words), or None when the
    index cannot say: a word shorter than three characters, a number (refs and clause numbers
    are not indexed), or a word with LIKE's wildcards (FTS5 takes LIKE without ESCAPE only)."""
    words = term.words
    if term.is_ref:
        return None
    if any(len(word) < SHORTEST_INDEXED or "%" in word or "_" in word for word in words):
        return None
    index = sa_table(INDEXED[kind], sa_column("rowid"), sa_column("text"))
    found = [sa_select(index.c.rowid).where(index.c.text.like(f"%{word}%")) for word in words]
    return union_all(*found) if len(found) > 1 else found[0]


def _pattern(terms: Iterable[Term]) -> re.Pattern[str]:
    """Every word of every term, longest first (상호운용성 before 상호), any case."""
    words = sorted({word for term in terms for word in term.words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str]) -> Marked:
    return Marked(text, tuple(found.span() for found in pattern.finditer(text)))


def _excerpt(whole: Marked, width: int = EXCERPT) -> Marked:
    """About `width` characters of a long text around its first match, cut between words."""
    text = whole.text
    if len(text) <= width:
        return whole
    first = whole.spans[0][0] if whole.spans else 0
    start = max(0, first - width // 4)
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space >= 0 else end
    spans = tuple(
        (max(begin, start) - start, min(finish, end) - start)
        for begin, finish in whole.spans
        if begin < end and finish > start
    )
    return Marked(text[start:end], spans, cut_before=start > 0, cut_after=end < len(text))


@dataclass(frozen=True)
class SearchChoices:
    """What the search form offers to narrow by, besides statuses and attention flags."""

    owners: list[tuple[int, str]]
    divisions: list[tuple[int, str]]


def search_choices(*, session: Session) -> SearchChoices:
    """Officers who own a commitment and divisions that follow one, by name: small lists,
    each read through the commitment indexes by owner and by division."""
    owners = session.exec(
        select(Officer.id, Officer.name)
        .where(exists().where(col(Commitment.owner_id) == Officer.id))
        .order_by(col(Officer.name), col(Officer.id))
    ).all()
    divisions = session.exec(
        select(Division.id, Division.name)
        .where(exists().where(col(Commitment.division_id) == Division.id))
        .order_by(col(Division.name), col(Division.id))
    ).all()
    return SearchChoices(
        owners=[(i, name) for i, name in owners if i is not None],
        divisions=[(i, name) for i, name in divisions if i is not None],
    )
