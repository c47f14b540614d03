"""The newer pages in Debian's Chromium, as a desk officer or an administrator uses them:
import review, the agreement outline beside its source, evidence files and the assessment on a
commitment, meetings and the calendar feed, reports, the users admin, the keyboard, and the
English switch.

Each test runs its own `tracker serve` over its own freshly seeded database (see conftest.py);
time is never frozen. Screenshots go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import PASSWORD, needs_chromium, shot, signed_in, told

pytestmark = [needs_chromium, pytest.mark.slow]  # a real server and Chromium per test

FIXTURES = Path(__file__).parents[1] / "fixtures"
NL_KR = FIXTURES / "corpus" / "05_nl-kr_economic-technological-cooperation-agreement_1982.txt"
COMMITMENT = "kr-ca-2025:7.1"  # the seed's commitment in 정진우's (jwjung's) care
# An evidence file as a desk officer has them: a Korean name, and bytes that are not text.
EVIDENCE_NAME = "1차 합동훈련 결과보고.hwp"
EVIDENCE = b"HWP Document File\x00\x05\x00\x00" + bytes(range(256)) * 8 + "결과보고".encode()


def nav(page: Page, name: str) -> None:
    """Follow a link in the header's navigation."""
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


# --- 1. import review -----------------------------------------------------------------------


def test_an_officer_imports_an_agreement_and_leaves_one_commitment_untracked(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    nav(page, "가져오기")
    expect(page.get_by_role("heading", level=1)).to_have_text("합의문서 가져오기")

    paste = page.get_by_role("form", name="원문 붙여넣기")
    paste.get_by_label("원문").fill(NL_KR.read_text(encoding="utf-8"))
    paste.get_by_label("키 (선택)").fill("nl-kr-1982")
    paste.get_by_role("button", name="나뉜 결과 검토").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("가져오기 검토")
    expect(told(page, "새 합의문서로 저장합니다: nl-kr-1982")).to_have_count(1)
    ticked = page.get_by_role("checkbox", checked=True)
    tracked = ticked.count()
    assert tracked > 1
    paragraph_1_2 = page.get_by_role("checkbox", name=re.compile(r"^1\.2 \[확약\] With a view"))
    expect(paragraph_1_2).to_be_checked()
    shot(page, "import-preview")

    paragraph_1_2.uncheck()
    expect(ticked).to_have_count(tracked - 1)
    title = page.get_by_label("제목", exact=True).input_value()
    assert "Netherlands" in title
    page.get_by_role("button", name="가져오기 저장").click()

    page.wait_for_url(re.compile(r"/import/nl-kr-1982/review"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"가져온 결과 검토·수정: {title}")
    expect(told(page, "합의문서 nl-kr-1982을(를) 가져왔습니다.")).to_have_count(1)
    expect(page.get_by_text(f"(점검 대상 {tracked - 1}개)")).to_be_visible()
    # 1.2 is listed but not followed up; 1.1 still is.
    expect(page.get_by_role("button", name="1.2: 점검 대상으로", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="1.1: 점검에서 제외", exact=True)).to_be_visible()
    shot(page, "import-review")

    nav(page, "합의문서")
    expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()


# --- 2. the agreement page ------------------------------------------------------------------


def test_the_agreement_outline_shows_status_beside_its_source_on_desktop_and_phone(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    page.goto(f"{server}/commitments/{COMMITMENT}")
    page.get_by_label("진행 상황").select_option(label="진행 중")
    page.get_by_role("button", name="저장", exact=True).click()
    expect(page.get_by_role("region", name="이력")).to_contain_text("진행 중")
    crumbs = page.get_by_role("navigation", name="현재 위치")
    crumbs.get_by_role("link", name="한-캐나다 안보·국방 협력 파트너십 수립").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "한-캐나다 안보·국방 협력 파트너십 수립"
    )
    outline = page.get_by_role("region", name="조항과 이행과제")
    source = page.get_by_role("complementary", name="원문")

    def listed(ref: str) -> Locator:
        link = page.get_by_role("link", name=ref, exact=True)
        return outline.get_by_role("listitem").filter(has=link)

    expect(listed("7.1")).to_contain_text("7.1 진행 중")  # its status chip
    expect(listed("9.1")).to_contain_text("9.1 점검 전")
    expect(page.get_by_role("img", name=re.compile(r"^점검 전 \d+, 진행 중 1$"))).to_be_visible()
    expect(source).to_contain_text("합동 작전, 연습 및 훈련 참여 확대")

    # Side by side: the source text stands to the right of the outline, from the same height
    # (measured from the top: the link landed on clause 7, and the source stays in view).
    page.evaluate("window.scrollTo(0, 0)")
    left, right = outline.bounding_box(), source.bounding_box()
    assert left is not None and right is not None
    assert right["x"] >= left["x"] + left["width"]
    assert abs(right["y"] - left["y"]) < 5
    assert not scrolls_sideways(page)
    shot(page, "agreement-1366")

    phone = signed_in(browser, server, "jwjung", viewport=(390, 844))
    phone.goto(f"{server}/agreements/kr-ca-2025")
    outline, source = (
        phone.get_by_role("region", name="조항과 이행과제"),
        phone.get_by_role("complementary", name="원문"),
    )
    expect(source).to_contain_text("합동 작전, 연습 및 훈련 참여 확대")
    # On a phone the source follows the outline, and nothing scrolls sideways.
    top, below = outline.bounding_box(), source.bounding_box()
    assert top is not None and below is not None
    assert below["y"] >= top["y"] + top["height"]
    assert not scrolls_sideways(phone)
    shot(phone, "agreement-390")


# --- 3. the commitment page -----------------------------------------------------------------


def test_an_officer_attaches_an_evidence_file_downloads_it_and_assesses_the_commitment(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    upload = tmp_path / EVIDENCE_NAME
    upload.write_bytes(EVIDENCE)
    page = signed_in(browser, server, "jwjung")
    page.goto(f"{server}/commitments/{COMMITMENT}")

    update = page.get_by_role("region", name="이행현황 갱신")
    update.get_by_label("진행 상황").select_option("in_progress")
    update.get_by_label("내용(경과)").fill("1차 합동훈련 결과보고서 첨부")
    update.get_by_label("근거 파일 (여러 개 선택 가능)").set_input_files(upload)
    update.get_by_role("button", name="저장", exact=True).click()

    history = page.get_by_role("region", name="이력")
    expect(history).to_contain_text("1차 합동훈련 결과보고서 첨부")
    evidence = history.get_by_role("link", name=EVIDENCE_NAME, exact=True)
    expect(evidence).to_be_visible()
    with page.expect_download() as downloading:
        evidence.click()
    download = downloading.value
    assert download.suggested_filename == EVIDENCE_NAME
    assert Path(download.path()).read_bytes() == EVIDENCE

    assessment = page.get_by_role("region", name="이번 점검 주기 평가")
    expect(assessment).to_contain_text("미평가")
    assessment.get_by_label("평가", exact=True).select_option(label="0 부분 이행")
    assessment.get_by_label("평가 근거").fill("1차 훈련은 실시, 정례화는 미정")
    assessment.get_by_role("button", name="평가 저장").click()

    page.wait_for_url(re.compile(r"#assessment$"))
    expect(assessment).to_contain_text("0 부분 이행 — 1차 훈련은 실시, 정례화는 미정")
    expect(assessment).to_contain_text("정진우")
    expect(assessment.get_by_label("평가", exact=True)).to_have_value("0")
    shot(page, "commitment-evidence-assessment")


# --- 4. meetings ----------------------------------------------------------------------------


def test_an_officer_records_a_planned_meeting_and_subscribes_to_the_calendar(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    nav(page, "회의 일정")
    expect(page.get_by_role("heading", level=1)).to_have_text("회의 일정")
    held_on = (date.today() + timedelta(days=45)).isoformat()
    title = "제5차 한-캐나다 방산군수 공동위원회"

    form = page.get_by_role("form", name="회의 등록")
    form.get_by_label("협의체").select_option(label="한-캐나다 방산군수 공동위원회")
    form.get_by_label("회의 일자").fill(held_on)
    form.get_by_label("상태").select_option(label="예정")
    form.get_by_label("회의명").fill(title)
    form.get_by_label("장소").fill("오타와")
    form.get_by_label("비고").fill("국방부 국제협력관 참석 예정")
    form.get_by_role("button", name="회의 등록").click()

    meeting = page.get_by_role("listitem").filter(has_text=title)
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text(held_on)
    expect(meeting).to_contain_text("예정")
    expect(meeting).to_contain_text("오타와")
    shot(page, "meetings")

    feed = page.get_by_role("link", name="캘린더 구독 (iCal)")
    with page.expect_download() as downloading:
        feed.click()
    text = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert f"DTSTART;VALUE=DATE:{held_on.replace('-', '')}" in text
    assert title in text.replace("\r\n ", "")  # unfolded
    response = page.request.get(f"{server}{feed.get_attribute('href')}")
    assert response.headers["content-type"].startswith("text/calendar")


# --- 5. reports -----------------------------------------------------------------------------


def test_an_officer_generates_a_review_report_and_downloads_the_pdf(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    nav(page, "보고서")
    expect(page.get_by_role("cell", name="생성된 보고서가 없습니다.")).to_be_visible()

    generate = page.get_by_role("form", name="지금 생성")
    generate.get_by_label("합의문서").fill("kr-ca-2025")  # offered in a list, any key typed
    generate.get_by_label("종류").select_option(label="이행점검 보고서")
    generate.get_by_label("언어").select_option(label="한국어")
    expect(generate.get_by_label("PDF", exact=True)).to_be_checked()  # reports.formats
    generate.get_by_label("한글(HWPX)").check()  # and a copy to edit in Hangul
    # Rendering the PDF takes a few seconds, longer on a busy machine.
    with page.expect_navigation(url=re.compile(r"/reports\?new=\d+"), timeout=120_000):
        generate.get_by_role("button", name="지금 생성").click(timeout=120_000)
    expect(told(page, "보고서를 생성했습니다: 이행점검 보고서")).to_have_count(1)
    new = page.locator('tr[aria-current="true"]')  # the row the page marks as the new one
    expect(new).to_have_count(1)
    expect(new).to_contain_text("한-캐나다 안보·국방 협력 파트너십 수립")
    expect(new).to_contain_text("이행점검 보고서")
    expect(new).to_contain_text("정진우")
    # Marked by colour as well: its cells stand out from the table's own background.
    backgrounds = new.get_by_role("cell").first.evaluate(
        """cell => [cell, cell.closest("table")].map(e => getComputedStyle(e).backgroundColor)"""
    )
    assert backgrounds[0] != backgrounds[1] and backgrounds[0] != "rgba(0, 0, 0, 0)"
    shot(page, "reports")

    with page.expect_download() as downloading:
        new.get_by_role("link", name="PDF 내려받기").click()
    assert downloading.value.suggested_filename.endswith(".pdf")
    assert Path(downloading.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as downloading:
        new.get_by_role("link", name="한글(HWPX) 내려받기").click()
    pdf_name = downloading.value.suggested_filename
    assert pdf_name.endswith("_v01.hwpx")
    assert Path(downloading.value.path()).read_bytes()[30:38] == b"mimetype"  # first, stored


# --- 6. users admin -------------------------------------------------------------------------


def test_an_administrator_adds_an_account_and_the_newcomer_signs_in(
    server: str, browser: Browser
) -> None:
    admin = signed_in(browser, server, "admin")
    nav(admin, "사용자")
    expect(admin.get_by_role("heading", level=1)).to_have_text("사용자")

    add = admin.get_by_role("form", name="계정 추가")
    add.get_by_label("담당자", exact=True).select_option(label="새 담당자 (아래에 입력)")
    newcomer = add.get_by_role("group", name="새 담당자")
    newcomer.get_by_label("이름").fill("이하늘")
    newcomer.get_by_label("이메일").fill("haneul.lee@example.go.kr")
    newcomer.get_by_label("부서").fill("북미2과")
    add.get_by_label("아이디").fill("hnlee")
    add.get_by_label("비밀번호").fill("spring rain 2026")
    add.get_by_label("권한", exact=True).select_option(label="담당자")
    add.get_by_role("button", name="계정 추가").click()

    expect(told(admin, "계정 hnlee을(를) 추가했습니다(담당자).")).to_have_count(1)
    row = admin.get_by_role("row").filter(has=admin.get_by_role("cell", name="hnlee", exact=True))
    expect(row).to_contain_text("이하늘")
    expect(row).to_contain_text("북미2과")
    expect(row).to_contain_text("사용 중")
    shot(admin, "users")

    # The newcomer, in a browser of their own.
    page = signed_in(browser, server, "hnlee", password="spring rain 2026")
    expect(page.get_by_role("banner")).to_contain_text("이하늘")
    expect(page.get_by_role("heading", level=1)).to_have_text("대시보드")
    expect(page.get_by_role("navigation").get_by_role("link", name="가져오기")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="사용자")).to_have_count(0)


# --- 7. keyboard and labels -----------------------------------------------------------------


def test_signing_in_works_from_the_keyboard_alone(server: str, browser: Browser) -> None:
    page = browser.new_context(locale="ko-KR").new_page()
    page.goto(f"{server}/")
    login = page.get_by_label("아이디")
    password = page.get_by_label("비밀번호")
    button = page.get_by_role("button", name="로그인")

    for _ in range(8):  # past the skip link and the header's links
        page.keyboard.press("Tab")
        if login.evaluate("field => field === document.activeElement"):
            break
    expect(login).to_be_focused()
    page.keyboard.type("jwjung")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("대시보드")
    expect(page.get_by_role("banner")).to_contain_text("정진우")


def test_every_form_control_on_the_commitment_page_has_an_accessible_name(
    server: str, browser: Browser
) -> None:
    page = signed_in(browser, server, "jwjung")
    page.goto(f"{server}/commitments/{COMMITMENT}")
    for label in (
        "진행 상황",
        "내용(경과)",
        "기준일",
        "근거 링크 (줄마다 하나)",
        "근거 파일 (여러 개 선택 가능)",
        "평가",
        "평가 근거",
    ):
        expect(page.get_by_label(label, exact=True)).to_have_count(1)
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button")]
            .filter(control => control.type !== "hidden")
            .filter(control => !(control.labels && control.labels.length)
                && !control.getAttribute("aria-label")
                && !control.getAttribute("aria-labelledby")
                && !(control.tagName === "BUTTON" && control.textContent.trim()))
            .map(control => control.outerHTML)"""
    )
    assert unnamed == []


# --- 8. English -----------------------------------------------------------------------------


def test_the_english_link_turns_the_dashboard_into_english(server: str, browser: Browser) -> None:
    page = signed_in(browser, server, "jwjung")
    expect(page.get_by_role("heading", level=1)).to_have_text("대시보드")
    page.get_by_role("link", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="Upcoming meetings")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Agreements with the most commitments needing a look")
    ).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "dashboard-en")

    nav(page, "Agreements")  # the choice stays for the next page
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")
    page.get_by_role("link", name="한국어").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("합의문서")
