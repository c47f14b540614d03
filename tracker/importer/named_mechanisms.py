"""The follow-up mechanisms an agreement names: its mentions (mentions.py) made into one
mechanism each, with what the words around them say (mention_context.py).

Mentions with the same catalog entry are one mechanism (its canonical name); other mentions are
one mechanism when their names agree after dropping a country prefix (한-캐나다), a rank
(국장급 …), "2+2", brackets and spacing: <외교·국방 정책 대화>, <한-캐나다 외교·국방 정책 대화>
and <국장급 외교·국방 정책 대화> are one dialogue. The first spelling in the text names it.
A mechanism's cadence is the most specific one said around any of its mentions, else its
catalog entry's; it is planned when any mention says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.domain import Cadence, Language, MechanismKind
from tracker.importer.mechanism_catalog import CatalogEntry, MechanismCatalog, core_name
from tracker.importer.mention_context import (
    CADENCE_RANK,
    cadence_in,
    context,
    mark_lead_ins,
    reporting_lines,
    reviewing_key,
    says_planned,
)
from tracker.importer.mentions import GENERIC_NAME, MentionFinder
from tracker.importer.parsed import ParsedMechanism
from tracker.importer.structure import ClauseLayout
from tracker.importer.textutil import fold


@dataclass(slots=True)
class _Group:
    key: str
    name: str
    entry: CatalogEntry | None
    kind: MechanismKind
    first: int
    spellings: list[str] = field(default_factory=list)
    cadence: Cadence = Cadence.UNKNOWN
    planned: bool = False
    reports_to: str | None = None


@dataclass(slots=True)
class MechanismResult:
    mechanisms: list[ParsedMechanism]
    mentions: list[tuple[int, int, str]]  # (start, end, canonical name), in text order
    item_mechanisms: frozenset[tuple[str, int]]  # (clause number, item position)
    item_names: dict[tuple[str, int], str]
    review_mechanism: str | None


def extract_mechanisms(
    text: str,
    layouts: list[ClauseLayout],
    language: Language,
    catalog: MechanismCatalog,
    *,
    document_title: str = "",
) -> MechanismResult:
    """The mechanisms the clauses name, in order of first mention, and where each is named."""
    finder = MentionFinder(text, layouts, language, catalog, document_title)
    finder.find()
    groups: dict[str, _Group] = {}
    for mention in finder.mentions:
        assert mention.kind is not None
        key = (
            f"catalog:{mention.entry.name}" if mention.entry else f"core:{core_name(mention.name)}"
        )
        if mention.entry is None and GENERIC_NAME.match(mention.name):
            # "제1차 장관회의" after the ministers' meeting was named: that one
            same = [g for g in groups.values() if g.kind is mention.kind]
            key = same[-1].key if same else key
        mention.key = key
        group = groups.get(key)
        if group is None:
            name = mention.entry.name if mention.entry else mention.name
            group = groups[key] = _Group(key, name, mention.entry, mention.kind, mention.start)
        for spelling in (mention.name, mention.acronym):
            if spelling and spelling not in group.spellings:
                group.spellings.append(spelling)
    mark_lead_ins(text, layouts, finder.mentions)
    finder.add_references({key: group.name for key, group in groups.items()})

    for mention in finder.mentions:
        group = groups[mention.key]
        before, name, after = context(finder, mention)
        cadence = cadence_in(f"{before} {name} {after}", language)
        if CADENCE_RANK[cadence] < CADENCE_RANK[group.cadence]:
            group.cadence = cadence
        if mention.session > 1 or mention.source == "next":
            continue  # a second session, the next meeting: the mechanism exists
        if mention.launched:
            group.planned = True
        if mention.source not in ("anaphora",) and says_planned(before, name, after, language):
            group.planned = True
        if mention.source == "anaphora" and says_planned(before, "", after, language):
            group.planned = True
    for source, target in reporting_lines(text, finder).items():
        groups[source].reports_to = target
    review_key = reviewing_key(text, finder)
    review = groups[review_key].name if review_key is not None else None

    mechanisms: list[ParsedMechanism] = []
    for group in sorted(groups.values(), key=lambda g: g.first):
        entry = group.entry
        cadence = group.cadence
        if cadence is Cadence.UNKNOWN and entry is not None:
            cadence = entry.cadence
        aliases = _aliases(group, language)
        name_en = entry.name_en if entry else (group.name if language is Language.EN else "")
        mechanisms.append(
            ParsedMechanism(
                name=group.name,
                name_en=name_en,
                aliases=aliases,
                kind=group.kind,
                cadence=cadence,
                planned=group.planned,
                reports_to=groups[group.reports_to].name if group.reports_to else None,
            )
        )
    item_names: dict[tuple[str, int], str] = {}
    for mention in finder.mentions:
        layout = layouts[mention.clause]
        for item in layout.clause.items:
            if (layout.clause.number, item.position) in finder.item_mechanisms and (
                item.start <= mention.start and mention.end <= item.end
            ):
                item_names.setdefault(
                    (layout.clause.number, item.position), groups[mention.key].name
                )
    return MechanismResult(
        mechanisms=mechanisms,
        mentions=[(m.start, m.end, groups[m.key].name) for m in finder.mentions],
        item_mechanisms=frozenset(finder.item_mechanisms),
        item_names=item_names,
        review_mechanism=review,
    )


def _aliases(group: _Group, language: Language) -> tuple[str, ...]:
    names = [*group.entry.aliases] if group.entry is not None else []
    names.extend(group.spellings)
    seen = {fold(group.name)}
    if group.entry is not None and group.entry.name_en:
        seen.add(fold(group.entry.name_en))
    aliases: list[str] = []
    for name in names:
        key = fold(name)
        if name and key not in seen:
            seen.add(key)
            aliases.append(name)
    return tuple(aliases)
