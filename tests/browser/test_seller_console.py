"""The seller console in a browser: applying and being verified, listing a product (with an image uploaded
through the presigned flow) that moderation rejects and then publishes, fulfilling an order and answering a
review. What the seller does, the page does; what others do (the admin, the moderator, the customers) goes
through the API."""

from __future__ import annotations

from playwright.sync_api import FilePayload, Page, expect

from entrypoints.demo import png
from features.steps.accounts import World, admin, customer, logged_in
from features.steps.catalog import Catalog, a_category
from features.steps.moderation import moderator
from features.steps.sellers import SELLER_PASSWORD, verified_seller
from tests.e2e import orders_shop, reviews_shop
from tests.support.browser import draft_teapot, log_in
from tests.support.http import ApiClient
from tests.support.server import ServerThread

PASSWORD = "correct horse battery"
CASES = "/api/v1/admin/moderation/cases"


def test_a_customer_applies_and_the_console_opens_once_verified(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    world = World(api, server)
    customer(world, "maker@example.com", PASSWORD)
    logged_in(world, "maker@example.com")
    admin(world, "root@example.com")
    log_in(page, "maker@example.com", PASSWORD, "/seller")
    expect(page.get_by_role("heading", name="Sell on Marketplace")).to_be_visible()
    page.get_by_label("Shop name").fill("Maker's Corner")
    page.get_by_label("Legal name").fill("Maker GmbH")
    page.get_by_label("Country").fill("Z9")
    page.get_by_label("Payout account reference").fill("acct_maker")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".field-error")).to_contain_text("ISO 3166-1")  # refused: nothing was applied for
    assert api.get("/api/v1/me/seller", token=world.token("maker@example.com")).status == 404

    page.get_by_label("Country").fill("de")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Your application is being reviewed")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Pending")
    expect(page.get_by_text("Maker GmbH")).to_be_visible()

    verified = world.as_user(
        "POST", "root@example.com", f"/api/v1/admin/sellers/{world.user_id('maker@example.com')}/verify"
    )
    assert verified.status == 200, verified.body
    page.get_by_role("button", name="Check the status again").click()
    expect(page.get_by_role("heading", name="Seller console")).to_be_visible()
    expect(page.get_by_text("Verified seller")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Seller console")
    expect(tabs.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    # The header knows the new role without a reload.
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Seller console")).to_be_visible()

    tabs.get_by_role("link", name="Products").click()
    expect(page.get_by_role("heading", name="Your products")).to_be_visible()
    expect(tabs.get_by_role("link", name="Products")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Overview")).not_to_have_attribute("aria-current", "page")
    expect(page.get_by_text("You have no products yet.")).to_be_visible()


def test_a_seller_lists_a_product_and_reads_why_moderation_rejected_it(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    a_category(catalog, "Kitchen")
    moderator(world, "mo@example.com")
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller/products/new")
    # A link sends the listing to a person.
    status = draft_teapot(page, "A stoneware teapot, thrown by hand. More at www.potter-studio.com")
    expect(page.get_by_role("heading", name="Blue Teapot")).to_be_visible()

    teapot: FilePayload = {"name": "teapot.png", "mimeType": "image/png", "buffer": png((30, 80, 200), 32)}
    page.get_by_label("Add an image").set_input_files(files=[teapot])
    page.get_by_role("button", name="Upload the image").click()
    picture = page.get_by_role("img", name="Image 1 of Blue Teapot")
    expect(picture).to_have_js_property("naturalWidth", 32)  # the bytes arrived, and are served back
    page.get_by_label("Units on hand").fill("7")
    page.get_by_role("button", name="Save the stock").click()
    expect(page.locator(".seller-stock-on-hand")).to_have_text("7")

    status.get_by_role("button", name="Submit for review").click()
    expect(status.locator(".badge")).to_have_text("Pending review")
    server.settle()
    cases = world.as_user("GET", "mo@example.com", f"{CASES}?status=open")
    [case] = [c for c in cases.body["items"] if c["title"] == "Blue Teapot"]
    reason = "Links to other shops are not allowed: <b>remove</b> the web address"
    rejected = world.as_user("POST", "mo@example.com", f"{CASES}/{case['case_id']}/reject", {"reasons": [reason]})
    assert rejected.status == 200, rejected.body

    status.get_by_role("button", name="Check the status again").click()
    expect(status.locator(".badge")).to_have_text("Rejected")
    expect(status.get_by_role("listitem")).to_have_text(reason)  # as text, markup and all

    page.get_by_label("Description").fill("A stoneware teapot, thrown by hand.")
    page.get_by_role("button", name="Save changes").click()
    expect(status.locator(".badge")).to_have_text("Draft")
    status.get_by_role("button", name="Submit for review").click()
    expect(status.get_by_text("Pending review").or_(status.get_by_text("Published"))).to_be_visible()
    server.settle()
    page.goto("/seller/products?status=published")
    expect(page.get_by_role("link", name="Blue Teapot")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Blue Teapot").locator(".badge")).to_have_text("Published")


def test_a_seller_marks_an_order_ready_and_answers_a_review(page: Page, api: ApiClient, server: ServerThread) -> None:
    shop = orders_shop.open_shop(api, server)  # potter's Blue Teapot, paid for by ann
    seller_id = api.get("/api/v1/me", token=shop["seller"]).body["user_id"]
    ann_id = api.get("/api/v1/me", token=shop["ann"]).body["user_id"]
    reviews_shop.receive(server, reviews_shop.ANN_ORDER, ann_id, seller_id, shop["product_id"])
    reviews_shop.published_review(api, shop["ann"], shop["product_id"], reviews_shop.REVIEW)
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller")
    expect(page.get_by_role("link", name="1 order to fulfil")).to_be_visible()
    expect(page.get_by_role("link", name="1 review to answer")).to_be_visible()
    page.get_by_role("link", name="1 order to fulfil").click()
    order = page.get_by_role("article").filter(has_text=shop["order_id"])
    expect(order.get_by_role("link", name="Blue Teapot")).to_be_visible()
    order.get_by_role("button", name="Mark ready to ship").click()
    expect(order.get_by_text("Your lines are ready to ship")).to_be_visible()
    expect(order.get_by_role("button", name="Mark ready to ship")).to_have_count(0)
    [view] = api.get("/api/v1/seller/orders", token=shop["seller"]).body["items"]
    assert view["ready_to_ship"] is True

    page.get_by_role("navigation", name="Seller console").get_by_role("link", name="Reviews").click()
    review = page.get_by_role("article").filter(has_text=str(reviews_shop.REVIEW["title"]))
    expect(review.get_by_role("link", name="Blue Teapot")).to_be_visible()
    review.get_by_label("Your public answer").fill("Thank you, Ann!")
    review.get_by_role("button", name="Publish the answer").click()
    expect(review.get_by_role("heading", name="Your answer")).to_be_visible()
    expect(review.get_by_text("Thank you, Ann!")).to_be_visible()

    review.get_by_role("button", name="Edit the answer").click()
    review.get_by_label("Your public answer").fill("Thank you, Ann: enjoy your tea!")
    review.get_by_role("button", name="Save the answer").click()
    expect(review.get_by_text("Thank you, Ann: enjoy your tea!")).to_be_visible()
    public = api.get(f"/api/v1/products/{shop['product_id']}/reviews", token="").body["items"]
    assert [r["answer"]["text"] for r in public] == ["Thank you, Ann: enjoy your tea!"]

    review.get_by_role("button", name="Delete the answer").click()
    review.get_by_role("button", name="Yes, delete it").click()
    expect(review.get_by_role("button", name="Publish the answer")).to_be_visible()
    public = api.get(f"/api/v1/products/{shop['product_id']}/reviews", token="").body["items"]
    assert [r["answer"] for r in public] == [None]
