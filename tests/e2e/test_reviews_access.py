"""Who may call each reviews route: every route against every caller, each with the answer it must get.

The shop is tests/e2e/reviews_shop.py's; "{review_id}" is ann's published review of potter's teapot, which
potter answered. The callers: a guest, the review's author (ann), another customer (bob), the product's
seller (potter), another seller (weaver) and a moderator (mo). Guests read published reviews and ratings
and write nothing (401); only the author reads (through /me/reviews), edits and deletes the review (for
anyone else it does not exist: 404); only the product's seller answers it (another seller: 404; anyone who
is not a seller: 403); the author neither votes on nor reports their own review (403). A refused write
changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.reviews_shop import MISSING, open_shop, state
from tests.support.bad_input import filled
from tests.support.http import ApiClient

CALLERS = ("guest", "author", "other_customer", "seller", "other_seller", "moderator")
TOKENS = {
    "author": "ann",
    "other_customer": "bob",
    "seller": "seller",
    "other_seller": "other_seller",
    "moderator": "mo",
}
MINE = "/api/v1/me/reviews/{review_id}"
EDIT = {"rating": 3, "text": "Pours well, but the lid rattles a little."}
ANSWER = {"text": "Thank you, the lid is fixed in the new batch."}
REVIEW = {"rating": 5, "title": "Lovely teapot", "text": "Pours without dripping and keeps the tea warm."}
PHOTO = {"content_type": "image/png", "size": 1024}


def _everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(CALLERS, status)


def _signed_in(status: int, **others: int) -> dict[str, int]:
    return {**_everyone(status), "guest": 401, **others}


NOT_A_SELLER = {"author": 403, "other_customer": 403, "moderator": 403}
# (method, path, body, the status each caller gets)
MATRIX: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/api/v1/products/{product_id}/reviews", None, _everyone(200)),
    ("GET", "/api/v1/products/{product_id}/rating", None, _everyone(200)),
    ("GET", "/api/v1/sellers/{seller_id}/rating", None, _everyone(200)),
    ("GET", "/api/v1/reviews/{review_id}", None, _everyone(200)),
    # Ann has reviewed the teapot already; nobody else received it (its seller neither).
    ("POST", "/api/v1/products/{product_id}/reviews", REVIEW, _signed_in(403, author=409)),
    ("GET", "/api/v1/me/reviews", None, _signed_in(200)),
    ("GET", MINE, None, _signed_in(404, author=200)),
    ("PATCH", MINE, EDIT, _signed_in(404, author=200)),
    ("DELETE", MINE, None, _signed_in(404, author=204)),
    ("POST", "/api/v1/me/review-photos", PHOTO, _signed_in(201)),
    ("PUT", "/api/v1/reviews/{review_id}/helpful", None, _signed_in(200, author=403, seller=403)),
    ("DELETE", "/api/v1/reviews/{review_id}/helpful", None, _signed_in(200, author=403, seller=403)),
    # Anyone else may report it, once; the third report takes it down, so the fourth reporter (the moderator,
    # who goes last) finds it gone.
    (
        "POST",
        "/api/v1/reviews/{review_id}/reports",
        {"reason": "Not about the product"},
        _signed_in(204, author=403, moderator=404),
    ),
    ("GET", "/api/v1/seller/reviews", None, _signed_in(200, **NOT_A_SELLER)),
    ("PUT", "/api/v1/seller/reviews/{review_id}/answer", ANSWER, _signed_in(200, other_seller=404, **NOT_A_SELLER)),
    ("DELETE", "/api/v1/seller/reviews/{review_id}/answer", None, _signed_in(204, other_seller=404, **NOT_A_SELLER)),
]
LAST = ("moderator",)
ROUTES = [pytest.param(method, path, body, statuses, id=f"{method} {path}") for method, path, body, statuses in MATRIX]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def _token(shop: dict[str, str], caller: str) -> str:
    return "" if caller == "guest" else shop[TOKENS[caller]]


@pytest.mark.parametrize(("method", "path", "body", "statuses"), ROUTES)
def test_each_caller_gets_its_answer(
    api: ApiClient, server: Any, shop: dict[str, str], method: str, path: str, body: Any, statuses: dict[str, int]
) -> None:
    """One shop per route: the callers refused go first, then those allowed (whose writes may change what
    the next one sees), and the moderator last; each refusal is checked to have changed nothing."""
    allowed = [c for c in CALLERS if statuses[c] < 400]
    for caller in [c for c in CALLERS if c not in allowed and c not in LAST] + allowed + list(LAST):
        status = statuses[caller]
        before = state(api, server, shop) if status >= 400 else None
        reply = api.request(method, filled(path, shop), body, token=_token(shop, caller))
        assert reply.status == status, f"{method} {path} as {caller}: {reply.status} {reply.body}"
        if before is not None:
            assert reply.headers["Content-Type"].startswith("application/problem+json")
            assert state(api, server, shop) == before, f"{method} {path} as {caller} changed the shop"


@pytest.mark.parametrize("caller", [c for c in CALLERS if c != "author"])
def test_another_callers_answers_tell_nothing_of_the_review(api: ApiClient, shop: dict[str, str], caller: str) -> None:
    """For anyone but its author, ann's review under /me/reviews reads exactly as an id nobody has."""
    token = _token(shop, caller)
    for method, body in (("GET", None), ("PATCH", EDIT), ("DELETE", None)):
        hers = api.request(method, MINE.format(**shop), body, token=token)
        missing = api.request(method, MINE.format(review_id=MISSING), body, token=token)
        assert hers.status == missing.status, hers.body
        assert _told(hers.body) == _told(missing.body)


def _told(problem: dict[str, Any]) -> tuple[Any, ...]:
    """What a problem tells (its instance and request id aside)."""
    return tuple(problem[k] for k in ("type", "title", "status", "detail"))


def test_lists_show_each_caller_only_theirs(api: ApiClient, shop: dict[str, str]) -> None:
    def ids(path: str, caller: str) -> list[str]:
        reply = api.get(path, token=_token(shop, caller))
        assert reply.status == 200, reply.body
        return [item["id"] for item in reply.body["items"]]

    assert ids("/api/v1/me/reviews", "author") == [shop["review_id"]]
    assert ids("/api/v1/me/reviews", "other_customer") == [shop["bob_review_id"]]
    assert ids("/api/v1/me/reviews", "seller") == ids("/api/v1/me/reviews", "moderator") == []
    assert ids("/api/v1/seller/reviews", "seller") == [shop["review_id"]]
    assert ids("/api/v1/seller/reviews", "other_seller") == [shop["bob_review_id"]]
    shown = ids(f"/api/v1/products/{shop['product_id']}/reviews", "guest")
    assert shown == [shop["review_id"]]


def test_what_the_allowed_writes_do(api: ApiClient, shop: dict[str, str]) -> None:
    """The writes the matrix allows take effect: a vote counts once, the answer is replaced and taken
    back, the author's edit waits for moderation (the published text stays shown) and is then published,
    and a deleted review is gone from the shop and from its author's list."""
    review = f"/api/v1/reviews/{shop['review_id']}"
    assert api.put(f"{review}/helpful", token=shop["bob"]).body["helpful"] == 1
    assert api.put(f"{review}/helpful", token=shop["bob"]).body["helpful"] == 1
    assert api.put(f"{review}/helpful", token=shop["other_seller"]).body["helpful"] == 2
    assert api.delete(f"{review}/helpful", token=shop["bob"]).body["helpful"] == 1

    answer = f"/api/v1/seller/reviews/{shop['review_id']}/answer"
    assert api.put(answer, ANSWER, token=shop["seller"]).body["answer"]["text"] == ANSWER["text"]
    assert api.get(review, token="").body["answer"]["text"] == ANSWER["text"]
    assert api.delete(answer, token=shop["seller"]).status == 204
    assert api.get(review, token="").body["answer"] is None

    edited = api.patch(MINE.format(**shop), EDIT, token=shop["ann"])
    assert (edited.status, edited.body["revision"], edited.body["rating"]) == (200, 2, 3)
    mine = api.get(MINE.format(**shop), token=shop["ann"]).body
    assert (mine["status"], mine["published_revision"]) == ("published", 2)
    assert (api.get(review, token="").body["rating"], api.get(review, token="").body["edited"]) == (3, True)
    rating = api.get(f"/api/v1/products/{shop['product_id']}/rating", token="").body
    assert (rating["count"], rating["stars"]) == (1, [0, 0, 1, 0, 0])

    assert api.delete(MINE.format(**shop), token=shop["ann"]).status == 204
    assert api.get(review, token="").status == 404
    assert api.get("/api/v1/me/reviews", token=shop["ann"]).body["items"] == []
    rating = api.get(f"/api/v1/products/{shop['product_id']}/rating", token="").body
    assert rating["count"] == 0
