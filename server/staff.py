"""Staff accounts and sessions: argon2 password hashes, lockout after repeated failures,
expiring server-side sessions with a CSRF token each."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from server.store.db import Database
from server.store.models import StaffSession, StaffUser

ROLES = ("reviewer", "admin")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)


class StaffError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class StaffIdentity:
    username: str
    role: str
    csrf_token: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


class StaffAccounts:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._hasher = PasswordHasher()
        # Verifying against a dummy hash keeps unknown names as slow as wrong passwords.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def create(self, username: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise StaffError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 12:
            raise StaffError("the password must have at least 12 characters")
        if not username or len(username) > 64:
            raise StaffError("the user name must have 1 to 64 characters")
        try:
            with self._db.session() as session:
                session.add(
                    StaffUser(
                        username=username, password_hash=self._hasher.hash(password), role=role
                    )
                )
        except IntegrityError:
            raise StaffError(f"a staff account named {username!r} already exists") from None

    def login(
        self, username: str, password: str, now: datetime | None = None
    ) -> tuple[str, StaffIdentity] | None:
        """A new session token and identity, or None (wrong name/password, or locked)."""
        now = now or datetime.now(UTC)
        with self._db.session() as session:
            user = session.scalar(select(StaffUser).where(StaffUser.username == username))
            if user is None or not user.active:
                self._check(self._dummy, password)
                return None
            locked_until = _aware(user.locked_until)
            if locked_until and locked_until > now:
                return None
            if not self._check(user.password_hash, password):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
                return None
            user.failed_logins = 0
            user.locked_until = None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
            session.add(
                StaffSession(
                    token_hash=_hash_token(token),
                    user_id=user.id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
            return token, StaffIdentity(user.username, user.role, csrf)

    def _check(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False

    def identity(self, token: str, now: datetime | None = None) -> StaffIdentity | None:
        now = now or datetime.now(UTC)
        with self._db.session() as session:
            row = session.get(StaffSession, _hash_token(token))
            if row is None or _aware(row.expires_at) <= now:  # type: ignore[operator]
                return None
            user = session.get(StaffUser, row.user_id)
            if user is None or not user.active:
                return None
            return StaffIdentity(user.username, user.role, row.csrf_token)

    def logout(self, token: str) -> None:
        with self._db.session() as session:
            row = session.get(StaffSession, _hash_token(token))
            if row is not None:
                session.delete(row)

    # --- administration --------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        with self._db.session() as session:
            return [
                Account(u.username, u.role, u.active, _aware(u.locked_until), u.created_at)
                for u in session.scalars(select(StaffUser).order_by(StaffUser.username))
            ]

    def _user(self, session, username: str) -> StaffUser:  # type: ignore[no-untyped-def]
        user = session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise LookupError(username)
        return user  # type: ignore[no-any-return]

    def unlock(self, username: str) -> None:
        with self._db.session() as session:
            user = self._user(session, username)
            user.locked_until = None
            user.failed_logins = 0

    def deactivate(self, username: str) -> None:
        """The account can no longer sign in, and its open sessions end now."""
        with self._db.session() as session:
            user = self._user(session, username)
            user.active = False
            session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
