"""Steps about seller accounts (features/seller_onboarding.feature), and the 'a verified seller' given others use."""

from __future__ import annotations

import json

from pytest_bdd import given, then, when

from core.auth.commands import SetRoles
from core.auth.use_cases import SetUserRoles
from core.shared.security import Role
from features.steps.accounts import DEFAULT_DEVICE, OPERATOR, World, customer, logged_in
from features.steps.text import step
from tests.support.http import Reply

SELLER_PASSWORD = "seller's long passphrase"
# Verifies the sellers of the 'a verified seller' given: made on first use, so a scenario's own admin
# (world.admin) stays whoever the scenario named.
ONBOARDING_ADMIN = "sellers-admin@example.com"
ADMIN_PASSWORD = "the sellers admin's passphrase"


def application(name: str, country: str = "DE", payout_reference: str = "acct_123") -> dict[str, str]:
    return {
        "legal_name": f"{name} GmbH",
        "display_name": name,
        "country": country,
        "payout_reference": payout_reference,
    }


def shop_name(email: str) -> str:
    """The display name the givens apply with: "bob@example.com" -> "Bob's Shop"."""
    return f"{email.split('@')[0].title()}'s Shop"


def _onboarding_admin(world: World) -> str:
    if (ONBOARDING_ADMIN, DEFAULT_DEVICE) not in world.tokens:
        customer(world, ONBOARDING_ADMIN, ADMIN_PASSWORD)
        user_id = world.user_id(ONBOARDING_ADMIN)
        grant = world.server.runtime.resolve(SetUserRoles)
        world.server.call(grant(SetRoles(OPERATOR, user_id, frozenset({Role.ADMIN}))))
        logged_in(world, ONBOARDING_ADMIN)
    return ONBOARDING_ADMIN


def _admin(world: World) -> str:
    assert world.admin is not None, "the scenario needs 'an admin' first"
    return world.admin


def _decide(world: World, admin: str, email: str, decision: str, reason: str | None = None) -> Reply:
    body = None if reason is None else {"reason": reason}
    return world.as_user("POST", admin, f"/api/v1/admin/sellers/{world.user_id(email)}/{decision}", body)


def _storefront(world: World, email: str) -> Reply:
    return world.keep(world.api.get(f"/api/v1/sellers/{world.user_id(email)}", token=""))


# Givens


@given(step('a verified seller "{email}"'))
def verified_seller(world: World, email: str) -> None:
    customer(world, email, SELLER_PASSWORD)
    logged_in(world, email)
    assert world.as_user("POST", email, "/api/v1/sellers/apply", application(shop_name(email))).status == 201
    assert _decide(world, _onboarding_admin(world), email, "verify").status == 200
    # Roles are read from the account on every request, so the first token would do; a fresh login
    # keeps this given independent of that.
    logged_in(world, email)
    assert "seller" in world.api.get("/api/v1/me", token=world.token(email)).body["roles"]


@given(step('"{email}" applied to become the seller "{name}"'))
def applied(world: World, email: str, name: str) -> None:
    assert world.as_user("POST", email, "/api/v1/sellers/apply", application(name)).status == 201


# Whens


@when(step('"{email}" applies to become the seller "{name}" in "{country}" with the payout reference "{reference}"'))
def applies(world: World, email: str, name: str, country: str, reference: str) -> None:
    world.as_user("POST", email, "/api/v1/sellers/apply", application(name, country, reference))


@when(step('"{email}" applies to become the seller "{name}" again'))
def applies_again(world: World, email: str, name: str) -> None:
    world.as_user("POST", email, "/api/v1/sellers/apply", application(name))


@when(step('"{email}" sends the seller application {body}'))
def sends_application(world: World, email: str, body: str) -> None:
    world.as_user("POST", email, "/api/v1/sellers/apply", json.loads(body))


@when("the admin lists the pending seller applications")
def lists_pending(world: World) -> None:
    world.as_user("GET", _admin(world), "/api/v1/admin/sellers?status=pending")


@when(step('the admin verifies the seller "{email}"'))
def admin_verifies(world: World, email: str) -> None:
    _decide(world, _admin(world), email, "verify")


@when(step('the admin rejects the seller "{email}" because "{reason}"'))
def admin_rejects(world: World, email: str, reason: str) -> None:
    _decide(world, _admin(world), email, "reject", reason)


@when(step('the admin suspends the seller "{email}" because "{reason}"'))
def admin_suspends(world: World, email: str, reason: str) -> None:
    _decide(world, _admin(world), email, "suspend", reason)


@when(step('the admin reinstates the seller "{email}"'))
def admin_reinstates(world: World, email: str) -> None:
    _decide(world, _admin(world), email, "reinstate")


@when(step('"{actor}" verifies the seller "{email}"'))
def someone_verifies(world: World, actor: str, email: str) -> None:
    _decide(world, actor, email, "verify")


@when(step('"{email}" describes her storefront as "{description}" with the logo "{logo}"'))
def describes_storefront(world: World, email: str, description: str, logo: str) -> None:
    world.as_user("PATCH", email, "/api/v1/seller/storefront", {"description": description, "logo_url": logo})


@when(step('"{email}" sends the storefront change {body}'))
def sends_storefront_change(world: World, email: str, body: str) -> None:
    world.as_user("PATCH", email, "/api/v1/seller/storefront", json.loads(body))


@when(step('"{email}" reads her storefront'))
def reads_storefront(world: World, email: str) -> None:
    world.as_user("GET", email, "/api/v1/seller/storefront")


# Thens


@then(step('"{email}" sees her seller application "{status}"'))
def sees_application(world: World, email: str, status: str) -> None:
    reply = world.as_user("GET", email, "/api/v1/me/seller")
    assert reply.status == 200, reply.body
    assert reply.body["status"] == status
    assert reply.body["seller_id"] == world.user_id(email)


@then(step('"{email}" sees her seller application "{status}" because "{reason}"'))
def sees_application_because(world: World, email: str, status: str, reason: str) -> None:
    sees_application(world, email, status)
    assert world.last.body["reason"] == reason


@then(step('"{email}" has no seller application'))
def has_no_application(world: World, email: str) -> None:
    assert world.as_user("GET", email, "/api/v1/me/seller").status == 404


@then(step('the list of seller applications shows only "{names}"'))
def list_shows(world: World, names: str) -> None:
    assert world.last.status == 200, world.last.body
    assert [s["display_name"] for s in world.last.body["items"]] == [n.strip() for n in names.split(",")]
    assert all(s["status"] == "pending" for s in world.last.body["items"])


@then(step('the storefront of "{email}" shows the name "{name}" and the description "{description}"'))
def storefront_shows(world: World, email: str, name: str, description: str) -> None:
    reply = _storefront(world, email)
    assert reply.status == 200, reply.body
    assert (reply.body["display_name"], reply.body["description"]) == (name, description)


@then(step('the storefront of "{email}" shows the logo "{logo}", {count:d} products and no rating yet'))
def storefront_counts(world: World, email: str, logo: str, count: int) -> None:
    reply = _storefront(world, email)
    assert reply.status == 200, reply.body
    assert reply.body["logo_url"] == logo
    assert (reply.body["product_count"], reply.body["rating"], reply.body["review_count"]) == (count, None, 0)


@then(step('the storefront of "{email}" is public'))
def storefront_public(world: World, email: str) -> None:
    reply = _storefront(world, email)
    assert reply.status == 200, reply.body
    assert reply.body["seller_id"] == world.user_id(email)


@then(step('the storefront of "{email}" is not found'))
def storefront_not_found(world: World, email: str) -> None:
    assert _storefront(world, email).status == 404


@then(step('"{email}" reading her storefront is answered {status:d}'))
def storefront_answered(world: World, email: str, status: int) -> None:
    reply = world.as_user("GET", email, "/api/v1/seller/storefront")
    assert reply.status == status, reply.body


@then(step('no storefront answer shows "{first}" or "{second}"'))
def storefront_private(world: World, first: str, second: str) -> None:
    public = [r.body for r in world.replies if isinstance(r.body, dict) and "member_since" in r.body]
    assert public, "no storefront was read"
    text = json.dumps(public)
    assert first not in text
    assert second not in text


@then("the deleted user's storefront is not found")
def deleted_storefront_not_found(world: World) -> None:
    assert world.api.get(f"/api/v1/sellers/{world.erased_user_id}").status == 404


@then("the seller account of the deleted user keeps no personal data")
def seller_account_erased(world: World) -> None:
    from core.sellers.model import CLOSED_SHOP_NAME, SellerStatus
    from ports.sellers import SellersUnitOfWork
    from ports.shared import UnitOfWorkFactory

    async def stored() -> object:
        uow = world.server.runtime.resolve(UnitOfWorkFactory[SellersUnitOfWork])()
        async with uow:
            return await uow.sellers.get(world.erased_user_id)

    seller = world.server.call(stored())
    assert seller is not None
    assert seller.status is SellerStatus.CLOSED  # type: ignore[attr-defined]
    assert seller.display_name == CLOSED_SHOP_NAME  # type: ignore[attr-defined]
    assert (seller.legal_name, seller.payout_reference, seller.description) == ("", "", "")  # type: ignore[attr-defined]
