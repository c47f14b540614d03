"""The mechanism catalog: known follow-up mechanisms by their names, and what a name says.

The catalog is tracker/catalog/mechanisms.toml plus the configuration's own entries: each a
name, an English name, aliases, a kind and a cadence. A name is found in any spelling (spacing,
brackets, dot and dash variants, case) and, through `core_name`, without a country prefix, a
rank or "2+2". `kind_from_name` reads the kind a name's last word says (위원회, Forum …):
정상회담/Summit → summit; 정상회의/Leaders' Meeting → leaders' meeting (a summit is not a
ministerial meeting); a rank below minister (고위급, 차관급, 국장급; High-Level, Senior
Officials', Vice-Ministerial, DG-level) before 회의/회담/협의 (Talks, Consultations, Meeting) →
high-level talks, even with "2+2" in the name; 장관회의/장관회담/2+2/Ministerial → ministerial
meeting; 실무 회담/실무협의 (Working-Level Talks) → working-level talks, but 실무급 회의/실무
그룹/실무협의체 → working group.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from tracker.domain import Cadence, MechanismKind
from tracker.importer.errors import CatalogError
from tracker.importer.textutil import fold, fold_space

# --- the catalog --------------------------------------------------------------------------------

_ENTRY_KEYS = frozenset({"name", "name_en", "aliases", "kind", "cadence"})
_SEPARATOR = r"[\s<>「」『』〈〉《》()（）\[\]‘’'\"“”`´]*"
_CHAR_CLASSES = {"·": "[·ㆍ•‧・∙⋅]", "-": "[-–—‐‑－]"}


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    name: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    kind: MechanismKind = MechanismKind.OTHER
    cadence: Cadence = Cadence.UNKNOWN

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n in (self.name, self.name_en, *self.aliases) if n))


class MechanismCatalog:
    """Known mechanisms by any of their names; immutable (`extended` returns a new catalog)."""

    __slots__ = ("_by_core", "_by_fold", "_entries", "_patterns")

    def __init__(self, entries: Iterable[CatalogEntry] = ()) -> None:
        by_name: dict[str, CatalogEntry] = {}
        for entry in entries:
            by_name[fold(entry.name)] = entry  # a later entry with the same name replaces
        self._entries = tuple(by_name.values())
        self._by_fold: dict[str, CatalogEntry] = {}
        self._by_core: dict[str, CatalogEntry] = {}
        for entry in self._entries:
            for name in entry.names:
                self._by_fold[fold(name)] = entry
                core = core_name(name)
                if core:
                    self._by_core.setdefault(core, entry)
        self._patterns = {
            alias: _alias_pattern(alias)
            for alias in sorted(self._by_fold, key=lambda a: (-len(a), a))
            if alias
        }

    @classmethod
    def load_default(cls) -> MechanismCatalog:
        """The catalog shipped in tracker/catalog/mechanisms.toml."""
        resource = resources.files("tracker").joinpath("catalog/mechanisms.toml")
        return cls.from_toml(resource.read_text(encoding="utf-8"), source="mechanisms.toml")

    @classmethod
    def from_toml(cls, text: str, *, source: str) -> MechanismCatalog:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError("catalog.not_toml", problem=str(exc)).at(source) from None
        raw = data.get("mechanism", [])
        if not isinstance(raw, list):
            raise CatalogError("catalog.not_array").at(source)
        return cls(_entry(item, f"{source}: mechanism {n}") for n, item in enumerate(raw, 1))

    def extended(self, entries: Sequence[Mapping[str, object]]) -> MechanismCatalog:
        """This catalog plus `entries` (same keys as a toml entry); same name → replaced."""
        added = [
            _entry(item, f"mechanism {n} ({item.get('name', '?')})")
            for n, item in enumerate(entries, 1)
        ]
        return MechanismCatalog((*self._entries, *added))

    def lookup(self, alias: str) -> CatalogEntry | None:
        """The entry with this name or alias, folding case, spaces, brackets and dot variants."""
        return self._by_fold.get(fold(alias))

    def resolve(self, name: str) -> CatalogEntry | None:
        """Like `lookup`, and also when only a country prefix, a rank or "2+2" differ, as long
        as the kind the name says is the entry's ("국장급 2+2 회의" is not the ministers')."""
        found = self.lookup(name)
        if found is None and not _COUNTRY_PREFIX.match(name):
            core = core_name(name)
            found = self._by_core.get(core) if core else None
            said = kind_from_name(name)
            if found is not None and said is not None and said is not found.kind:
                return None
        return found

    @property
    def entries(self) -> tuple[CatalogEntry, ...]:
        return self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def scan(self, text: str) -> list[tuple[int, int, CatalogEntry]]:
        """Where `text` names a catalog entry: (start, end, entry), leftmost-longest."""
        folded_text = fold(text)
        present = [pattern for alias, pattern in self._patterns.items() if alias in folded_text]
        if not present:
            return []
        found: list[tuple[int, int, CatalogEntry]] = []
        for match in re.compile("|".join(present)).finditer(text):
            folded = fold(match.group())
            entry = self._by_fold.get(folded) or self._by_fold.get(folded[:-1])
            if entry is not None:
                found.append((match.start(), match.end(), entry))
        return found


def _alias_pattern(folded: str) -> str:
    """A pattern for one folded alias: any spacing, brackets, dot and dash variants between its
    characters, ASCII letters in either case, whole words at ASCII edges, an English plural."""
    chars = [_CHAR_CLASSES.get(ch) or _any_case(ch) for ch in folded]
    body = _SEPARATOR.join(chars)
    if folded[0].isascii() and folded[0].isalnum():
        # the look-behind goes after the first character so the regex engine can still skip
        # ahead on the first character of every alias
        body = f"{chars[0]}(?<![A-Za-z0-9].){body[len(chars[0]) :]}"
    if folded[-1].isascii() and folded[-1].isalnum():
        body += "[sS]?(?![A-Za-z0-9])" if folded[-1].isalpha() else "(?![A-Za-z0-9])"
    return body


def _any_case(ch: str) -> str:
    if ch.isascii() and ch.isalpha():
        return f"[{ch.lower()}{ch.upper()}]"
    return re.escape(ch)


def _entry(item: object, where: str) -> CatalogEntry:
    if not isinstance(item, Mapping):
        raise CatalogError("catalog.not_table").at(where)
    unknown = set(item) - _ENTRY_KEYS
    if unknown:
        raise CatalogError(
            "catalog.unknown_keys", keys=sorted(map(str, unknown)), allowed=sorted(_ENTRY_KEYS)
        ).at(where)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError("catalog.name_required").at(where)
    name_en = item.get("name_en", "")
    if not isinstance(name_en, str):
        raise CatalogError("catalog.name_en_not_text").at(where)
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list | tuple) or not all(isinstance(a, str) for a in aliases):
        raise CatalogError("catalog.aliases_not_texts").at(where)
    kind_value = item.get("kind", MechanismKind.OTHER.value)
    cadence_value = item.get("cadence", Cadence.UNKNOWN.value)
    try:
        kind = MechanismKind(kind_value)
    except ValueError:
        allowed = [k.value for k in MechanismKind]
        raise CatalogError("catalog.unknown_kind", kind=kind_value, allowed=allowed).at(
            where
        ) from None
    try:
        cadence = Cadence(cadence_value)
    except ValueError:
        allowed = [c.value for c in Cadence]
        raise CatalogError("catalog.unknown_cadence", cadence=cadence_value, allowed=allowed).at(
            where
        ) from None
    return CatalogEntry(
        name=fold_space(name),
        name_en=fold_space(name_en),
        aliases=tuple(fold_space(a) for a in aliases if a.strip()),
        kind=kind,
        cadence=cadence,
    )


_COUNTRY_PREFIX = re.compile(r"^\s*(?:한\s*[-–·]\s*\S+\s+|korea\s*[-–]\s*\w+\s+)", re.IGNORECASE)
_CORE_PREFIX = re.compile(
    r"^(?:the\s+)?(?:한\s*[-–·]\s*\S+\s+|(?:국장|차관|장관|차관보|고위|실장)급\s+"
    r"|korea\s*[-–]\s*\w+\s+|(?:trilateral|bilateral)\s+)",
    re.IGNORECASE,
)
_CORE_DROP = re.compile(r"\(?\s*2\s*\+\s*2\s*\)?|\((?:[A-Z][A-Za-z0-9&+-]{1,9})\)\s*$")


def core_name(name: str) -> str:
    """A name without its country prefix, rank and "2+2", folded: the key for merging."""
    stripped = _CORE_DROP.sub(" ", name)
    for _ in range(2):
        stripped = _CORE_PREFIX.sub("", stripped.strip())
    folded = fold(stripped)
    return folded[:-1] if folded.endswith(("dialogues", "commissions", "committees")) else folded


# --- kinds --------------------------------------------------------------------------------------

_HIGH_RANK = r"고위급|차관보?급?|국장급|Vice[- ]Minister"
_KO_KINDS: tuple[tuple[re.Pattern[str], MechanismKind], ...] = tuple(
    (re.compile(pattern + r"$", re.IGNORECASE), kind)
    for pattern, kind in (
        (r"정상\s*회담", MechanismKind.SUMMIT),
        (r"정상\s*회의", MechanismKind.LEADERS_MEETING),
        # a rank below minister wins over "2+2": "국장급 2+2 회의" is not the ministers'
        (
            rf"(?:{_HIGH_RANK})(?:\s*\S+){{0,3}}?\s*(?:회의|회담|협의)",
            MechanismKind.HIGH_LEVEL_TALKS,
        ),
        (
            r"(?:장관(?:급)?\s*(?:회의|회담)|2\s*\+\s*2(?:\s*회의)?)",
            MechanismKind.MINISTERIAL_MEETING,
        ),
        (
            r"(?:실무(?:급|자)?\s*회의|실무\s*그룹|워킹\s*그룹|작업반|실무단|실무\s*협의체)",
            MechanismKind.WORKING_GROUP,
        ),
        (r"(?:실무|과장급)(?:급|자)?\s*(?:회담|협의)", MechanismKind.WORKING_LEVEL_TALKS),
        (r"(?:위원회|공동위)", MechanismKind.COMMITTEE),
        (r"(?:대화|협의회|협의체|회담)", MechanismKind.DIALOGUE),
        (r"(?:포럼|회의|컨퍼런스|콘퍼런스|세미나|심포지엄)", MechanismKind.FORUM),
        (r"(?:전시회|박람회|에어쇼|엑스포)", MechanismKind.EXHIBITION),
        (r"(?:MOU|MOA|양해각서|약정|각서|의향서|LOI)", MechanismKind.AGREEMENT),
        (r"(?:센터|기구|사무국)", MechanismKind.INSTITUTION),
        (r"Leaders['’]?\s+(?:Meeting|Summit)", MechanismKind.LEADERS_MEETING),
        (r"Summit", MechanismKind.SUMMIT),
        (
            r"(?:High[- ]Level|Senior\s+Officials['’]?|Vice[- ]Ministerial|Vice\s+(?:Foreign\s+)?"
            r"Ministers['’]?|Director[- ]General[- ]Level|DG[- ]Level)(?:\s+\S+){0,3}?\s+"
            r"(?:Talks|Consultations?|Meeting)",
            MechanismKind.HIGH_LEVEL_TALKS,
        ),
        (r"Working[- ]Level\s+(?:Talks|Consultations?|Meeting)", MechanismKind.WORKING_LEVEL_TALKS),
        (
            r"(?:Ministers['’]?\s+(?:2\+2\s+)?Meeting|Ministerial(?:\s+Meeting)?|2\+2|Meeting)",
            MechanismKind.MINISTERIAL_MEETING,
        ),
        (
            r"(?:Working\s+Group|Consultative\s+Group|Task\s+Force)(?:\s+on\s+.+)?",
            MechanismKind.WORKING_GROUP,
        ),
        (r"(?:Committee|Commission)(?:\s+on\s+.+)?", MechanismKind.COMMITTEE),
        (r"(?:Dialogues?|Consultations|Council)(?:\s+on\s+.+)?", MechanismKind.DIALOGUE),
        (r"Forum", MechanismKind.FORUM),
        (r"(?:Memorandum\s+of\s+Understanding|Arrangement)", MechanismKind.AGREEMENT),
        (r"(?:Exhibition|Expo|Air\s*Show)", MechanismKind.EXHIBITION),
    )
)
_NOT_MECHANISM = re.compile(
    r"(?:협약|협정|조약|헌장|선언|법|Convention|Treaty|Charter|Declaration)$", re.IGNORECASE
)
_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&+-]{1,9})\s*\)$")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)$")


def kind_from_name(name: str) -> MechanismKind | None:
    """The kind a name's last word says, or None when the name is not a mechanism's."""
    bare = _TRAILING_PAREN.sub("", name).strip()
    if not bare or _NOT_MECHANISM.search(bare):
        return None
    for pattern, kind in _KO_KINDS:
        if pattern.search(bare):
            return kind
    return None


def split_acronym(name: str) -> tuple[str, str]:
    match = _ACRONYM.search(name)
    if match is None or match.start() == 0:
        return name, ""
    return name[: match.start()].strip(), match.group(1)
