from __future__ import annotations

import pytest

from core.shared.errors import PermissionDenied
from core.shared.security import Principal, Role


def principal(*roles: Role, user_id: str = "u-1") -> Principal:
    return Principal(user_id, frozenset(roles), "session-1")


def test_a_principal_has_the_roles_it_holds_and_no_other() -> None:
    seller = principal(Role.CUSTOMER, Role.SELLER)

    assert seller.has(Role.SELLER)
    assert seller.has(Role.CUSTOMER)
    assert not seller.has(Role.MODERATOR)
    assert not seller.has(Role.ADMIN)


@pytest.mark.parametrize("role", list(Role))
def test_an_admin_holds_every_role(role: Role) -> None:
    assert principal(Role.ADMIN).has(role)
    principal(Role.ADMIN).require(role)


def test_require_passes_with_any_of_the_roles() -> None:
    principal(Role.CUSTOMER, Role.CARRIER).require(Role.SELLER, Role.CARRIER)


def test_require_refuses_naming_the_missing_roles() -> None:
    with pytest.raises(PermissionDenied, match="seller, moderator"):
        principal(Role.CUSTOMER).require(Role.SELLER, Role.MODERATOR)


def test_a_user_may_act_on_their_own_account_only() -> None:
    alice = principal(Role.CUSTOMER, Role.SELLER, Role.MODERATOR, user_id="alice")

    alice.require_self_or_admin("alice")
    with pytest.raises(PermissionDenied):
        alice.require_self_or_admin("bob")


def test_an_admin_may_act_on_any_account() -> None:
    principal(Role.ADMIN, user_id="root").require_self_or_admin("bob")


def test_roles_are_their_wire_names() -> None:
    assert [r.value for r in Role] == ["customer", "seller", "carrier", "moderator", "admin"]
    assert Role("seller") is Role.SELLER
    assert sorted({Role.SELLER, Role.ADMIN, Role.CUSTOMER}) == [Role.ADMIN, Role.CUSTOMER, Role.SELLER]
