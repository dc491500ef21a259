"""Who is calling: the principal a use case checks before it acts."""

from __future__ import annotations

from enum import StrEnum

import attrs

from core.shared.errors import PermissionDenied


class Role(StrEnum):
    CUSTOMER = "customer"
    SELLER = "seller"
    CARRIER = "carrier"
    MODERATOR = "moderator"
    ADMIN = "admin"


@attrs.frozen
class Principal:
    user_id: str
    roles: frozenset[Role]
    session_id: str = ""

    def has(self, role: Role) -> bool:
        return role in self.roles or Role.ADMIN in self.roles

    def require(self, *roles: Role) -> None:
        """Pass when the principal holds any of ``roles`` (an admin holds every role)."""
        if not any(self.has(role) for role in roles):
            names = ", ".join(r.value for r in roles)
            raise PermissionDenied(f"this needs the role {names}")

    def require_self_or_admin(self, user_id: str) -> None:
        if user_id != self.user_id and Role.ADMIN not in self.roles:
            raise PermissionDenied("you may act only on your own account")
