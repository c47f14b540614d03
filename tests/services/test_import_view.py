"""The JSON view of an import speaks as the API's refusals do: each warning a code to act on,
its message in the reader's language and its fields as data."""

from __future__ import annotations

import json

from tracker.importer import parse_agreement
from tracker.services.import_sources import sample_source
from tracker.services.import_view import parsed_as_dict

NOTHING_FIRM = "1. 양국은 우호 관계를 재확인한다.\n2. 양국은 협력의 역사를 인식한다.\n"


def test_a_warning_has_one_code_and_fields_and_the_reader_s_words() -> None:
    parsed = parse_agreement(
        sample_source().replace("합의일자 2025-10-30", "합의일자 2025년 시월", 1)
    )
    korean = parsed_as_dict(parsed, source_name="seed.txt", language="ko")["warnings"]
    english = parsed_as_dict(parsed, source_name="seed.txt", language="en")["warnings"]
    assert [w["code"] for w in korean] == [w["code"] for w in english]
    assert [w["code"] for w in korean] == ["warning.record.bad_date"]
    assert korean[0]["fields"] == english[0]["fields"] == {"value": "2025년 시월"}
    assert korean[0]["message"] == "기록: 날짜를 읽을 수 없습니다: '2025년 시월' (합의일자)"
    assert english[0]["message"] == "record: cannot read the date '2025년 시월' (합의일자)"


def test_a_count_stays_a_number_and_the_view_is_json() -> None:
    parsed = parse_agreement(NOTHING_FIRM)
    view = parsed_as_dict(parsed, source_name="pasted.txt", language="ko")
    (warning,) = json.loads(json.dumps(view, ensure_ascii=False))["warnings"]
    assert warning["code"].startswith("warning.nothing_tracked")
    assert warning["fields"] == {"count": 2}
    assert warning["message"].startswith("조항 2개가 있지만 점검할 이행과제가 없습니다.")
    assert "\n" not in warning["message"]


def test_without_a_language_the_view_speaks_english() -> None:
    (warning,) = parsed_as_dict(parse_agreement(NOTHING_FIRM), source_name="x.txt")["warnings"]
    assert warning["message"].startswith("2 clauses but no commitment to track")
