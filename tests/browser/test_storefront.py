"""The storefront in a browser: a guest finds a product, fills the cart, registers at checkout and pays;
the order page follows the order to the door and lets the customer review what came. A declined card
changes nothing, and the purchase works at phone width, with one order however often "Place order" is
pressed."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from core.auth.commands import SetRoles
from core.auth.use_cases import SetUserRoles
from core.shared.security import Role
from features.steps.accounts import OPERATOR, World, admin, customer, logged_in
from features.steps.catalog import Catalog, a_category, has_published
from features.steps.sellers import verified_seller
from tests.support.browser import log_in, review_in_page
from tests.support.http import ApiClient
from tests.support.server import ServerThread
from tests.support.shop import ADDRESS

PASSWORD = "correct horse battery"
SELLER = "potter@example.com"


def open_shop(api: ApiClient, server: ServerThread) -> tuple[World, Catalog]:
    """Potter sells a teapot and a mug (brand Potter), Kettleworks a kettle; five of each in stock."""
    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, SELLER)
    verified_seller(world, "kettles@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, SELLER, "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 5)
    has_published(catalog, SELLER, "Green Mug", "Potter", "Kitchen", "9.00", "EUR", 5)
    has_published(catalog, "kettles@example.com", "Steel Kettle", "Kettleworks", "Kitchen", "40.00", "EUR", 5)
    return world, catalog


def a_customer_with_an_address(world: World, email: str) -> str:
    customer(world, email, PASSWORD)
    logged_in(world, email)
    reply = world.api.post("/api/v1/me/addresses", ADDRESS, token=world.token(email))
    assert reply.status == 201, reply.body
    return world.token(email)


def order_id_of(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/orders/[^/]+$"))
    return page.url.rsplit("/", 1)[1]


def deliver(world: World, order_id: str) -> None:
    """The seller marks the order ready, an admin hands the parcel to a direct carrier, who reports it
    on its way and delivered: all through the API."""
    ready = world.api.post(f"/api/v1/seller/orders/{order_id}/ready", token=world.token(SELLER))
    assert ready.status == 200, ready.body
    admin(world, "root@example.com")
    customer(world, "van@example.com", PASSWORD)
    runtime = world.server.runtime
    assert runtime is not None
    grant = runtime.resolve(SetUserRoles)
    world.server.call(grant(SetRoles(OPERATOR, world.user_id("van@example.com"), frozenset({Role.CARRIER}))))
    logged_in(world, "van@example.com")
    shipments = world.api.get("/api/v1/admin/shipments", token=world.token("root@example.com"))
    shipment = next(s for s in shipments.body["items"] if s["order_id"] == order_id)
    body = {"carrier_id": world.user_id("van@example.com")}
    handed = world.api.post(
        f"/api/v1/admin/shipments/{shipment['shipment_id']}/carrier", body, token=world.token("root@example.com")
    )
    assert handed.status == 200, handed.body
    events = f"/api/v1/carrier/shipments/{handed.body['tracking_number']}/events"
    for status, where in (("in_transit", "Hub Leipzig"), ("out_for_delivery", "Berlin"), ("delivered", "Front door")):
        reply = world.api.post(events, {"status": status, "location": where}, token=world.token("van@example.com"))
        assert reply.status == 200, reply.body


def orders_of(world: World, token: str) -> list[dict[str, Any]]:
    reply = world.api.get("/api/v1/orders", token=token)
    assert reply.status == 200, reply.body
    items: list[dict[str, Any]] = reply.body["items"]
    return items


def test_a_guest_finds_buys_registers_pays_and_reviews(page: Page, api: ApiClient, server: ServerThread) -> None:
    world, catalog = open_shop(api, server)

    # Search, then keep one brand: the kettle goes, the teapot stays.
    page.goto("/")
    page.get_by_label("Search products").fill("everyday")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Results for “everyday”")).to_be_visible()
    expect(page.get_by_role("link", name="Steel Kettle")).to_be_visible()
    page.get_by_role("checkbox", name="Potter").check()
    expect(page).to_have_url(re.compile(r"brand=Potter"))
    expect(page.get_by_role("heading", name="2 results")).to_be_visible()
    expect(page.get_by_role("link", name="Steel Kettle")).to_have_count(0)
    page.go_back()
    expect(page.get_by_role("link", name="Steel Kettle")).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("heading", name="2 results")).to_be_visible()

    # The product, two of it in the cart.
    page.get_by_role("link", name="Blue Teapot").click()
    expect(page.get_by_role("heading", level=1, name="Blue Teapot")).to_be_visible()
    expect(page.get_by_text("In stock: 5")).to_be_visible()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="2 added to your cart.")).to_be_visible()
    expect(page.locator("#nav .count")).to_have_text("2")
    page.get_by_role("link", name=re.compile("^Cart")).click()
    expect(page.get_by_role("link", name="Blue Teapot")).to_be_visible()

    # Checkout asks a guest to log in; registering keeps the cart.
    page.get_by_role("link", name="Checkout").click()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcheckout$"))
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Ann Smith")
    page.get_by_label("Email").fill("ann@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))
    expect(page.get_by_text("Blue Teapot \N{MULTIPLICATION SIGN} 2")).to_be_visible()
    expect(page.locator("#nav .count")).to_have_text("2")  # the guest's cart is the customer's now

    # A first address, added in the page, then Visa pays.
    page.get_by_label("Full name").fill("Ann Smith")
    page.get_by_label("Street and number").fill("Invalidenstr. 1")
    page.get_by_label("Postal code").fill("10115")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Country").fill("DE")
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("radio", name=re.compile("Invalidenstr. 1"))).to_be_checked()
    expect(page.get_by_label("Card")).to_have_value("tok_visa")
    page.get_by_role("button", name=re.compile("^Place order")).click()
    order_id = order_id_of(page)
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    expect(page.locator(".payment-status")).to_have_text("Authorized")

    # Delivered (through the API): the timeline ends at the door, and the teapot may be reviewed.
    deliver(world, order_id)
    page.reload()
    expect(page.locator("h1 .badge")).to_have_text("Delivered")
    expect(page.locator(".timeline li").last).to_contain_text("Delivered")
    expect(page.locator(".timeline li").first).to_contain_text("Accepted")
    page.get_by_role("link", name="Write a review of Blue Teapot").click()
    expect(page.get_by_role("heading", name="Write a review")).to_be_visible()
    review_in_page(page, 4, "Lovely teapot", "Pours without dripping and keeps the tea warm.")
    server.settle()  # the moderation rules publish a clean review within moments
    page.reload()
    expect(page.get_by_role("heading", name="Lovely teapot")).to_be_visible()
    assert catalog.public_view("Blue Teapot").body["available"] == 3

    # And it may go back, with a reason, confirmed in the page.
    page.goto(f"/orders/{order_id}")
    page.get_by_role("button", name="Send it back").click()
    page.get_by_label("Why does it go back?").fill("It is smaller than I thought.")
    page.get_by_role("button", name="Send the order back").click()
    expect(page.locator("h1 .badge")).to_have_text("Refunded")  # the refund saga follows at once here
    expect(page.get_by_text("Why it goes back: It is smaller than I thought.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Refunded: €50.00")).to_be_visible()


def test_a_declined_card_says_so_and_changes_nothing(page: Page, api: ApiClient, server: ServerThread) -> None:
    world, catalog = open_shop(api, server)
    token = a_customer_with_an_address(world, "bob@example.com")
    teapot = catalog.product_id("Blue Teapot")
    assert api.post("/api/v1/cart/items", {"product_id": teapot, "quantity": 1}, token=token).status == 200

    log_in(page, "bob@example.com", PASSWORD, "/checkout")
    page.get_by_label("Card").select_option("tok_decline")
    page.get_by_role("button", name=re.compile("^Place order")).click()
    order_id_of(page)
    expect(page.get_by_role("alert")).to_contain_text("Your payment was declined.")
    expect(page.get_by_role("alert")).to_contain_text("nothing was charged")
    expect(page.locator("h1 .badge")).to_have_text("Cancelled")

    # No paid order, the stock as it was; the API emptied the cart at checkout: one press fills it again.
    assert [o["status"] for o in orders_of(world, token)] == ["cancelled"]
    assert catalog.public_view("Blue Teapot").body["available"] == 5
    page.get_by_role("button", name="Put the items back in my cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("link", name="Blue Teapot")).to_be_visible()
    cart = api.get("/api/v1/cart", token=token).body
    assert [(line["product_id"], line["quantity"]) for line in cart["lines"]] == [(teapot, 1)]


def test_buying_at_phone_width_makes_one_order_however_often_pressed(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    world, _ = open_shop(api, server)
    token = a_customer_with_an_address(world, "cy@example.com")
    log_in(page, "cy@example.com", PASSWORD, "/")

    page.get_by_label("Search products").fill("mug")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Green Mug").click()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("radio", name=re.compile("Invalidenstr. 1"))).to_be_checked()
    page.get_by_role("button", name=re.compile("^Place order")).dblclick()
    order_id = order_id_of(page)
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    assert [o["order_id"] for o in orders_of(world, token)] == [order_id]

    # Called off before it ships: the money held is let go.
    page.get_by_role("button", name="Cancel this order").click()
    page.get_by_role("button", name="Cancel the order").click()
    expect(page.locator("h1 .badge")).to_have_text("Cancelled")
    expect(page.get_by_text("You cancelled this order.")).to_be_visible()
    expect(page.locator(".payment-status")).to_have_text("Voided")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
