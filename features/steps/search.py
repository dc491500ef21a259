"""Steps about search (features/search.feature): customers query the public search routes as guests.

Products and storefronts come from the shared catalogue and seller givens; the index follows their events,
so every step reads what the search routes answer after the last write settled.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pytest_bdd import then, when

from features.steps.accounts import World
from features.steps.catalog import Catalog, money, shown
from features.steps.text import step

SEARCH = "/api/v1/search"


def _search(world: World, **params: Any) -> None:
    query = urlencode({k: v for k, v in params.items() if v is not None}, doseq=True)
    world.keep(world.api.get(f"{SEARCH}/products?{query}", token=""))


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _results(world: World) -> list[str]:
    reply = world.last
    assert reply.status == 200, reply.body
    return [item["title"] for item in reply.body["items"]]


def _counts(text: str) -> dict[str, int]:
    """ "Audio 2, Headphones 1" -> {"Audio": 2, "Headphones": 1}"""
    counts = {}
    for entry in _names(text):
        name, _, count = entry.rpartition(" ")
        counts[name] = int(count)
    return counts


# Whens


@when(step('a customer searches for "{text}"'))
def searches_for(world: World, text: str) -> None:
    _search(world, q=text)


@when(step('a customer searches the category "{category}"'))
def searches_category(catalog: Catalog, category: str) -> None:
    _search(catalog.world, category_id=catalog.category_id(category))


@when(step('a customer searches the brand "{brand}"'))
def searches_brand(world: World, brand: str) -> None:
    _search(world, brand=brand)


@when(step('a customer searches everything sorted by "{sort}"'))
def searches_sorted(world: World, sort: str) -> None:
    _search(world, sort=sort)


@when(step('a customer searches for prices from {low} to {high} {currency} sorted by "{sort}"'))
def searches_price_range(world: World, low: str, high: str, currency: str, sort: str) -> None:
    bounds = money(low, currency)["amount"], money(high, currency)["amount"]
    _search(world, price_min=bounds[0], price_max=bounds[1], currency=currency, sort=sort)


@when(step("a customer searches for prices from {low} to {high} without a currency"))
def searches_price_without_currency(world: World, low: str, high: str) -> None:
    _search(world, price_min=money(low, "EUR")["amount"], price_max=money(high, "EUR")["amount"])


@when("a customer searches for what is in stock")
def searches_in_stock(world: World) -> None:
    _search(world, in_stock="true")


@when(step('a customer asks for completions of "{text}"'))
def asks_completions(world: World, text: str) -> None:
    world.keep(world.api.get(f"{SEARCH}/suggest?{urlencode({'q': text})}", token=""))


@when(step('a customer searches the storefronts for "{text}"'))
def searches_storefronts(world: World, text: str) -> None:
    world.keep(world.api.get(f"{SEARCH}/sellers?{urlencode({'q': text})}", token=""))


@when(step('"{email}" describes the card "{title}" as "{description}"'))
def describes_card(catalog: Catalog, email: str, title: str, description: str) -> None:
    """An edit of a published card: it goes back through moderation, whose rules approve clean text."""
    world = catalog.world
    edited = world.as_user("PATCH", email, catalog.card_path(title), {"description": description})
    assert edited.status == 200, edited.body
    submitted = world.as_user("POST", email, catalog.card_path(title, "/submit"))
    assert submitted.status == 202, submitted.body


# Thens


@then(step('the results are "{titles}"'))
def results_are(world: World, titles: str) -> None:
    assert _results(world) == _names(titles)
    assert world.last.body["total"] == len(_names(titles))


@then(step('the results are, in any order, "{titles}"'))
def results_in_any_order(world: World, titles: str) -> None:
    assert sorted(_results(world)) == sorted(_names(titles))


@then("nothing is found")
def nothing_found(world: World) -> None:
    assert _results(world) == []
    assert world.last.body["total"] == 0


@then(step('the category facet counts "{counts}"'))
def category_facet(catalog: Catalog, counts: str) -> None:
    facet = catalog.world.last.body["facets"]["category"]
    wanted = {catalog.category_id(name): n for name, n in _counts(counts).items()}
    assert {entry["id"]: entry["count"] for entry in facet} == wanted


@then(step('the brand facet counts "{counts}"'))
def brand_facet(world: World, counts: str) -> None:
    facet = world.last.body["facets"]["brand"]
    assert [(entry["value"], entry["count"]) for entry in facet] == list(_counts(counts).items())


@then(step('the price facet counts "{buckets}" and nothing else'))
def price_facet(world: World, buckets: str) -> None:
    facets = world.last.body["facets"]
    currency = facets["price_currency"]
    counted = {}
    for bucket in facets["price"]:
        if bucket["count"]:
            low = shown({"amount": bucket["from"], "currency": currency}).split()[0]
            high = shown({"amount": bucket["to"], "currency": currency}) if bucket["to"] is not None else currency
            counted[f"{low}-{high}"] = bucket["count"]
    wanted = {}
    for entry in _names(buckets):
        bounds, _, count = entry.partition(": ")
        wanted[bounds] = int(count)
    assert counted == wanted


@then(step('the completions are "{texts}"'))
def completions_are(world: World, texts: str) -> None:
    reply = world.last
    assert reply.status == 200, reply.body
    assert [item["text"] for item in reply.body["items"]] == _names(texts)


@then("there are no completions")
def no_completions(world: World) -> None:
    assert world.last.body["items"] == []


@then(step('the storefronts found are "{names}" described as "{description}"'))
def storefronts_described(world: World, names: str, description: str) -> None:
    storefronts_found(world, names)
    assert [s["description"] for s in world.last.body["items"]] == [description]


@then(step('the storefronts found are "{names}"'))
def storefronts_found(world: World, names: str) -> None:
    reply = world.last
    assert reply.status == 200, reply.body
    assert [s["display_name"] for s in reply.body["items"]] == _names(names)


@then("no storefront is found")
def no_storefront(world: World) -> None:
    reply = world.last
    assert reply.status == 200, reply.body
    assert reply.body["items"] == []
