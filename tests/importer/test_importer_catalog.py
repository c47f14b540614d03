"""The mechanism catalog: what ships, how names are matched, and how users add their own."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from tracker.domain import Cadence, MechanismKind
from tracker.importer import parse_agreement
from tracker.importer.errors import CatalogError
from tracker.importer.mechanism_catalog import MechanismCatalog, kind_from_name
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


# --- kinds a name says ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("한미 정상회담", MechanismKind.SUMMIT),
        ("Korea-U.S. Summit", MechanismKind.SUMMIT),
        ("한미일 정상회의", MechanismKind.LEADERS_MEETING),
        ("Trilateral Leaders' Meeting", MechanismKind.LEADERS_MEETING),
        ("남북 고위급 회담", MechanismKind.HIGH_LEVEL_TALKS),
        ("한일 외교차관 회의", MechanismKind.HIGH_LEVEL_TALKS),
        ("제2차 국장급 2+2 회의", MechanismKind.HIGH_LEVEL_TALKS),  # not the ministers' 2+2
        ("Senior Officials' Meeting", MechanismKind.HIGH_LEVEL_TALKS),
        ("남북 실무회담", MechanismKind.WORKING_LEVEL_TALKS),
        ("한-영 사이버 실무협의", MechanismKind.WORKING_LEVEL_TALKS),
        ("Working-Level Consultations", MechanismKind.WORKING_LEVEL_TALKS),
        ("정기적 실무급 회의(해군·육군·공군·우주 분야)", MechanismKind.WORKING_GROUP),
        ("외교장관 회담", MechanismKind.MINISTERIAL_MEETING),
        ("외교·국방(2+2) 장관회의", MechanismKind.MINISTERIAL_MEETING),
    ],
)
def test_the_kind_a_name_says(name: str, kind: MechanismKind) -> None:
    assert kind_from_name(name) is kind


def test_a_summit_in_the_catalog_is_a_leaders_meeting_not_a_ministerial() -> None:
    entry = CATALOG.lookup("한미일 정상회의")
    assert entry is not None and entry.kind is MechanismKind.LEADERS_MEETING


def test_a_dg_level_2_plus_2_does_not_resolve_to_the_ministers_2_plus_2() -> None:
    assert CATALOG.resolve("제3차 국장급 2+2 회의") is not CATALOG.lookup("2+2")
    dg = CATALOG.lookup("외교·국방(2+2) 국장급 회의")
    assert dg is not None and dg.kind is MechanismKind.HIGH_LEVEL_TALKS


# --- a press release reporting a meeting --------------------------------------------------------

PRESS_RELEASE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "import_texts"
    / "quality_kr-ca_dg-2plus2-press-release_ko.txt"
)


def test_a_press_release_names_the_meeting_it_reports_and_its_next_session() -> None:
    parsed = parse_agreement(PRESS_RELEASE.read_text(encoding="utf-8"), catalog=CATALOG)
    found = {m.name: m for m in parsed.mechanisms}
    dg = found["한-캐나다 외교·국방(2+2) 국장급 회의"]  # "제2차 … 회의를 개최하고"
    assert (dg.kind, dg.planned) == (MechanismKind.HIGH_LEVEL_TALKS, False)
    assert "외교·국방장관 2+2 회의" not in found  # its "2+2" is not the ministers'
    # "인태 대화 및 사이버정책협의회를 조속히 출범시키고": two bodies still to be launched
    assert found["인태 대화"].planned and found["사이버정책협의회"].planned
    next_meeting = next(c for c in parsed.commitments if "차기 회의" in c.text)
    assert next_meeting.tracked
    assert next_meeting.mechanisms == ("한-캐나다 외교·국방(2+2) 국장급 회의",)


def test_a_meeting_reported_by_a_bare_rank_joins_the_mechanism_of_that_kind() -> None:
    text = (
        "1. 양국은 제1차 한-영 사이버정책 고위급 협의를 개최하고 협력 현황을 점검하였다.\n"
        "2. 양국은 제2차 고위급 협의를 내년 런던에서 개최하기로 하였다.\n"
    )
    parsed = parse_agreement(text, catalog=MechanismCatalog([]))
    assert [(m.name, m.kind) for m in parsed.mechanisms] == [
        ("한-영 사이버정책 고위급 협의", MechanismKind.HIGH_LEVEL_TALKS)
    ]
    assert parsed.commitments[1].mechanisms == ("한-영 사이버정책 고위급 협의",)
    assert parsed.mechanisms[0].planned is False  # a second session: it exists
