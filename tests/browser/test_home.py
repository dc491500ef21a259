"""The storefront's home page: categories and the base feed, the header's cart and search."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.support.browser import teapot_shop
from tests.support.http import ApiClient
from tests.support.server import ServerThread


def test_a_guest_sees_the_categories_and_popular_products(page: Page, api: ApiClient, server: ServerThread) -> None:
    catalog = teapot_shop(api, server)

    page.goto("/")
    expect(page.get_by_role("link", name="Kitchen")).to_be_visible()
    expect(page.get_by_role("heading", name="Popular right now")).to_be_visible()
    page.get_by_role("link", name="Kitchen").click()
    expect(page).to_have_url("/search?category=" + catalog.category_id("Kitchen"))


def test_suggestions_come_as_one_types_and_not_after_the_search_is_sent(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    teapot_shop(api, server)
    page.goto("/")
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("teap")
    expect(page.get_by_role("option", name="Blue Teapot")).to_be_visible()
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("Enter")
    expect(page).to_have_url("/search?q=Blue%20Teapot")
    expect(page.locator("#suggestions")).to_be_hidden()
    expect(page.locator("main")).to_be_focused()  # the results shown (the focus moves there)

    # A suggestion answered after the search was sent is not shown over the results.
    held: list[Route] = []
    page.route("**/api/v1/search/suggest?*", lambda route: held.append(route))
    with page.expect_request("**/api/v1/search/suggest?*"):
        box.fill("blue")
    box.press("Enter")
    expect(page).to_have_url("/search?q=blue")
    with page.expect_response("**/api/v1/search/suggest?*"):
        held[0].continue_()
    expect(page.get_by_role("link", name="Blue Teapot")).to_be_visible()
    expect(page.locator("#suggestions")).to_be_hidden()
