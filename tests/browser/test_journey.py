"""The whole shop in one browser, each person in the page that is theirs: a seller lists a product with an
image, a moderator approves it, a customer finds it, buys it and follows it to the door, where a direct
carrier reports it delivered; she reviews it and the seller answers. Only the accounts are made through the
API (an admin grants roles; nobody else could)."""

from __future__ import annotations

import re

from playwright.sync_api import FilePayload, Page, expect

from entrypoints.demo import png
from features.steps.accounts import World, admin, customer, logged_in
from features.steps.catalog import Catalog, a_category
from features.steps.moderation import MODERATOR_PASSWORD, moderator
from features.steps.sellers import SELLER_PASSWORD, verified_seller
from tests.support.browser import draft_teapot, log_in, review_in_page
from tests.support.http import ApiClient
from tests.support.server import ServerThread
from tests.support.shop import ADDRESS

PASSWORD = "correct horse battery"
ADMIN_PASSWORD = "the admin's long passphrase"  # features.steps.accounts.admin's


def test_from_a_sellers_listing_to_a_customers_door_and_her_review(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    world = World(api, server)
    a_category(Catalog(world), "Kitchen")
    verified_seller(world, "potter@example.com")
    moderator(world, "mo@example.com")
    admin(world, "root@example.com")
    customer(world, "carl@example.com", PASSWORD)
    carl = world.user_id("carl@example.com")
    granted = world.as_user("PUT", "root@example.com", f"/api/v1/admin/users/{carl}/roles", {"roles": ["carrier"]})
    assert granted.status == 200, granted.body
    customer(world, "ann@example.com", PASSWORD)
    logged_in(world, "ann@example.com")
    address = api.post("/api/v1/me/addresses", ADDRESS, token=world.token("ann@example.com"))
    assert address.status == 201, address.body

    # The seller lists a teapot with its picture; the web address in its text sends it to a moderator.
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller/products/new")
    status = draft_teapot(page, "A stoneware teapot, thrown by hand. Care tips: www.potter-studio.com")
    picture: FilePayload = {"name": "teapot.png", "mimeType": "image/png", "buffer": png((30, 80, 200))}
    page.get_by_label("Add an image").set_input_files(files=[picture])
    page.get_by_role("button", name="Upload the image").click()
    expect(page.get_by_role("img", name="Image 1 of Blue Teapot")).to_have_js_property("naturalWidth", 64)
    page.get_by_label("Units on hand").fill("5")
    page.get_by_role("button", name="Save the stock").click()
    status.get_by_role("button", name="Submit for review").click()
    expect(status.locator(".badge")).to_have_text("Pending review")

    # The moderator reads it and approves it.
    log_in(page, "mo@example.com", MODERATOR_PASSWORD, "/admin/moderation?subject_type=product")
    case = page.get_by_role("article").filter(has_text="Blue Teapot")
    expect(case.get_by_text("Care tips: www.potter-studio.com", exact=False)).to_be_visible()
    case.get_by_role("button", name="Approve the product").click()
    expect(page.get_by_role("article").filter(has_text="Blue Teapot").get_by_text("Approved on")).to_be_visible()

    # The customer finds it, puts it in her cart and pays.
    log_in(page, "ann@example.com", PASSWORD, "/")
    page.get_by_label("Search products").fill("teapot")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Blue Teapot").click()
    expect(page.get_by_role("heading", level=1, name="Blue Teapot")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Blue Teapot")).first).to_have_js_property("naturalWidth", 64)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#nav .count")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("radio", name=re.compile("Invalidenstr. 1"))).to_be_checked()
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page).to_have_url(re.compile(r"/orders/[^/]+$"))
    order_path = page.url.removeprefix(server.base_url)
    expect(page.locator("h1 .badge")).to_have_text("Paid")

    # The seller marks it ready; the admin hands the parcel to a direct carrier, who takes it to the door.
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller/orders")
    page.get_by_role("button", name="Mark ready to ship").click()
    expect(page.get_by_text("Your lines are ready to ship")).to_be_visible()
    log_in(page, "root@example.com", ADMIN_PASSWORD, "/admin/shipments")
    parcel = page.get_by_role("article").first
    parcel.get_by_text("Hand to a direct carrier…").click()
    parcel.get_by_label("Carrier's user id").fill(carl)
    parcel.get_by_role("button", name="Hand to this carrier").click()
    expect(page.get_by_role("article").first).to_contain_text("carl@example.com")
    log_in(page, "carl@example.com", PASSWORD, "/carrier")
    for status_value, where in (("in_transit", "Leipzig hub"), ("delivered", "Front door")):
        parcel = page.get_by_role("article").first
        parcel.get_by_label("New status").select_option(status_value)
        parcel.get_by_label("Where").fill(where)
        parcel.get_by_role("button", name="Report").click()
        expect(page.get_by_role("article").first.get_by_role("listitem").last).to_contain_text(where)

    # The customer sees it delivered, and reviews it.
    log_in(page, "ann@example.com", PASSWORD, order_path)
    expect(page.locator("h1 .badge")).to_have_text("Delivered")
    expect(page.locator(".timeline li").last).to_contain_text("Delivered")
    page.get_by_role("link", name="Write a review of Blue Teapot").click()
    review_in_page(page, 5, "Pours like a dream", "No drips at all, and the blue is lovely.")
    server.settle()  # the moderation rules publish a clean review within moments

    # The seller answers it, and the product page shows the review with the answer.
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller/reviews")
    review = page.get_by_role("article").filter(has_text="Pours like a dream")
    review.get_by_label("Your public answer").fill("Thank you, Ann!")
    review.get_by_role("button", name="Publish the answer").click()
    expect(review.get_by_text("Thank you, Ann!")).to_be_visible()
    page.get_by_label("Search products").fill("teapot")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Blue Teapot").click()
    expect(page.get_by_role("heading", name="Pours like a dream")).to_be_visible()
    expect(page.get_by_text("Thank you, Ann!")).to_be_visible()
