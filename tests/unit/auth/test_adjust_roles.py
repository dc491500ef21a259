"""AdjustUserRoles: roles another context grants or withdraws (the seller role on the sellers' events)."""

from __future__ import annotations

from core.auth.commands import AdjustRoles
from core.auth.events import RolesChanged
from core.auth.use_cases import AdjustUserRoles
from core.shared.security import Role

from ..harness import AuthApp, Published

SELLER = frozenset({Role.SELLER})


def adjust(auth: AuthApp) -> AdjustUserRoles:
    return AdjustUserRoles(auth.uow, auth.sessions, auth.clock)


async def test_a_role_is_granted_and_the_session_carries_it_at_once(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    published.clear()
    auth.clock.advance(5)

    await adjust(auth)(AdjustRoles(principal.user_id, add=SELLER, by="admin-1"))

    stored = await auth.stored(principal.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER, Role.SELLER})
    assert (await auth.principal(token)).roles == frozenset({Role.CUSTOMER, Role.SELLER})
    [event] = published.of(RolesChanged)
    assert (event.user_id, event.roles, event.by) == (principal.user_id, ["customer", "seller"], "admin-1")
    assert event.occurred_at == auth.clock.now()


async def test_a_role_is_withdrawn_and_the_others_stay(auth: AuthApp, published: Published) -> None:
    principal, token = await auth.signed_in()
    await auth.grant(principal.user_id, Role.SELLER, Role.MODERATOR)
    published.clear()

    await adjust(auth)(AdjustRoles(principal.user_id, remove=SELLER, by="admin-2"))

    assert (await auth.principal(token)).roles == frozenset({Role.CUSTOMER, Role.MODERATOR})
    [event] = published.of(RolesChanged)
    assert (event.roles, event.by) == (["customer", "moderator"], "admin-2")


async def test_granting_a_role_held_already_or_withdrawing_one_not_held_changes_nothing(
    auth: AuthApp, published: Published
) -> None:
    principal, _ = await auth.signed_in()
    await adjust(auth)(AdjustRoles(principal.user_id, add=SELLER))
    published.clear()

    await adjust(auth)(AdjustRoles(principal.user_id, add=SELLER))
    await adjust(auth)(AdjustRoles(principal.user_id, remove=frozenset({Role.CARRIER})))

    stored = await auth.stored(principal.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER, Role.SELLER})
    assert published.envelopes == []


async def test_the_customer_role_is_never_withdrawn(auth: AuthApp, published: Published) -> None:
    principal, _ = await auth.signed_in()
    published.clear()

    await adjust(auth)(AdjustRoles(principal.user_id, remove=frozenset({Role.CUSTOMER})))

    stored = await auth.stored(principal.user_id)
    assert stored is not None
    assert stored.roles == frozenset({Role.CUSTOMER})
    assert published.envelopes == []


async def test_an_unknown_account_is_left_alone(auth: AuthApp, published: Published) -> None:
    await auth.sign_up()
    published.clear()

    await adjust(auth)(AdjustRoles("00000000-0000-7000-8000-000000000099", add=SELLER))

    assert published.envelopes == []


async def test_the_default_author_is_the_system(auth: AuthApp, published: Published) -> None:
    principal, _ = await auth.signed_in()
    published.clear()

    await adjust(auth)(AdjustRoles(principal.user_id, add=SELLER))

    [event] = published.of(RolesChanged)
    assert event.by == "system"
