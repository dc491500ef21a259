"""Seller accounts: the application, its verification by an admin, suspension, and the storefront.

A seller's id is the user id of the account that applied (one seller account per user). The life of a
seller account::

    pending --verify--> verified --suspend--> suspended --reinstate--> verified
       \\--reject--> rejected --(the user applies again)--> pending

Every other move is refused with ``Conflict``; every move is an event.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

import attrs

from core.sellers.events import (
    SellerApplied,
    SellerClosed,
    SellerReinstated,
    SellerRejected,
    SellerSuspended,
    SellerVerified,
    StorefrontUpdated,
)
from core.shared.countries import COUNTRIES
from core.shared.errors import Conflict, Validation
from core.shared.events import Aggregate
from core.shared.pagination import moment_key

LEGAL_NAME_MAX = 200
DISPLAY_NAME_MAX = 80
DESCRIPTION_MAX = 2000
REASON_MAX = 500
LOGO_URL_MAX = 2048
# A reference into the payment provider (acct_123), never the bank details themselves.
_PAYOUT_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{2,63}", re.ASCII)


CLOSED_SHOP_NAME = "Closed shop"


class SellerStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    CLOSED = "closed"  # the user deleted their account; nothing personal is kept


def _control_characters(text: str, allowed: str = "") -> bool:
    return any(ord(c) < 32 and c not in allowed for c in text)


def clean_line(v: Validation, value: str, field: str, *, max_len: int) -> str:
    """One line of text, its runs of whitespace folded to one space; required."""
    if _control_characters(value, "\t"):
        v.add(field, "must not contain control characters")
        return value
    text = " ".join(value.split())
    if not text:
        v.add(field, "must not be empty")
    elif len(text) > max_len:
        v.add(field, f"must be at most {max_len} characters")
    return text


def clean_description(v: Validation, value: str, field: str = "description") -> str:
    """Free text that keeps its line breaks; may be empty."""
    text = value.strip().replace("\r\n", "\n")
    if _control_characters(text, "\t\n"):
        v.add(field, "must not contain control characters")
    elif len(text) > DESCRIPTION_MAX:
        v.add(field, f"must be at most {DESCRIPTION_MAX} characters")
    return text


def check_country(v: Validation, value: str, field: str = "country") -> str:
    country = value.strip().upper()
    v.check(country in COUNTRIES, field, "must be an ISO 3166-1 alpha-2 code such as DE")
    return country


def check_payout_reference(v: Validation, value: str, field: str = "payout_reference") -> str:
    reference = value.strip()
    v.check(
        bool(_PAYOUT_REFERENCE.fullmatch(reference)),
        field,
        "must be the payment provider's account reference (3 to 64 letters, digits, _ or -), such as acct_123",
    )
    return reference


def check_logo_url(v: Validation, value: str | None, field: str = "logo_url") -> str | None:
    if value is None:
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    ok = (
        parts is not None
        and parts.scheme == "https"
        and bool(host)
        and len(url) <= LOGO_URL_MAX
        and not any(c.isspace() or ord(c) < 32 for c in url)
    )
    v.check(ok, field, f"must be an https URL of at most {LOGO_URL_MAX} characters, or null")
    return url


def check_reason(v: Validation, value: str, field: str = "reason") -> str:
    return clean_line(v, value, field, max_len=REASON_MAX)


@attrs.frozen
class Application:
    """What a user sends to become a seller, already checked (``Application.checked``)."""

    legal_name: str
    display_name: str
    country: str
    payout_reference: str = attrs.field(repr=False)

    @classmethod
    def checked(cls, *, legal_name: str, display_name: str, country: str, payout_reference: str) -> Application:
        """Trimmed and checked; raises ``ValidationFailed`` naming every bad field."""
        v = Validation()
        application = cls(
            legal_name=clean_line(v, legal_name, "legal_name", max_len=LEGAL_NAME_MAX),
            display_name=clean_line(v, display_name, "display_name", max_len=DISPLAY_NAME_MAX),
            country=check_country(v, country),
            payout_reference=check_payout_reference(v, payout_reference),
        )
        v.raise_if_any()
        return application


@attrs.define
class Seller(Aggregate):
    """A seller account and its storefront. ``version`` guards against two admins deciding at once."""

    id: str  # the applicant's user id
    legal_name: str
    display_name: str
    country: str
    payout_reference: str = attrs.field(repr=False)
    status: SellerStatus
    applied_at: datetime
    updated_at: datetime
    description: str = ""
    logo_url: str | None = None
    reason: str | None = None  # why it was rejected or suspended, while it is
    decided_at: datetime | None = None
    decided_by: str | None = None
    verified_at: datetime | None = None  # the first verification: "member since"
    version: int = 0

    @classmethod
    def apply(cls, user_id: str, application: Application, now: datetime) -> Seller:
        seller = cls(
            id=user_id,
            legal_name=application.legal_name,
            display_name=application.display_name,
            country=application.country,
            payout_reference=application.payout_reference,
            status=SellerStatus.PENDING,
            applied_at=now,
            updated_at=now,
        )
        seller._applied(now)
        return seller

    def apply_again(self, application: Application, now: datetime) -> None:
        """Only a rejected applicant may apply again; the new application starts over as pending."""
        if self.status is not SellerStatus.REJECTED:
            raise Conflict(f"you already have a seller account ({self.status.value}); one per user")
        self.legal_name = application.legal_name
        self.display_name = application.display_name
        self.country = application.country
        self.payout_reference = application.payout_reference
        self.status = SellerStatus.PENDING
        self.reason = self.decided_at = self.decided_by = None
        self.applied_at = self.updated_at = now
        self._applied(now)

    def _applied(self, now: datetime) -> None:
        self.record(
            SellerApplied(
                occurred_at=now,
                seller_id=self.id,
                user_id=self.id,
                display_name=self.display_name,
                legal_name=self.legal_name,
                country=self.country,
            )
        )

    def _move(self, allowed_from: SellerStatus, to: SellerStatus, by: str, now: datetime, reason: str | None) -> None:
        if self.status is not allowed_from:
            raise Conflict(f"a {self.status.value} seller cannot become {to.value}")
        self.status = to
        self.reason = reason
        self.decided_at = self.updated_at = now
        self.decided_by = by

    def verify(self, by: str, now: datetime) -> None:
        self._move(SellerStatus.PENDING, SellerStatus.VERIFIED, by, now, None)
        self.verified_at = self.verified_at or now
        self.record(
            SellerVerified(occurred_at=now, seller_id=self.id, user_id=self.id, display_name=self.display_name, by=by)
        )

    def reject(self, reason: str, by: str, now: datetime) -> None:
        self._move(SellerStatus.PENDING, SellerStatus.REJECTED, by, now, reason)
        self.record(SellerRejected(occurred_at=now, seller_id=self.id, user_id=self.id, reason=reason, by=by))

    def suspend(self, reason: str, by: str, now: datetime) -> None:
        self._move(SellerStatus.VERIFIED, SellerStatus.SUSPENDED, by, now, reason)
        self.record(SellerSuspended(occurred_at=now, seller_id=self.id, user_id=self.id, reason=reason, by=by))

    def close(self, now: datetime) -> bool:
        """The account's user is gone: close the shop and erase what identified a person. Safe to repeat."""
        if self.status is SellerStatus.CLOSED:
            return False
        self.status = SellerStatus.CLOSED
        self.legal_name = self.payout_reference = self.description = ""
        self.display_name = CLOSED_SHOP_NAME
        self.logo_url = None
        self.reason = "account deleted"
        self.decided_at = self.updated_at = now
        self.decided_by = "system"
        self.record(SellerClosed(occurred_at=now, seller_id=self.id, user_id=self.id))
        return True

    def reinstate(self, by: str, now: datetime) -> None:
        self._move(SellerStatus.SUSPENDED, SellerStatus.VERIFIED, by, now, None)
        self.record(SellerReinstated(occurred_at=now, seller_id=self.id, user_id=self.id, by=by))

    @property
    def is_public(self) -> bool:
        """Only a verified seller's storefront is shown to anyone."""
        return self.status is SellerStatus.VERIFIED

    def edit_storefront(
        self,
        *,
        display_name: str | None,
        description: str | None,
        logo_url: str | None,
        clear_logo: bool,
        now: datetime,
    ) -> bool:
        """Change what was given; return whether anything changed (only then is there an event)."""
        wanted = (
            display_name if display_name is not None else self.display_name,
            description if description is not None else self.description,
            None if clear_logo else (logo_url if logo_url is not None else self.logo_url),
        )
        if wanted == (self.display_name, self.description, self.logo_url):
            return False
        self.display_name, self.description, self.logo_url = wanted
        self.updated_at = now
        self.record(
            StorefrontUpdated(
                occurred_at=now,
                seller_id=self.id,
                display_name=self.display_name,
                description=self.description,
                logo_url=self.logo_url,
            )
        )
        return True


def list_position(seller: Seller) -> list[str]:
    """The keyset cursor of an admin's list of sellers: (applied_at, id)."""
    return moment_key(seller.applied_at, seller.id)
