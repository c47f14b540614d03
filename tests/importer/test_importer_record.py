"""The portal record read from other layouts of the same page: one line, or one field a line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tracker.importer import ParsedRecord, parse_agreement
from tracker.importer.mechanism_catalog import MechanismCatalog

SEED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "corpus"
    / ("00_kr-ca_security-defence-partnership_2025-10-30_portal.txt")
)
DOCUMENT = SEED.read_text(encoding="utf-8").split("\n❚", 1)[1]
CATALOG = MechanismCatalog.load_default()
SUMMARY = "한국과 캐나다는 파트너십을 수립하였다. 양국은 이를 정례적으로 점검해 나가기로 하였다."
EXPECTED = ParsedRecord(
    title="한-캐나다 안보·국방 협력 파트너십 수립",
    domestic_body="외교부",
    foreign_body="국방부",
    countries=("캐나다",),
    field="방산·항공우주",
    signed_on=date(2025, 10, 30),
    place="대한민국 경주",
    officer_rank="외무서기관",
    officer_name="정진우",
    officer_ministry="외교부",
    officer_division="북미2과",
    summary=SUMMARY,
)


def test_all_fields_on_one_line_in_another_order() -> None:
    text = (
        "경제외교 핵심성과\n\n"
        "한-캐나다 안보·국방 협력 파트너십 수립\n"
        "담당자 외무서기관 정진우 (외교부 / 북미2과) 합의일자 2025.10.30 장소 대한민국 경주 "
        "분야 방산·항공우주 관련국가 캐나다 합의기관(해외) 국방부 합의기관(국내) 외교부\n\n"
        f"{SUMMARY}\n\n❚{DOCUMENT}"
    )
    parsed = parse_agreement(text, catalog=CATALOG)
    assert parsed.record == EXPECTED
    assert len(parsed.clauses) == 26


def test_one_field_a_line_and_no_document_marker() -> None:
    text = (
        "한-캐나다 안보·국방 협력 파트너십 수립\n"
        "합의기관(국내)\n외교부\n합의기관(해외)\n국방부\n관련국가\n캐나다\n"
        "분야\n방산·항공우주\n합의일자\n2025년 10월 30일\n장소\n대한민국 경주\n"
        "담당자\n외무서기관 정진우 (외교부 / 북미2과)\n"
        "한-캐나다 안보·국방 협력 파트너십 수립\n"
        f"{SUMMARY}\n\n"
        "1. 양국은 협력을 강화할 것이다.\n\n"
        "2. 양국은 정보를 교환할 것이다.\n"
    )
    parsed = parse_agreement(text, catalog=CATALOG)
    assert parsed.record == EXPECTED
    assert [c.number for c in parsed.clauses] == ["1", "2"]
    assert any("no document marker" in str(w) for w in parsed.warnings)


def test_a_text_without_portal_fields_has_no_record() -> None:
    parsed = parse_agreement("1. 양국은 협력할 것이다.\n2. 양국은 분야별로 협의할 것이다.\n")
    assert parsed.record is None
