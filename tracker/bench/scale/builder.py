"""Build a realistic portfolio of N agreements into an empty database, fast.

Each corpus text is imported ONCE through the real importer, under a portal record (title,
counterpart, date, desk officer) written above its body as the portal prints one. Every
other agreement is a variant of one of those texts: the same body under another record, so
the rows the importer would write for it are the template's rows with every span moved by
the difference in record length. They are written with bulk inserts (SQLAlchemy Core, ids
given here) a few hundred agreements per transaction.

Then the follow-up record, as the services write it: meetings of each counterpart's
mechanisms (held ones roll the review cycles of the agreements they bound over), about three
status updates per tracked commitment over the last two years, assessments in closed cycles,
and each commitment's status columns and version equal to what its latest event left.
Officers (N/20, at least 5) work in divisions and own the agreements they are desk officer
for; three accounts (administrator, officer, viewer) sign in with `PASSWORD`.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from tracker.bench.scratch import PASSWORD  # the load test signs in with it too
from tracker.db import make_engine, write_session
from tracker.domain import Cadence, MechanismKind, Role, UpdateSource
from tracker.schema import upgrade_database
from tracker.text import fold_name

ADMIN, OFFICER, VIEWER = "admin", "officer", "viewer"
MINISTRY = "외교부"
BATCH = 200  # agreements per transaction
CORPUS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "corpus"

# Counterparts, the busiest first: a ministry follows many agreements with a few partners.
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("미국", "us"), ("일본", "jp"), ("캐나다", "ca"), ("호주", "au"), ("영국", "gb"),
    ("프랑스", "fr"), ("독일", "de"), ("인도", "in"), ("베트남", "vn"), ("인도네시아", "id"),
    ("이탈리아", "it"), ("네덜란드", "nl"), ("폴란드", "pl"), ("튀르키예", "tr"),
    ("필리핀", "ph"), ("태국", "th"), ("말레이시아", "my"), ("싱가포르", "sg"),
    ("뉴질랜드", "nz"), ("사우디아라비아", "sa"), ("아랍에미리트", "ae"), ("스웨덴", "se"),
    ("이집트", "eg"), ("남아프리카공화국", "za"), ("브라질", "br"), ("멕시코", "mx"),
    ("칠레", "cl"), ("페루", "pe"), ("카자흐스탄", "kz"), ("우즈베키스탄", "uz"),
    ("몽골", "mn"), ("스페인", "es"), ("체코", "cz"), ("노르웨이", "no"), ("핀란드", "fi"),
    ("덴마크", "dk"), ("오스트리아", "at"), ("헝가리", "hu"), ("루마니아", "ro"), ("케냐", "ke"),
)  # fmt: skip
TOPICS: tuple[tuple[str, str], ...] = (
    ("안보·국방 협력 파트너십", "방산·항공우주"),
    ("경제·기술 협력 협정", "통상·산업"),
    ("공급망 협력 양해각서", "공급망"),
    ("과학기술 협력 공동성명", "과학기술"),
    ("에너지 협력 양해각서", "에너지"),
    ("기후변화 대응 협력 약정", "기후·환경"),
    ("보건 협력 양해각서", "보건"),
    ("문화·인적교류 공동성명", "문화"),
    ("디지털 협력 파트너십", "디지털"),
    ("개발협력 기본협정", "개발협력"),
)
DIVISIONS = (
    "북미1과", "북미2과", "동북아1과", "동북아2과", "동남아1과", "서남아태평양과",
    "유럽1과", "유럽2과", "중동1과", "아프리카1과", "중남미1과", "국제안보과",
    "군축비확산과", "경제안보외교과", "개발협력과", "기후변화외교과",
)  # fmt: skip
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = (
    "민준", "서연", "도윤", "지우", "하준", "서윤", "예준", "지민", "주원", "하은",
    "시우", "수아", "지호", "지유", "준서", "채원", "건우", "다은", "현우", "윤서",
)  # fmt: skip
RANKS = ("외무서기관", "외무사무관", "참사관")
PLACES = ("대한민국 서울", "대한민국 부산", "대한민국 경주", "대한민국 제주")
STATUSES = ("not_started", "in_progress", "in_progress", "ongoing", "achieved", "stalled")
NOTES = (
    "실무협의 개최, 후속 일정 협의 중",
    "관계부처 회의에서 이행 방안 점검",
    "상대국과 공동 문안 협의 진행",
    "예산 확보 지연으로 일정 순연",
    "연례 회의에서 성과 보고",
    "담당 부서 간 역할 분담 확정",
)
CADENCE_MONTHS = {Cadence.BIENNIAL: 24, Cadence.ANNUAL: 12, Cadence.REGULAR: 6}


@dataclass(frozen=True)
class Built:
    """What was built, and the names the measurements need."""

    url: str
    agreements: int
    commitments: int
    tracked: int
    updates: int
    assessments: int
    meetings: int
    officers: int
    seconds: float
    busiest_agreement: str  # KEY of the agreement with the most tracked commitments
    commitment: str  # KEY:REF of a tracked commitment that the OFFICER account owns
    officer_id: int  # the OFFICER account's officer
    busiest_mechanism_id: int  # the mechanism that follows the most commitments
    brief_meeting_id: int | None  # its next planned meeting, else its last one

    def lines(self) -> list[str]:
        return [
            f"built {self.agreements:,} agreements, {self.commitments:,} commitments "
            f"({self.tracked:,} tracked), {self.updates:,} status updates, "
            f"{self.assessments:,} assessments, {self.meetings:,} meetings, "
            f"{self.officers:,} officers in {self.seconds:.1f} s"
        ]


@dataclass(frozen=True)
class Template:
    """A corpus text cut where its document starts; a variant is a new record + `body`."""

    name: str
    body: str
    has_marker: bool  # the body starts with its own document marker
    weight: int


@dataclass(frozen=True)
class Variant:
    number: int
    template: int
    key: str
    title: str
    country: str
    field: str
    signed_on: date
    place: str
    officer: int  # index into the officers

    def header(self, template: Template, officers: Sequence[OfficerSpec]) -> str:
        who = officers[self.officer]
        summary = f"한국과 {self.country}는 {self.signed_on:%Y.%m.%d.} {self.place}에서 " + (
            f"「{self.title}」에 서명하였다."
        )
        marker = "" if template.has_marker else "❚ 비공식 국문본\n\n"
        return (
            f"{self.title}\n"
            f"합의기관(국내) {MINISTRY} 합의기관(해외) {self.country} 정부 관련국가\n"
            f"{self.country} {self.country}\n"
            f"분야 {self.field} 합의일자 {self.signed_on.isoformat()} 장소 {self.place}\n"
            f"담당자\n{who.rank} {who.name} ({MINISTRY} / {who.division})\n\n"
            f"{self.title}\n\n{summary}\n\n{marker}"
        )

    def source(self, template: Template, officers: Sequence[OfficerSpec]) -> str:
        return self.header(template, officers) + template.body


@dataclass(frozen=True)
class OfficerSpec:
    name: str
    rank: str
    division: str


def load_templates(corpus: Path = CORPUS) -> list[Template]:
    """The seed shipped with tracker, then every other corpus text (when the checkout has
    them), each cut where its document starts."""
    from tracker.importer.decode import decode_source
    from tracker.services.import_sources import sample_source

    texts = [("seed", sample_source())]
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.txt")):
            texts.append((path.stem, decode_source(path.read_bytes(), name=str(path))))
    templates: list[Template] = []
    seen: set[str] = set()
    for name, source in texts:
        if source in seen:
            continue
        seen.add(source)
        cut = _document_start(source)
        body = source if cut is None else source[cut:]
        templates.append(Template(name, body, cut is not None, 4 if name == "seed" else 1))
    return templates


def _document_start(source: str) -> int | None:
    from tracker.importer.record import DOCUMENT_MARKER

    offset = 0
    for line in source.splitlines(keepends=True):
        if DOCUMENT_MARKER.match(line.rstrip("\r\n")):
            return offset
        offset += len(line)
    return None


def plan(
    agreements: int, templates: Sequence[Template], *, seed: int, today: date
) -> tuple[list[OfficerSpec], list[Variant]]:
    """Officers and one variant per agreement, the same for the same arguments."""
    chooser = random.Random(seed)
    count = max(5, agreements // 20)
    divisions = DIVISIONS[: max(2, min(len(DIVISIONS), count // 4))]
    officers = []
    for number in range(count):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number // len(SURNAMES)) % len(GIVEN)]
        if number >= len(SURNAMES) * len(GIVEN):
            name += str(number // (len(SURNAMES) * len(GIVEN)) + 1)
        officers.append(
            OfficerSpec(name, RANKS[number % len(RANKS)], divisions[number % len(divisions)])
        )
    country_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(COUNTRIES))]
    template_weights = [template.weight for template in templates]
    variants = []
    for number in range(agreements):
        template = chooser.choices(range(len(templates)), template_weights)[0]
        country, code = chooser.choices(COUNTRIES, country_weights)[0]
        topic, topic_field = (
            TOPICS[0] if templates[template].name == "seed" else chooser.choice(TOPICS[1:])
        )
        signed_on = today - timedelta(days=chooser.randint(400, 2600))
        variants.append(
            Variant(
                number=number,
                template=template,
                key=f"kr-{code}-{signed_on.year}-{number + 1:04d}",
                title=f"한-{country} {topic}",
                country=country,
                field=topic_field,
                signed_on=signed_on,
                place=chooser.choice((*PLACES, f"{country} 수도")),
                officer=number % len(officers),  # each officer is desk officer of some
            )
        )
    return officers, variants


class _Ids:
    """Primary keys handed out here, after the largest one stored, so rows can be written in
    bulk with their links (PostgreSQL's sequences are moved past them afterwards)."""

    def __init__(self, connection: Connection, tables: Sequence[Table]) -> None:
        self._next = {
            table.name: (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1
            for table in tables
        }

    def take(self, table: Table) -> int:
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value


@dataclass
class _Mechanisms:
    """The mechanism rows, and which one stands for a template's mechanism with a partner."""

    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    by_partner: dict[tuple[str, str], int] = field(default_factory=dict)  # (country, folded)


def build_portfolio(
    url: str, *, agreements: int, seed: int = 13, today: date | None = None
) -> Built:
    """Build the portfolio into the empty database at `url` and describe it."""
    started = time.perf_counter()
    today = today or datetime.now(UTC).date()
    now = datetime.now(UTC)
    templates = load_templates()
    officers, variants = plan(agreements, templates, seed=seed, today=today)
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        officer_ids, officer_account = _people(engine, officers)
        template_keys = _import_templates(engine, templates, variants, officers)
        mechanisms = _clone_agreements(
            engine, templates, variants, officers, officer_ids, template_keys, now=now
        )
        chooser = random.Random(seed + 1)
        meetings = _meetings(engine, mechanisms, variants, chooser, today=today, now=now)
        _follow_up(engine, chooser, today=today, now=now)
        if engine.dialect.name == "postgresql":
            _move_sequences(engine)
        _new_calendar_revision(engine)
        return _describe(
            engine, url, officer_account, meetings, len(officers), time.perf_counter() - started
        )
    finally:
        engine.dispose()


def _new_calendar_revision(engine: Engine) -> None:
    """The bulk inserts bypass the sessions that keep the calendar's revision."""
    from tracker.models.revision import new_revision

    with write_session(engine) as session:
        new_revision(session)


def _people(engine: Engine, officers: Sequence[OfficerSpec]) -> tuple[list[int], int]:
    """Divisions, officers and three accounts, through the services."""
    from tracker.models import Officer, OfficerCreate
    from tracker.services.accounts import add_account
    from tracker.services.owners import add_officer, find_division

    ids = []
    with write_session(engine) as session:
        division_ids = {
            name: find_division(name, ministry=MINISTRY, session=session, create=True).id
            for name in dict.fromkeys(officer.division for officer in officers)
        }
        for number, spec in enumerate(officers):
            officer = add_officer(
                OfficerCreate(
                    name=spec.name,
                    rank=spec.rank,
                    email=f"officer{number:04d}@bench.example",
                    division_id=division_ids[spec.division],
                ),
                session=session,
                actor="bench-scale",
            )
            assert officer.id is not None
            ids.append(officer.id)
        first = session.get_one(Officer, ids[0])
        add_account(first, login=OFFICER, password=PASSWORD, session=session, actor="bench-scale")
        for login, name, role in ((ADMIN, "관리자", Role.ADMIN), (VIEWER, "열람자", Role.VIEWER)):
            person = add_officer(
                OfficerCreate(name=name, role=role, division_id=division_ids[officers[0].division]),
                session=session,
                actor="bench-scale",
            )
            add_account(person, login=login, password=PASSWORD, session=session, actor="bench")
    return ids, ids[0]


def _import_templates(
    engine: Engine,
    templates: Sequence[Template],
    variants: Sequence[Variant],
    officers: Sequence[OfficerSpec],
) -> dict[int, str]:
    """The first variant of each template, through the real importer: template -> key."""
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.services.imports import import_agreement

    catalog = MechanismCatalog.load_default()
    keys: dict[int, str] = {}
    for variant in variants:
        if variant.template in keys:
            continue
        template = templates[variant.template]
        parsed = parse_agreement(variant.source(template, officers), catalog=catalog)
        with write_session(engine) as session:
            outcome = import_agreement(
                parsed, session=session, source_name=f"{variant.key}.txt", key=variant.key
            )
        keys[variant.template] = outcome.key
    return keys


def _tables() -> dict[str, Table]:
    from sqlmodel import SQLModel

    import tracker.models  # noqa: F401  (registers the tables)

    return dict(SQLModel.metadata.tables)


def _rows(connection: Connection, table: Table, column: str, value: Any) -> list[dict[str, Any]]:
    query = select(table).where(table.c[column] == value).order_by(table.c.id)
    return [dict(row._mapping) for row in connection.execute(query)]


def _clone_agreements(
    engine: Engine,
    templates: Sequence[Template],
    variants: Sequence[Variant],
    officers: Sequence[OfficerSpec],
    officer_ids: Sequence[int],
    template_keys: dict[int, str],
    *,
    now: datetime,
) -> _Mechanisms:
    t = _tables()
    agreement_t, section_t, clause_t = t["agreement"], t["section"], t["clause"]
    item_t, commitment_t, link_t = t["clause_item"], t["commitment"], t["commitment_mechanism"]
    cycle_t, change_t, mechanism_t, alias_t = (
        t["review_cycle"],
        t["change_record"],
        t["mechanism"],
        t["mechanism_alias"],
    )
    mechanisms = _Mechanisms()
    with engine.begin() as connection:
        for row in connection.execute(select(mechanism_t)):
            mechanisms.rows[row.id] = dict(row._mapping)
            mechanisms.by_partner[(row.counterpart, fold_name(row.name))] = row.id
        division_of = dict(
            connection.execute(select(t["officer"].c.id, t["officer"].c.division_id)).all()
        )
        shapes: dict[int, dict[str, Any]] = {}
        for number, key in template_keys.items():
            agreement = dict(
                connection.execute(select(agreement_t).where(agreement_t.c.key == key))
                .one()
                ._mapping
            )
            clauses = _rows(connection, clause_t, "agreement_id", agreement["id"])
            commitments = _rows(connection, commitment_t, "agreement_id", agreement["id"])
            template_clauses = [c["id"] for c in clauses]
            template_commitments = [c["id"] for c in commitments]
            shapes[number] = {
                "agreement": agreement,
                "sections": _rows(connection, section_t, "agreement_id", agreement["id"]),
                "clauses": clauses,
                "items": [
                    dict(r._mapping)
                    for r in connection.execute(
                        select(item_t)
                        .where(item_t.c.clause_id.in_(template_clauses))
                        .order_by(item_t.c.id)
                    )
                ],
                "commitments": commitments,
                "links": [
                    dict(r._mapping)
                    for r in connection.execute(
                        select(link_t).where(link_t.c.commitment_id.in_(template_commitments))
                    )
                ],
                "header": len(
                    next(v for v in variants if v.template == number).header(
                        templates[number], officers
                    )
                ),
            }
    ids_tables = [agreement_t, section_t, clause_t, item_t, commitment_t, cycle_t, change_t]
    ids_tables += [mechanism_t, alias_t]
    pending = [v for v in variants if template_keys.get(v.template) != v.key]
    for start in range(0, len(pending), BATCH):
        with engine.begin() as connection:
            ids = _Ids(connection, ids_tables)
            out: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for variant in pending[start : start + BATCH]:
                template = templates[variant.template]
                shape = shapes[variant.template]
                source = variant.source(template, officers)
                shift = len(variant.header(template, officers)) - shape["header"]
                officer_id = officer_ids[variant.officer]
                who = officers[variant.officer]
                model = shape["agreement"]
                agreement_id = ids.take(agreement_t)
                review = model["review_mechanism_id"]
                out["agreement"].append(
                    model
                    | {
                        "id": agreement_id,
                        "key": variant.key,
                        "title": variant.title,
                        "foreign_body": f"{variant.country} 정부",
                        "countries": variant.country,
                        "field": variant.field,
                        "signed_on": variant.signed_on,
                        "place": variant.place,
                        "summary": f"한국과 {variant.country}는 {variant.signed_on:%Y.%m.%d.} "
                        f"{variant.place}에서 「{variant.title}」에 서명하였다.",
                        "officer_rank": who.rank,
                        "officer_name": who.name,
                        "officer_ministry": MINISTRY,
                        "officer_division": who.division,
                        "desk_officer_id": officer_id,
                        "review_mechanism_id": None
                        if review is None
                        else _partner_mechanism(
                            connection, ids, mechanisms, review, variant.country, now=now
                        ),
                        "source_name": f"{variant.key}.txt",
                        "source_text": source,
                        "source_hash": hashlib.sha256(source.encode("utf-8")).hexdigest(),
                        "imported_at": now,
                    }
                )
                section_ids: dict[int, int] = {}
                for row in shape["sections"]:
                    section_ids[row["id"]] = ids.take(section_t)
                    out["section"].append(
                        row
                        | {
                            "id": section_ids[row["id"]],
                            "agreement_id": agreement_id,
                            "parent_id": section_ids.get(row["parent_id"]),
                        }
                    )
                clause_ids: dict[int, int] = {}
                for row in shape["clauses"]:
                    clause_ids[row["id"]] = ids.take(clause_t)
                    out["clause"].append(
                        row
                        | _moved(row, shift)
                        | {
                            "id": clause_ids[row["id"]],
                            "agreement_id": agreement_id,
                            "section_id": section_ids.get(row["section_id"]),
                        }
                    )
                item_ids: dict[int, int] = {}
                for row in shape["items"]:
                    item_ids[row["id"]] = ids.take(item_t)
                    out["clause_item"].append(
                        row
                        | _moved(row, shift)
                        | {"id": item_ids[row["id"]], "clause_id": clause_ids[row["clause_id"]]}
                    )
                commitment_ids: dict[int, int] = {}
                for row in shape["commitments"]:
                    commitment_ids[row["id"]] = ids.take(commitment_t)
                    out["commitment"].append(
                        row
                        | _moved(row, shift)
                        | {
                            "id": commitment_ids[row["id"]],
                            "agreement_id": agreement_id,
                            "clause_id": clause_ids[row["clause_id"]],
                            "item_id": item_ids.get(row["item_id"]),
                            "owner_id": officer_id,
                            "division_id": division_of[officer_id],
                            "lead_agency": MINISTRY,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                for row in shape["links"]:
                    out["commitment_mechanism"].append(
                        {
                            "commitment_id": commitment_ids[row["commitment_id"]],
                            "mechanism_id": _partner_mechanism(
                                connection,
                                ids,
                                mechanisms,
                                row["mechanism_id"],
                                variant.country,
                                now=now,
                            ),
                            "role": row["role"],
                        }
                    )
                out["review_cycle"].append(
                    {
                        "id": ids.take(cycle_t),
                        "agreement_id": agreement_id,
                        "number": 1,
                        "starts_on": variant.signed_on,
                        "ends_on": None,
                        "opened_at": now,
                    }
                )
                out["change_record"].append(
                    {
                        "id": ids.take(change_t),
                        "at": now,
                        "actor": "import",
                        "officer_id": None,
                        "entity": "agreement",
                        "entity_id": agreement_id,
                        "action": "imported",
                        "detail": {
                            "source_name": f"{variant.key}.txt",
                            "source_hash": hashlib.sha256(source.encode("utf-8")).hexdigest(),
                            "clauses": len(shape["clauses"]),
                            "commitments": len(shape["commitments"]),
                            "changes": [],
                        },
                        "reason": "",
                    }
                )
            for name in (
                "agreement",
                "section",
                "clause",
                "clause_item",
                "commitment",
                "commitment_mechanism",
                "review_cycle",
                "change_record",
            ):
                if out[name]:
                    connection.execute(insert(t[name]), out[name])
    return mechanisms


def _moved(row: dict[str, Any], shift: int) -> dict[str, Any]:
    return {"span_start": row["span_start"] + shift, "span_end": row["span_end"] + shift}


def _partner_mechanism(
    connection: Connection,
    ids: _Ids,
    mechanisms: _Mechanisms,
    template_id: int,
    country: str,
    *,
    now: datetime,
) -> int:
    """The partner's own mechanism for a template's one ("한-호주 외교·국방장관 2+2 회의"),
    written on first use with its aliases and the mechanism it reports to."""
    model = mechanisms.rows[template_id]
    wanted = (country, fold_name(model["name"]))
    if wanted in mechanisms.by_partner:
        return mechanisms.by_partner[wanted]
    t = _tables()
    reports_to = (
        _partner_mechanism(connection, ids, mechanisms, model["reports_to_id"], country, now=now)
        if model["reports_to_id"]
        else None
    )
    chooser = random.Random(f"{country}/{model['name']}")
    cadence = model["cadence"]
    if model["kind"] == MechanismKind.MINISTERIAL_MEETING:
        cadence = chooser.choice((Cadence.BIENNIAL, Cadence.ANNUAL))
    elif chooser.random() < 0.5:
        cadence = chooser.choice((Cadence.ANNUAL, Cadence.REGULAR, Cadence.AD_HOC))
    name = _partner_name(model["name"], model["counterpart"], country)
    mechanism_id = ids.take(t["mechanism"])
    row = model | {
        "id": mechanism_id,
        "name": name,
        "counterpart": country,
        "cadence": cadence,
        "reports_to_id": reports_to,
        "created_at": now,
    }
    connection.execute(insert(t["mechanism"]), [row])
    names = [name, model["name"], *([model["name_en"]] if model["name_en"] else [])]
    folded = {fold_name(n): n for n in names if n}
    connection.execute(
        insert(t["mechanism_alias"]),
        [
            {"id": ids.take(t["mechanism_alias"]), "mechanism_id": mechanism_id, "alias": alias}
            | {"folded": key}
            for key, alias in folded.items()
        ],
    )
    mechanisms.rows[mechanism_id] = row
    mechanisms.by_partner[wanted] = mechanism_id
    return mechanism_id


def _partner_name(name: str, template_country: str, country: str) -> str:
    if template_country and template_country in name:
        return name.replace(template_country, country)
    if any("가" <= ch <= "힣" for ch in name) and not name.startswith("한-"):
        return f"한-{country} {name}"
    return name


def _top(mechanisms: dict[int, dict[str, Any]], mechanism_id: int) -> int:
    seen = set()
    while mechanisms[mechanism_id]["reports_to_id"] and mechanism_id not in seen:
        seen.add(mechanism_id)
        mechanism_id = mechanisms[mechanism_id]["reports_to_id"]
    return mechanism_id


def _meetings(
    engine: Engine,
    mechanisms: _Mechanisms,
    variants: Sequence[Variant],
    chooser: random.Random,
    *,
    today: date,
    now: datetime,
) -> int:
    """Held and planned meetings; each held meeting of a mechanism that bounds review cycles
    closes the open cycle of every agreement it bounds and opens the next, as
    `roll_cycles_over` does."""
    t = _tables()
    meeting_t, cycle_t, change_t = t["meeting"], t["review_cycle"], t["change_record"]
    agreement_t = t["agreement"]
    with engine.begin() as connection:
        for row in connection.execute(select(t["mechanism"])):
            mechanisms.rows.setdefault(row.id, dict(row._mapping))
        bounded: dict[int, list[tuple[int, date]]] = defaultdict(list)
        reviewing: set[int] = set()
        for agreement_id, review, signed_on in connection.execute(
            select(agreement_t.c.id, agreement_t.c.review_mechanism_id, agreement_t.c.signed_on)
            .where(agreement_t.c.review_mechanism_id.is_not(None))
            .order_by(agreement_t.c.id)
        ):
            reviewing.add(review)
            bounded[_top(mechanisms.rows, review)].append((agreement_id, signed_on or today))
        linked = set(
            connection.execute(select(t["commitment_mechanism"].c.mechanism_id).distinct())
            .scalars()
            .all()
        )
        ids = _Ids(connection, [meeting_t, cycle_t, change_t])
        meetings: list[dict[str, Any]] = []
        cycles: list[dict[str, Any]] = []
        closes: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        for mechanism_id in sorted(linked | set(bounded)):
            mechanism = mechanisms.rows[mechanism_id]
            days = _meeting_days(
                mechanism,
                bounded.get(mechanism_id),
                chooser,
                today=today,
                reviews=mechanism_id in reviewing,
            )
            for number, (held_on, planned) in enumerate(days, start=1):
                meeting_id = ids.take(meeting_t)
                place = chooser.choice(PLACES) if number % 2 else mechanism["counterpart"]
                meetings.append(
                    {
                        "id": meeting_id,
                        "mechanism_id": mechanism_id,
                        "held_on": held_on,
                        "title": f"{mechanism['name']} 제{number}차 회의",
                        "place": place,
                        "planned": planned,
                        "note": "",
                        "created_at": now,
                    }
                )
                changes.append(
                    _change(
                        ids.take(change_t),
                        "meeting",
                        meeting_id,
                        "added",
                        {
                            "mechanism": mechanism["name"],
                            "place": place,
                            "mechanism_id": mechanism_id,
                            "held_on": held_on.isoformat(),
                            "planned": planned,
                        },
                        now,
                    )
                )
            held = [
                (day, meetings[-len(days) + i]["id"]) for i, (day, p) in enumerate(days) if not p
            ]
            for agreement_id, signed_on in bounded.get(mechanism_id, []):
                number = 1
                for day, meeting_id in held:
                    if day <= signed_on:
                        continue
                    if number == 1:
                        closes.append({"agreement": agreement_id, "ends": day})
                    else:
                        cycles[-1]["ends_on"] = day
                    cycles.append(
                        {
                            "id": ids.take(cycle_t),
                            "agreement_id": agreement_id,
                            "number": number + 1,
                            "starts_on": day,
                            "ends_on": None,
                            "opened_at": now,
                        }
                    )
                    changes.append(
                        _change(
                            ids.take(change_t),
                            "agreement",
                            agreement_id,
                            "cycle",
                            {
                                "closed": number,
                                "opened": number + 1,
                                "meeting_id": meeting_id,
                            },
                            now,
                        )
                    )
                    number += 1
        if meetings:
            connection.execute(insert(meeting_t), meetings)
        if closes:
            connection.execute(
                update(cycle_t)
                .where(cycle_t.c.agreement_id == _bind("agreement"), cycle_t.c.number == 1)
                .values(ends_on=_bind("ends")),
                closes,
            )
        if cycles:
            connection.execute(insert(cycle_t), cycles)
        if changes:
            connection.execute(insert(change_t), changes)
    return len(meetings)


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _meeting_days(
    mechanism: dict[str, Any],
    bounded: list[tuple[int, date]] | None,
    chooser: random.Random,
    *,
    today: date,
    reviews: bool = False,
) -> list[tuple[date, bool]]:
    """(day, planned) of a mechanism's meetings, oldest first: a reviewing mechanism meets on
    its cadence since its first agreement was signed and has its next meeting planned (often
    within the 60 days that make commitments due); others met once lately, or plan to."""
    from tracker.services.cadence import add_months

    if bounded:
        months = CADENCE_MONTHS.get(mechanism["cadence"], 18)
        day = min(signed for _, signed in bounded) + timedelta(days=chooser.randint(30, 200))
        days = []
        while day <= today:
            days.append((day, False))
            day = add_months(day, months)
        ahead = today + timedelta(days=chooser.randint(10, 150))
        return [*days, (min(day, ahead) if day > today else ahead, True)]
    days = []
    if chooser.random() < 0.4:
        days.append((today - timedelta(days=chooser.randint(20, 360)), False))
    if reviews or chooser.random() < 0.3:
        days.append((today + timedelta(days=chooser.randint(5, 150 if reviews else 300)), True))
    return days


def _change(
    change_id: int, entity: str, entity_id: int, action: str, detail: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "id": change_id,
        "at": at,
        "actor": "bench-scale",
        "officer_id": None,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "detail": detail,
        "reason": "",
    }


def _follow_up(engine: Engine, chooser: random.Random, *, today: date, now: datetime) -> None:
    """Status updates and assessments per tracked commitment, in time order, and the
    commitment's status columns and version as the last of them left them."""
    t = _tables()
    agreement_t, commitment_t, officer_t = t["agreement"], t["commitment"], t["officer"]
    update_t, assessment_t, change_t, cycle_t = (
        t["status_update"],
        t["assessment"],
        t["change_record"],
        t["review_cycle"],
    )
    with engine.connect() as connection:
        agreements = connection.execute(
            select(agreement_t.c.id, agreement_t.c.signed_on).order_by(agreement_t.c.id)
        ).all()
        names = dict(connection.execute(select(officer_t.c.id, officer_t.c.name)).all())
    for start in range(0, len(agreements), BATCH):
        batch = agreements[start : start + BATCH]
        signed = {agreement_id: signed_on or today for agreement_id, signed_on in batch}
        with engine.begin() as connection:
            ids = _Ids(connection, [update_t, assessment_t, change_t])
            closed: dict[int, list[tuple[int, int, date]]] = defaultdict(list)
            for cycle_id, agreement_id, number, ends_on in connection.execute(
                select(cycle_t.c.id, cycle_t.c.agreement_id, cycle_t.c.number, cycle_t.c.ends_on)
                .where(cycle_t.c.agreement_id.in_(list(signed)), cycle_t.c.ends_on.is_not(None))
                .order_by(cycle_t.c.number)
            ):
                closed[agreement_id].append((cycle_id, number, ends_on))
            commitments = connection.execute(
                select(commitment_t.c.id, commitment_t.c.agreement_id, commitment_t.c.owner_id)
                .where(commitment_t.c.agreement_id.in_(list(signed)), commitment_t.c.tracked)
                .order_by(commitment_t.c.id)
            ).all()
            updates: list[dict[str, Any]] = []
            assessments: list[dict[str, Any]] = []
            changes: list[dict[str, Any]] = []
            states: list[dict[str, Any]] = []
            for commitment_id, agreement_id, owner_id in commitments:
                events = _events(
                    chooser,
                    signed[agreement_id],
                    closed.get(agreement_id, []),
                    today=today,
                    now=now,
                )
                version, last = 1, None
                for at, kind, data in events:
                    version += 1
                    author = names.get(owner_id, "bench-scale")
                    if kind == "update":
                        last = (data["status"], data["as_of"], at)
                        updates.append(
                            data
                            | {
                                "id": ids.take(update_t),
                                "commitment_id": commitment_id,
                                "author": author,
                                "author_id": owner_id,
                                "corrects_id": None,
                                "commitment_version": version,
                                "recorded_at": at,
                            }
                        )
                        continue
                    cycle_id, number, score, rationale = data
                    assessments.append(
                        {
                            "id": ids.take(assessment_t),
                            "commitment_id": commitment_id,
                            "cycle_id": cycle_id,
                            "score": score,
                            "rationale": rationale,
                            "assessed_by": author,
                            "assessed_at": at,
                        }
                    )
                    changes.append(
                        _change(
                            ids.take(change_t),
                            "commitment",
                            commitment_id,
                            "assessment",
                            {
                                "cycle": number,
                                "rationale": rationale,
                                "score": score,
                                "previous": None,
                                "version": version,
                            },
                            at,
                        )
                        | {"actor": author}
                    )
                if events:
                    states.append(
                        {
                            "target": commitment_id,
                            "status": last[0] if last else None,
                            "status_as_of": last[1] if last else None,
                            "last_update_at": last[2] if last else None,
                            "version": version,
                            "updated_at": events[-1][0],
                        }
                    )
            for table, rows in ((update_t, updates), (assessment_t, assessments)):
                if rows:
                    connection.execute(insert(table), rows)
            if changes:
                connection.execute(insert(change_t), changes)
            if states:
                connection.execute(
                    update(commitment_t)
                    .where(commitment_t.c.id == _bind("target"))
                    .values(
                        status=_bind("status"),
                        status_as_of=_bind("status_as_of"),
                        last_update_at=_bind("last_update_at"),
                        version=_bind("version"),
                        updated_at=_bind("updated_at"),
                    ),
                    states,
                )


def _events(
    chooser: random.Random,
    signed_on: date,
    closed: Sequence[tuple[int, int, date]],
    *,
    today: date,
    now: datetime,
) -> list[tuple[datetime, str, Any]]:
    """One commitment's follow-up, oldest first: (when, "update" | "assessment", data)."""
    events: list[tuple[datetime, str, Any]] = []
    count = chooser.choices((0, 1, 2, 3, 4, 5), (4, 8, 20, 36, 20, 12))[0]
    earliest = max(signed_on, today - timedelta(days=730))
    span = max(0, (today - earliest).days)
    days = sorted(earliest + timedelta(days=chooser.randint(0, span)) for _ in range(count))
    for as_of in days:
        at = _moment(as_of, chooser, now)
        events.append(
            (
                at,
                "update",
                {
                    "status": chooser.choice(STATUSES),
                    "narrative": f"{as_of:%Y년 %m월} 기준: {chooser.choice(NOTES)}",
                    "as_of": as_of,
                    "source": chooser.choice(
                        (UpdateSource.WEB, UpdateSource.WEB, UpdateSource.CLI, UpdateSource.API)
                    ),
                },
            )
        )
    for cycle_id, number, ends_on in closed:
        if chooser.random() < 0.7:
            score = chooser.choice((1, 1, 0, 0, -1))
            rationale = (
                f"제{number}주기 점검 결과: " + ("완전 이행", "부분 이행", "미이행")[1 - score]
            )
            on = min(ends_on + timedelta(days=chooser.randint(1, 30)), today)
            events.append(
                (_moment(on, chooser, now), "assessment", (cycle_id, number, score, rationale))
            )
    events.sort(key=lambda event: event[0])
    return events


def _moment(day: date, chooser: random.Random, now: datetime) -> datetime:
    at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        hours=chooser.randint(0, 9), minutes=chooser.randint(0, 59)
    )
    return min(at, now - timedelta(seconds=chooser.randint(1, 3600)))


def _move_sequences(engine: Engine) -> None:
    """Past the ids given here, so the next row the app writes gets a free one."""
    with engine.begin() as connection:
        for table in _tables().values():
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table.name}"), false)'
                )
            )


def _describe(
    engine: Engine, url: str, officer_id: int, meetings: int, officers: int, seconds: float
) -> Built:
    t = _tables()
    agreement_t, commitment_t, link_t = t["agreement"], t["commitment"], t["commitment_mechanism"]
    meeting_t = t["meeting"]
    with engine.connect() as connection:

        def count(table: Table, *where: Any) -> int:
            return int(
                connection.execute(select(func.count()).select_from(table).where(*where)).scalar()
                or 0
            )

        tracked = commitment_t.c.tracked.is_(True)
        busiest = connection.execute(
            select(agreement_t.c.key)
            .join(commitment_t, commitment_t.c.agreement_id == agreement_t.c.id)
            .where(tracked)
            .group_by(agreement_t.c.key)
            .order_by(func.count().desc(), agreement_t.c.key)
            .limit(1)
        ).scalar_one()
        owned = connection.execute(
            select(agreement_t.c.key, commitment_t.c.ref)
            .join(commitment_t, commitment_t.c.agreement_id == agreement_t.c.id)
            .where(tracked, commitment_t.c.owner_id == officer_id)
            .order_by(commitment_t.c.id)
            .limit(1)
        ).one()
        mechanism_id = connection.execute(
            select(link_t.c.mechanism_id)
            .group_by(link_t.c.mechanism_id)
            .order_by(func.count().desc(), link_t.c.mechanism_id)
            .limit(1)
        ).scalar_one()
        meetings_of = select(meeting_t.c.id).where(meeting_t.c.mechanism_id == mechanism_id)
        meeting = (
            connection.execute(
                meetings_of.where(meeting_t.c.planned.is_(True))
                .order_by(meeting_t.c.held_on)
                .limit(1)
            ).scalar()
            or connection.execute(
                meetings_of.order_by(meeting_t.c.held_on.desc()).limit(1)
            ).scalar()
        )
        return Built(
            url=url,
            agreements=count(agreement_t),
            commitments=count(commitment_t),
            tracked=count(commitment_t, tracked),
            updates=count(t["status_update"]),
            assessments=count(t["assessment"]),
            meetings=meetings,
            officers=officers,
            seconds=seconds,
            busiest_agreement=busiest,
            commitment=f"{owned[0]}:{owned[1]}",
            officer_id=officer_id,
            busiest_mechanism_id=mechanism_id,
            brief_meeting_id=meeting,
        )
