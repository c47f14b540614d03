"""The services' one-line refusals in the page's language.

The services (shared with the CLI, which stays English) explain a refusal in one English line.
`localize` turns the ones a desk officer can meet on the web into Korean, keeping what varies
(dates, refs, numbers, file names); a message of several lines (a status update with several
problems) is turned line by line, and a "WHERE: message" line keeps its subject. A message it
does not know comes back as it was: a page never fails over a message. Hints that name a CLI
command ("(see `tracker agreements list`)") are dropped in both languages: they mean nothing in
a browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from tracker.errors import TrackerError
from tracker.words import knows, say

Render = str | Callable[[re.Match[str]], str]

_CLI_HINTS = (
    re.compile(r" \(see `tracker [^`]*`\)"),
    re.compile(r"; change it with `tracker [^`]*`"),
    re.compile(r"; run again with --replace"),
)
# A quoted value as Python's repr writes it.
_Q = r"(?:'[^\n]*'|\"[^\n]*\")"
_DATE = r"\d{4}-\d{2}-\d{2}"
_NUM = r"\d[\d,]*"

_ROLES = {"admin": "관리자", "officer": "담당자", "viewer": "열람자"}
_PERMISSIONS = {
    "read": "열람할",
    "edit commitments": "이행과제를 수정할",
    "import agreements": "합의문서를 가져올",
    "record meetings": "회의를 등록할",
    "generate reports": "보고서를 생성할",
    "manage users": "사용자를 관리할",
    "read the audit log": "감사 기록을 볼",
}
_SUBJECTS = {"pasted text": "붙여넣은 원문"}
_AUDIT_DAYS = {"since": "시작일", "until": "종료일"}


def localize(message: str, language: str) -> str:
    """`message` in `language`: Korean for the refusals the web shows, else as written."""
    try:
        text = _without_cli_hints(str(message))
        if language != "ko":
            return text
        return "\n".join(_indented(line) for line in text.split("\n"))
    except Exception:  # a message is never worth a failed page
        return str(message)


@pass_context
def localized(context: Context, message: Any) -> str:
    """The Jinja filter `|localized`: `message` (a refusal, or a sentence) in the page's
    `language`. A refusal with a code is worded by the catalogues; only a sentence is parsed."""
    language = str(context.get("language", "ko"))
    if isinstance(message, TrackerError) and message.coded:
        return message.describe(language)
    return localize("" if message is None else str(message), language)


def _without_cli_hints(text: str) -> str:
    for hint in _CLI_HINTS:
        text = hint.sub("", text)
    return text


def _indented(line: str) -> str:
    body = line.lstrip()
    return line[: len(line) - len(body)] + _line(body) if body else line


def _line(text: str, depth: int = 0) -> str:
    for pattern, render in _KO:
        match = pattern.fullmatch(text)
        if match is not None:
            return render(match) if callable(render) else render.format_map(_groups(match))
    # "kr-ca-2025:7.1: as-of date ...": keep the subject, turn what follows.
    head, colon, rest = text.partition(": ")
    if colon and rest and depth < 3:
        turned = _line(rest, depth + 1)
        if turned != rest:
            return f"{_SUBJECTS.get(head, head)}: {turned}"
    return text


def _groups(match: re.Match[str]) -> dict[str, str]:
    return {k: v or "" for k, v in match.groupdict().items()}


# --- rendering helpers for the patterns below -------------------------------------------------


def _score(text: str) -> str:
    if text == "not assessed":
        return say("ko", "not_assessed")
    key = f"score_{int(text)}"
    return say("ko", key) if knows("ko", key) else text


def _action(action: str) -> str:
    key = f"action_{action}"
    return say("ko", key) if knows("ko", key) else action


_STATUS_SET = re.compile(
    rf"(?P<who>.+?) set (?P<status>.+) as of (?P<on>{_DATE})(?: \((?P<note>.*)\))?"
)
_RECORDED = re.compile(r"(?P<who>.+?) (?P<action>[a-z_]+): (?P<summary>.*)")


def _last_change(text: str) -> str:
    """The conflict message's "last change" phrase."""
    if text == "none recorded":
        return "기록 없음"
    update = _STATUS_SET.fullmatch(text)
    if update is not None:
        note = f" ({update['note']})" if update["note"] else ""
        return f"{update['who']}: {update['status']}, 기준일 {update['on']}{note}"
    record = _RECORDED.fullmatch(text)
    if record is not None:
        return f"{record['who']}: {_action(record['action'])} ({_line(record['summary'])})"
    return text


def _conflict(m: re.Match[str]) -> str:
    return (
        f"{m['where']}: 이 화면을 연 뒤에 다른 변경이 있었습니다"
        f"(보던 버전 {m['had']}, 현재 버전 {m['now']}; 최근 변경: {_last_change(m['last'])}). "
        "아무것도 저장하지 않았습니다. 새로 고친 뒤 다시 입력하세요."
    )


def _form_problems(problems: str) -> str:
    return "; ".join(_line(problem) for problem in problems.split("; "))


def _assessment_summary(m: re.Match[str]) -> str:
    text = f"제{m['cycle']}주기: {_score(m['before'])} → {_score(m['after'])}"
    return text + (f"; {m['rationale']}" if m["rationale"] else "")


def _already_met(m: re.Match[str]) -> str:
    text = f"{m['mechanism']}: {m['on']}에 이미 등록된 회의가 있습니다."
    return text + (f" (회의 {m['id']}번: 일정 변경에서 고치세요.)" if m["id"] else "")


def _missing_file(m: re.Match[str]) -> str:
    text = f"근거 파일을 찾을 수 없습니다: {m['name']}"
    return text + (f" (링크라면 {m['url']} 형태로 입력하세요)" if m["url"] else "")


def _cycle_end(m: re.Match[str]) -> str:
    before = f", {m['before']} 이전" if m["before"] else ""
    return (
        f"회의 {m['id']}번은 {m['key']}의 제{m['n']}주기를 마감하는 회의입니다. "
        f"회의 일자는 {m['after']} 이후{before}여야 합니다."
    )


def _role(m: re.Match[str]) -> str:
    role = _ROLES.get(m["role"], m["role"])
    permission = _PERMISSIONS.get(m["permission"])
    if permission is None:
        return f"현재 권한({role})으로는 할 수 없는 작업입니다: {m['permission']}"
    return f"현재 권한({role})으로는 {permission} 수 없습니다."


def _meeting_day(m: re.Match[str]) -> str:
    if m["value"] in ("''", '""'):
        return "회의 일자를 입력하세요."
    return f"회의 일자가 날짜 형식(YYYY-MM-DD)이 아닙니다: {m['value']}"


def _division(m: re.Match[str]) -> str:
    known = "아직 없음" if m["known"] == "none yet" else m["known"]
    return f"없는 부서입니다: {m['name']} (등록된 부서: {known})"


# --- the messages, Korean ---------------------------------------------------------------------
# Each pattern must match a whole line. The order matters only where two could match the same
# line: the more specific comes first.

_KO_SOURCE: list[tuple[str, Render]] = [
    # -- status updates (services/status.py, services/policy.py, web/routes/commitments.py) --
    (
        rf"unknown status (?P<status>{_Q}); use one of: (?P<choices>.*)",
        "알 수 없는 진행 상황입니다: {status}. 다음 중에서 고르세요: {choices}",
    ),
    (
        rf"as-of date (?P<on>\S+) is after today \((?P<today>{_DATE})\)",
        "기준일({on})이 오늘({today})보다 뒤입니다. 오늘이나 그 이전 날짜를 입력하세요.",
    ),
    (
        rf"as-of date (?P<on>\S+) is before the agreement was signed \((?P<signed>{_DATE})\)",
        "기준일({on})이 합의일자({signed})보다 앞섭니다.",
    ),
    (
        r"as-of date (?P<value>.*) is not a date \(YYYY-MM-DD\)",
        "기준일이 날짜 형식(YYYY-MM-DD)이 아닙니다: {value}",
    ),
    (
        rf"the note is (?P<length>{_NUM}) characters; the limit is (?P<limit>{_NUM}) "
        r"\(attach a longer text as an evidence file\)",
        "내용(경과)이 {length}자로 한도({limit}자)를 넘습니다. 긴 글은 근거 파일로 첨부하세요.",
    ),
    (r"it has no status update (?P<id>\d+)", "이 이행과제에는 {id}번 이행현황이 없습니다."),
    (
        r"(?P<count>\d+) problems; nothing was saved",
        "문제 {count}건이 있어 아무것도 저장하지 않았습니다.",
    ),
    (
        r"(?P<where>\S+) changed since you read it \(you had version (?P<had>\d+), it is now "
        r"(?P<now>\d+); last change: (?P<last>.*)\); nothing was saved: reload and apply your "
        r"change again",
        _conflict,
    ),
    (
        r"(?P<where>\S+) was changed by someone else while this change was being saved; "
        r"nothing was saved: try again",
        "{where}: 저장하는 동안 다른 사람이 먼저 바꾸었습니다. 아무것도 저장하지 않았습니다. "
        "다시 시도하세요.",
    ),
    (
        r"you may not edit this commitment \(another division's\)",
        "다른 부서의 이행과제라 수정할 수 없습니다.",
    ),
    # -- evidence (services/evidence.py, web/uploads.py, web/routes/commitments.py) --
    (rf"evidence link (?P<link>{_Q}) has no host", "근거 링크에 주소(호스트)가 없습니다: {link}"),
    (
        rf"evidence link is (?P<length>{_NUM}) characters; the limit is (?P<limit>{_NUM})",
        "근거 링크가 {length}자로 한도({limit}자)를 넘습니다.",
    ),
    (
        r"evidence must be http\(s\) links; not a link: (?P<value>.*)",
        "근거는 http(s) 링크로 입력하세요(파일은 근거 파일로 올리세요). 링크가 아닌 값: {value}",
    ),
    (
        rf"evidence link (?P<link>{_Q}): only http and https links are accepted, not "
        r"(?P<scheme>.*):",
        "근거 링크는 http, https 링크만 받습니다({scheme}: 불가): {link}",
    ),
    (
        rf"evidence file (?P<name>.+) is over the limit of (?P<limit>{_NUM}) bytes "
        r"\(evidence\.max_bytes\)",
        "근거 파일이 한도({limit}바이트)를 넘습니다: {name}",
    ),
    (
        rf"evidence file (?P<name>.+) is (?P<size>{_NUM}) bytes; the limit is (?P<limit>{_NUM}) "
        r"\(evidence\.max_bytes\)",
        "근거 파일이 {size}바이트로 한도({limit}바이트)를 넘습니다: {name}",
    ),
    (r"evidence file (?P<name>.+) is empty", "빈 근거 파일입니다: {name}"),
    (
        r"evidence file (?P<name>.+) is missing from the evidence folder",
        "근거 파일이 근거 보관 폴더에 없습니다: {name}",
    ),
    (
        r"evidence file (?P<name>.+) does not exist(?: \(a link\? write (?P<url>\S+)\))?",
        _missing_file,
    ),
    (r"evidence (?P<name>.+) is not a file", "근거가 파일이 아닙니다: {name}"),
    (r"no evidence file (?P<id>\d+)", "근거 파일 {id}번이 없습니다."),
    # -- assessments (services/cycles.py) --
    (
        rf"unknown score (?P<score>{_Q}): use \+1 \(full\), 0 \(partial\), -1 \(none\) or na "
        r"\(not assessed\)",
        "알 수 없는 평가입니다: {score}. +1(완전 이행), 0(부분 이행), -1(미이행), "
        "na(미평가) 중에서 고르세요.",
    ),
    (
        r"(?P<where>\S+) is not tracked; track it before assessing it",
        "{where}: 점검 대상이 아닌 이행과제입니다. 점검 대상으로 지정한 뒤 평가하세요.",
    ),
    (r"give a rationale for the score", "평가 근거를 입력하세요."),
    (
        rf"the rationale is (?P<length>{_NUM}) characters; the limit is (?P<limit>{_NUM})",
        "평가 근거가 {length}자로 한도({limit}자)를 넘습니다.",
    ),
    (
        r"cycle (?P<n>\d+) belongs to another agreement",
        "제{n}주기는 다른 합의문서의 점검 주기입니다.",
    ),
    (
        r"cycle (?P<cycle>\d+): (?P<before>not assessed|[+-]?\d) → "
        r"(?P<after>not assessed|[+-]?\d)(?:; (?P<rationale>.*))?",
        _assessment_summary,
    ),
    (
        rf"agreement (?P<key>{_Q}) has no open review cycle",
        "합의문서 {key}에 진행 중인 점검 주기가 없습니다.",
    ),
    (
        r"(?P<key>\S+) is in its first review cycle; there is no previous one",
        "합의문서 {key}: 첫 점검 주기라 직전 주기가 없습니다.",
    ),
    (
        rf"cycle (?P<ref>{_Q}): give current, previous or a cycle number",
        "점검 주기 {ref}: current(현재), previous(직전) 또는 주기 번호를 입력하세요.",
    ),
    (
        rf"agreement (?P<key>{_Q}) has no review cycle (?P<n>\d+) \(cycles 1–(?P<last>\d+)\)",
        "합의문서 {key}에 제{n}주기가 없습니다(제1~{last}주기).",
    ),
    # -- meetings (services/cycles.py, web/routes/calendar.py) --
    (
        r"a meeting on (?P<on>\S+) cannot have been held yet \(today is (?P<today>\S+)\); "
        r"record it as planned",
        "회의 일자({on})가 오늘({today}) 이후라 아직 개최되지 않았습니다. '예정'으로 등록하세요.",
    ),
    (
        r"a planned meeting on (?P<on>\S+) is in the past \(today is (?P<today>\S+)\); "
        r"record it as held, or give its new date",
        "예정 회의 일자({on})가 이미 지났습니다(오늘 {today}). '개최'로 등록하거나 새 일자를 "
        "입력하세요.",
    ),
    (
        r"a meeting on (?P<on>\S+) is more than (?P<years>\d+) years ahead; check the year",
        "회의 일자({on})가 {years}년보다 더 뒤입니다. 연도를 확인하세요.",
    ),
    (
        rf"that mechanism already has a meeting on (?P<on>{_DATE})",
        "이 협의체에는 {on}에 이미 등록된 회의가 있습니다.",
    ),
    (
        rf"(?P<mechanism>.+) already has a meeting on (?P<on>{_DATE})(?: \(id (?P<id>\d+)\))?",
        _already_met,
    ),
    (
        r"a held (?P<mechanism>.+) on (?P<on>\S+) falls inside closed review cycle (?P<n>\d+) of "
        r"(?P<key>\S+) \((?P<start>\S+) – (?P<end>\S+)\); record the meetings that bound cycles "
        r"in the order they were held",
        "{on}에 개최된 {mechanism} 회의는 {key}의 이미 끝난 제{n}주기({start} – {end}) 안에 "
        "있습니다. 점검 주기를 나누는 회의는 열린 순서대로 등록하세요.",
    ),
    (
        r"meeting (?P<id>\d+) closed review cycle (?P<n>\d+) of (?P<key>\S+); a held meeting that "
        r"ends a cycle cannot be set back to planned",
        "회의 {id}번은 {key}의 제{n}주기를 마감한 회의입니다. 점검 주기를 마감한 개최 회의는 "
        "'예정'으로 되돌릴 수 없습니다.",
    ),
    (
        r"meeting (?P<id>\d+) ends review cycle (?P<n>\d+) of (?P<key>\S+); its date must stay "
        r"after (?P<after>\S+?)(?: and before (?P<before>\S+))?",
        _cycle_end,
    ),
    (
        r"only officers who follow up (?P<mechanism>.+)'s commitments, and administrators, "
        r"may record its meetings",
        "이 협의체의 회의는 관련 이행과제의 담당자와 관리자만 등록할 수 있습니다: {mechanism}",
    ),
    (r"choose the mechanism whose meeting this is", "회의를 등록할 협의체를 고르세요."),
    (r"meeting date (?P<value>.*) is not a date \(YYYY-MM-DD\)", _meeting_day),
    (
        r"meeting state (?P<value>.*): choose planned or held",
        "회의 상태는 '예정' 또는 '개최' 중에서 고르세요: {value}",
    ),
    (r"no meeting (?P<ref>\S+)", "회의 {ref}번이 없습니다."),
    (
        rf"(?P<ref>{_Q}) is neither a meeting id nor a date \(YYYY-MM-DD\)",
        "회의 번호나 날짜(YYYY-MM-DD)가 아닙니다: {ref}",
    ),
    (
        r"give the mechanism to find a meeting by its date",
        "날짜로 회의를 찾으려면 협의체를 입력하세요.",
    ),
    (
        rf"(?P<mechanism>.+) has no meeting on (?P<on>{_DATE})",
        "{mechanism}: {on}에 등록된 회의가 없습니다.",
    ),
    # -- reports (services/reports.py, web/routes/reports.py, reports/render.py) --
    (
        r"(?P<mechanism>.+) follows no tracked commitment; nothing to brief",
        "{mechanism}: 점검 대상 이행과제가 연결되지 않은 협의체라 브리핑할 내용이 없습니다.",
    ),
    (r"choose the agreement to review", "점검할 합의문서를 고르세요."),
    (
        r"a brief needs its meeting: the meeting id or date \(YYYY-MM-DD\)",
        "브리핑할 회의를 입력하세요(회의 번호 또는 날짜 YYYY-MM-DD).",
    ),
    (
        r"a brief needs its mechanism, or an agreement that names one",
        "브리핑할 협의체를 입력하거나, 점검 협의체가 지정된 합의문서를 고르세요.",
    ),
    (
        r"(?P<key>\S+) has no reviewing mechanism; name the mechanism of the meeting",
        "합의문서 {key}에는 점검 협의체가 지정되어 있지 않습니다. 회의의 협의체를 입력하세요.",
    ),
    (r"no report (?P<id>\d+)", "보고서 {id}번이 없습니다."),
    (
        r"report (?P<id>\d+) was written outside the reports folder; it cannot be downloaded here",
        "보고서 {id}번은 보고서 폴더 밖에 저장되어 있어 여기서 내려받을 수 없습니다.",
    ),
    (
        r"the file of report (?P<id>\d+) is missing from the reports folder; generate the "
        r"report again",
        "보고서 {id}번의 파일이 보고서 폴더에 없습니다. 보고서를 다시 생성하세요.",
    ),
    (
        r"rendering took longer than (?P<s>\S+) s \(reports\.time_limit_seconds\); nothing was "
        r"written",
        "보고서 생성이 {s}초를 넘어 중단했습니다. 아무것도 저장하지 않았습니다.",
    ),
    (
        r"the rendering process died.*",
        "보고서 생성 프로세스가 중단되었습니다. 아무것도 저장하지 않았습니다.",
    ),
    (
        r"rendering failed: (?P<why>.*); nothing was written",
        "보고서 생성에 실패했습니다({why}). 아무것도 저장하지 않았습니다.",
    ),
    # -- imports (importer, services/imports.py, services/import_review.py, web/routes) --
    (r"the text is empty", "원문이 비어 있습니다."),
    (r"the file is empty", "파일이 비어 있습니다."),
    (r"the file holds no text", "파일에 텍스트가 없습니다."),
    (
        r"starts with a (?P<encoding>\S+) byte-order mark but is not valid \S+ "
        r"\(byte (?P<byte>\d+)\)",
        "{encoding} 바이트 순서 표시(BOM)로 시작하지만 올바른 {encoding} 텍스트가 아닙니다"
        "(바이트 {byte}).",
    ),
    (
        r"contains NUL (?:bytes|characters); this looks like a binary file",
        "NUL 문자가 들어 있어 텍스트 파일이 아닌 것 같습니다.",
    ),
    (
        r"contains (?P<n>\d+) control characters; this looks like a binary file",
        "제어 문자가 {n}개 들어 있어 텍스트 파일이 아닌 것 같습니다.",
    ),
    (
        r"not UTF-8, UTF-16 or CP949/EUC-KR text \(invalid UTF-8 at byte (?P<byte>\d+)\); "
        r"save it as UTF-8 and import again",
        "UTF-8, UTF-16, CP949(EUC-KR) 텍스트가 아닙니다(바이트 {byte}). UTF-8로 저장한 뒤 "
        "다시 가져오세요.",
    ),
    (
        r"declares an unknown character set (?P<charset>.*) in <meta charset>",
        "<meta charset>에 선언된 문자 집합을 알 수 없습니다: {charset}",
    ),
    (
        r"declares charset (?P<charset>\S+) but is not valid \S+ \(byte (?P<byte>\d+)\)",
        "<meta charset>에 선언된 문자 집합({charset})으로 읽을 수 없습니다(바이트 {byte}).",
    ),
    (
        rf"file is larger than the limit of (?P<limit>{_NUM}) bytes \(imports\.max_bytes\)",
        "파일이 한도({limit}바이트)보다 큽니다.",
    ),
    (
        rf"file is (?P<size>{_NUM}) bytes, larger than the limit of (?P<limit>{_NUM}) "
        r"\(imports\.max_bytes\)",
        "파일이 {size}바이트로 한도({limit}바이트)보다 큽니다.",
    ),
    (
        rf"text is (?P<size>{_NUM}) bytes, larger than the limit of (?P<limit>{_NUM}) "
        r"\(imports\.max_bytes\)",
        "원문이 {size}바이트로 한도({limit}바이트)보다 큽니다.",
    ),
    (r"no such file", "파일이 없습니다."),
    (
        r"no clauses found: .*",
        "조항을 찾지 못했습니다. 번호가 붙은 문단(1., (1), 가., ①, Article 1)이나 문장으로 된 "
        "문단이 있어야 합니다.",
    ),
    (
        r"no recognizable clauses: .*",
        "알아볼 수 있는 조항이 없습니다. 번호가 붙은 문단도, 무엇을 약속·합의·선언하는 문장도 "
        "없습니다.",
    ),
    (
        r"nothing to import: paste the agreement's text or choose a file",
        "가져올 내용이 없습니다. 합의문서 원문을 붙여넣거나 파일을 고르세요.",
    ),
    (
        rf"(?P<name>.+) revises agreement (?P<key>{_Q}) \((?P<n>\d+) changes: (?P<changes>.*)\)",
        "이 원문은 이미 가져온 합의문서 {key}의 개정본입니다(바뀌는 점 {n}건: {changes}).",
    ),
    (
        rf"the revised text no longer has commitment\(s\) (?P<refs>.+) of (?P<key>{_Q}), which "
        r"have status updates or assessments; nothing was imported \(import the revision under "
        r"another --key to keep both\)",
        "개정된 원문에서 합의문서 {key}의 이행과제가 빠졌습니다: {refs}. 이행현황이나 평가가 "
        "기록된 이행과제라 아무것도 가져오지 않았습니다. 둘 다 남기려면 개정본을 다른 키로 "
        "가져오세요.",
    ),
    (
        rf"key (?P<key>{_Q}): use 2 to 80 lowercase letters, digits, '\.', '_' or '-', starting "
        r"with a letter or digit, and not only digits",
        "키 형식이 맞지 않습니다: {key}. 영문 소문자·숫자·'.'·'_'·'-' 2~80자로, 영문자나 숫자로 "
        "시작하고 숫자만으로 되지 않게 입력하세요.",
    ),
    (r"the title is longer than (?P<n>\d+) characters", "제목이 {n}자를 넘습니다."),
    (rf"no commitment (?P<ref>{_Q}) in this text", "이 원문에 없는 이행과제입니다: {ref}"),
    # -- corrections of an import's split (services/corrections.py, web/routes/imports.py) --
    (
        r"split: give the words where the second commitment begins",
        "나누기: 둘째 이행과제가 시작하는 문구를 입력하세요.",
    ),
    (
        r"merge: choose the neighbouring commitment to fold in",
        "합치기: 합칠 이웃 이행과제를 고르세요.",
    ),
    (
        r"merge: (?P<ref>\S+) cannot be merged with itself",
        "합치기: 같은 이행과제끼리는 합칠 수 없습니다: {ref}",
    ),
    (
        r"move boundaries: give the words to begin at, to end after, or both",
        "범위 조정: 시작할 문구나 끝낼 문구(또는 둘 다)를 입력하세요.",
    ),
    (r"link: choose a mechanism", "연결: 메커니즘을 고르세요."),
    (r"unlink: choose a mechanism", "연결 해제: 메커니즘을 고르세요."),
    (
        rf"(?P<ref>\S+): (?P<at>{_Q}) does not occur in its text",
        "{ref}: 이행과제 내용에 없는 문구입니다: {at}",
    ),
    (
        r"(?P<ref>\S+): its text begins with (?P<at>.*); nothing to split",
        "{ref}: 내용이 그 문구로 시작하므로 나눌 것이 없습니다: {at}",
    ),
    (r"(?P<ref>\S+): the first part would be empty", "{ref}: 앞부분이 비게 됩니다."),
    (
        r"(?P<a>\S+) and (?P<b>\S+) are in different clauses",
        "이행과제 {a}, {b}: 서로 다른 조항에 있어 합칠 수 없습니다.",
    ),
    (
        r"(?P<a>\S+) and (?P<b>\S+) are not neighbours: (?P<c>\S+) lies between them",
        "이행과제 {a}, {b}: 이웃한 이행과제가 아닙니다(사이에 {c} 있음).",
    ),
    (
        r"(?P<ref>\S+): the new end comes before the new start",
        "{ref}: 끝낼 문구가 시작할 문구보다 앞에 있습니다.",
    ),
    (
        r"(?P<ref>\S+) would overlap (?P<other>\S+); adjust or merge \S+",
        "{ref}: 이행과제 {other}의 범위와 겹칩니다. {other}의 범위를 조정하거나 합치세요.",
    ),
    (
        r"(?P<ref>\S+) is not linked to (?P<mechanism>.+)",
        "{ref}: 연결되지 않은 메커니즘입니다: {mechanism}",
    ),
    (
        rf"(?P<ref>\S+): (?P<text>{_Q}) does not occur in clause (?P<n>\S+)",
        "{ref}: 조항 {n}에 없는 문구입니다: {text}",
    ),
    (
        r"only officers of the division that follows this agreement, and administrators, may "
        r"correct its split",
        say("ko", "imp_read_only"),
    ),
    # -- not found (services/lookup.py, services/accounts.py, services/tokens.py, app.py) --
    (rf"no agreement (?P<key>{_Q})", "없는 합의문서입니다: {key}"),
    (rf"no commitment (?P<ref>{_Q})", "없는 이행과제입니다: {ref}"),
    (
        rf"agreement (?P<key>{_Q}) has no commitment (?P<ref>{_Q})",
        "합의문서 {key}에 없는 이행과제입니다: {ref}",
    ),
    (
        rf"(?P<n>\d+) agreements have a commitment (?P<ref>{_Q}): give it as \S+, one of "
        r"(?P<choices>.*)",
        "여러 합의문서({n}건)에 같은 번호의 이행과제가 있습니다: {ref}. 다음 중 하나로 "
        "지정하세요: {choices}",
    ),
    (rf"no mechanism (?P<ref>{_Q})", "없는 협의체입니다: {ref}"),
    (
        rf"(?P<ref>{_Q}) names (?P<n>\d+) mechanisms: (?P<choices>.*); give the id, or "
        r"NAME@COUNTERPART",
        "같은 이름의 협의체가 {n}개 있습니다: {ref}. 번호로 지정하세요: {choices}",
    ),
    (rf"no officer (?P<ref>{_Q})", "없는 담당자입니다: {ref}"),
    (
        rf"(?P<n>\d+) officers are called (?P<ref>{_Q}): (?P<choices>.*); give the id",
        "같은 이름의 담당자가 {n}명 있습니다: {ref}. 번호로 지정하세요: {choices}",
    ),
    (rf"no division (?P<name>{_Q}) \(known: (?P<known>.*)\)", _division),
    (rf"no account (?P<login>{_Q})", "없는 계정입니다: {login}"),
    (r"no API token (?P<id>\d+)", "API 토큰 {id}번이 없습니다."),
    (r"no page at (?P<path>\S*)", "페이지를 찾을 수 없습니다: {path}"),
    (r"Not Found", "페이지를 찾을 수 없습니다."),
    (r"Method Not Allowed", "이 주소에는 이런 방식으로 요청할 수 없습니다."),
    # -- accounts and sign-in (services/accounts.py, account_admin.py, owners.py, users) --
    (r"wrong login or password", "아이디 또는 비밀번호가 올바르지 않습니다."),
    (
        r"too many failed sign-ins; wait (?P<minutes>\d+) minutes and try again",
        "로그인 실패가 너무 많습니다. {minutes}분 뒤에 다시 시도하세요.",
    ),
    (
        r"the password must have at least (?P<n>\d+) characters",
        "비밀번호는 {n}자 이상이어야 합니다.",
    ),
    (
        rf"login (?P<login>{_Q}): use letters, digits, dots or dashes",
        "아이디에는 영문자, 숫자, 점(.), 하이픈(-)만 쓸 수 있습니다: {login}",
    ),
    (rf"login (?P<login>{_Q}) is taken", "이미 사용 중인 아이디입니다: {login}"),
    (r"(?P<name>.+) already has an account", "이미 계정이 있는 담당자입니다: {name}"),
    (
        r"choose an officer on file, or give the new officer's name",
        "등록된 담당자를 고르거나 새 담당자의 이름을 입력하세요.",
    ),
    (
        r"an officer called (?P<name>.+) is on file: choose them in the list",
        "같은 이름의 담당자가 이미 등록되어 있습니다: {name}. 목록에서 고르세요.",
    ),
    (rf"account (?P<login>{_Q}) is not disabled", "사용 중지된 계정이 아닙니다: {login}"),
    (
        r"you cannot disable your own account; ask another administrator",
        "본인 계정은 사용 중지할 수 없습니다. 다른 관리자에게 요청하세요.",
    ),
    (
        r"you cannot change your own role; ask another administrator",
        "본인 권한은 바꿀 수 없습니다. 다른 관리자에게 요청하세요.",
    ),
    (
        r"(?P<login>\S+) is the last active administrator",
        "마지막 남은 관리자 계정이라 사용 중지하거나 권한을 바꿀 수 없습니다: {login}",
    ),
    (rf"(?P<given>{_Q}) is not an e-mail address", "이메일 주소가 아닙니다: {given}"),
    (
        rf"(?P<given>{_Q}): use the officer's ASCII address \(mail servers here do not accept "
        r"non-ASCII addresses\)",
        "영문(ASCII) 이메일 주소를 입력하세요(메일 서버가 한글 주소를 받지 않습니다): {given}",
    ),
    (
        r"an officer with e-mail (?P<email>\S+) already exists",
        "이미 등록된 이메일입니다: {email}",
    ),
    (r"an officer needs a name", "담당자 이름을 입력하세요."),
    (
        rf"officer (?P<name>{_Q}) is no longer active",
        "더 이상 근무하지 않는(사용 중지된) 담당자입니다: {name}",
    ),
    # -- tokens (services/tokens.py, web/routes/calendar.py) --
    (
        r"give the token a name, e\.g\. the script that will use it",
        "토큰 이름을 입력하세요(예: 토큰을 쓸 프로그램 이름).",
    ),
    (
        r"the token name is (?P<n>\d+) characters; the limit is (?P<limit>\d+)",
        "토큰 이름이 {n}자로 한도({limit}자)를 넘습니다.",
    ),
    (
        r"account (?P<login>\S+) is disabled; it gets no token",
        "사용 중지된 계정에는 토큰을 발급하지 않습니다: {login}",
    ),
    (
        r"the calendar address is not valid or was revoked",
        "일정 구독 주소가 올바르지 않거나 폐기되었습니다.",
    ),
    # -- forms, roles and requests (web/deps.py, web/app.py, web/routes) --
    (
        r"the form is out of date \(CSRF\); reload the page and try again",
        "입력 양식의 유효 시간이 지났습니다(CSRF). 페이지를 새로 고친 뒤 다시 시도하세요.",
    ),
    (
        r"the sign-in form is out of date \(CSRF\); reload the page",
        "로그인 양식의 유효 시간이 지났습니다(CSRF). 페이지를 새로 고치세요.",
    ),
    (r"your role \((?P<role>\w+)\) may not (?P<permission>.+)", _role),
    (
        rf"the request is over the limit of (?P<limit>{_NUM}) bytes \(web\.max_request_bytes\)",
        "요청이 한도({limit}바이트)를 넘습니다.",
    ),
    (
        r"Part exceeded maximum size of (?P<size>\d+)KB\.",
        "입력 항목 하나가 최대 크기({size}KB)를 넘습니다.",
    ),
    (
        r"the form is not valid: (?P<problems>.*)",
        lambda m: f"입력 양식이 올바르지 않습니다: {_form_problems(m['problems'])}",
    ),
    (r"Field required", "필수 항목입니다"),
    (r"Input should be a valid integer.*", "정수를 입력하세요"),
    (r"Input should be a valid boolean.*", "참/거짓 값을 입력하세요"),
    (r"Input should be (?P<choices>.+)", "다음 중 하나여야 합니다: {choices}"),
    (r"String should have at most (?P<n>\d+) characters?", "{n}자 이하로 입력하세요"),
    (r"String should have at least (?P<n>\d+) characters?", "{n}자 이상 입력하세요"),
    (rf"year (?P<value>{_Q}) is not a year \(YYYY\)", "연도 형식(YYYY)이 아닙니다: {value}"),
    (
        rf"entity (?P<value>{_Q}): choose one of (?P<choices>.*)",
        "대상 종류는 다음 중에서 고르세요: {choices} (입력: {value})",
    ),
    (
        rf"(?P<name>since|until) (?P<value>{_Q}) is not a date \(YYYY-MM-DD\)",
        lambda m: f"{_AUDIT_DAYS[m['name']]}이 날짜 형식(YYYY-MM-DD)이 아닙니다: {m['value']}",
    ),
    # -- change summaries shown in the history --
    (
        r"no status update for (?P<days>\d+) days",
        "{days}일 동안 이행현황 갱신 없음",
    ),
]

_KO: list[tuple[re.Pattern[str], Render]] = [
    (re.compile(pattern), render) for pattern, render in _KO_SOURCE
]
