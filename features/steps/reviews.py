"""Steps about reviews and ratings (features/reviews.feature).

Customers write through the reviews routes, moderators decide in the moderation queue (cases of the
subject type "review"), and the product card and search show the ratings. A review is named by its
author's email (one review per customer and product is all a scenario writes); its id is kept at submit.
After every write the client settles, so the moderation rules, their decision and the ratings have run
before the next step looks.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from pytest_bdd import given, then, when

from features.steps.accounts import World, customer, logged_in
from features.steps.catalog import Catalog
from features.steps.checkout import Checkout, has_delivered_order
from features.steps.moderation import CASES
from features.steps.profile import customer_at_home
from features.steps.text import step
from tests.support.http import Reply

CUSTOMER_PASSWORD = "correct horse battery"
FIRST_TEXT = "Sturdy, well made and exactly as described on the card."


class Reviews:
    """The reviews the scenario wrote, by author, with the text each was first published with."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog, self.world = catalog, catalog.world
        self.ids: dict[str, str] = {}
        self.first_texts: dict[str, str] = {}

    def review_id(self, author: str) -> str:
        return self.ids[author]

    def submit(self, email: str, title: str, stars: int, headline: str, text: str) -> Reply:
        body = {"rating": stars, "title": headline, "text": text}
        path = f"/api/v1/products/{self.catalog.product_id(title)}/reviews"
        reply = self.world.as_user("POST", email, path, body)
        if reply.status == 201:
            self.ids[email] = str(reply.body["id"])
            self.first_texts[email] = text
        return reply

    def mine(self, author: str) -> dict[str, Any]:
        reply = self.world.api.get(f"/api/v1/me/reviews/{self.review_id(author)}", token=self.world.token(author))
        assert reply.status == 200, reply.body
        view: dict[str, Any] = reply.body
        return view

    def shown(self, title: str) -> list[dict[str, Any]]:
        """Every review the shop shows of the product, every page."""
        product_id = self.catalog.product_id(title)
        items: list[dict[str, Any]] = []
        cursor = ""
        while True:
            reply = self.world.api.get(f"/api/v1/products/{product_id}/reviews?limit=50{cursor}", token="")
            assert reply.status == 200, reply.body
            items += reply.body["items"]
            if reply.body["next_cursor"] is None:
                return items
            cursor = f"&cursor={reply.body['next_cursor']}"

    def shown_of(self, title: str, author: str) -> dict[str, Any]:
        review_id = self.review_id(author)
        found = [r for r in self.shown(title) if r["id"] == review_id]
        assert len(found) == 1, f"the review of {author} is not shown among {self.shown(title)}"
        return found[0]

    def case(self, moderator: str, author: str) -> dict[str, Any]:
        """The open case of the review's latest revision, as the queue of reviews lists it."""
        reply = self.world.as_user("GET", moderator, f"{CASES}?subject_type=review&limit=100")
        assert reply.status == 200, reply.body
        mine = [c for c in reply.body["items"] if c["subject_id"] == self.review_id(author)]
        assert mine, f"no open case for the review of {author} in {reply.body}"
        found: dict[str, Any] = max(mine, key=lambda c: c["revision"])
        return found


@pytest.fixture
def reviews(catalog: Catalog) -> Reviews:
    return Reviews(catalog)


def _card_rating(catalog: Catalog, title: str) -> dict[str, Any]:
    reply = catalog.public_view(title)
    assert reply.status == 200, reply.body
    rating: dict[str, Any] = reply.body["rating"]
    return rating


# Givens


@given(step('the customers "{emails}" are logged in'))
def customers_logged_in(world: World, emails: str) -> None:
    for email in (e.strip() for e in emails.split(",") if e.strip()):
        customer(world, email, CUSTOMER_PASSWORD)
        logged_in(world, email)


@given(step('"{email}" has received "{title}"'))
def has_received(checkout: Checkout, email: str, title: str) -> None:
    """A customer (made now if the scenario has none of that name) with an address and a delivered order
    of one unit: what a verified review needs, the quickest way through checkout and the carrier."""
    customer_at_home(checkout.world, email, CUSTOMER_PASSWORD)
    has_delivered_order(checkout, email, 1, title)


@given(step('"{email}" has reviewed "{title}" with {stars:d} stars'))
def has_reviewed(reviews: Reviews, email: str, title: str, stars: int) -> None:
    reply = reviews.submit(email, title, stars, "Does what it should", FIRST_TEXT)
    assert reply.status == 201, reply.body
    assert reviews.mine(email)["status"] == "published", reviews.mine(email)


# Whens


@when(step('"{email}" reviews "{title}" with {stars:d} star: "{headline}" - "{text}"'))
@when(step('"{email}" reviews "{title}" with {stars:d} stars: "{headline}" - "{text}"'))
def reviews_product(reviews: Reviews, email: str, title: str, stars: int, headline: str, text: str) -> None:
    reviews.submit(email, title, stars, headline, text)


@when(step('"{email}" changes the text of her review to "{text}"'))
def changes_text(reviews: Reviews, email: str, text: str) -> None:
    reply = reviews.world.as_user("PATCH", email, f"/api/v1/me/reviews/{reviews.review_id(email)}", {"text": text})
    assert reply.status == 200, reply.body


@when(step('the moderator "{moderator}" approves the review of "{author}"'))
def approves_review(reviews: Reviews, moderator: str, author: str) -> None:
    case_id = reviews.case(moderator, author)["case_id"]
    reviews.world.as_user("POST", moderator, f"{CASES}/{case_id}/approve")


@when(step('the moderator "{moderator}" rejects the review of "{author}" because "{reason}"'))
def rejects_review(reviews: Reviews, moderator: str, author: str, reason: str) -> None:
    case_id = reviews.case(moderator, author)["case_id"]
    reviews.world.as_user("POST", moderator, f"{CASES}/{case_id}/reject", {"reasons": [reason]})


@when(step('"{email}" reports the review of "{author}" because "{reason}"'))
def reports_review(reviews: Reviews, email: str, author: str, reason: str) -> None:
    path = f"/api/v1/reviews/{reviews.review_id(author)}/reports"
    reviews.world.as_user("POST", email, path, {"reason": reason})


@when(step('"{email}" answers the review of "{author}" with "{text}"'))
def answers_review(reviews: Reviews, email: str, author: str, text: str) -> None:
    path = f"/api/v1/seller/reviews/{reviews.review_id(author)}/answer"
    reviews.world.as_user("PUT", email, path, {"text": text})


@when(step('"{email}" finds the review of "{author}" helpful'))
def finds_helpful(reviews: Reviews, email: str, author: str) -> None:
    reviews.world.as_user("PUT", email, f"/api/v1/reviews/{reviews.review_id(author)}/helpful")


@when(step("a customer searches for products rated {stars} or more"))
def searches_rated(world: World, stars: str) -> None:
    world.keep(world.api.get(f"/api/v1/search/products?{urlencode({'min_rating': stars})}", token=""))


# Thens


@then(step('"{email}" sees her review "{status}"'))
def sees_review(reviews: Reviews, email: str, status: str) -> None:
    view = reviews.mine(email)
    assert view["status"] == status, view


@then(step('"{email}" sees her review "{status}" because "{reason}"'))
def sees_review_because(reviews: Reviews, email: str, status: str, reason: str) -> None:
    view = reviews.mine(email)
    assert (view["status"], view["rejection_reasons"]) == (status, [reason]), view


@then(step('the reviews of "{title}" show the review of "{author}" as a verified purchase'))
def shows_verified(reviews: Reviews, title: str, author: str) -> None:
    review = reviews.shown_of(title, author)
    assert review["verified"] is True, review
    assert review["product_id"] == reviews.catalog.product_id(title), review


@then(step('the reviews of "{title}" show the review of "{author}" with its first text'))
def shows_first_text(reviews: Reviews, title: str, author: str) -> None:
    review = reviews.shown_of(title, author)
    assert (review["text"], review["edited"]) == (reviews.first_texts[author], False), review


@then(step('the reviews of "{title}" show the review of "{author}" with the text "{text}"'))
def shows_text(reviews: Reviews, title: str, author: str, text: str) -> None:
    review = reviews.shown_of(title, author)
    assert (review["text"], review["edited"]) == (text, True), review


@then(step('the reviews of "{title}" show the review of "{author}" answered "{text}"'))
def shows_answer(reviews: Reviews, title: str, author: str, text: str) -> None:
    review = reviews.shown_of(title, author)
    assert review["answer"] is not None, review
    assert review["answer"]["text"] == text, review


@then(step('the reviews of "{title}" do not show the review of "{author}"'))
def does_not_show(reviews: Reviews, title: str, author: str) -> None:
    shown = reviews.shown(title)
    assert reviews.review_id(author) not in [r["id"] for r in shown], shown
    reply = reviews.world.api.get(f"/api/v1/reviews/{reviews.review_id(author)}", token="")
    assert reply.status == 404, reply.body


@then(step('the reviews of "{title}" show nothing'))
def shows_nothing(reviews: Reviews, title: str) -> None:
    assert reviews.shown(title) == []


@then(step('the review of "{author}" has {count:d} helpful vote'))
def helpful_votes(reviews: Reviews, author: str, count: int) -> None:
    reply = reviews.world.api.get(f"/api/v1/reviews/{reviews.review_id(author)}", token="")
    assert reply.status == 200, reply.body
    assert reply.body["helpful"] == count, reply.body


@then(step('the card of "{title}" shows a rating of {average} from {count:d} review'))
def card_shows_rating(catalog: Catalog, title: str, average: str, count: int) -> None:
    rating = _card_rating(catalog, title)
    assert (rating["count"], rating["average"]) == (count, float(average)), rating
    assert sum(rating["stars"]) == count, rating
    if count == 1:
        assert rating["stars"][round(float(average)) - 1] == 1, rating


@then(step('the card of "{title}" shows no rating yet'))
def card_shows_no_rating(catalog: Catalog, title: str) -> None:
    assert _card_rating(catalog, title) == {"count": 0, "average": 0.0, "stars": [0, 0, 0, 0, 0]}


@then(step('the moderator "{moderator}" finds the review of "{author}" in the queue because "{finding}"'))
def finds_review_in_queue(reviews: Reviews, moderator: str, author: str, finding: str) -> None:
    case = reviews.case(moderator, author)
    assert (case["subject_type"], case["status"]) == ("review", "open"), case
    assert any(f["reason"].startswith(finding) for f in case["findings"]), case
    products = reviews.world.as_user("GET", moderator, f"{CASES}?subject_type=product&limit=100")
    assert products.status == 200, products.body
    assert all(c["subject_type"] == "product" for c in products.body["items"]), products.body
