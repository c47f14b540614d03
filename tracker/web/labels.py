"""The words of the web pages, Korean first."""

from __future__ import annotations

WEB_LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "app": "이행점검",
        "sign_in_needed": "서비스 이용을 위해 로그인 해주세요.",
        "login": "아이디",
        "password": "비밀번호",
        "sign_in": "로그인",
        "sign_out": "로그아웃",
        "dashboard": "대시보드",
        "agreements": "합의문서",
        "needs_attention": "확인이 필요한 이행과제",
        "nothing": "없음",
        "search": "검색",
        "country": "국가",
        "signed": "합의일자",
        "title": "제목",
        "tracked": "점검 대상",
        "ref": "번호",
        "status": "진행 상황",
        "owner": "담당자",
        "attention": "확인 필요",
        "text": "내용",
        "history": "이력",
        "record_update": "이행현황 갱신",
        "note": "내용(경과)",
        "as_of": "기준일",
        "evidence": "근거 링크 (줄마다 하나)",
        "save": "저장",
        "version": "버전",
        "read_only": "이 이행과제는 수정 권한이 없습니다.",
        "conflict_hint": (
            "다른 사람이 먼저 갱신했습니다. 아래 이력에서 최신 내용을 확인하고, "
            "입력한 내용은 그대로 남아 있으니 다시 저장하세요."
        ),
        "source_text": "원문",
        "error": "오류",
        "english": "English",
        "korean": "한국어",
        "settings": "내 설정",
        "mail_language": "메일 언어",
        "digest_frequency": "이행점검 요약 메일",
        "digest_daily": "매일",
        "digest_weekly": "매주",
        "digest_off": "받지 않음",
        "email": "이메일",
        "no_email": "등록된 이메일이 없어 요약 메일이 발송되지 않습니다. 관리자에게 문의하세요.",
        "saved": "저장했습니다.",
        "meetings": "회의 일정",
        "reports": "보고서",
        "import": "가져오기",
        "users": "사용자",
        # -- import (ko) --
        # -- calendar (ko) --
        # -- reports (ko) --
        # -- users (ko) --
        # -- api (ko) --
        # -- pages (ko) --
    },
    "en": {
        "app": "tracker",
        "sign_in_needed": "Please sign in to use the service.",
        "login": "Login",
        "password": "Password",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "dashboard": "Dashboard",
        "agreements": "Agreements",
        "needs_attention": "Commitments that need a look",
        "nothing": "None",
        "search": "Search",
        "country": "Country",
        "signed": "Signed",
        "title": "Title",
        "tracked": "Tracked",
        "ref": "Ref",
        "status": "Status",
        "owner": "Owner",
        "attention": "Attention",
        "text": "Text",
        "history": "History",
        "record_update": "Record a status update",
        "note": "Narrative",
        "as_of": "As of",
        "evidence": "Evidence links (one per line)",
        "save": "Save",
        "version": "Version",
        "read_only": "You may not edit this commitment.",
        "conflict_hint": (
            "Someone else updated it first. Check the latest entry in the history below; "
            "what you typed is kept in the form, so you can save again."
        ),
        "source_text": "Source text",
        "error": "Error",
        "english": "English",
        "korean": "한국어",
        "settings": "My settings",
        "mail_language": "Mail language",
        "digest_frequency": "Digest e-mails",
        "digest_daily": "Daily",
        "digest_weekly": "Weekly",
        "digest_off": "Off",
        "email": "E-mail",
        "no_email": "No e-mail address is set, so no digest is sent; ask an administrator.",
        "saved": "Saved.",
        "meetings": "Meetings",
        "reports": "Reports",
        "import": "Import",
        "users": "Users",
        # -- import (en) --
        # -- calendar (en) --
        # -- reports (en) --
        # -- users (en) --
        # -- api (en) --
        # -- pages (en) --
    },
}
