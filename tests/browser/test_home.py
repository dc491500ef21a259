"""The storefront's home page: categories and the base feed, the header's cart and search."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from features.steps.accounts import World
from features.steps.catalog import Catalog, a_category, has_published
from features.steps.sellers import verified_seller
from tests.support.http import ApiClient
from tests.support.server import ServerThread


def test_a_guest_sees_the_categories_and_popular_products(page: Page, api: ApiClient, server: ServerThread) -> None:
    world = World(api, server)
    catalog = Catalog(world)
    verified_seller(world, "potter@example.com")
    a_category(catalog, "Kitchen")
    has_published(catalog, "potter@example.com", "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 5)

    page.goto("/")
    expect(page.get_by_role("link", name="Kitchen")).to_be_visible()
    expect(page.get_by_role("heading", name="Popular right now")).to_be_visible()
    page.get_by_role("link", name="Kitchen").click()
    expect(page).to_have_url("/search?category=" + catalog.category_id("Kitchen"))
