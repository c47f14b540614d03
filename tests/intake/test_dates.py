"""Dates in follow-up texts: what a sentence names, at the precision it names it, and the day a
text was published.

Most sentences are read against a press release of 2 October 2025, the day the first Korea–Canada
director-general 2+2 meeting was reported ("2일(현지시간) … 작년 11월 출범한 장관급 회의").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.intake.dates import DateMention, FuzzyDate, Precision, dates_in, text_date

PRESS_DAY = date(2025, 10, 2)
CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"


def found(sentence: str, reference: date | None = PRESS_DAY) -> list[tuple[str, str, bool]]:
    """Each mention as (its words, its date in ISO form, whether it was resolved)."""
    return [
        (sentence[m.start : m.end], m.date.iso(), m.relative)
        for m in dates_in(sentence, reference=reference)
    ]


def only(sentence: str, reference: date | None = PRESS_DAY) -> DateMention:
    mentions = dates_in(sentence, reference=reference)
    assert len(mentions) == 1, mentions
    return mentions[0]


# --- FuzzyDate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "precision", "iso", "inside", "outside"),
    [
        (date(2026, 11, 2), Precision.DAY, "2026-11-02", date(2026, 11, 2), date(2026, 11, 3)),
        (date(2026, 11, 1), Precision.MONTH, "2026-11", date(2026, 11, 30), date(2026, 12, 1)),
        (date(2026, 1, 1), Precision.YEAR, "2026", date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_a_fuzzy_date_is_written_and_spans_as_precisely_as_it_is_known(
    on: date, precision: Precision, iso: str, inside: date, outside: date
) -> None:
    when = FuzzyDate(on, precision)
    assert when.iso() == iso
    assert when.contains(inside)
    assert not when.contains(outside)
    assert not when.contains(on.replace(year=2025))


@pytest.mark.parametrize(
    ("on", "precision"),
    [(date(2026, 11, 2), Precision.MONTH), (date(2026, 3, 1), Precision.YEAR)],
)
def test_a_month_or_a_year_starts_on_its_first_day(on: date, precision: Precision) -> None:
    with pytest.raises(ValueError, match="first day"):
        FuzzyDate(on, precision)


def test_fuzzy_dates_sort_by_their_first_day() -> None:
    year = FuzzyDate(date(2026, 1, 1), Precision.YEAR)
    march = FuzzyDate(date(2026, 3, 1), Precision.MONTH)
    autumn_day = FuzzyDate(date(2025, 10, 2), Precision.DAY)
    assert sorted([march, year, autumn_day]) == [autumn_day, year, march]


# --- absolute dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "words", "iso"),
    [
        ("2025년 10월 2일 회의를 개최했다.", "2025년 10월 2일", "2025-10-02"),
        ("2025년10월2일 개최", "2025년10월2일", "2025-10-02"),
        ("보도일시 2025. 10. 2.(목) 10:00", "2025. 10. 2.", "2025-10-02"),
        ("2025.10.2 회의", "2025.10.2", "2025-10-02"),
        ("입력 2025.10.02 11:20", "2025.10.02", "2025-10-02"),
        ("합의일자 2025-10-30 장소 대한민국 경주", "2025-10-30", "2025-10-30"),
        ("2025/10/02 발표", "2025/10/02", "2025-10-02"),
        ("met on November 1, 2024, in Ottawa", "November 1, 2024", "2024-11-01"),
        ("OTTAWA, Nov. 1, 2024 /CNW/", "Nov. 1, 2024", "2024-11-01"),
        ("on Nov 1 2024 the ministers", "Nov 1 2024", "2024-11-01"),
        ("Published: 2 November 2024", "2 November 2024", "2024-11-02"),
        ("released 2024-11-02", "2024-11-02", "2024-11-02"),
        ("the talks of November 12-13, 2024 in Seoul", "November 12-13, 2024", "2024-11-12"),
    ],
)
def test_a_full_date_is_a_day_that_needs_no_reference(sentence: str, words: str, iso: str) -> None:
    for reference in (PRESS_DAY, None):
        mention = only(sentence, reference)
        assert (sentence[mention.start : mention.end], mention.date.iso()) == (words, iso)
        assert mention.date.precision is Precision.DAY
        assert not mention.relative


@pytest.mark.parametrize(
    ("sentence", "words", "iso", "precision"),
    [
        ("2026년 3월 서울에서 개최", "2026년 3월", "2026-03", Precision.MONTH),
        ("November 2024 saw the first ministerial", "November 2024", "2024-11", Precision.MONTH),
        ("차기 회의는 2026년 개최하기로 했다", "2026년", "2026", Precision.YEAR),
        ("2026년 중 개최", "2026년", "2026", Precision.YEAR),
        ("2026년도 회의", "2026년도", "2026", Precision.YEAR),
        ("The next meeting will be held in 2026.", "2026", "2026", Precision.YEAR),
        ("to be concluded by 2027", "2027", "2027", Precision.YEAR),
        ("launched in early 2025", "2025", "2025", Precision.YEAR),
        ("by mid-2026", "2026", "2026", Precision.YEAR),
        ("the summit of 2023", "2023", "2023", Precision.YEAR),
    ],
)
def test_a_month_stays_a_month_and_a_year_a_year(
    sentence: str, words: str, iso: str, precision: Precision
) -> None:
    mention = only(sentence)
    assert (sentence[mention.start : mention.end], mention.date.iso()) == (words, iso)
    assert mention.date.precision is precision
    assert not mention.relative


@pytest.mark.parametrize(
    "sentence",
    [
        "2+2 장관회의는 4년마다 개최한다.",
        "양국은 30년 협력을 평가했다.",
        "See the 2023 fact sheet.",
        "There were 2024 participants.",
        "We may 5 times review it.",
        "The Mayor of Ottawa welcomed them.",
        "G7 일본 정상회의",
        "제1차 2+2 회의",
    ],
)
def test_numbers_that_are_not_dates_name_no_date(sentence: str) -> None:
    assert found(sentence) == []


# --- relative dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "words", "iso"),
    [
        ("외교부와 국방부는 2일(현지시간) 오전 회의를 개최했다", "2일", "2025-10-02"),
        ("17일 개최 예정", "17일", "2025-10-17"),
        # More than 15 days after the 2nd: a day just past, in September.
        ("30일 열린 회의에서", "30일", "2025-09-30"),
        ("18일 서울에서", "18일", "2025-09-18"),
        ("지난 5일 서울에서", "5일", "2025-09-05"),
        ("오는 30일 개최", "30일", "2025-10-30"),
        ("오는 1일 개최", "1일", "2025-11-01"),
        ("10.30.(목) 경주에서 개최된 정상회담", "10.30.(목)", "2025-10-30"),
        ("10.30. 경주에서", "10.30.", "2025-10-30"),
        ("11월 1일 출범한 장관회의", "11월 1일", "2025-11-01"),
        ("11월1일 출범", "11월1일", "2025-11-01"),
        ("10월 30~31일 경주에서", "10월 30~31일", "2025-10-30"),
        ("지난 11월 1일 출범", "11월 1일", "2024-11-01"),
        ("이달 20일 개최", "이달 20일", "2025-10-20"),
        ("met on November 1 in Ottawa", "November 1", "2025-11-01"),
        ("from 1 November onwards", "1 November", "2025-11-01"),
        ("Today, we demonstrate our resolve", "Today", "2025-10-02"),
        ("Ministers met yesterday", "yesterday", "2025-10-01"),
    ],
)
def test_a_day_without_its_month_or_year_takes_them_from_the_text_date(
    sentence: str, words: str, iso: str
) -> None:
    mention = only(sentence)
    assert (sentence[mention.start : mention.end], mention.date.iso()) == (words, iso)
    assert mention.date.precision is Precision.DAY
    assert mention.relative


def test_the_rollover_to_last_month_crosses_a_new_year() -> None:
    assert found("30일 개최", date(2026, 1, 5)) == [("30일", "2025-12-30", True)]


@pytest.mark.parametrize(
    ("sentence", "words", "iso", "precision"),
    [
        ("작년 11월 출범한 장관급 회의", "작년 11월", "2024-11", Precision.MONTH),
        ("지난해 11월 출범", "지난해 11월", "2024-11", Precision.MONTH),
        ("작년 출범한 회의", "작년", "2024", Precision.YEAR),
        ("지난해 양국은", "지난해", "2024", Precision.YEAR),
        ("올해 6월 정상회담", "올해 6월", "2025-06", Precision.MONTH),
        ("금년 6월 정상회담", "금년 6월", "2025-06", Precision.MONTH),
        ("올 6월 정상회담", "올 6월", "2025-06", Precision.MONTH),
        ("양측은 올해 양국 신정부 출범 이후", "올해", "2025", Precision.YEAR),
        ("차기 회의는 내년 서울에서 개최하기로", "내년", "2026", Precision.YEAR),
        ("명년 개최", "명년", "2026", Precision.YEAR),
        ("내년 상반기 개최", "내년", "2026", Precision.YEAR),
        ("내년 3월 개최", "내년 3월", "2026-03", Precision.MONTH),
        ("다음 달 개최", "다음 달", "2025-11", Precision.MONTH),
        ("내달 중 개최", "내달", "2025-11", Precision.MONTH),
        ("이달 중 개최", "이달", "2025-10", Precision.MONTH),
        ("이번 달 개최", "이번 달", "2025-10", Precision.MONTH),
        ("지난달 개최", "지난달", "2025-09", Precision.MONTH),
        ("11월 출범", "11월", "2025-11", Precision.MONTH),
        ("지난 11월 출범", "11월", "2024-11", Precision.MONTH),
        ("오는 3월 개최", "3월", "2026-03", Precision.MONTH),
        ("The next ministerial will be held next year.", "next year", "2026", Precision.YEAR),
        ("Last year we launched it.", "Last year", "2024", Precision.YEAR),
        ("this year", "this year", "2025", Precision.YEAR),
        ("to be held later this year", "this year", "2025", Precision.YEAR),
        ("next month", "next month", "2025-11", Precision.MONTH),
        ("last month", "last month", "2025-09", Precision.MONTH),
        ("talks to be held in November", "November", "2025-11", Precision.MONTH),
    ],
)
def test_words_for_periods_keep_the_period(
    sentence: str, words: str, iso: str, precision: Precision
) -> None:
    mention = only(sentence)
    assert (sentence[mention.start : mention.end], mention.date.iso()) == (words, iso)
    assert mention.date.precision is precision
    assert mention.relative


def test_every_date_of_a_sentence_in_order() -> None:
    sentence = (
        "양측은 올해 양국 신정부 출범 이후 이어진 고위급 교류를 평가하면서, 6월 주요 7개국(G7) "
        "정상회의 계기 정상회담, 7월 대통령 특사단 캐나다 방문, 9월 유엔총회 계기 외교장관 회담 "
        "등을 언급했다."
    )
    assert found(sentence) == [
        ("올해", "2025", True),
        ("6월", "2025-06", True),
        ("7월", "2025-07", True),
        ("9월", "2025-09", True),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "3일간 방문했다",
        "30일 이내에 통보한다",
        "2일 후에 발표했다",
        "5일 동안 협의했다",
        "6개월마다 점검한다",
    ],
)
def test_a_count_of_days_or_months_is_not_a_date(sentence: str) -> None:
    assert found(sentence) == []


def test_a_day_before_a_follow_up_word_is_still_a_day() -> None:
    assert found("2일 후속조치를 점검했다") == [("2일", "2025-10-02", True)]


@pytest.mark.parametrize(
    "sentence",
    [
        "2일(현지시간) 오전",
        "10.30.(목) 경주에서",
        "11월 1일 출범",
        "작년 11월 출범",
        "내년 서울에서",
        "이달 중",
        "6월 정상회담",
        "met on November 1",
        "Today, we met",
        "next year",
        "in November",
    ],
)
def test_without_a_reference_relative_dates_are_skipped_not_guessed(sentence: str) -> None:
    assert found(sentence, reference=None) == []


def test_without_a_reference_the_absolute_dates_of_a_sentence_remain() -> None:
    sentence = "작년 11월 출범한 회의에 이어 2025년 10월 2일 국장급 회의가 열렸다"
    assert found(sentence, reference=None) == [("2025년 10월 2일", "2025-10-02", False)]


# --- dates that do not exist, and overlaps ------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "2025년 2월 30일 개최",  # no 30 February: not read as February 2025 or as 2025 either
        "2025-13-01",
        "2월 30일",
        "31일 개최",  # the 31st of the month before 2 October: there is no 31 September
        "13월",
        "1850년 조약",
        "in 1850",
    ],
)
def test_a_date_that_does_not_exist_is_skipped(sentence: str) -> None:
    assert found(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("2025년 10월 2일", [("2025년 10월 2일", "2025-10-02", False)]),
        ("2026년 3월", [("2026년 3월", "2026-03", False)]),
        ("November 1, 2024", [("November 1, 2024", "2024-11-01", False)]),
        ("1 November 2024", [("1 November 2024", "2024-11-01", False)]),
        ("작년 11월 1일", [("작년 11월 1일", "2024-11-01", True)]),
        ("내년 3월", [("내년 3월", "2026-03", True)]),
        ("지난 11월 1일", [("11월 1일", "2024-11-01", True)]),
    ],
)
def test_the_longest_form_wins(sentence: str, expected: list[tuple[str, str, bool]]) -> None:
    assert found(sentence) == expected


# --- the date of a text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "iso"),
    [
        ("November 1, 2024 – Ottawa, Ontario – Global Affairs Canada\nWe met.", "2024-11-01"),
        ("OTTAWA, Nov. 1, 2024 /CNW/ - The ministers met", "2024-11-01"),
        ("2025-10-02\n제목", "2025-10-02"),
        ("2025.10.02\n제목", "2025-10-02"),
        ("2025년 10월 2일\n제목", "2025-10-02"),
        ("제목\n입력 2025.10.02 11:20 수정 2025.10.03 09:00\n본문", "2025-10-02"),
        ("Title\nPublished: 2 November 2024\nBody", "2024-11-02"),
        ("보도자료\n보도일시 2025. 10. 2.(목) 10:00", "2025-10-02"),
    ],
)
def test_a_dateline_in_the_first_lines_gives_the_text_its_date(opening: str, iso: str) -> None:
    when = text_date(opening)
    assert when is not None
    assert (when.iso(), when.precision) == (iso, Precision.DAY)


def test_a_dateline_outranks_an_earlier_date_inside_a_title() -> None:
    text = (
        "2024년 11월 1일 장관회의 1주년을 맞아 양국이 후속 협의를 했다\n입력 2025.10.02 11:20\n본문"
    )
    assert text_date(text) == FuzzyDate(date(2025, 10, 2), Precision.DAY)


def test_the_source_line_of_a_stored_copy_is_not_the_texts_date() -> None:
    text = (
        "SOURCE: https://example.org/2023/08/18/statement (stored copy, 2025-10-02)\n\n"
        "November 1, 2024 – Ottawa, Ontario – Global Affairs Canada\n"
    )
    assert text_date(text) == FuzzyDate(date(2024, 11, 1), Precision.DAY)


def test_without_a_dateline_the_first_full_date_is_the_texts_date() -> None:
    text = (
        "Joint statement\n\nThe leaders met in Seoul.\nThey recalled the meeting of\n"
        "November 1,\n2024 and agreed to meet in 2026; the plan of 3 March 2025 stands.\n"
    )
    assert text_date(text) == FuzzyDate(date(2024, 11, 1), Precision.DAY)


def test_a_text_whose_days_need_a_month_has_no_date() -> None:
    # The opening of the News1 article on the first director-general 2+2 meeting (corpus file
    # 10): the byline carries no date and the body says only "2일"; its SOURCE line's date is
    # ours, not the article's.
    opening = (
        "SOURCE: https://www.news1.kr/amp/diplomacy/defense-diplomacy/5933408 (stored copy in "
        '"pages" corpus; News1 article …, 2025-10-02; complete body as stored)\n\n'
        "한-캐나다, 첫 외교·국방 2+2 국장급 회의 개최…안보·국방 협력 심화\n"
        "마크 카니 총리 APEC 방한 계기 양국 관계 발전 모멘텀 강화\n\n"
        "(서울=뉴스1) 정윤영 기자 = 한국과 캐나다가 포괄적 전략 동반자 관계를 바탕으로 "
        "안보·국방 협력을 강화해 나가기로 했다.\n"
        "외교부와 국방부는 2일(현지시간) 오전 제1차 한-캐나다 외교·국방(2+2) 국장급 회의를 "
        "화상으로 개최하고 작년 11월 출범한 장관급 회의의 주요 성과사업을 점검했다.\n"
    )
    assert text_date(opening) is None


def test_the_joint_statement_of_the_first_ministerial_is_dated_by_its_dateline() -> None:
    # The opening of corpus file 12, Global Affairs Canada's joint statement.
    opening = (
        "SOURCE: https://canadiannewstoday.com/canada-republic-of-korea-foreign-and-defence-22-"
        "ministerial-meeting-joint-statement/index.php (stored copy; PARTIAL)\n\n"
        "November 1, 2024 – Ottawa, Ontario – Global Affairs Canada\n"
        "We, the ministers of foreign affairs and ministers of national defence of Canada and the "
        "Republic of Korea (ROK) met on November 1, 2024, in Ottawa, Canada, for the inaugural "
        "Canada-ROK Foreign and Defence (2+2) Ministerial Meeting. The ministerial is a key "
        "deliverable of the CSP Action Plan launched in July 2024.\n"
    )
    assert text_date(opening) == FuzzyDate(date(2024, 11, 1), Precision.DAY)


def test_a_portal_record_is_dated_by_its_agreement_date() -> None:
    # Corpus file 00: menu lines first, then the record, whose 합의일자 is the first full date
    # (the body's "10.30.(목)" needs a year, and "작년 11월" a reference).
    path = next(CORPUS.glob("00_*.txt"))
    assert text_date(path.read_text("utf-8")) == FuzzyDate(date(2025, 10, 30), Precision.DAY)


@pytest.mark.parametrize("text", ["", "\n\n", "제목\n본문에는 날짜가 없다.", "\ufeff6월에 만났다"])
def test_a_text_without_a_full_date_has_no_date(text: str) -> None:
    assert text_date(text) is None
