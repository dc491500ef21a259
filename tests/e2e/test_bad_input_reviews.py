"""Every reviews route, fed bad input: a 4xx problem+json that names the field, and nothing changes.

The shop is tests/e2e/reviews_shop.py's. Seller rows are sent by potter (the teapot's seller), rows about
someone else's review (voting, reporting: "/api/v1/reviews/...") by bob, and every other row by ann: her
review of the teapot ("{review_id}") is published and answered, she received the mug ("{fresh_id}") and
has not reviewed it, and she never received the towel ("{other_product_id}", weaver's, which bob reviewed:
"{bob_review_id}"). "{missing}" is an id nothing has; "{nul}" a path id no id can be.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.reviews_shop import open_shop, state
from tests.support.bad_input import Row, check_rows, filled, request
from tests.support.http import ApiClient, Reply

SUBMIT = "/api/v1/products/{fresh_id}/reviews"  # ann received the mug and has not reviewed it
MINE = "/api/v1/me/reviews/{review_id}"
LIST = "/api/v1/products/{product_id}/reviews"
PHOTOS = "/api/v1/me/review-photos"
ANSWER = "/api/v1/seller/reviews/{review_id}/answer"
REPORTS = "/api/v1/reviews/{review_id}/reports"
GOOD = {"rating": 5, "title": "Sturdy mug", "text": "Holds a lot of tea and washes well."}
# A photo id of the form the API answers, that nobody uploaded.
UNKNOWN_PHOTO = "01900000-0000-7000-8000-0000000000f1.png"
PHOTO_IDS = [f"01900000-0000-7000-8000-0000000000f{n}.png" for n in range(1, 7)]
PNG = {"content_type": "image/png", "size": 100}

# (method, path template, body or query, the field the problem must name, status)
BAD: list[Row] = [
    # Submitting a review
    ("POST", SUBMIT, {**GOOD, "rating": 0}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "rating": 6}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "rating": "5"}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "rating": 4.5}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "rating": None}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "rating": True}, "rating", 422),
    ("POST", SUBMIT, {k: v for k, v in GOOD.items() if k != "rating"}, "rating", 422),
    ("POST", SUBMIT, {**GOOD, "title": "ab"}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "title": "  ab      "}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "title": "x" * 121}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "title": "ring\u0007ring"}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "title": 12345}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "title": ["Sturdy mug"]}, "title", 422),
    ("POST", SUBMIT, {k: v for k, v in GOOD.items() if k != "title"}, "title", 422),
    ("POST", SUBMIT, {**GOOD, "text": "Too short"}, "text", 422),
    ("POST", SUBMIT, {**GOOD, "text": "   Too short      "}, "text", 422),
    ("POST", SUBMIT, {**GOOD, "text": "x" * 5001}, "text", 422),
    ("POST", SUBMIT, {**GOOD, "text": "A fine mug\u0000with a NUL in it"}, "text", 422),
    ("POST", SUBMIT, {**GOOD, "text": None}, "text", 422),
    ("POST", SUBMIT, {**GOOD, "verified": True}, "verified", 422),
    ("POST", SUBMIT, ["not", "an", "object"], "body", 422),
    ("POST", SUBMIT, "not an object", "body", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": UNKNOWN_PHOTO}, "photo_ids", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": ["../../etc/passwd"]}, "photo_ids.0", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": [UNKNOWN_PHOTO.replace(".png", ".gif")]}, "photo_ids.0", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": [42]}, "photo_ids.0", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": [UNKNOWN_PHOTO]}, "photo_ids.0", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": [UNKNOWN_PHOTO, UNKNOWN_PHOTO]}, "photo_ids", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": PHOTO_IDS}, "photo_ids", 422),
    ("POST", SUBMIT, {**GOOD, "photo_ids": [UNKNOWN_PHOTO] * 21}, "photo_ids", 422),
    ("POST", SUBMIT, {**GOOD, "author_name": ""}, "author_name", 422),
    ("POST", SUBMIT, {**GOOD, "author_name": "   "}, "author_name", 422),
    ("POST", SUBMIT, {**GOOD, "author_name": "x" * 51}, "author_name", 422),
    ("POST", SUBMIT, {**GOOD, "author_name": "Ann\u0007"}, "author_name", 422),
    ("POST", SUBMIT, {**GOOD, "author_name": 7}, "author_name", 422),
    ("POST", "/api/v1/products/{missing}/reviews", GOOD, "", 404),
    ("POST", "/api/v1/products/{nul}/reviews", GOOD, "", 404),
    ("POST", "/api/v1/products/{product_id}/reviews", GOOD, "", 409),  # she reviewed the teapot already
    ("POST", "/api/v1/products/{other_product_id}/reviews", GOOD, "", 403),  # the towel never reached her
    # Editing, reading and deleting one's review
    ("PATCH", MINE, {"rating": 0}, "rating", 422),
    ("PATCH", MINE, {"rating": None}, "rating", 422),
    ("PATCH", MINE, {"title": None}, "title", 422),
    ("PATCH", MINE, {"text": None}, "text", 422),
    ("PATCH", MINE, {"photo_ids": None}, "photo_ids", 422),
    ("PATCH", MINE, {"rating": 6}, "rating", 422),
    ("PATCH", MINE, {"rating": "5"}, "rating", 422),
    ("PATCH", MINE, {"rating": 4.5}, "rating", 422),
    ("PATCH", MINE, {"title": "ab"}, "title", 422),
    ("PATCH", MINE, {"title": "x" * 121}, "title", 422),
    ("PATCH", MINE, {"title": "ring\u0007ring"}, "title", 422),
    ("PATCH", MINE, {"title": 5}, "title", 422),
    ("PATCH", MINE, {"text": "Too short"}, "text", 422),
    ("PATCH", MINE, {"text": "x" * 5001}, "text", 422),
    ("PATCH", MINE, {"photo_ids": "none"}, "photo_ids", 422),
    ("PATCH", MINE, {"photo_ids": ["not a photo"]}, "photo_ids.0", 422),
    ("PATCH", MINE, {"photo_ids": [UNKNOWN_PHOTO]}, "photo_ids.0", 422),
    ("PATCH", MINE, {"photo_ids": [UNKNOWN_PHOTO, UNKNOWN_PHOTO]}, "photo_ids", 422),
    ("PATCH", MINE, {"photo_ids": PHOTO_IDS}, "photo_ids", 422),
    ("PATCH", MINE, {"product_id": "{fresh_id}"}, "product_id", 422),
    ("PATCH", MINE, {"author_name": "Someone else"}, "author_name", 422),
    ("PATCH", MINE, {"rating": 5, "status": "published"}, "status", 422),
    ("PATCH", MINE, ["not", "an", "object"], "body", 422),
    ("PATCH", "/api/v1/me/reviews/{missing}", {"rating": 5}, "", 404),
    ("PATCH", "/api/v1/me/reviews/{bob_review_id}", {"rating": 5}, "", 404),
    ("GET", "/api/v1/me/reviews/{missing}", None, "", 404),
    ("GET", "/api/v1/me/reviews/{bob_review_id}", None, "", 404),
    ("GET", "/api/v1/me/reviews/{nul}", None, "", 404),
    ("DELETE", "/api/v1/me/reviews/{missing}", None, "", 404),
    ("DELETE", "/api/v1/me/reviews/{bob_review_id}", None, "", 404),
    ("GET", "/api/v1/me/reviews", "limit=0", "limit", 422),
    ("GET", "/api/v1/me/reviews", "limit=101", "limit", 422),
    ("GET", "/api/v1/me/reviews", "limit=many", "limit", 422),
    ("GET", "/api/v1/me/reviews", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/me/reviews", "cursor=" + "A" * 513, "cursor", 422),
    ("GET", "/api/v1/me/reviews", "status=published", "status", 422),
    # Photos
    ("POST", PHOTOS, {"content_type": "image/gif", "size": 100}, "content_type", 422),
    ("POST", PHOTOS, {"content_type": "text/html", "size": 100}, "content_type", 422),
    ("POST", PHOTOS, {"content_type": "image/" + "x" * 100, "size": 100}, "content_type", 422),
    ("POST", PHOTOS, {"content_type": ["image/png"], "size": 100}, "content_type", 422),
    ("POST", PHOTOS, {"size": 100}, "content_type", 422),
    ("POST", PHOTOS, {**PNG, "size": 0}, "size", 422),
    ("POST", PHOTOS, {**PNG, "size": -1}, "size", 422),
    ("POST", PHOTOS, {**PNG, "size": 5 * 1024 * 1024 + 1}, "size", 422),
    ("POST", PHOTOS, {**PNG, "size": "100"}, "size", 422),
    ("POST", PHOTOS, {**PNG, "size": 1.5}, "size", 422),
    ("POST", PHOTOS, {"content_type": "image/png"}, "size", 422),
    ("POST", PHOTOS, {**PNG, "photo_id": "mine.png"}, "photo_id", 422),
    ("POST", PHOTOS, "not an object", "body", 422),
    # The shop's reads
    ("GET", LIST, "sort=unknown", "sort", 422),
    ("GET", LIST, "sort=NEWEST", "sort", 422),
    ("GET", LIST, "stars=0", "stars", 422),
    ("GET", LIST, "stars=6", "stars", 422),
    ("GET", LIST, "stars=abc", "stars", 422),
    ("GET", LIST, "with_photos=maybe", "with_photos", 422),
    ("GET", LIST, "limit=0", "limit", 422),
    ("GET", LIST, "limit=101", "limit", 422),
    ("GET", LIST, "cursor=%%%", "cursor", 422),
    ("GET", LIST, "cursor=WyJ4Il0", "cursor", 422),
    ("GET", LIST, "cursor=bm90IGpzb24", "cursor", 422),
    ("GET", LIST, "verified=true", "verified", 422),
    ("GET", "/api/v1/products/{nul}/reviews", None, "", 404),
    ("GET", "/api/v1/products/{nul}/rating", None, "", 404),
    ("GET", "/api/v1/sellers/{nul}/rating", None, "", 404),
    ("GET", "/api/v1/reviews/{missing}", None, "", 404),
    ("GET", "/api/v1/reviews/{nul}", None, "", 404),
    # Voting and reporting (bob, on ann's review)
    ("PUT", "/api/v1/reviews/{missing}/helpful", None, "", 404),
    ("DELETE", "/api/v1/reviews/{missing}/helpful", None, "", 404),
    ("PUT", "/api/v1/reviews/{bob_review_id}/helpful", None, "", 403),  # his own
    ("DELETE", "/api/v1/reviews/{bob_review_id}/helpful", None, "", 403),
    ("POST", REPORTS, {"reason": "ab"}, "reason", 422),
    ("POST", REPORTS, {"reason": "   a   "}, "reason", 422),
    ("POST", REPORTS, {"reason": "x" * 501}, "reason", 422),
    ("POST", REPORTS, {"reason": "Rude\u0007"}, "reason", 422),
    ("POST", REPORTS, {"reason": 42}, "reason", 422),
    ("POST", REPORTS, {}, "reason", 422),
    ("POST", REPORTS, {"reason": "Off topic", "severity": "high"}, "severity", 422),
    ("POST", REPORTS, "not an object", "body", 422),
    ("POST", "/api/v1/reviews/{missing}/reports", {"reason": "Off topic"}, "", 404),
    ("POST", "/api/v1/reviews/{bob_review_id}/reports", {"reason": "Off topic"}, "", 403),  # his own
    # The seller's side (potter)
    ("GET", "/api/v1/seller/reviews", "unanswered=maybe", "unanswered", 422),
    ("GET", "/api/v1/seller/reviews", "product_id=", "product_id", 422),
    ("GET", "/api/v1/seller/reviews", "product_id=" + "p" * 65, "product_id", 422),
    ("GET", "/api/v1/seller/reviews", "limit=0", "limit", 422),
    ("GET", "/api/v1/seller/reviews", "limit=101", "limit", 422),
    ("GET", "/api/v1/seller/reviews", "cursor=%%%", "cursor", 422),
    ("GET", "/api/v1/seller/reviews", "sort=helpful", "sort", 422),
    ("PUT", ANSWER, {"text": ""}, "text", 422),
    ("PUT", ANSWER, {"text": "   "}, "text", 422),
    ("PUT", ANSWER, {"text": "x" * 2001}, "text", 422),
    ("PUT", ANSWER, {"text": "Thanks\u0007"}, "text", 422),
    ("PUT", ANSWER, {"text": 42}, "text", 422),
    ("PUT", ANSWER, {"text": None}, "text", 422),
    ("PUT", ANSWER, {}, "text", 422),
    ("PUT", ANSWER, {"text": "Thanks!", "pinned": True}, "pinned", 422),
    ("PUT", ANSWER, "not an object", "body", 422),
    ("PUT", "/api/v1/seller/reviews/{missing}/answer", {"text": "Thanks!"}, "", 404),
    ("PUT", "/api/v1/seller/reviews/{bob_review_id}/answer", {"text": "Thanks!"}, "", 404),  # weaver's towel
    ("DELETE", "/api/v1/seller/reviews/{missing}/answer", None, "", 404),
    ("DELETE", "/api/v1/seller/reviews/{bob_review_id}/answer", None, "", 404),
]


def _caller(shop: dict[str, str], path: str) -> str:
    if path.startswith("/api/v1/seller/"):
        return shop["seller"]
    if path.startswith("/api/v1/reviews/"):
        return shop["bob"]
    return shop["ann"]


@pytest.fixture
def shop(api: ApiClient, server: Any) -> dict[str, str]:
    return open_shop(api, server)


def test_bad_input_is_refused_and_changes_nothing(api: ApiClient, server: Any, shop: dict[str, str]) -> None:
    def send(method: str, path: str, payload: Any, token: str) -> Reply:
        return request(api, method, path, filled(payload, shop), token)

    check_rows(api, BAD, shop, lambda path: _caller(shop, path), lambda: state(api, server, shop), send)


def test_a_second_review_is_named_in_the_conflict(api: ApiClient, shop: dict[str, str]) -> None:
    reply = api.post(f"/api/v1/products/{shop['product_id']}/reviews", GOOD, token=shop["ann"])
    assert reply.status == 409, reply.body
    assert "edit your review" in reply.body["detail"]


def test_another_customers_review_reads_as_a_missing_one(api: ApiClient, shop: dict[str, str]) -> None:
    other = api.get(f"/api/v1/me/reviews/{shop['bob_review_id']}", token=shop["ann"])
    missing = api.get(f"/api/v1/me/reviews/{shop['missing']}", token=shop["ann"])
    assert other.status == missing.status == 404
    assert other.body["detail"] == missing.body["detail"]
