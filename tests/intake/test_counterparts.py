"""Who a follow-up text is about: a 한-영 consultation is no news for the Korea–Canada agreement."""

from __future__ import annotations

import pytest

from tracker.intake.counterparts import (
    HOME,
    Country,
    countries_named,
    countries_of_field,
    country,
    partners_named,
)


@pytest.mark.parametrize(
    ("label", "partners"),
    [
        ("한-캐나다", {"CA"}),
        ("한·캐", {"CA"}),
        ("한-영", {"GB"}),
        ("한-캐 방산군수 공동위원회", {"CA"}),
        ("한미", {"US"}),
        ("한미일", {"US", "JP"}),
        ("한·미·일 외교장관회의", {"US", "JP"}),
        ("한ㆍ미ㆍ일", {"US", "JP"}),
        ("한미일정상회의", {"US", "JP"}),
        ("한일정상회담", {"JP"}),
        ("한중일", {"CN", "JP"}),
        ("한-호주 외교·국방(2+2) 장관회의", {"AU"}),
        ("한-뉴 정상회담", {"NZ"}),
        ("미-한 동맹", {"US"}),
        ("韓美 정상", {"US"}),
        ("한-EU 정상회의", {"EU"}),
        ("한국-캐나다", {"CA"}),
        ("대한민국-캐나다 안보·국방 협력 파트너십", {"CA"}),
        ("Korea-Canada", {"CA"}),
        ("Canada-ROK", {"CA"}),
        ("ROK-U.S.", {"US"}),
        ("Korea–UK", {"GB"}),
        ("U.S.-Japan-ROK", {"US", "JP"}),
        ("Canada–Republic of Korea", {"CA"}),
    ],
)
def test_a_label_names_the_partners_beside_korea(label: str, partners: set[str]) -> None:
    assert partners_named(label) == partners


@pytest.mark.parametrize(
    ("text", "partners"),
    [
        ("캐나다 측에서는", {"CA"}),
        ("캐나다 외교부", {"CA"}),
        ("Canada", {"CA"}),
        ("the United Kingdom", {"GB"}),
        ("Canadian officials", {"CA"}),
        ("British and American experts", {"GB", "US"}),
        ("JOINT STATEMENT OF CANADA AND THE REPUBLIC OF KOREA", {"CA"}),
        ("the People’s Republic\nof China", {"CN"}),
        ("조선민주주의인민공화국", {"KP"}),
    ],
)
def test_a_plain_mention_names_its_country(text: str, partners: set[str]) -> None:
    assert partners_named(text) == partners


@pytest.mark.parametrize(
    ("sentence", "partners"),
    [
        ("한-캐나다, 첫 외교·국방 2+2 국장급 회의 개최…안보·국방 협력 심화", {"CA"}),
        (
            "외교부와 국방부는 2일(현지시간) 오전 제1차 한-캐나다 외교·국방(2+2) 국장급 회의를 "
            "화상으로 개최하고 작년 11월 출범한 장관급 회의의 주요 성과사업을 점검했다.",
            {"CA"},
        ),
        (
            "(서울=뉴스1) 정윤영 기자 = 한국과 캐나다가 포괄적 전략 동반자 관계를 바탕으로 "
            "안보·국방 협력을 강화해 나가기로 했다.",
            {"CA"},
        ),
        (
            "우리 측에서는 홍지표 외교부 북미국장과 이광석 국방부 국제정책관이, 캐나다 "
            "측에서는 조야 도넬리 외교부 동북아국장이 참석했다.",
            {"CA"},
        ),
        (
            "이어 국방·방산, 에너지 공급망, 사이버·우주·하이브리드 위협 대응, "
            "북대서양조약기구(NATO) 등 다자협력 분야에서 협력을 한층 심화·발전시켜 나가기로 했다.",
            set(),
        ),
        (
            "또한 양측은 인태 대화 및 사이버정책협의회를 조속히 출범시키고, "
            "군사·국방비밀정보보호협정을 체결해 제1차 장관회의에서 합의한 성과사업들을 착실히 "
            "이행하기로 했다.",
            set(),
        ),
        (
            "마크 카니 캐나다 총리의 경주 아시아태평양경제협력체(APEC) 정상회의 계기 방한이 "
            "양국 관계 발전의 중요한 계기가 될 수 있도록 협력하기로 했다.",
            {"CA"},
        ),
    ],
)
def test_the_news1_article_is_about_canada_alone(sentence: str, partners: set[str]) -> None:
    assert partners_named(sentence) == partners


def test_a_korea_uk_consultation_is_not_about_canada() -> None:
    assert partners_named("제3차 한-영 사이버정책협의회 개최") == {"GB"}


@pytest.mark.parametrize(
    "word",
    [
        "영향",
        "미래",
        "일부",
        "중요",
        "북대서양조약기구(NATO)",
        "인도-태평양",
        "자유롭고 열린, 안전한 인도 태평양 지역",
        "인도양",
        "인태 전략",
        "인도적 문제",
        "범죄인 인도 조약",
        "외교부 북미국장",
        "중남미국가",
        "한-중남미 협력포럼",
        "한-중앙아 협력",
        "미·중 갈등",
        "동서남북",
        "통일본부",
        "남한산성",
        "북한강",
        "호주머니",
        "the South China Sea",
        "North America",
        "the Indian Ocean",
        "the Indo-Pacific",
        "let us work together",
        "fine china",
        "US$ 5 billion",
    ],
)
def test_a_word_that_only_looks_like_a_country_names_none(word: str) -> None:
    assert countries_named(word) == []


@pytest.mark.parametrize(
    ("text", "partners"),
    [
        ("남북공동선언", {"KP"}),
        ("남북 정상들은 분단 역사상 처음으로 열린 이번 상봉과 회담", {"KP"}),
        ("남북미 정상회담", {"KP", "US"}),
        ("북한 관련 유엔 안보리 결의안", {"KP"}),
        ("North Korea's deepening military cooperation with Russia", {"KP", "RU"}),
        ("the Democratic People’s Republic of Korea (DPRK)", {"KP"}),
    ],
)
def test_the_north_is_named_by_its_names_and_by_nambuk(text: str, partners: set[str]) -> None:
    assert partners_named(text) == partners


@pytest.mark.parametrize(
    ("sentence", "partners"),
    [
        (
            "We, the leaders of Japan, the Republic of Korea (ROK), and the United\n"
            "States, convened at Camp David to inaugurate a new era of trilateral\n"
            "partnership.",
            {"JP", "US"},
        ),
        (
            "With the renewed bonds of friendship—and girded by the ironclad\n"
            "U.S.-Japan and U.S.-ROK alliances—each of our bilateral relationships is\n"
            "now stronger than ever.",
            {"US", "JP"},
        ),
        (
            "President Biden welcomed Japanese Prime Minister Kishida and Republic of\n"
            "Korea (ROK) President Yoon to a historic trilateral summit at Camp\n"
            "David, the first-ever stand-alone summit of Leaders from the United\n"
            "States, Japan, and the ROK.",
            {"JP", "US"},
        ),
        (
            "At least annually, foreign ministers from the United\n"
            "States, Japan, and the ROK will meet trilaterally with their\n"
            "counterparts",
            {"US", "JP"},
        ),
    ],
)
def test_the_camp_david_texts_name_the_united_states_and_japan(
    sentence: str, partners: set[str]
) -> None:
    assert partners_named(sentence) == partners


@pytest.mark.parametrize(
    "text",
    ["한국", "대한민국", "Korea", "the Republic of Korea", "ROK", "Korean", "韓", "남한"],
)
def test_korea_is_named_but_never_a_partner(text: str) -> None:
    assert {found.code for _, _, found in countries_named(text)} == {HOME}
    assert partners_named(text) == set()


def test_a_short_form_stands_for_its_country_only_beside_korea() -> None:
    assert partners_named("한영") == {"GB"}
    assert partners_named("영·미") == set()
    assert partners_named("주한미군") == set()  # 한 inside a word is not Korea's side of a label


def test_mentions_come_in_order_with_their_offsets() -> None:
    text = "한미일 정상은 캐나다와 Japan, 남북을 논의했다"
    assert [(text[start:end], found.code) for start, end, found in countries_named(text)] == [
        ("한", "KR"),
        ("미", "US"),
        ("일", "JP"),
        ("캐나다", "CA"),
        ("Japan", "JP"),
        ("남", "KR"),
        ("북", "KP"),
    ]


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("캐나다 캐나다", {"CA"}),
        ("미국, 일본", {"US", "JP"}),
        ("Canada", {"CA"}),
        ("United States; Japan", {"US", "JP"}),
        ("Netherlands", {"NL"}),
        ("네덜란드", {"NL"}),
        ("CA; US", {"CA", "US"}),
        ("", set()),
    ],
)
def test_a_record_field_of_countries_reads_as_codes(value: str, codes: set[str]) -> None:
    assert countries_of_field(value) == codes


def test_a_country_is_found_by_its_code() -> None:
    assert country("CA") == Country("CA", "캐나다", "Canada")
    assert country("gb").en == "United Kingdom"
    assert country("EU").ko == "유럽연합"
    with pytest.raises(KeyError):
        country("XX")
