"""Which countries a text names, and which of them it names as Korea's counterpart.

A follow-up text about Korea and a third country proposes nothing for an agreement with another:
"한-영 사이버정책협의회" is about the United Kingdom, however many words it shares with the
Korea–Canada cyber consultation. This module only reads names; deciding what a mismatch means is
the caller's.

What counts as naming a country:

* a full name, Korean or English, anywhere ("캐나다 측", "the United Kingdom", "Canadian");
  English names only as whole words and as written (or in capitals), so "us" and "china" are
  not countries;
* a one-syllable Korean short form (캐, 영, 미, 일, 호, 중, 북, 뉴 …) only inside a label that
  joins it to Korea (한-캐, 한·영, 한미, 한미일, 한·미·일, 미-한): as free syllables they are
  everyday words (영향, 미래, 일부, 중요, 북대서양). Without Korea in it a label names nothing by
  its short forms (미·중, 북미국장);
* 남북 (and 남북한) names both Koreas.

Some names sit inside other words and are refused there: 인도 in 인도-태평양, 인도양, 인도적,
범죄인 인도; 미국 in 북미국장, 중남미국가; China in the South China Sea; America in North
America. Korea itself (한국, 대한민국, ROK) is named like any country but is never a partner.

Offsets are into the text as given; callers fold Unicode (NFC) first if their text may be
decomposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, and "EU" for the European Union
    ko: str
    en: str


HOME = "KR"


class _Kind(Enum):
    NAME = "name"  # names its country wherever it stands
    SHORT = "short"  # one syllable (or one Hanja): a country only inside a label with Korea
    BOTH_KOREAS = "both"  # 남북, 남북한: the South then the North


@dataclass(frozen=True)
class _Spelling:
    """One way of writing a country, with what must not stand just before or after it for it to
    mean the country (북미국장 is the North America bureau, not the United States)."""

    text: str
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    alone: bool = False  # not glued to a preceding Hangul syllable (인니, 태국, 남북)


def _s(text: str, after: str = "", before: str = "", alone: bool = False) -> _Spelling:
    """A guarded spelling; `after` and `before` list their texts split by "|"."""
    return _Spelling(text, _alternatives(after), _alternatives(before), alone)


def _alternatives(texts: str) -> tuple[str, ...]:
    return tuple(texts.split("|")) if texts else ()


_Names = tuple[str | _Spelling, ...]


@dataclass(frozen=True)
class _Entry:
    country: Country
    korean: _Names = ()
    english: _Names = ()
    short: _Names = ()  # label-only: Hangul syllables and Hanja


_AMERICAS = "North |South |Latin |Central "
_PACIFIC = "태평양| 태평양|-태평양|–태평양|·태평양|ㆍ태평양"

_LEXICON: tuple[_Entry, ...] = (
    _Entry(
        Country("KR", "한국", "Republic of Korea"),
        korean=("한국", "대한민국", _s("남한", before="산성|강"), "韓"),
        english=(
            "Republic of Korea",
            "South Korea",
            "South Korean",
            "South Koreans",
            "Korea",
            "Korean",
            "Koreans",
            "ROK",
            "R.O.K.",
        ),
        short=("한",),
    ),
    _Entry(
        Country("KP", "북한", "North Korea"),
        korean=(_s("북한", before="강"), "조선민주주의인민공화국", "북조선"),
        english=(
            "Democratic People's Republic of Korea",
            "North Korea",
            "North Korean",
            "North Koreans",
            "DPRK",
            "D.P.R.K.",
        ),
        short=(
            _s("북", before="한|미|유럽|극|대서양|측|쪽|부|방|아프리카"),
            "北",
        ),
    ),
    _Entry(
        Country("CA", "캐나다", "Canada"),
        korean=("캐나다",),
        english=("Canada", "Canadian", "Canadians"),
        short=("캐", "加"),
    ),
    _Entry(
        Country("GB", "영국", "United Kingdom"),
        korean=(_s("영국", after="운|경|번|반|수"),),
        english=(
            "United Kingdom of Great Britain and Northern Ireland",
            "United Kingdom",
            "Great Britain",
            "Britain",
            "British",
            "UK",
            "U.K.",
        ),
        short=(
            _s("영", before="향|역|연방|상|원|토|해|공|어|유아"),
            "英",
        ),
    ),
    _Entry(
        Country("US", "미국", "United States"),
        korean=(_s("미국", after="북|남|중"), "미합중국"),
        english=(
            "United States of America",
            "United States",
            "U.S.A.",
            "USA",
            "U.S.",
            _s("US", before="$"),
            _s("America", after=_AMERICAS),
            _s("American", after=_AMERICAS),
            _s("Americans", after=_AMERICAS),
        ),
        short=(_s("미", before="래|만|흡|비|주|국"), "美"),
    ),
    _Entry(
        Country("JP", "일본", "Japan"),
        korean=(_s("일본", after="통"),),
        english=(_s("Japan", after="Sea of "), "Japanese"),
        short=(_s("일", before="부|환|반|대일로"), "日"),
    ),
    _Entry(
        Country("AU", "호주", "Australia"),
        korean=(_s("호주", before="머니"), "오스트레일리아"),
        english=("Australia", "Australian", "Australians"),
        short=(_s("호", before="남|흡|응|주머니"), "濠", "豪"),
    ),
    _Entry(
        Country("NL", "네덜란드", "Netherlands"),
        korean=("네덜란드",),
        english=("Netherlands", "Dutch", "Holland"),
    ),
    _Entry(
        Country("DE", "독일", "Germany"),
        korean=(_s("독일", after="단"),),
        english=("Germany", "German", "Germans"),
        short=(_s("독", before="립|도|자|점|재"), "獨"),
    ),
    _Entry(
        Country("FR", "프랑스", "France"),
        korean=("프랑스",),
        english=("France", "French"),
        short=(_s("불", before="가|법|확실|균형|안|편|이익|참"), "佛"),
    ),
    _Entry(
        Country("IT", "이탈리아", "Italy"),
        korean=("이탈리아",),
        english=("Italy", "Italian", "Italians"),
        short=("伊",),
    ),
    _Entry(
        Country("CN", "중국", "China"),
        korean=(_s("중국", after="집|남|동"), "중화인민공화국"),
        english=(
            "People's Republic of China",
            _s("China", before=" Sea"),
            "Chinese",
            "PRC",
        ),
        short=(
            # 한-중남미, 한-중동, 한-중앙아 are regions; 중요, 중간, 중장기 are words.
            _s("중", before="남미|동|앙|미|남|견|소|부|심|요|간|점|장|기|단|립|재|복"),
            "中",
        ),
    ),
    _Entry(
        Country("IN", "인도", "India"),
        korean=(
            # Not the region (인도-태평양, 인도양), humanitarian (인도적, 인도지원) or handing over
            # (범죄인 인도, 인도한다).
            _s(
                "인도",
                after="범죄인|범죄인 |동",
                before=_PACIFIC + "|양|적|주의|지원|차이나|네시아|하|한|할|해|했|되|된|될|받",
            ),
        ),
        english=("India", _s("Indian", before=" Ocean"), "Indians"),
        short=("印",),
    ),
    _Entry(
        Country("ID", "인도네시아", "Indonesia"),
        korean=("인도네시아", _s("인니", alone=True)),
        english=("Indonesia", "Indonesian", "Indonesians"),
    ),
    _Entry(
        Country("PH", "필리핀", "Philippines"),
        korean=("필리핀",),
        english=("Philippines", "Philippine", "Filipino", "Filipinos"),
    ),
    _Entry(
        Country("VN", "베트남", "Viet Nam"),
        korean=("베트남",),
        english=("Viet Nam", "Vietnam", "Vietnamese"),
        short=("베", "越"),
    ),
    _Entry(
        Country("PL", "폴란드", "Poland"),
        korean=("폴란드",),
        english=("Poland", "Polish"),
        short=("폴",),
    ),
    _Entry(Country("SE", "스웨덴", "Sweden"), korean=("스웨덴",), english=("Sweden", "Swedish")),
    _Entry(
        Country("NO", "노르웨이", "Norway"),
        korean=("노르웨이",),
        english=("Norway", "Norwegian", "Norwegians"),
    ),
    _Entry(
        Country("TR", "튀르키예", "Türkiye"),
        korean=("튀르키예", "터키"),
        english=("Türkiye", "Turkiye", "Turkey", "Turkish"),
    ),
    _Entry(
        Country("SA", "사우디아라비아", "Saudi Arabia"),
        korean=("사우디아라비아", "사우디"),
        english=("Saudi Arabia", "Saudi"),
    ),
    _Entry(
        Country("AE", "아랍에미리트", "United Arab Emirates"),
        korean=("아랍에미리트",),
        english=("United Arab Emirates", "UAE", "U.A.E.", "Emirati", "Emiratis"),
    ),
    _Entry(
        Country("NZ", "뉴질랜드", "New Zealand"),
        korean=("뉴질랜드",),
        english=("New Zealand", "New Zealander", "New Zealanders"),
        short=(_s("뉴", before="욕|스|딜|타운|델리"),),
    ),
    _Entry(
        Country("MN", "몽골", "Mongolia"),
        korean=("몽골",),
        english=("Mongolia", "Mongolian", "Mongolians"),
        short=("몽",),
    ),
    _Entry(
        Country("RU", "러시아", "Russia"),
        korean=("러시아",),
        english=("Russian Federation", "Russia", "Russian", "Russians"),
        short=("러", "露"),
    ),
    _Entry(
        Country("UA", "우크라이나", "Ukraine"),
        korean=("우크라이나",),
        english=("Ukraine", "Ukrainian", "Ukrainians"),
    ),
    _Entry(
        Country("BR", "브라질", "Brazil"),
        korean=("브라질",),
        english=("Brazil", "Brazilian", "Brazilians"),
    ),
    _Entry(
        Country("MX", "멕시코", "Mexico"),
        korean=("멕시코",),
        english=("Mexico", "Mexican", "Mexicans"),
    ),
    _Entry(
        Country("AR", "아르헨티나", "Argentina"),
        korean=("아르헨티나",),
        english=("Argentina", "Argentine", "Argentinian", "Argentinians"),
    ),
    _Entry(
        Country("ZA", "남아프리카공화국", "South Africa"),
        korean=("남아프리카공화국", "남아공"),
        english=("South Africa", "South African", "South Africans"),
    ),
    _Entry(
        Country("SG", "싱가포르", "Singapore"),
        korean=("싱가포르",),
        english=("Singapore", "Singaporean", "Singaporeans"),
    ),
    _Entry(
        Country("TH", "태국", "Thailand"),
        korean=(_s("태국", alone=True),),
        english=("Thailand", "Thai"),
    ),
    _Entry(Country("ES", "스페인", "Spain"), korean=("스페인",), english=("Spain", "Spanish")),
    _Entry(
        Country("CZ", "체코", "Czechia"),
        korean=("체코",),
        english=("Czech Republic", "Czechia", "Czech"),
    ),
    _Entry(
        Country("EU", "유럽연합", "European Union"),
        korean=("유럽연합",),
        english=("European Union", "EU", "E.U."),
    ),
)

_BY_CODE = {entry.country.code: entry.country for entry in _LEXICON}

# Both Koreas at once: 남북 관계, 남북공동선언, 남북한 (not 동서남북, 남북전쟁, 남북극).
_BOTH_KOREAS = (
    _s("남북한", alone=True),
    _s("남북", before="전쟁|극|방향", alone=True),
)

# What may join the parts of a label: 한-캐, 한·영, 한ㆍ미, 韓/美. Short forms may also touch
# (한미일), names may not (한국캐나다 is no label).
_JOINERS = frozenset("-‐‑‒–—―·・･‧∙⋅ㆍᆞ/")
_HANGUL = re.compile(r"[가-힣]")


@dataclass(frozen=True)
class _Token:
    countries: tuple[Country, ...]
    kind: _Kind
    compact: bool  # may touch its neighbour in a label without a joiner: 한미일, 韓美, 남북미

    @property
    def korean_side(self) -> bool:
        return any(country.code == HOME for country in self.countries)


def _key(matched: str) -> str:
    """One form for a spelling however the text broke or quoted it ("People’s Republic\\nof")."""
    return " ".join(matched.split()).replace("’", "'")


def _literal(text: str) -> str:
    return re.escape(text).replace("'", "['’]")


def _guarded(spelling: _Spelling, english: bool) -> str:
    """The spelling's pattern. What must not come before it is checked just after its first word
    (a lookbehind over that word), so every alternative starts with a literal character and the
    scan skips the characters no name starts with (a 15,000-character page: 135 ms with the
    lookbehinds in front, 1 ms so)."""
    first, *rest = spelling.text.split(" ")
    word = _literal(first)
    refused = [re.escape(text) for text in spelling.not_after]
    if spelling.alone:
        refused.append("[가-힣]")
    if english:
        refused.append("[A-Za-z]")
    pattern = word + "".join(f"(?<!{text}{word})" for text in refused)
    pattern += "".join(r"\s+" + _literal(later) for later in rest)
    if spelling.not_before:
        pattern += "(?!" + "|".join(re.escape(text) for text in spelling.not_before) + ")"
    return pattern + "(?![A-Za-z])" if english else pattern


def _spellings() -> Iterator[tuple[_Spelling, bool, _Token]]:
    """Every spelling: whether it is English (whole words, also in capitals), and its token."""

    def spelled(name: str | _Spelling) -> _Spelling:
        return name if isinstance(name, _Spelling) else _Spelling(name)

    for entry in _LEXICON:
        name_token = _Token((entry.country,), _Kind.NAME, compact=False)
        for name in entry.korean:
            spelling = spelled(name)
            compact = len(spelling.text) == 1  # 韓
            yield spelling, False, _Token((entry.country,), _Kind.NAME, compact)
        for name in entry.english:
            spelling = spelled(name)
            yield spelling, True, name_token
            capitals = _Spelling(
                spelling.text.upper(),
                tuple(text.upper() for text in spelling.not_after),
                tuple(text.upper() for text in spelling.not_before),
            )
            if capitals != spelling:
                yield capitals, True, name_token
        for name in entry.short:
            yield spelled(name), False, _Token((entry.country,), _Kind.SHORT, compact=True)
    both = _Token((_BY_CODE[HOME], _BY_CODE["KP"]), _Kind.BOTH_KOREAS, compact=True)
    for spelling in _BOTH_KOREAS:
        yield spelling, False, both


def _compile() -> tuple[re.Pattern[str], dict[str, _Token]]:
    tokens: dict[str, _Token] = {}
    alternatives: list[tuple[int, str]] = []
    for spelling, english, token in _spellings():
        key = _key(spelling.text)
        if tokens.setdefault(key, token) != token:
            raise ValueError(f"{key!r} is spelled for two countries")
        alternatives.append((len(spelling.text), _guarded(spelling, english)))
    # Longest first, so 대한민국 wins over 한 and North Korea over Korea where both start.
    alternatives.sort(key=lambda alternative: -alternative[0])
    return re.compile("|".join(pattern for _, pattern in alternatives)), tokens


_PATTERN, _TOKENS = _compile()


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    token: _Token


def country(code: str) -> Country:
    """The country with this code ("CA", "gb"); KeyError for a code the lexicon does not know."""
    try:
        return _BY_CODE[code.strip().upper()]
    except KeyError:
        raise KeyError(f"no country with code {code!r}") from None


def countries_named(text: str) -> list[tuple[int, int, Country]]:
    """Every mention of a country, in order, with offsets: full names and common short forms,
    Korean and English."""
    mentions: list[tuple[int, int, Country]] = []
    for run in _runs(text):
        label = _is_label(text, run)
        for found in run:
            if found.token.kind is _Kind.SHORT and not label:
                continue
            mentions.extend(_mentions(found))
    return mentions


def partners_named(text: str) -> set[str]:
    """The codes of the countries other than Korea that `text` names as a party: bilateral labels
    ("한-캐나다", "한·캐", "한-영", "한-캐 방산군수", "한미", "한미일", "한-호주", "Korea-Canada",
    "Canada-ROK", "ROK-U.S.", "Korea–UK", "U.S.-Japan-ROK", "Canada–Republic of Korea") and plain
    mentions ("캐나다 측", "캐나다 외교부", "Canada", "the United Kingdom"). Korea itself is never
    in it."""
    return {found.code for _, _, found in countries_named(text) if found.code != HOME}


def countries_of_field(value: str) -> set[str]:
    """An agreement's record field of countries ("캐나다 캐나다", "미국, 일본", "Canada",
    "United States; Japan") as codes."""
    codes = {found.code for _, _, found in countries_named(value)}
    # A field may hold the codes themselves ("CA", "US; JP").
    codes.update(part for part in re.split(r"[\s,;/·、|]+", value) if part in _BY_CODE)
    return codes


def _runs(text: str) -> Iterator[list[_Found]]:
    """The names and short forms found, grouped into runs of neighbours joined as a label is."""
    run: list[_Found] = []
    for match in _PATTERN.finditer(text):
        found = _Found(match.start(), match.end(), _TOKENS[_key(match.group())])
        if run and not _joined(text, run[-1], found):
            yield run
            run = []
        run.append(found)
    if run:
        yield run


def _joined(text: str, left: _Found, right: _Found) -> bool:
    gap = text[left.end : right.start]
    if not gap:
        return left.token.compact and right.token.compact
    return len(gap) == 1 and gap in _JOINERS


def _is_label(text: str, run: list[_Found]) -> bool:
    """A run names its short forms only with Korea in it and standing as a word of its own:
    주한미군 and 대한 are not labels."""
    if len(run) < 2 or not any(found.token.korean_side for found in run):
        return False
    start = run[0].start
    return start == 0 or not _HANGUL.match(text, start - 1)


def _mentions(found: _Found) -> Iterator[tuple[int, int, Country]]:
    if found.token.kind is _Kind.BOTH_KOREAS:
        south, north = found.token.countries
        yield found.start, found.start + 1, south
        yield found.start + 1, found.end, north
    else:
        yield found.start, found.end, found.token.countries[0]
