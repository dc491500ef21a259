"""Recommendation routes: "recommended for you" (a guest gets the base feed), the base feed's lists per
category, and per product "customers also bought" and "similar products". Only products that can be
bought now are listed."""

from __future__ import annotations

import attrs

from core.recommendations import commands as c
from core.recommendations import use_cases as uc
from core.recommendations.model import FeedKind
from entrypoints.http.routing import Call, Endpoint
from entrypoints.http.schema import limits

TAG = "recommendations"
LIMIT_MAX = 50


@attrs.frozen
class ListQuery:
    limit: int = attrs.field(default=10, metadata=limits(minimum=1, maximum=LIMIT_MAX))


@attrs.frozen
class FeedListQuery:
    """``category_id``: the category's list (products in it or under it); none: the whole shop's."""

    category_id: str | None = attrs.field(default=None, metadata=limits(max_length=64))
    limit: int = attrs.field(default=10, metadata=limits(minimum=1, maximum=LIMIT_MAX))


async def get_recommendations(call: Call[None, ListQuery]) -> c.RecommendationsView:
    user_id = call.principal.user_id if call.principal is not None else None
    return await call.resolve(uc.ShowRecommendations)(c.ForShopper(user_id, call.query.limit))


async def get_best_sellers(call: Call[None, FeedListQuery]) -> c.ProductListView:
    q = call.query
    return await call.resolve(uc.ShowBaseFeed)(c.FeedQuery(FeedKind.BEST_SELLERS, q.category_id, q.limit))


async def get_top_rated(call: Call[None, FeedListQuery]) -> c.ProductListView:
    q = call.query
    return await call.resolve(uc.ShowBaseFeed)(c.FeedQuery(FeedKind.TOP_RATED, q.category_id, q.limit))


async def get_also_bought(call: Call[None, ListQuery]) -> c.ProductListView:
    return await call.resolve(uc.ShowAlsoBought)(c.ForProduct(call.path("product_id"), call.query.limit))


async def get_similar(call: Call[None, ListQuery]) -> c.ProductListView:
    return await call.resolve(uc.ShowSimilarProducts)(c.ForProduct(call.path("product_id"), call.query.limit))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/recommendations",
        get_recommendations,
        "Recommended for you",
        tag=TAG,
        authenticated=False,
        query=ListQuery,
        response=c.RecommendationsView,
        description="A logged-in customer's own list (`source: personal`), built from what they viewed, "
        "put in their cart, bought and reviewed, within seconds of it; products they bought are left "
        "out. A guest, a customer the shop knows nothing of yet, or one whose list is being rebuilt gets "
        "the shop's best sellers (`source: base`).",
    ),
    Endpoint(
        "GET",
        "/recommendations/best-sellers",
        get_best_sellers,
        "Best sellers (of the last 30 days by default)",
        tag=TAG,
        authenticated=False,
        query=FeedListQuery,
        response=c.ProductListView,
        description="The base feed, rebuilt every few minutes: units sold over the sliding window.",
    ),
    Endpoint(
        "GET",
        "/recommendations/top-rated",
        get_top_rated,
        "Top rated among the products shoppers looked at lately",
        tag=TAG,
        authenticated=False,
        query=FeedListQuery,
        response=c.ProductListView,
        description="The base feed: the products viewed or sold over the sliding window, by their stars "
        "damped towards the shop's mean (a product with one five-star review does not outrank one with a "
        "hundred at 4.8).",
    ),
    Endpoint(
        "GET",
        "/products/{product_id}/also-bought",
        get_also_bought,
        "Customers who bought this also bought",
        tag=TAG,
        authenticated=False,
        query=ListQuery,
        response=c.ProductListView,
        description="Products most often bought by the customers who bought this one (paid orders).",
    ),
    Endpoint(
        "GET",
        "/products/{product_id}/similar",
        get_similar,
        "Similar products",
        tag=TAG,
        authenticated=False,
        query=ListQuery,
        response=c.ProductListView,
        description="Products of its department viewed together with this one, and the best sellers of its "
        "category and brand.",
    ),
]
