"""Stock routes: a seller counts the units on hand of their own products.

Reserving, releasing and committing stock have no route: the order saga calls those use cases.
"""

from __future__ import annotations

import attrs

from core.products import commands as c
from core.products import use_cases as uc
from core.products.stock import MAX_ON_HAND
from entrypoints.http.routing import SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "products"


@attrs.frozen
class StockBody:
    """The units on hand; what orders have reserved comes out of them, so it cannot go below that."""

    quantity: int = attrs.field(metadata=limits(minimum=0, maximum=MAX_ON_HAND))


async def get_product_stock(call: Call[None, None]) -> c.StockView:
    return await call.resolve(uc.ShowStock)(c.GetStock(call.user, call.path("product_id")))


async def set_product_stock(call: Call[StockBody, None]) -> c.StockView:
    command = c.SetOnHand(call.user, call.path("product_id"), call.body.quantity)
    return await call.resolve(uc.SetStock)(command)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/products/{product_id}/stock",
        get_product_stock,
        "The stock of one of the seller's products: on hand, reserved by orders, available",
        group=SELLER,
        tag=TAG,
        response=c.StockView,
        errors=(404,),
    ),
    Endpoint(
        "PUT",
        "/products/{product_id}/stock",
        set_product_stock,
        "Set the units on hand of one of the seller's products",
        group=SELLER,
        tag=TAG,
        body=StockBody,
        response=c.StockView,
        errors=(404, 409),
        description="Refused with 409 below the units that orders have reserved.",
    ),
]
