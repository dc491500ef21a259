"""Who may call each payments route: 401 anonymous, 403 wrong role, 404 for another user's order."""

from __future__ import annotations

from typing import Any

from core.shared.money import Money
from ports.checkout import PaymentDesk
from tests.support.http import ApiClient

PASSWORD = "correct horse battery"


def _login(api: ApiClient, name: str) -> tuple[str, str]:
    body = {"email": f"{name}@example.com", "password": PASSWORD, "display_name": name.title()}
    assert api.post("/api/v1/auth/register", body).status == 201
    login = api.post("/api/v1/auth/login", {"email": body["email"], "password": PASSWORD}).body
    return login["token"], login["user_id"]


def test_payment_routes_check_who_calls(api: ApiClient, server: Any) -> None:
    ann, ann_id = _login(api, "ann")
    bob, _ = _login(api, "bob")
    desk = server.runtime.resolve(PaymentDesk)
    server.call(desk.authorize("order-ann", ann_id, Money(1500, "EUR"), "tok_visa"))

    mine = api.get("/api/v1/orders/order-ann/payment", token=ann)
    assert mine.status == 200, mine.body
    assert (mine.body["status"], mine.body["amount"]) == ("authorized", {"amount": 1500, "currency": "EUR"})
    assert "tok_visa" not in str(mine.body)
    assert api.get("/api/v1/orders/order-ann/payment", token=bob).status == 404
    assert api.get("/api/v1/orders/order-ann/payment").status == 401
    assert api.get("/api/v1/admin/payments", token=ann).status == 403
    assert api.get("/api/v1/admin/payments").status == 401
