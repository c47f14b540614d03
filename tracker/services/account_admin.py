"""Account administration from the web: the guards `accounts` leaves to its callers.

An administrator may not disable their own account or change their own role (another
administrator does that), and no change may leave the system without an active administrator.
The changes themselves, and their change records, are `accounts.disable_account` and
`accounts.set_role`; this module only refuses first, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from tracker.domain import Role
from tracker.models import Account, Division, Officer, OfficerCreate
from tracker.services import accounts
from tracker.services.accounts import AccountRefused
from tracker.services.lookup import find_officer
from tracker.services.owners import add_officer


@dataclass(frozen=True)
class AccountListed:
    """An account as the users page shows it."""

    login: str
    officer_id: int
    officer: str
    email: str
    division: str
    role: Role
    active: bool


def account_rows(*, session: Session) -> list[AccountListed]:
    """Every account with its officer's division; `accounts.list_accounts` without it."""
    rows = session.exec(
        select(Account, Officer, Division.name)
        .join(Officer, col(Officer.id) == Account.officer_id)
        .outerjoin(Division, col(Division.id) == Officer.division_id)
        .order_by(col(Account.login))
    ).all()
    return [
        AccountListed(
            login=account.login,
            officer_id=officer.id or 0,
            officer=officer.name,
            email=officer.email or "",
            division=division or "",
            role=officer.role,
            active=officer.active,
        )
        for account, officer, division in rows
    ]


def officers_without_account(*, session: Session) -> list[Officer]:
    """Active officers who cannot sign in yet: those an account may be added for."""
    has_account = select(Account.officer_id)
    return list(
        session.exec(
            select(Officer)
            .where(col(Officer.active).is_(True), col(Officer.id).not_in(has_account))
            .order_by(col(Officer.name), col(Officer.id))
        ).all()
    )


def active_admins(*, session: Session) -> int:
    """Administrators who can sign in: an active officer with an account."""
    return session.exec(
        select(func.count())
        .select_from(Account)
        .join(Officer, col(Officer.id) == Account.officer_id)
        .where(Officer.role == Role.ADMIN, col(Officer.active).is_(True))
    ).one()


def disable_account(
    login: str, *, session: Session, actor: str, acting_account_id: int | None
) -> Account:
    """`accounts.disable_account`, unless it is the actor's own or the last administrator's."""
    target, officer = _target(login, session=session)
    if acting_account_id is not None and target.id == acting_account_id:
        raise AccountRefused("account.own_disable")
    if officer.active and officer.role is Role.ADMIN and active_admins(session=session) <= 1:
        raise AccountRefused("account.last_admin", login=target.login)
    return accounts.disable_account(login, session=session, actor=actor)


def set_role(
    login: str, role: Role, *, session: Session, actor: str, acting_account_id: int | None
) -> Role:
    """`accounts.set_role`, unless it is the actor's own role or takes the last administrator
    away."""
    target, officer = _target(login, session=session)
    if acting_account_id is not None and target.id == acting_account_id:
        raise AccountRefused("account.own_role")
    if (
        role is not Role.ADMIN
        and officer.role is Role.ADMIN
        and officer.active
        and active_admins(session=session) <= 1
    ):
        raise AccountRefused("account.last_admin", login=target.login)
    return accounts.set_role(login, role, session=session, actor=actor)


def _target(login: str, *, session: Session) -> tuple[Account, Officer]:
    account = accounts.find_account(login, session=session)
    officer = session.get(Officer, account.officer_id)
    assert officer is not None
    return account, officer


def officer_for_account(
    on_file: str, new: OfficerCreate, *, division: str, session: Session, actor: str
) -> Officer:
    """The officer an account is added for: the one chosen on file (`on_file`, an id or a
    name), or a new one. A new officer may not share a name with one on file: every lookup by
    name (handover, digests, `--owner`) would become ambiguous."""
    if on_file.strip():
        return find_officer(on_file.strip(), session=session)
    name = new.name.strip()
    if not name:
        raise AccountRefused("account.choose_officer")
    if session.exec(select(Officer).where(Officer.name == name)).first() is not None:
        raise AccountRefused("account.officer_on_file", name=name)
    return add_officer(new, session=session, actor=actor, division=division.strip() or None)
