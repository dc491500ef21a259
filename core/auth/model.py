"""Accounts (credentials and roles) and sessions."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import attrs

from core.auth.events import (
    AccountDeleted,
    PasswordChanged,
    RolesChanged,
    UserLoggedIn,
    UserRegistered,
)
from core.shared.errors import Validation, ValidationFailed
from core.shared.events import Aggregate
from core.shared.security import Principal, Role

EMAIL_MAX = 254
# Deliberately simple: one @, a dotted domain, no spaces. Deliverability is proven by a mail, not a regex.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")

PASSWORD_MIN = 10
# argon2 hashes whatever it is given; the cap keeps a login from being a way to burn CPU.
PASSWORD_MAX = 128
_COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "1234567890",
        "12345678910",
        "123456789",
        "1q2w3e4r5t",
        "iloveyou",
        "admin12345",
        "letmein123",
        "welcome123",
        "abc1234567",
        "aaaaaaaaaa",
        "1111111111",
        "0000000000",
        "marketplace",
        "marketplace1",
        "changeme123",
        "football123",
        "monkey1234",
        "dragon1234",
    }
)

DISPLAY_NAME_MAX = 80


def normalise_email(raw: str, field: str = "email") -> str:
    email = raw.strip().lower()
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise ValidationFailed.of(field, "is not a valid email address")
    return email


def check_password(password: str, email: str, field: str = "password") -> None:
    """The password policy (after NIST SP 800-63B: length and a block list, no composition rules)."""
    v = Validation()
    v.check(len(password) >= PASSWORD_MIN, field, f"must be at least {PASSWORD_MIN} characters")
    v.check(len(password) <= PASSWORD_MAX, field, f"must be at most {PASSWORD_MAX} characters")
    lowered = password.lower()
    v.check(lowered not in _COMMON_PASSWORDS, field, "is too common")
    v.check(len(set(password)) >= 4, field, "needs more variety than a few repeated characters")
    local = email.split("@", 1)[0]
    v.check(len(local) < 4 or local not in lowered, field, "must not contain your email address")
    v.raise_if_any()


def check_display_name(raw: str, field: str = "display_name") -> str:
    name = " ".join(raw.split())
    if not name:
        raise ValidationFailed.of(field, "must not be empty")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationFailed.of(field, f"must be at most {DISPLAY_NAME_MAX} characters")
    if any(ord(c) < 32 for c in name):
        raise ValidationFailed.of(field, "must not contain control characters")
    return name


@attrs.define
class Account(Aggregate):
    id: str
    email: str
    password_hash: str
    roles: frozenset[Role]
    created_at: datetime
    password_changed_at: datetime
    last_login_at: datetime | None = None

    @classmethod
    def register(cls, *, user_id: str, email: str, password_hash: str, display_name: str, now: datetime) -> Account:
        account = cls(
            id=user_id,
            email=email,
            password_hash=password_hash,
            roles=frozenset({Role.CUSTOMER}),
            created_at=now,
            password_changed_at=now,
        )
        account.record(UserRegistered(occurred_at=now, user_id=user_id, email=email, display_name=display_name))
        return account

    def principal(self, session_id: str = "") -> Principal:
        return Principal(self.id, self.roles, session_id)

    def logged_in(self, address: str, now: datetime) -> None:
        self.last_login_at = now
        self.record(UserLoggedIn(occurred_at=now, user_id=self.id, address=address))

    def change_password(self, new_hash: str, now: datetime) -> None:
        self.password_hash = new_hash
        self.password_changed_at = now
        self.record(PasswordChanged(occurred_at=now, user_id=self.id))

    def rehash(self, new_hash: str) -> None:
        """Same password, stronger hash parameters: not a password change, so no event."""
        self.password_hash = new_hash

    def set_roles(self, roles: frozenset[Role], by: str, now: datetime) -> bool:
        roles = roles | {Role.CUSTOMER}
        if roles == self.roles:
            return False
        self.roles = roles
        self.record(RolesChanged(occurred_at=now, user_id=self.id, roles=sorted(r.value for r in roles), by=by))
        return True

    def delete(self, now: datetime) -> None:
        self.record(AccountDeleted(occurred_at=now, user_id=self.id))


def session_id_of(token: str) -> str:
    """Sessions are stored under a hash of the token, so the store never holds a usable credential."""
    return hashlib.sha256(token.encode()).hexdigest()


@attrs.frozen
class Session:
    """A login. It carries its user's roles, so a request is authenticated by reading the session alone;
    a role change rewrites the roles of the user's live sessions. ``roles`` is None in a session stored
    before sessions carried them: its user's account is read instead."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    address: str = ""
    user_agent: str = ""
    roles: frozenset[Role] | None = None

    def principal(self) -> Principal | None:
        return None if self.roles is None else Principal(self.user_id, self.roles, self.id)
