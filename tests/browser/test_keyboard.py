"""The storefront by keyboard alone: the skip link, the search box, a result, the quantity and "Add to
cart" are each reached with Tab and used with Enter, with the focus always visible on a named control."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import teapot_shop
from tests.support.http import ApiClient
from tests.support.server import ServerThread

MOST_TABS = 40


def tab_to(page: Page, role: str, name: str, key: str = "Tab") -> None:
    """Press Tab (or ``key``: Shift+Tab goes back) until the control ``role`` named ``name`` has the focus
    (it must come within MOST_TABS), and check the focus shows."""
    target = page.get_by_role(role, name=name).first  # type: ignore[arg-type]
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline != "none", f"the focus on {role} {name!r} is not shown"
            return
    raise AssertionError(f"{role} {name!r} is not reached by Tab")


def test_a_guest_finds_a_product_and_adds_it_to_the_cart_by_keyboard(
    page: Page, api: ApiClient, server: ServerThread
) -> None:
    teapot_shop(api, server)
    page.goto("/")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")

    tab_to(page, "link", "Skip to content")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, "combobox", "Search products", key="Shift+Tab")  # back up into the header
    page.keyboard.type("teapot")
    page.keyboard.press("Enter")
    expect(page).to_have_url("/search?q=teapot")
    expect(page.locator("main")).to_have_attribute("aria-busy", "false")

    tab_to(page, "link", "Blue Teapot")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Blue Teapot")).to_be_visible()

    tab_to(page, "spinbutton", "Quantity")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    tab_to(page, "button", "Add to cart")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="3 added to your cart.")).to_be_visible()
    expect(page.locator("#nav .count")).to_have_text("3")
