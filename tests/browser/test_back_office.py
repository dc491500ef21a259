"""The back office and the carrier page in a browser: a moderator decides cases, an admin decides on
sellers and roles and hands a parcel to a direct carrier, who reports it to its door; a customer is kept out.

The shop is seeded through the API (features/steps, tests/e2e/orders_shop.py); what the page did is checked
through the API too.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect

from features.steps.accounts import World, admin, customer, logged_in
from features.steps.catalog import Catalog, a_category, has_published
from features.steps.moderation import MODERATOR_PASSWORD, moderator
from features.steps.sellers import applied, verified_seller
from tests.e2e.orders_shop import open_shop
from tests.e2e.reviews_shop import receive
from tests.support.browser import log_in
from tests.support.http import ApiClient
from tests.support.server import ServerThread

ADMIN_PASSWORD = "the admin's long passphrase"  # features.steps.accounts.admin's
PASSWORD = "correct horse battery"
SHOUTING = {"rating": 1, "title": "Awful", "text": "THIS TEAPOT LEAKS EVERYWHERE AND THE LID FALLS OFF"}


def test_a_moderator_approves_a_product_and_rejects_a_review(page: Page, api: ApiClient, server: ServerThread) -> None:
    world = World(api, server)
    catalog = Catalog(world)
    a_category(catalog, "Kitchen")
    verified_seller(world, "potter@example.com")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 5)
    # A card whose description gives a phone number: the rules leave it to a person.
    body = {
        "sku": "MUG-1",
        "title": "Green <b>Mug</b>",
        "description": "A sturdy mug. Call 0151 2345 6789 for a discount!",
        "brand": "Potter",
        "category_id": catalog.category_id("Kitchen"),
        "price": {"amount": 900, "currency": "EUR"},
        "attributes": [],
    }
    mug = world.as_user("POST", "potter@example.com", "/api/v1/seller/products", body).body["id"]
    assert world.as_user("POST", "potter@example.com", f"/api/v1/seller/products/{mug}/submit").status == 202
    # A customer who received the teapot reviews it in capitals: a person looks at that too.
    customer(world, "ann@example.com", PASSWORD)
    logged_in(world, "ann@example.com")
    ann, teapot = world.token("ann@example.com"), catalog.product_id("Blue Teapot")
    order = "01900000-0000-7000-8000-0000000000d1"
    receive(server, order, world.user_id("ann@example.com"), world.user_id("potter@example.com"), teapot)
    review = api.post(f"/api/v1/products/{teapot}/reviews", SHOUTING, token=ann).body["id"]
    moderator(world, "mo@example.com")

    log_in(page, "mo@example.com", MODERATOR_PASSWORD, "/admin")
    tabs = page.get_by_role("navigation", name="Back office")
    expect(tabs.get_by_role("link")).to_have_count(1)  # a moderator sees the moderation queue only
    tabs.get_by_role("link", name="Moderation").click()
    expect(tabs.get_by_role("link", name="Moderation")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Products", exact=True).click()
    case = page.get_by_role("article").filter(has_text="Green <b>Mug</b>")
    expect(case.get_by_text("Call 0151 2345 6789 for a discount!")).to_be_visible()
    expect(case.get_by_text("contains a phone number")).to_be_visible()
    case.get_by_role("button", name="Approve the product").click()
    expect(page.get_by_role("article").filter(has_text="Green <b>Mug</b>").get_by_text("Approved on")).to_be_visible()

    page.get_by_role("link", name="Reviews", exact=True).click()
    case = page.get_by_role("article").filter(has_text="Awful")
    expect(case.get_by_text(SHOUTING["text"])).to_be_visible()
    expect(case.get_by_role("img", name="1 out of 5 stars")).to_be_visible()
    case.get_by_text("Reject the review…").click()
    case.get_by_label("Reasons").fill("Please write without capitals.")
    case.get_by_role("button", name="Reject the review").click()
    expect(page.get_by_role("article").filter(has_text="Awful").get_by_text("Rejected on")).to_be_visible()

    assert api.get(f"/api/v1/products/{mug}", token="").status == 200
    mine = api.get(f"/api/v1/me/reviews/{review}", token=ann).body
    assert (mine["status"], mine["rejection_reasons"]) == ("rejected", ["Please write without capitals."])


def test_an_admin_decides_on_sellers_and_sets_roles(page: Page, api: ApiClient, server: ServerThread) -> None:
    world = World(api, server)
    verified_seller(world, "weaver@example.com")
    customer(world, "potter@example.com", PASSWORD)
    logged_in(world, "potter@example.com")
    applied(world, "potter@example.com", "Potter's Wheel")
    customer(world, "carl@example.com", PASSWORD)
    admin(world, "root@example.com")

    log_in(page, "root@example.com", ADMIN_PASSWORD, "/admin")
    expect(page.get_by_role("heading", name="Sellers awaiting verification")).to_be_visible()
    page.get_by_role("link", name="See all sellers awaiting verification").click()
    pending = page.get_by_role("article").filter(has_text="Potter's Wheel")
    pending.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("article").filter(has_text="Potter's Wheel").get_by_text("Verified")).to_be_visible()

    page.get_by_role("navigation", name="Status").get_by_role("link", name="Verified").click()
    verified = page.get_by_role("article").filter(has_text="Weaver's Shop")
    verified.get_by_text("Suspend the seller…").click()
    verified.get_by_role("button", name="Suspend the seller").click()  # no reason: the browser asks for one
    expect(verified.get_by_label("Reason")).to_be_focused()
    verified.get_by_label("Reason").fill("Parcels never arrive.")
    verified.get_by_role("button", name="Suspend the seller").click()
    expect(page.get_by_role("article").filter(has_text="Weaver's Shop").get_by_text("Suspended")).to_be_visible()

    assert api.get("/api/v1/me/seller", token=world.token("potter@example.com")).body["status"] == "verified"
    weaver = api.get("/api/v1/me/seller", token=world.token("weaver@example.com")).body
    assert (weaver["status"], weaver["reason"]) == ("suspended", "Parcels never arrive.")

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="carl@example.com").click()
    page.get_by_label("Carrier").check()
    page.get_by_label("Moderator").check()
    page.get_by_role("button", name="Save the roles").click()
    expect(page.get_by_text("Customer, Carrier, Moderator", exact=True)).to_be_visible()
    roles = api.get(f"/api/v1/admin/users/{world.user_id('carl@example.com')}", token=world.token("root@example.com"))
    assert sorted(roles.body["roles"]) == ["carrier", "customer", "moderator"]


def test_a_parcel_handed_to_a_carrier_reaches_its_door(page: Page, api: ApiClient, server: ServerThread) -> None:
    shop = open_shop(api, server)
    assert api.post(f"/api/v1/seller/orders/{shop['order_id']}/ready", token=shop["seller"]).status == 200
    world = World(api, server)
    customer(world, "carl@example.com", PASSWORD)
    carl = world.user_id("carl@example.com")
    assert api.put(f"/api/v1/admin/users/{carl}/roles", {"roles": ["carrier"]}, token=shop["admin"]).status == 200
    [parcel] = api.get("/api/v1/admin/shipments", token=shop["admin"]).body["items"]

    log_in(page, "root@example.com", ADMIN_PASSWORD, "/admin/shipments")
    block = page.get_by_role("article").filter(has_text=parcel["tracking_number"])
    block.get_by_text("Hand to a direct carrier…").click()
    block.get_by_label("Carrier's user id").fill(carl)
    block.get_by_role("button", name="Hand to this carrier").click()
    expect(page.get_by_role("article").filter(has_text=parcel["tracking_number"])).to_contain_text("carl@example.com")

    log_in(page, "carl@example.com", PASSWORD, "/carrier")
    block = page.get_by_role("article").filter(has_text=parcel["tracking_number"])
    expect(block).to_contain_text("Invalidenstr. 1")
    for status, shown, where in (
        ("in_transit", "In transit", "Leipzig hub"),
        ("out_for_delivery", "Out for delivery", "Berlin depot"),
        ("delivered", "Delivered", "Berlin"),
    ):
        block.get_by_label("New status").select_option(status)
        block.get_by_label("Where").fill(where)
        block.get_by_role("button", name="Report").click()
        block = page.get_by_role("article").filter(has_text=parcel["tracking_number"])
        expect(block.get_by_role("listitem").last).to_contain_text(f"{shown} — {where}")
    expect(block.get_by_text("Nothing more to report")).to_be_visible()

    tracking = api.get(f"/api/v1/orders/{shop['order_id']}/tracking", token=shop["ann"]).body
    assert tracking["status"] == "delivered"
    assert [entry["status"] for entry in tracking["timeline"]][-3:] == ["in_transit", "out_for_delivery", "delivered"]


def test_a_customer_is_kept_out_of_the_back_office(page: Page, api: ApiClient, server: ServerThread) -> None:
    world = World(api, server)
    customer(world, "ann@example.com", PASSWORD)
    failed: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    log_in(page, "ann@example.com", PASSWORD, "/admin")
    expect(page.get_by_role("heading", name="Not for this account")).to_be_visible()
    page.goto("/admin/sellers")
    expect(page.get_by_role("heading", name="Not for this account")).to_be_visible()
    page.goto("/carrier")
    expect(page.get_by_role("heading", name="Not for this account")).to_be_visible()
    expect(page.get_by_role("navigation", name="Back office")).to_have_count(0)
    assert not failed, failed


def test_an_admin_reads_the_figures_as_charts(page: Page, api: ApiClient, server: ServerThread) -> None:
    shop = open_shop(api, server)  # ann's order of one Blue Teapot, paid
    assert api.get(f"/api/v1/products/{shop['product_id']}", token=shop["bob"]).status == 200
    server.settle()
    sales = api.get("/api/v1/admin/analytics/sales", token=shop["admin"]).body
    (paid_day,) = [d["day"] for d in sales["days"] if d["orders"]]

    log_in(page, "root@example.com", ADMIN_PASSWORD, "/admin/analytics")
    tabs = page.get_by_role("navigation", name="Back office")
    expect(tabs.get_by_role("link", name="Analytics")).to_have_attribute("aria-current", "page")
    gmv = page.get_by_role("img", name="GMV per day")
    expect(gmv).to_have_attribute("aria-label", re.compile(r"25\.00.* over 30 days"))
    bars = gmv.locator("rect.chart-bar")
    expect(bars).to_have_count(30)
    expect(bars.locator(f'xpath=self::*[@data-day="{paid_day}"]')).to_have_attribute("height", "210")  # the tallest
    expect(gmv.locator('rect.chart-bar[height="0"]')).to_have_count(29)
    funnel = page.get_by_role("img", name="Viewed a product: 1")  # bob looked; ann bought without a view
    expect(funnel.locator("rect.chart-bar")).to_have_count(4)
    expect(page.get_by_role("table", name="Top products by revenue")).to_contain_text("Blue Teapot")
    box = gmv.bounding_box()  # drawn, at the page's width, not collapsed to nothing
    assert box is not None
    assert box["width"] > 300, box
    assert box["height"] > 80, box
    assert page.get_by_role("img", name="GMV per day").screenshot()  # a picture a person can look at
