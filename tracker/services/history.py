"""One description of a change record, in any language, from the facts it keeps.

A change record (`ChangeRecord`) keeps its facts as data in `detail`: who, which field, before,
after, the cycle, the score. `describe_change` words a record for the pages, the audit log and
the CLI from the catalogues (`history.*`), so no page cuts an English sentence apart. Rules:
- an action has a message `history.<action>` whose fields are the detail's keys (a missing key
  is left out of the record's description rather than guessed);
- a value that is itself a word (a role, a score, a meeting's state) is said in the language;
- an action without a message of its own lists its facts as "field: value", each field named
  by `history.field.<key>` when the catalogue has it;
- `summary` (an English sentence older records carry) is never shown: the facts beside it are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tracker.words import knows, say

# Detail keys that are not facts to show: ids for links, versions, the old sentences.
HIDDEN = {"summary", "version", "merged_id", "meeting_id", "mechanism_id", "token", "reason"}
StatusWord = Callable[[str, str], str]  # (status code, language) → the configured label


def action_id(action: str) -> str:
    """The catalogue id of an action's name ("api token issued": api_token_issued)."""
    return "history.action." + _slug(action)


def action_word(action: str, language: str) -> str:
    """An action's name in `language` (the action itself when the catalogue lacks it)."""
    found = action_id(action)
    return say(language, found) if knows(language, found) else action


def describe_change(
    entity: str,
    action: str,
    detail: Mapping[str, Any],
    *,
    language: str,
    status_word: StatusWord | None = None,
) -> str:
    """What the record says after its action's name ("" when the action says it all): the
    rule for the entity's action, else for the action, else its facts listed."""
    facts = {key: value for key, value in detail.items() if key not in HIDDEN}
    slug = _slug(action)
    special = _SPECIAL.get(f"{entity}.{slug}") or _SPECIAL.get(slug)
    if special is not None:
        return special(facts, language, status_word)
    for message in (f"history.{entity}.{slug}", f"history.{slug}"):
        if knows(language, message):
            fields = {key: _said(key, value, language) for key, value in facts.items()}
            try:
                return say(language, message, **fields)
            except KeyError:  # an older record without one of the message's facts
                break
    return _facts(facts, language)


def _slug(action: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", action.lower()).strip("_")


def _facts(facts: Mapping[str, Any], language: str) -> str:
    shown = []
    for key, value in facts.items():
        if value in (None, "", [], {}):
            continue
        shown.append(f"{_field_name(key, language)}: {_said(key, value, language)}")
    return "; ".join(shown)


WORDS = {  # detail keys whose values are words, and the catalogue id of each value
    "role": "user_role_%s",
    "from_role": "user_role_%s",
    "to_role": "user_role_%s",
    "scope": "token_scope_%s",
    "state": "cal_state_%s",
    "cadence_from": "cadence.%s",
    "cadence_to": "cadence.%s",
}


def _said(key: str, value: Any, language: str) -> str:
    if key in WORDS and isinstance(value, str) and knows(language, WORDS[key] % value):
        return say(language, WORDS[key] % value)
    if isinstance(value, bool):
        return say(language, "history.yes") if value else say(language, "history.no")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Mapping):
        return _facts(value, language)
    return str(value)


def _score(score: Any, language: str) -> str:
    return say(language, "not_assessed" if score is None else f"score_{int(score)}")


def _assessment(facts: Mapping[str, Any], language: str, _status: StatusWord | None) -> str:
    if facts.get("cycle") is None:
        return ""
    text = say(
        language,
        "history.assessment",
        cycle=facts["cycle"],
        previous=_score(facts.get("previous"), language),
        score=_score(facts.get("score"), language),
    )
    return f"{text}; {facts['rationale']}" if facts.get("rationale") else text


def _status(facts: Mapping[str, Any], language: str, status_word: StatusWord | None) -> str:
    code = str(facts.get("status", ""))
    label = status_word(code, language) if status_word and code else code
    as_of = facts.get("as_of") or facts.get("as of", "")  # the audit log's entry says "as of"
    text = say(language, "history.status", status=label, as_of=as_of)
    if facts.get("corrects_id"):
        text += "; " + say(language, "hist_corrects", id=facts["corrects_id"])
    narrative = facts.get("narrative") or facts.get("note")
    if narrative:
        text += f"; {narrative}"
    return text


def _changes(facts: Mapping[str, Any], language: str, _status: StatusWord | None) -> str:
    changes = facts.get("changes")
    if not isinstance(changes, Mapping):
        return _facts(facts, language)
    shown = []
    for field, change in changes.items():
        name = "owner" if field == "officer" else str(field)
        label = say(language, name) if knows(language, name) else field
        if isinstance(change, Mapping):
            before, after = change.get("from") or "-", change.get("to") or "-"
            shown.append(f"{label}: {before} → {after}")
        else:
            shown.append(f"{label}: {change}")
    return "; ".join(shown)


def _role(facts: Mapping[str, Any], language: str, _status: StatusWord | None) -> str:
    return say(
        language,
        "history.role",
        before=_said("role", facts.get("from", ""), language),
        after=_said("role", facts.get("to", ""), language),
    )


def _meeting(facts: Mapping[str, Any], language: str, _status: StatusWord | None) -> str:
    state = "planned" if facts.get("planned") else "held"
    text = say(
        language,
        "history.meeting",
        held_on=facts.get("held_on", ""),
        state=_said("state", state, language),
    )
    if facts.get("mechanism"):
        text = f"{facts['mechanism']} {text}"
    if facts.get("place"):
        text = f"{text} · {facts['place']}"
    if facts.get("changed"):
        names = [_field_name(name, language) for name in facts["changed"]]
        text += "; " + say(language, "history.changed", fields=", ".join(names))
    return text


def _field_name(key: str, language: str) -> str:
    """A detail key as the catalogue names it ("sessions revoked": 종료한 세션), else itself."""
    name = f"history.field.{_slug(key)}"
    return say(language, name) if knows(language, name) else key


def _nothing(_facts: Mapping[str, Any], _language: str, _status: StatusWord | None) -> str:
    return ""


_SPECIAL: dict[str, Callable[[Mapping[str, Any], str, StatusWord | None], str]] = {
    "assessment": _assessment,
    "status": _status,
    "correction": _status,
    "owner": _changes,
    "officer.updated": _changes,
    "account.role": _role,
    "meeting.added": _meeting,
    "meeting.updated": _meeting,
    "track": _nothing,  # the ref, where a page needs it, stands before the description
    "untrack": _nothing,
    "enabled": _nothing,
    "signed_out": _nothing,
}
