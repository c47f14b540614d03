"""Fixed words of the digest mail, in Korean and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "ko": {
        "subject": "[이행점검] {name}님 담당 이행과제 요약 ({period})",
        "greeting": "{name}님, 담당 이행과제 중 확인이 필요한 사항입니다.",
        "since": "{since} 이후",
        "due": "점검 회의 임박",
        "stale": "장기 미갱신",
        "stalled": "정체",
        "changed": "다른 사람이 변경",
        "reports": "생성된 보고서",
        "meetings": "예정 회의",
        "count": "{n}건",
        "more": "외 {n}건",
        "full_list": "전체 목록 보기",
        "agreements": "합의문서",
        "settings": "요약 메일 설정 변경",
        "footer": "이 메일은 tracker가 보냈습니다. 수신 빈도와 언어는 설정에서 바꿀 수 있습니다.",
    },
    "en": {
        "subject": "[tracker] Commitments for {name} ({period})",
        "greeting": "{name}, these of your commitments need a look.",
        "since": "since {since}",
        "due": "Reviewing meeting near",
        "stale": "No recent update",
        "stalled": "Stalled",
        "changed": "Changed by someone else",
        "reports": "Reports generated",
        "meetings": "Planned meetings",
        "count": "{n}",
        "more": "and {n} more",
        "full_list": "See the full list",
        "agreements": "Agreements",
        "settings": "Change your digest settings",
        "footer": "Sent by tracker. Change how often and in which language in your settings.",
    },
}
