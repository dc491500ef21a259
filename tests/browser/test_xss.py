"""Text from users is shown as text on every page that shows it, and nothing in it runs.

A product title, a review (its title and text), a customer's display name and an address's recipient hold
``<script>`` and ``<img src=x onerror=...>``. Each page that shows one is opened as whoever sees it there
(a guest, the customer, the seller, the moderator) and must show the characters as they were typed, with
no element made of them: no image asking for ``x``, no script but the client's own module, nothing set on
``window``. The page watcher of conftest.py fails the test too on a CSP violation (what an inline script
or handler that got into the page would raise) and on any failed request (the image's ``x``).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from features.steps.accounts import World, customer, logged_in
from features.steps.catalog import Catalog, a_category, has_published
from features.steps.moderation import MODERATOR_PASSWORD, moderator
from features.steps.sellers import SELLER_PASSWORD, verified_seller
from tests.e2e.reviews_shop import published_review, receive
from tests.support.browser import log_in
from tests.support.http import ApiClient
from tests.support.server import ServerThread

SCRIPT = "<script>window.__xss = 'script'</script>"
IMAGE = "<img src=x onerror=\"window.__xss = 'image'\">"
TITLE = f"Teapot {SCRIPT} {IMAGE}"
NAME = f"Mal {IMAGE}"
REVIEW = {"rating": 5, "title": f"Great {SCRIPT}", "text": f"It pours well {IMAGE} and keeps the tea hot."}
RECIPIENT = f"Mal {SCRIPT}"
PASSWORD = "correct horse battery"
ORDER = "01900000-0000-7000-8000-0000000000d1"


def inert(page: Page, *texts: str) -> None:
    """The page shows each of ``texts`` as characters, and nothing of them became an element or ran."""
    main = page.locator("main")
    expect(main).to_have_attribute("aria-busy", "false")
    for text in texts:
        expect(main.get_by_text(text, exact=False).first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script").count() == 1  # the client's module, from the shell
    assert page.locator("main [onerror], main script").count() == 0


def test_nothing_users_wrote_runs_on_any_page(page: Page, api: ApiClient, server: ServerThread) -> None:
    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", TITLE, "Potter", "Kitchen", "25.00", "EUR", 5)
    product_id = catalog.product_id(TITLE)
    seller_id = world.user_id("potter@example.com")

    customer(world, "mal@example.com", PASSWORD)
    logged_in(world, "mal@example.com")
    mal = world.token("mal@example.com")
    assert api.patch("/api/v1/me/profile", {"display_name": NAME}, token=mal).status == 200
    address = {"recipient": RECIPIENT, "line1": "Invalidenstr. 1", "city": "Berlin", "postal_code": "10115"}
    assert api.post("/api/v1/me/addresses", {**address, "country": "DE"}, token=mal).status == 201
    assert api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=mal).status == 200
    receive(server, ORDER, world.user_id("mal@example.com"), seller_id, product_id)
    published_review(api, mal, product_id, REVIEW)
    moderator(world, "mo@example.com")

    # A guest: the search results and the product page, with the review and its author's name.
    page.goto("/search?q=Teapot")
    inert(page, TITLE)
    page.goto(f"/products/{product_id}")
    inert(page, TITLE, REVIEW["title"], REVIEW["text"])

    # The customer: her cart, her account (name and address), the checkout's address book.
    log_in(page, "mal@example.com", PASSWORD, "/cart")
    inert(page, TITLE)
    page.goto("/account")
    inert(page, RECIPIENT)
    expect(page.get_by_label("Display name")).to_have_value(NAME)
    page.goto("/checkout")
    inert(page, RECIPIENT, TITLE)

    # The seller: his products and the reviews of them.
    log_in(page, "potter@example.com", SELLER_PASSWORD, "/seller/products")
    inert(page, TITLE)
    page.goto("/seller/reviews")
    inert(page, REVIEW["text"])

    # The moderator: the decided cases of the product and of the review.
    log_in(page, "mo@example.com", MODERATOR_PASSWORD, "/admin/moderation?status=decided")
    inert(page, TITLE)
    page.goto("/admin/moderation?subject_type=review&status=decided")
    inert(page, REVIEW["text"])
