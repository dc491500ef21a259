"""Steps about checkout, delivery and refunds (features/checkout.feature, delivery.feature, refund.feature).

The scenario's order is the last one checked out. The sandboxes (the payment gateway and the carrier) are
driven through ``tests.support.sandboxes.Sandboxes``: in-process on the memory profile, over HTTP on the
infra profile, where each runs as a server of its own on loopback.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd import given, then, when

from core.auth.commands import SetRoles
from core.auth.use_cases import SetUserRoles
from core.shared.security import Role
from features.steps.accounts import OPERATOR, customer, logged_in
from features.steps.text import step
from tests.support.http import ApiClient, Reply
from tests.support.sandboxes import Sandboxes

if TYPE_CHECKING:
    from features.steps.cart import Shopping

ORDERS = "/api/v1/orders"
# The payment error worker backs off from 30 s (MARKETPLACE_PAYMENT_RETRY_BASE_SECONDS).
A_MINUTE = 61


class Checkout:
    """The last order checked out: its id, its customer and the request that made it."""

    def __init__(self, shopping: Shopping, sandboxes: Sandboxes) -> None:
        self.shopping, self.world, self.sandboxes = shopping, shopping.world, sandboxes
        self.order_id = ""
        self.customer = ""
        self.request: tuple[dict[str, Any], str] | None = None
        self.race: dict[str, Reply] = {}

    def check_out(self, email: str, body: dict[str, Any], key: str) -> Reply:
        world = self.world
        reply = world.keep(world.api.post(ORDERS, body, token=world.token(email), headers={"Idempotency-Key": key}))
        if reply.status in (200, 201):
            self.order_id, self.customer = reply.body["order_id"], email
        self.request = (body, key)
        return reply

    def order(self) -> dict[str, Any]:
        reply = self.world.api.get(f"{ORDERS}/{self.order_id}", token=self.world.token(self.customer))
        assert reply.status == 200, reply.body
        view: dict[str, Any] = reply.body
        return view

    def tracking(self, email: str | None = None) -> Reply:
        who = email or self.customer
        return self.world.keep(self.world.api.get(f"{ORDERS}/{self.order_id}/tracking", token=self.world.token(who)))

    def tracking_number(self) -> str:
        reply = self.tracking()
        assert reply.status == 200, reply.body
        return str(reply.body["tracking_number"])

    def seller_of(self, title: str) -> str:
        return self.shopping.catalog.sellers[title]


@pytest.fixture
def sandboxes(server: Any) -> Sandboxes:
    return Sandboxes(server)


@pytest.fixture
def checkout(shopping: Shopping, sandboxes: Sandboxes) -> Checkout:
    return Checkout(shopping, sandboxes)


def _address_id(checkout: Checkout, email: str, label: str) -> str:
    reply = checkout.world.api.get("/api/v1/me/addresses", token=checkout.world.token(email))
    assert reply.status == 200, reply.body
    return next(str(a["address_id"]) for a in reply.body["items"] if a["label"] == label)


def _money(price: str, currency: str) -> dict[str, Any]:
    from features.steps.cart import _money as money

    return money(f"{price} {currency}")


# --- checkout ---------------------------------------------------------------------------------------


@when(step('"{email}" checks out to "{label}" paying with "{token}"'))
def checks_out(checkout: Checkout, email: str, label: str, token: str) -> None:
    body = {"address_id": _address_id(checkout, email, label), "payment_token": token}
    checkout.check_out(email, body, str(uuid.uuid4()))


@when(step('"{email}" sends the same checkout again'))
def sends_same_checkout(checkout: Checkout, email: str) -> None:
    assert checkout.request is not None
    body, key = checkout.request
    checkout.check_out(email, body, key)


@when(step('"{first}" and "{second}" check out at the same moment paying with "{token}"'))
def check_out_at_once(checkout: Checkout, first: str, second: str, token: str) -> None:
    world = checkout.world
    bodies = {
        email: {"address_id": _address_id(checkout, email, "Home"), "payment_token": token} for email in (first, second)
    }

    def place(email: str) -> Reply:
        client = ApiClient(world.api.base_url)  # a session per customer: the two requests really overlap
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return client.post(ORDERS, bodies[email], token=world.token(email), headers=headers)

    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = dict(zip((first, second), pool.map(place, (first, second)), strict=True))
    world.server.settle()
    checkout.race = replies


@then(step('one of the two orders is "{status}" and the other was refused or cancelled because "{words}"'))
def race_outcome(checkout: Checkout, status: str, words: str) -> None:
    world = checkout.world
    outcomes = []
    for email, reply in checkout.race.items():
        if reply.status == 409:
            outcomes.append(("refused", reply.body["detail"]))
            continue
        assert reply.status == 201, reply.body
        order = world.api.get(f"{ORDERS}/{reply.body['order_id']}", token=world.token(email)).body
        outcomes.append((order["status"], order.get("cancel_reason") or ""))
        if order["status"] == status:
            checkout.order_id, checkout.customer = order["order_id"], email
    assert sorted(o[0] for o in outcomes) in ([status, "refused"], ["cancelled", status]), outcomes
    loser = next(detail for outcome, detail in outcomes if outcome != status)
    assert words in loser or "available" in loser, outcomes


@when(step('"{email}" cancels the order because "{reason}"'))
def cancels(checkout: Checkout, email: str, reason: str) -> None:
    checkout.world.as_user("POST", email, f"{ORDERS}/{checkout.order_id}/cancel", {"reason": reason})


@when(step('"{email}" reads the order'))
def reads_order(checkout: Checkout, email: str) -> None:
    checkout.world.as_user("GET", email, f"{ORDERS}/{checkout.order_id}")


@when(step('"{email}" marks the order ready to ship'))
def marks_ready(checkout: Checkout, email: str) -> None:
    reply = checkout.world.as_user("POST", email, f"/api/v1/seller/orders/{checkout.order_id}/ready")
    assert reply.status == 200, reply.body


@given("the gateway's webhooks get lost on the way")
def gateway_webhooks_lost(checkout: Checkout) -> None:
    checkout.sandboxes.gateway_webhooks_lost()


@when("the payment error worker runs a minute later")
def error_worker_runs(checkout: Checkout) -> None:
    checkout.sandboxes.run_worker("payment-errors", after_seconds=A_MINUTE)


@when("the payment error worker has tried for a day")
def error_worker_tries_a_day(checkout: Checkout) -> None:
    for _ in range(24):
        checkout.sandboxes.run_worker("payment-errors", after_seconds=3600)


@when("the gateway sends its last webhook again")
def gateway_repeats_webhook(checkout: Checkout) -> None:
    checkout.world.keep(checkout.sandboxes.resend_last_gateway_webhook(checkout.world.api))


@when("a gateway webhook arrives with a bad signature")
def gateway_webhook_bad_signature(checkout: Checkout) -> None:
    checkout.world.keep(checkout.sandboxes.forged_gateway_webhook(checkout.world.api))


@then(step('the order is "{status}" with a total of {price} {currency}'))
def order_is_with_total(checkout: Checkout, status: str, price: str, currency: str) -> None:
    order = checkout.order()
    assert order["status"] == status, order
    assert order["total"] == _money(price, currency)


@then(step('the order is "{status}" because "{words}"'))
def order_is_because(checkout: Checkout, status: str, words: str) -> None:
    order = checkout.order()
    assert order["status"] == status, order
    assert words.lower() in (order["cancel_reason"] or "").lower(), order


@then(step('the order is "{status}"'))
def order_is(checkout: Checkout, status: str) -> None:
    order = checkout.order()
    assert order["status"] == status, order


@then(step('the payment of the order is "{status}" for {price} {currency}'))
def payment_is(checkout: Checkout, status: str, price: str, currency: str) -> None:
    world = checkout.world
    reply = world.api.get(f"{ORDERS}/{checkout.order_id}/payment", token=world.token(checkout.customer))
    assert reply.status == 200, reply.body
    assert reply.body["status"] == status, reply.body
    assert reply.body["amount"] == _money(price, currency)
    assert "payment_token" not in reply.body


@then(step('the cart of "{email}" is empty'))
def cart_empty(checkout: Checkout, email: str) -> None:
    reply = checkout.world.api.get("/api/v1/cart", token=checkout.world.token(email))
    assert reply.status == 200, reply.body
    assert reply.body["lines"] == []


@then(step('"{email}" sees the order with {quantity:d} "{title}"'))
def seller_sees_order(checkout: Checkout, email: str, quantity: int, title: str) -> None:
    reply = checkout.world.api.get("/api/v1/seller/orders", token=checkout.world.token(email))
    assert reply.status == 200, reply.body
    orders = [o for o in reply.body["items"] if o["order_id"] == checkout.order_id]
    assert len(orders) == 1, reply.body
    lines = [(line["product_id"], line["quantity"]) for line in orders[0]["lines"]]
    assert lines == [(checkout.shopping.product_id(title), quantity)]


@then(step('"{email}" has {count:d} order'))
def has_orders(checkout: Checkout, email: str, count: int) -> None:
    reply = checkout.world.api.get(ORDERS, token=checkout.world.token(email))
    assert reply.status == 200, reply.body
    assert len(reply.body["items"]) == count, reply.body


def _ledger(checkout: Checkout, name: str, currency: str = "EUR") -> dict[str, int]:
    """What the gateway did of one kind ("authorized", "captured", "voided", "refunded") in one currency."""
    entry: dict[str, int] = checkout.sandboxes.gateway_ledger().get(currency, {}).get(name, {"amount": 0, "count": 0})
    return entry


@then(step("the gateway holds {count:d} authorization for {price} {currency}"))
def gateway_holds_one(checkout: Checkout, count: int, price: str, currency: str) -> None:
    assert _ledger(checkout, "authorized", currency) == {"count": count, "amount": _money(price, currency)["amount"]}


@then(step("the gateway holds {count:d} authorizations"))
def gateway_holds(checkout: Checkout, count: int) -> None:
    assert _ledger(checkout, "authorized")["count"] == count


@then("the gateway has captured nothing")
def gateway_captured_nothing(checkout: Checkout) -> None:
    assert _ledger(checkout, "captured")["count"] == 0


@then(step("the gateway has captured {price} {currency}"))
def gateway_captured(checkout: Checkout, price: str, currency: str) -> None:
    assert _ledger(checkout, "captured", currency)["amount"] == _money(price, currency)["amount"]


@then(step("the gateway has refunded {price} {currency}"))
def gateway_refunded(checkout: Checkout, price: str, currency: str) -> None:
    assert _ledger(checkout, "refunded", currency)["amount"] == _money(price, currency)["amount"]


@then(step('the carrier has the parcel "{status}"'))
def carrier_has_parcel(checkout: Checkout, status: str) -> None:
    reply = checkout.tracking()
    assert reply.status == 200, reply.body
    assert reply.body["status"] == status, reply.body
    assert reply.body["tracking_number"], reply.body


@when("the payment error worker has caught up")
def error_worker_caught_up(checkout: Checkout) -> None:
    # Each pass settles what it can: a void the saga asked for after one pass's authorization is the next's.
    for _ in range(5):
        checkout.sandboxes.run_worker("payment-errors", after_seconds=A_MINUTE * 2)


@when(step('"{email}" logs in again'))
def logs_in_again(checkout: Checkout, email: str) -> None:
    assert checkout.world.log_in(email, checkout.world.passwords[email]).status == 200


# --- delivery ---------------------------------------------------------------------------------------


def _paid_order(checkout: Checkout, email: str, quantity: int, title: str) -> None:
    body = {"product_id": checkout.shopping.product_id(title), "quantity": quantity}
    assert checkout.world.as_user("POST", email, "/api/v1/cart/items", body).status == 200
    checks_out(checkout, email, "Home", "tok_visa")
    assert checkout.order()["status"] == "paid"
    marks_ready(checkout, checkout.seller_of(title))
    assert checkout.tracking().status == 200


@given(step('"{email}" has a paid order of {quantity:d} "{title}" ready to ship'))
def has_paid_order(checkout: Checkout, email: str, quantity: int, title: str) -> None:
    _paid_order(checkout, email, quantity, title)


@given(step('"{email}" has a delivered order of {quantity:d} "{title}"'))
def has_delivered_order(checkout: Checkout, email: str, quantity: int, title: str) -> None:
    _paid_order(checkout, email, quantity, title)
    checkout.sandboxes.carrier("deliver", checkout.tracking_number())
    assert checkout.order()["status"] == "delivered"


@when("the carrier picks the parcel up")
@when("the carrier takes the parcel out for delivery")
def carrier_moves_on(checkout: Checkout) -> None:
    checkout.sandboxes.carrier("advance", checkout.tracking_number())


@when("the carrier delivers the parcel")
def carrier_delivers(checkout: Checkout) -> None:
    checkout.sandboxes.carrier("deliver", checkout.tracking_number())


@when("the carrier loses the parcel")
def carrier_loses(checkout: Checkout) -> None:
    checkout.sandboxes.carrier("lose", checkout.tracking_number())


@when(step("{hours:d} hours pass for the carrier"))
def hours_pass_for_carrier(checkout: Checkout, hours: int) -> None:
    # Time moves in steps, so the carrier sees each status's moment come, as a running one would.
    for _ in range(hours * 12):
        checkout.sandboxes.carrier_time_passes(300)


@when("a carrier webhook saying the parcel was delivered arrives with a bad signature")
def carrier_webhook_bad_signature(checkout: Checkout) -> None:
    tracking_number = checkout.tracking_number()
    checkout.world.keep(
        checkout.sandboxes.forged_carrier_webhook(checkout.world.api, tracking_number, checkout.order_id)
    )


@given(step('a carrier "{email}"'))
def a_carrier(checkout: Checkout, email: str) -> None:
    world = checkout.world
    customer(world, email, "parcels over the hills 2026")
    grant = world.server.runtime.resolve(SetUserRoles)
    world.server.call(grant(SetRoles(OPERATOR, world.user_id(email), frozenset({Role.CARRIER}))))
    logged_in(world, email)


@given(step('the admin hands the order\'s parcel to "{email}"'))
def admin_hands_parcel(checkout: Checkout, email: str) -> None:
    world = checkout.world
    admin = checkout.shopping.catalog.admin()
    reply = world.api.get("/api/v1/admin/shipments", token=world.token(admin))
    assert reply.status == 200, reply.body
    shipment = next(s for s in reply.body["items"] if s["order_id"] == checkout.order_id)
    path = f"/api/v1/admin/shipments/{shipment['shipment_id']}/carrier"
    handed = world.as_user("POST", admin, path, {"carrier_id": world.user_id(email)})
    assert handed.status == 200, handed.body


@when(step('"{email}" reports the parcel "{status}" at "{location}"'))
def carrier_reports(checkout: Checkout, email: str, status: str, location: str) -> None:
    path = f"/api/v1/carrier/shipments/{checkout.tracking_number()}/events"
    checkout.world.as_user("POST", email, path, {"status": status, "location": location})


@when(step('"{email}" reads the tracking of the order'))
def reads_tracking(checkout: Checkout, email: str) -> None:
    checkout.tracking(email)


@then(step('"{email}" reads the tracking "{statuses}"'))
def tracking_reads(checkout: Checkout, email: str, statuses: str) -> None:
    reply = checkout.tracking(email)
    assert reply.status == 200, reply.body
    assert [event["status"] for event in reply.body["timeline"]] == [s.strip() for s in statuses.split(",")]


# --- refunds ----------------------------------------------------------------------------------------


@when(step('"{email}" sends the order back because "{reason}"'))
def sends_back(checkout: Checkout, email: str, reason: str) -> None:
    checkout.world.as_user("POST", email, f"{ORDERS}/{checkout.order_id}/return", {"reason": reason})
