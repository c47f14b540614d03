"""The mechanism catalog: what ships, how names are matched, and how users add their own."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from tracker.domain import Cadence, MechanismKind
from tracker.importer import parse_agreement
from tracker.importer.errors import CatalogError
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.importer.textutil import fold

CATALOG = MechanismCatalog.load_default()


def test_the_shipped_catalog_knows_the_partnerships_mechanisms() -> None:
    two_plus_two = CATALOG.lookup("외교·국방장관 2+2 회의")
    assert two_plus_two is not None
    assert (two_plus_two.kind, two_plus_two.cadence) == (
        MechanismKind.MINISTERIAL_MEETING,
        Cadence.BIENNIAL,
    )
    for alias in (
        "외교·국방 장관회의",
        "외교·국방(2+2) 장관회의",
        "2+2",
        "Foreign and Defence Ministers' Meeting",
        "Foreign and Defense Ministers' 2+2 Meeting",
    ):
        assert CATALOG.lookup(alias) is two_plus_two, alias
    dialogue = CATALOG.lookup("한-캐나다 외교·국방 정책 대화")
    assert dialogue is not None and dialogue.name == "국장급 외교·국방 정책 대화"
    assert dialogue.kind is MechanismKind.DIALOGUE
    for name in ("한-캐나다 방산군수 공동위원회", "한-캐나다 국방 연구개발 공동위원회"):
        entry = CATALOG.lookup(name)
        assert entry is not None and entry.kind is MechanismKind.COMMITTEE
    for name in ("Mixed Commission", "Trilateral Indo-Pacific Dialogue", "Annual Leaders' Meeting"):
        assert CATALOG.lookup(name) is not None, name


@pytest.mark.parametrize(
    "spelling",
    [
        "외교ㆍ국방장관 2+2 회의",  # the other middle dot
        "<외교•국방장관2+2회의>",  # a bullet for a dot, brackets, no spaces
        "  외교·국방장관   2+2   회의 ",
        "FOREIGN AND DEFENSE MINISTERS’ 2+2 MEETING",  # case and a curly apostrophe
        "「외교·국방(2+2) 장관회의」",
    ],
)
def test_lookup_folds_spacing_case_dots_and_brackets(spelling: str) -> None:
    entry = CATALOG.lookup(spelling)
    assert entry is not None and entry.name == "외교·국방장관 2+2 회의"


def test_lookup_of_an_unknown_name_is_none() -> None:
    assert CATALOG.lookup("한-일 환경 공동위원회") is None


def test_no_name_of_the_shipped_catalog_belongs_to_two_entries() -> None:
    data = tomllib.loads(
        resources.files("tracker").joinpath("catalog/mechanisms.toml").read_text("utf-8")
    )
    owner: dict[str, str] = {}
    for entry in data["mechanism"]:
        for name in (entry["name"], entry.get("name_en", ""), *entry.get("aliases", [])):
            if name:
                assert owner.setdefault(fold(name), entry["name"]) == entry["name"], name
    assert len(CATALOG) == len(data["mechanism"])


def test_users_extend_the_catalog_with_entries_of_the_same_shape() -> None:
    extended = CATALOG.extended(
        [
            {
                "name": "한-일 환경 공동위원회",
                "name_en": "Korea-Japan Environment Joint Committee",
                "aliases": ["환경공동위", "Korea-Japan Environment Committee"],
                "kind": "committee",
                "cadence": "annual",
            }
        ]
    )
    assert len(extended) == len(CATALOG) + 1
    assert CATALOG.lookup("환경공동위") is None  # the original is unchanged
    text = "1. 양국은 <환경공동위>를 통해 협력할 것이다.\n2. 양국은 정보를 교환할 것이다.\n"
    parsed = parse_agreement(text, catalog=extended)
    committee = parsed.mechanisms[0]
    assert committee.name == "한-일 환경 공동위원회"
    assert (committee.kind, committee.cadence) == (MechanismKind.COMMITTEE, Cadence.ANNUAL)
    assert committee.name_en == "Korea-Japan Environment Joint Committee"
    assert parsed.commitments[0].mechanisms == ("한-일 환경 공동위원회",)


def test_a_user_entry_with_a_shipped_name_replaces_it() -> None:
    extended = CATALOG.extended(
        [{"name": "Mixed Commission", "kind": "committee", "cadence": "annual"}]
    )
    entry = extended.lookup("Mixed Commission")
    assert entry is not None and entry.cadence is Cadence.ANNUAL
    assert len(extended) == len(CATALOG)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "committee"}, "'name' must be a non-empty string"),
        ({"name": "X", "kind": "club"}, "kind 'club' is not one of"),
        ({"name": "X", "cadence": "monthly"}, "cadence 'monthly' is not one of"),
        ({"name": "X", "aliases": "Y"}, "'aliases' must be a list of strings"),
        ({"name": "X", "alias": ["Y"]}, "unknown key"),
    ],
)
def test_a_malformed_entry_is_refused_with_a_reason(entry: dict[str, object], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        CATALOG.extended([entry])


def test_a_catalog_file_that_is_not_toml_is_refused() -> None:
    with pytest.raises(CatalogError, match="not valid TOML"):
        MechanismCatalog.from_toml("[[mechanism]\nname=", source="broken.toml")
