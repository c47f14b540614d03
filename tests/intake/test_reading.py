"""Reading a follow-up text as a desk officer does: where its sentences end, which meetings they
report (held or planned, which one, where), what cadence they state, and what their verbs say
happened to the commitments they speak to.

The sentences come from the kind of texts an officer receives after a meeting: the News1 report of
the first Korea–Canada director-general 2+2 meeting (2 October 2025), the joint statement of the
inaugural 2+2 ministerial meeting in Ottawa (1 November 2024), and press releases like them.
"""

from __future__ import annotations

import pytest

from tracker.domain import Cadence
from tracker.intake.reading import (
    MeetingPhrase,
    MeetingState,
    Rank,
    Suggestion,
    cadence_stated,
    meeting_phrases,
    rank_of,
    sentences,
    suggestion_after,
)

NEWS1_HELD = (
    "외교부와 국방부는 2일(현지시간) 오전 제1차 한-캐나다 외교·국방(2+2) 국장급 회의를 화상으로 "
    "개최하고 작년 11월 출범한 장관급 회의의 주요 성과사업을 점검했다."
)
NEWS1_PLANNED = (
    "아울러 제2차 장관회의 개최를 조속히 추진하면서, 마크 카니 캐나다 총리의 경주 "
    "아시아태평양경제협력체(APEC) 정상회의 계기 방한이 양국 관계 발전의 중요한 계기가 될 수 "
    "있도록 협력하기로 했다."
)
OTTAWA_2024 = (
    "We, the Minister of Foreign Affairs and the Minister of National Defence of Canada and the "
    "Minister of Foreign Affairs and the Minister of National Defense of the Republic of Korea, "
    "met on November 1, 2024, in Ottawa, Canada, for the inaugural Canada-Republic of Korea "
    "Foreign and Defence (2+2) Ministerial Meeting."
)


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def only_phrase(sentence: str) -> MeetingPhrase:
    phrases = meeting_phrases(sentence)
    assert len(phrases) == 1, phrases
    return phrases[0]


def cadences(sentence: str) -> list[tuple[str, Cadence | None]]:
    """Each meeting phrase of the sentence with the cadence the sentence states for it."""
    return [(p.text, cadence_stated(sentence, p)) for p in meeting_phrases(sentence)]


# --- sentences ----------------------------------------------------------------------------------


def test_abbreviations_in_dates_and_names_do_not_end_a_sentence() -> None:
    text = (
        "Ottawa, Nov. 1, 2024 — The ministers met in Ottawa. The U.S. was briefed afterwards. "
        "See No. 3 of the statement."
    )
    assert texts(text) == [
        "Ottawa, Nov. 1, 2024 — The ministers met in Ottawa.",
        "The U.S. was briefed afterwards.",
        "See No. 3 of the statement.",
    ]


def test_korean_sentences_end_after_da_and_each_line_is_read_on_its_own() -> None:
    text = (
        "한-캐나다 사이버 정책협의회 개최\n양측은 의견을 교환했다. 양측은 협력을 강화하기로 했다.\n"
    )
    assert texts(text) == [
        "한-캐나다 사이버 정책협의회 개최",
        "양측은 의견을 교환했다.",
        "양측은 협력을 강화하기로 했다.",
    ]


def test_web_addresses_source_lines_and_rules_are_not_sentences() -> None:
    text = (
        "SOURCE: https://www.news1.kr/amp/diplomacy/defense-diplomacy/5933408 (stored copy)\n"
        "한-캐나다, 첫 외교·국방 2+2 국장급 회의 개최\n"
        "https://www.international.gc.ca/news/2024/11/statement.html\n"
        "----\n"
        "   \n"
        "양측은 성과사업을 점검했다.\n"
    )
    assert texts(text) == [
        "한-캐나다, 첫 외교·국방 2+2 국장급 회의 개최",
        "양측은 성과사업을 점검했다.",
    ]


def test_each_sentence_points_back_at_its_words_in_the_text() -> None:
    text = "제목\r\n\n  양측은 회의를 개최했다.  The U.S. agreed.\n끝."
    found = sentences(text)
    assert [text[s.start : s.end] for s in found] == [s.text for s in found]
    assert [s.text for s in found] == ["제목", "양측은 회의를 개최했다.", "The U.S. agreed.", "끝."]


# --- meeting phrases ----------------------------------------------------------------------------


def test_the_news1_report_of_the_first_dg_meeting_held_by_video() -> None:
    dg, ministerial = meeting_phrases(NEWS1_HELD)
    # The name starts after "외교부와 국방부는 2일(현지시간) 오전": who and when are not its name.
    assert dg.text == "제1차 한-캐나다 외교·국방(2+2) 국장급 회의"
    assert (dg.ordinal, dg.rank, dg.state, dg.place) == (
        1,
        Rank.DIRECTOR_GENERAL,
        MeetingState.HELD,
        "화상",
    )
    # "작년 11월 출범한 장관급 회의": the ministerial, launched (so held) last November.
    assert ministerial.text == "장관급 회의"
    assert ministerial.rank is Rank.MINISTERIAL
    assert ministerial.state is MeetingState.HELD
    assert NEWS1_HELD[dg.start : dg.end] == dg.text


def test_pursuing_the_second_ministerial_plans_it_and_the_apec_summit_is_only_mentioned() -> None:
    ministerial, summit = meeting_phrases(NEWS1_PLANNED)
    assert ministerial.text == "제2차 장관회의"
    assert (ministerial.ordinal, ministerial.rank, ministerial.state) == (
        2,
        Rank.MINISTERIAL,
        MeetingState.PLANNED,
    )
    # The Prime Minister's visit on the occasion of the APEC summit: no report of a meeting.
    assert summit.rank is Rank.LEADERS
    assert summit.state is None


def test_the_ottawa_statement_reports_the_inaugural_ministerial_held_in_ottawa() -> None:
    phrase = only_phrase(OTTAWA_2024)
    assert phrase.text == "Canada-Republic of Korea Foreign and Defence (2+2) Ministerial Meeting"
    assert (phrase.ordinal, phrase.rank, phrase.state, phrase.place) == (
        1,
        Rank.MINISTERIAL,
        MeetingState.HELD,
        "Ottawa, Canada",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "양측은 2+2 장관회의의 중요성을 언급했다.",
        "The 2+2 Ministerial Meeting is an important forum for both countries.",
    ],
)
def test_a_meeting_only_mentioned_is_no_report(sentence: str) -> None:
    phrase = only_phrase(sentence)
    assert phrase.state is None
    assert phrase.rank is Rank.MINISTERIAL


@pytest.mark.parametrize(
    ("sentence", "name", "state", "place", "ordinal"),
    [
        (
            "양측은 차기 외교·국방 장관회의를 내년 오타와에서 개최하기로 하였다.",
            "외교·국방 장관회의",
            MeetingState.PLANNED,
            "오타와",
            None,
        ),
        (
            "양측은 내년 상반기 중 서울에서 제2차 방산군수 공동위원회를 개최할 예정이다.",
            "방산군수 공동위원회",
            MeetingState.PLANNED,
            "서울",
            2,
        ),
        (
            "9월 9일 서울에서 국장급 외교·국방 정책 대화가 열렸다.",
            "국장급 외교·국방 정책 대화",
            MeetingState.HELD,
            "서울",
            None,
        ),
        (
            "We agreed to hold the next Foreign and Defence Ministers' Meeting in Ottawa in 2029.",
            "Foreign and Defence Ministers' Meeting",
            MeetingState.PLANNED,
            "Ottawa",
            None,
        ),
        (
            "We welcomed the Korea-Canada Defence Industry and Logistics Joint Committee held in "
            "Ottawa in June 2027.",
            "Korea-Canada Defence Industry and Logistics Joint Committee",
            MeetingState.HELD,
            "Ottawa",
            None,
        ),
        (
            "The Policy Dialogue will be held in Seoul in 2027.",
            "Policy Dialogue",
            MeetingState.PLANNED,
            "Seoul",
            None,
        ),
    ],
)
def test_held_or_planned_where_and_which(
    sentence: str, name: str, state: MeetingState, place: str, ordinal: int | None
) -> None:
    phrase = only_phrase(sentence)
    assert name in phrase.text
    assert (phrase.state, phrase.place, phrase.ordinal) == (state, place, ordinal)


def test_a_committee_that_will_meet_is_planned() -> None:
    assert only_phrase("The Joint Committee will meet in Seoul next year.").state is (
        MeetingState.PLANNED
    )


def test_the_day_it_was_held_is_not_part_of_the_name() -> None:
    phrase = only_phrase("한편 외교부는 같은 날 한-영 사이버정책협의회를 개최했다.")
    assert phrase.text == "한-영 사이버정책협의회"


@pytest.mark.parametrize(
    ("name", "rank"),
    [
        ("제1차 한-캐나다 외교·국방(2+2) 국장급 회의", Rank.DIRECTOR_GENERAL),
        ("DG-level Foreign and Defence Policy Dialogue", Rank.DIRECTOR_GENERAL),
        ("외교·국방장관 2+2 회의", Rank.MINISTERIAL),
        ("2+2 Ministerial Meeting", Rank.MINISTERIAL),
        ("한-캐나다 차관 전략대화", Rank.VICE_MINISTERIAL),
        ("G7 정상회의", Rank.LEADERS),
        ("정기적 실무급 회의(해군·육군·공군·우주 분야)", Rank.WORKING),
        ("한-캐나다 사이버 정책협의회", None),
    ],
)
def test_the_level_a_name_says(name: str, rank: Rank | None) -> None:
    assert rank_of(name) is rank


# --- cadences -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "양측은 사이버 정책협의회를 매년 정례적으로 개최하기로 하고, 제2차 회의는 내년 "
            "서울에서 개최하기로 하였다.",
            [("사이버 정책협의회", Cadence.ANNUAL), ("제2차 회의", None)],
        ),
        ("양측은 2+2 장관회의를 격년으로 개최한다.", [("2+2 장관회의", Cadence.BIENNIAL)]),
        (
            "양측은 연례 개최되는 방산군수 공동위원회를 평가했다.",
            [("방산군수 공동위원회", Cadence.ANNUAL)],
        ),
        ("The Policy Dialogue will meet every two years.", [("Policy Dialogue", Cadence.BIENNIAL)]),
        ("The Joint Committee meets annually.", [("Joint Committee", Cadence.ANNUAL)]),
        ("The Joint Committee will meet regularly.", [("Joint Committee", Cadence.REGULAR)]),
        # "매년" governs the review of results, not the committee.
        (
            "양측은 매년 협력 성과를 점검하고, 방산군수 공동위원회를 개최했다.",
            [("방산군수 공동위원회", None)],
        ),
    ],
)
def test_a_cadence_is_stated_for_the_meeting_it_governs(
    sentence: str, expected: list[tuple[str, Cadence | None]]
) -> None:
    assert cadences(sentence) == expected


def test_a_regular_exchange_with_no_meeting_states_no_cadence() -> None:
    assert cadences("양측은 정례적으로 협력을 강화하기로 했다.") == []


# --- what the verbs suggest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "suggestion"),
    [
        # Signed: done.
        (
            "아울러 한국 육군 특수전사령부와 캐나다 특수작전사령부는 이날 「특수작전부대 협력에 "
            "대한 MOU」를 체결했다.",
            Suggestion.ACHIEVED,
        ),
        ("양측은 방산 협력 포럼을 신설했다.", Suggestion.ACHIEVED),
        ("The two sides signed the security of information agreement.", Suggestion.ACHIEVED),
        # A chain of clauses ending in a decision: launching and signing are still to come.
        (
            "또한 양측은 인태 대화 및 사이버정책협의회를 조속히 출범시키고, "
            "군사·국방비밀정보보호협정을 체결해 제1차 장관회의에서 합의한 성과사업들을 착실히 "
            "이행하기로 했다.",
            Suggestion.IN_PROGRESS,
        ),
        ("양측은 협정을 체결하기로 했다.", Suggestion.IN_PROGRESS),
        ("The two sides will sign the security of information agreement.", Suggestion.IN_PROGRESS),
        ("They agreed to launch the defence industry forum.", Suggestion.IN_PROGRESS),
        # A meeting held, results reviewed: the work goes on.
        (NEWS1_HELD, Suggestion.ONGOING),
        ("The ministers held the second 2+2 meeting in Seoul.", Suggestion.ONGOING),
        # Nothing done, decided or pursued.
        ("날씨가 좋다.", None),
    ],
)
def test_the_verb_suggests_a_status(sentence: str, suggestion: Suggestion | None) -> None:
    assert suggestion_after(sentence, 0) is suggestion


def test_the_verb_after_the_matched_words_counts_when_a_sentence_reports_two_things() -> None:
    sentence = "양측은 MOU를 체결했으며, 공동위원회 개최를 추진하기로 했다."
    assert suggestion_after(sentence, sentence.index("MOU")) is Suggestion.ACHIEVED
    assert suggestion_after(sentence, sentence.index("공동위원회")) is Suggestion.IN_PROGRESS
    # Past the last verb, the sentence's first verb speaks for it.
    assert suggestion_after(sentence, len(sentence) - 1) is Suggestion.ACHIEVED
