"""Sign-in as the web app uses it: the throttle's own refusal, and no telling which logins
exist from how long a refusal takes."""

from __future__ import annotations

import pytest
from pwdlib import PasswordHash
from sqlmodel import Session

from tests.factories import import_seed
from tests.web.helpers import PASSWORD
from tracker.services import accounts, throttle
from tracker.services.lookup import find_officer


class SpyHasher:
    def __init__(self) -> None:
        self.real = PasswordHash.recommended()
        self.checked: list[str] = []

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        self.checked.append(hashed)
        return self.real.verify(password, hashed)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> SpyHasher:
    hasher = SpyHasher()
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)
    return hasher


def test_an_unknown_login_costs_a_password_check_like_a_known_one(
    session: Session, spy: SpyHasher
) -> None:
    import_seed(session)
    officer = find_officer("정진우", session=session)
    accounts.add_account(officer, login="jwjung", password=PASSWORD, session=session, actor="t")
    with pytest.raises(accounts.SignInRefused, match="wrong login or password"):
        accounts.sign_in("nobody", PASSWORD, session=session, address="10.0.0.1")
    assert spy.checked == [accounts._dummy_hash()]
    with pytest.raises(accounts.SignInRefused, match="wrong login or password"):
        accounts.sign_in("jwjung", "wrong password!", session=session, address="10.0.0.1")
    assert len(spy.checked) == 2
    assert accounts.sign_in("jwjung", PASSWORD, session=session, address="10.0.0.1").token


def test_the_throttle_refuses_with_its_own_kind_and_checks_no_password(
    session: Session, spy: SpyHasher
) -> None:
    for _ in range(throttle.LIMITS.per_login):
        throttle.record_failure("jwjung", "10.0.0.2", session=session)
    with pytest.raises(throttle.SignInThrottled, match="too many failed sign-ins"):
        accounts.sign_in("jwjung", PASSWORD, session=session, address="10.0.0.3")
    assert spy.checked == []
    # Not a refused password: the page answers 429 and the try is not counted as a failure.
    assert not issubclass(throttle.SignInThrottled, accounts.SignInRefused)
