"""The authorization matrix (tests/e2e/test_authorization_matrix.py): one shop, eight principals, and what
each of them must be answered on each route, worked out from the route's declaration (``Endpoint``).

What a principal must get follows from the declaration alone:

- a guest (no token) on a route that is ``authenticated``: 401;
- a principal holding none of the route's ``required_roles`` (an admin holds every role, as
  ``core/shared/security.py`` says): 403;
- on a route whose path names a resource someone owns (``OWNED``, the one hand-written table of who owns
  what): the owner is served (neither 401, 403 nor 404) and anyone else who got past the role check is told
  404, the API's answer for another user's resource (tests/e2e/test_orders_access.py), exactly as it is
  told for an id nobody has;
- anyone else is let through: any answer but 401 and 403 (a 404, 409 or 422 for what the ids or the body
  do not match: each proves the caller got past authorization), and never a 5xx. A route that declares 403
  among its ``errors`` refuses some callers for a reason of its own (the author of a review may not vote on
  it): there a 403 is let through too.

Paths are filled with the shop's ids by parameter name (``MatrixShop.ids``; ``MISSING`` for a name the shop
has no id for), so every owned resource in a path is its owner's. Bodies are valid (``SAMPLE_BODIES``), so
the handler runs and a check the use case makes itself counts as well; a schema without a sample gets an
empty object, which the strict parser refuses (422) before the handler runs. That still shows the caller got
past authorization, but not past ownership, which the handler checks: a route of an owned resource needs a
body that parses.

Some routes take a credential of their own, which a caller presents besides its bearer token
(``PRESENTED``): the signed webhooks (a signature of the body), the cart routes (a guest's X-Cart-Token: a
guest with neither is a 401), and the route that reads the browser's session cookie (a bearer header is
refused there). The matrix presents them, so what is checked is who the caller is.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any

import attrs

from core.orders.model import IDEMPOTENCY_KEY
from core.payments.webhooks import SIGNATURE_HEADER as GATEWAY_SIGNATURE
from core.shared.errors import ValidationFailed
from core.shared.security import Role
from core.shared.signatures import sign
from entrypoints.http.keys import CART_HEADER, SESSION_COOKIE
from entrypoints.http.logistics import SIGNATURE_HEADER as CARRIER_SIGNATURE
from entrypoints.http.routing import SAFE_METHODS, Endpoint
from entrypoints.http.schema import parse
from tests.support.bad_input import filled
from tests.support.http import ApiClient, Reply
from tests.support.shop import ADDRESS

MISSING = "01900000-0000-7000-8000-000000000000"
PATH_PARAM = re.compile(r"{([^}]+)}")
PASSWORD = "correct horse battery"

# The principals, and the roles each holds (checked against GET /me when the shop opens).
GUEST = "guest"
CUSTOMER = "customer"  # ann: an order (delivered), an address, a cart, a published review
OTHER_CUSTOMER = "other_customer"  # bob: an address of his own
SELLER = "seller"  # potter: the Blue Teapot, the seller of ann's order, answered ann's review
OTHER_SELLER = "other_seller"  # weaver: a card of his own waiting for a moderator
CARRIER = "carrier"  # carol: ann's parcel was handed to her
MODERATOR = "moderator"  # mo
ADMIN = "admin"  # root
ROLES: dict[str, frozenset[Role] | None] = {
    GUEST: None,
    CUSTOMER: frozenset({Role.CUSTOMER}),
    OTHER_CUSTOMER: frozenset({Role.CUSTOMER}),
    SELLER: frozenset({Role.CUSTOMER, Role.SELLER}),
    OTHER_SELLER: frozenset({Role.CUSTOMER, Role.SELLER}),
    CARRIER: frozenset({Role.CUSTOMER, Role.CARRIER}),
    MODERATOR: frozenset({Role.CUSTOMER, Role.MODERATOR}),
    ADMIN: frozenset({Role.CUSTOMER, Role.ADMIN}),
}
PRINCIPALS = tuple(ROLES)
EMAILS = {
    CUSTOMER: "ann@example.com",
    OTHER_CUSTOMER: "bob@example.com",
    SELLER: "potter@example.com",
    OTHER_SELLER: "weaver@example.com",
    CARRIER: "carol@example.com",
    MODERATOR: "mo@example.com",
    ADMIN: "root@example.com",
}

# Who owns the resource a path names, by the path up to the resource's id (the same parameter names an owned
# resource on one route and a public one on another: ann's review under /me/reviews, anyone's under
# /reviews). Every route whose full path starts with a key is the owner's alone.
OWNED: dict[str, str] = {
    "/api/v1/me/addresses/{address_id}": CUSTOMER,
    "/api/v1/orders/{order_id}": CUSTOMER,  # the order, its payment and its tracking
    "/api/v1/me/reviews/{review_id}": CUSTOMER,
    "/api/v1/seller/orders/{order_id}": SELLER,  # the order's lines are potter's
    "/api/v1/seller/products/{product_id}": SELLER,  # the card, its stock and its images
    "/api/v1/seller/reviews/{review_id}": SELLER,  # a review of potter's product
    "/api/v1/carrier/shipments/{tracking_number}": CARRIER,  # the parcel handed to carol
}

# A valid body for each body schema, its "{name}"s filled from the shop's ids: the handler runs for every
# caller let through, so a check the use case makes itself is met too. Two are left empty (the parser refuses
# them, 422): the current password that PasswordBody and DeleteAccountBody confirm differs from principal to
# principal, and the right one would change or delete the account.
SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "RegisterBody": {"email": "newcomer@example.com", "password": PASSWORD, "display_name": "Newcomer"},
    "LoginBody": {"email": "{email}", "password": PASSWORD},
    "RolesBody": {"roles": ["customer"]},
    "ProfileBody": {"display_name": "Ann S."},
    "PreferencesBody": {"language": "de"},
    "NewAddressBody": {
        "recipient": "A. Person",
        "line1": "Hauptstr. 2",
        "city": "Bonn",
        "postal_code": "53111",
        "country": "DE",
    },
    "AddressChangesBody": {"city": "Potsdam"},
    "ApplyBody": {
        "legal_name": "New Shop GmbH",
        "display_name": "New Shop",
        "country": "DE",
        "payout_reference": "acct_9",
    },
    "StorefrontBody": {"description": "Pots, cups and teapots."},
    "ReasonBody": {"reason": "Checked by the matrix"},
    "NewItemBody": {"product_id": "{product_id}", "quantity": 1},
    "QuantityBody": {"quantity": 2},
    "RejectBody": {"reasons": ["Contact details are not allowed"]},
    "CategoryBody": {"name": "Garden"},
    "CategoryNameBody": {"name": "Kitchenware"},
    "NewProductBody": {
        "sku": "MATRIX-1",
        "title": "Green Mug",
        "category_id": "{category_id}",
        "price": {"amount": 900, "currency": "EUR"},
    },
    "ProductChangesBody": {"brand": "Potter & Sons"},
    "StockBody": {"quantity": 40},
    "ImageUploadBody": {"content_type": "image/png", "size": 1024},
    "CheckoutBody": {"address_id": "{address_id}", "payment_token": "tok_visa"},
    "CancelBody": {"reason": "Changed my mind"},
    "ReturnBody": {"reason": "It is not what I ordered"},
    "ParcelReportBody": {"status": "in_transit", "location": "Leipzig hub"},
    "CarrierBody": {"carrier_id": "{carrier_user_id}"},
    "ReviewBody": {"rating": 5, "title": "Lovely teapot", "text": "Pours without dripping and keeps the tea warm."},
    "ReviewChanges": {"rating": 3},
    "PhotoBody": {"content_type": "image/png", "size": 1024},
    "ReportBody": {"reason": "Not about the product"},
    "AnswerBody": {"text": "Thank you, the lid is fixed in the new batch."},
}
# A valid query string for each query schema with a required parameter.
SAMPLE_QUERIES: dict[str, str] = {"CompletionQuery": "q=tea"}


def route_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.full_path}"


@attrs.define
class MatrixShop:
    """The shop the matrix runs in: a client, each principal's token, and the ids that fill the paths (named
    as the path parameters they fill). ``runtime`` is the server's runtime the shop lives in (a restart
    forgets it), ``dirty`` is set once a request that may have changed it was sent."""

    server: Any
    client: ApiClient
    tokens: dict[str, str]
    ids: dict[str, str]
    guest_cart: str
    runtime: Any
    dirty: bool = False


# How a caller presents a route's own credential: (the bearer token to send, extra headers, raw body).
Presented = tuple[str, dict[str, str], bytes | None]
Presenter = Callable[[MatrixShop, str], Presented]


def _signed(header: str, secret_setting: str) -> Presenter:
    """A webhook signed with the shop's secret, at the shop's time (no bearer token is looked at there, but
    a principal's is sent as any client's would be)."""

    def present(shop: MatrixShop, token: str) -> Presented:
        raw = b"{}"
        now = int(shop.server.clock.now().timestamp())
        secret = getattr(shop.server.settings, secret_setting)
        return token, {header: sign(secret, now, raw), "Content-Type": "application/json"}, raw

    return present


def _with_guest_cart(shop: MatrixShop, token: str) -> Presented:
    """A guest's cart token (a logged-in caller's bearer token wins: the user's cart is meant)."""
    return token, {CART_HEADER: shop.guest_cart}, None


def _by_cookie(shop: MatrixShop, token: str) -> Presented:
    """The route reads the browser's session cookie (a bearer header is refused there): the principal's
    session as that cookie."""
    return "", ({"Cookie": f"{SESSION_COOKIE}={token}"} if token else {}), None


def _in_the_body(shop: MatrixShop, token: str) -> Presented:
    """The credential is the email and password in the body (ann's, whoever sends them)."""
    return token, {}, None


PRESENTED: dict[str, Presenter] = {
    "POST /api/v1/auth/login": _in_the_body,
    "POST /api/v1/auth/session": _in_the_body,
    "GET /api/v1/auth/session": _by_cookie,
    "GET /api/v1/cart": _with_guest_cart,
    "POST /api/v1/cart/items": _with_guest_cart,
    "PATCH /api/v1/cart/items/{product_id}": _with_guest_cart,
    "DELETE /api/v1/cart/items/{product_id}": _with_guest_cart,
    "DELETE /api/v1/cart": _with_guest_cart,
    "POST /api/v1/payments/webhooks/gateway": _signed(GATEWAY_SIGNATURE, "payment_webhook_secret"),
    "POST /api/v1/logistics/webhooks/carrier": _signed(CARRIER_SIGNATURE, "logistics_webhook_secret"),
}


def takes_own_credential(endpoint: Endpoint) -> bool:
    """A route anyone may call that still answers 401: it reads a credential other than the bearer token."""
    return not endpoint.authenticated and 401 in endpoint.errors


# --- what each principal must get ---------------------------------------------------------------------


class Outcome(enum.Enum):
    UNAUTHENTICATED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    ALLOWED = "not 401/403"
    SERVED = "not 401/403/404"


def owner_of(endpoint: Endpoint) -> str | None:
    owners = {owner for prefix, owner in OWNED.items() if endpoint.full_path.startswith(prefix)}
    assert len(owners) <= 1, f"{route_id(endpoint)}: more than one owner in OWNED"
    return owners.pop() if owners else None


def holds(principal: str, role: Role) -> bool:
    """Whether the principal holds the role: an admin holds every role (core/shared/security.py)."""
    roles = ROLES[principal] or frozenset()
    return role in roles or Role.ADMIN in roles


def expected(endpoint: Endpoint, principal: str) -> Outcome:
    """What ``principal`` must be answered on ``endpoint``, from its declaration (and ``OWNED``)."""
    if not endpoint.authenticated:
        return Outcome.ALLOWED
    if principal == GUEST:
        return Outcome.UNAUTHENTICATED
    roles = endpoint.required_roles
    if roles and not any(holds(principal, role) for role in roles):
        return Outcome.FORBIDDEN
    owner = owner_of(endpoint)
    if owner is None:
        return Outcome.ALLOWED
    return Outcome.SERVED if principal == owner else Outcome.NOT_FOUND


def meets(endpoint: Endpoint, outcome: Outcome, status: int) -> bool:
    if outcome in (Outcome.UNAUTHENTICATED, Outcome.FORBIDDEN, Outcome.NOT_FOUND):
        return status == int(outcome.value)
    refused = {401, 403} - ({403} if 403 in endpoint.errors else set())
    if status >= 500 or status in refused:
        return False
    return outcome is Outcome.ALLOWED or status != 404


def call_order(endpoint: Endpoint) -> list[str]:
    """The principals in the order they call: the refused first (a refusal must not depend on what an
    allowed call did), the owner last (their write may take the resource away)."""
    rank = {
        Outcome.UNAUTHENTICATED: 0,
        Outcome.FORBIDDEN: 0,
        Outcome.NOT_FOUND: 0,
        Outcome.ALLOWED: 1,
        Outcome.SERVED: 2,
    }
    return sorted(PRINCIPALS, key=lambda p: rank[expected(endpoint, p)])


# --- the requests ---------------------------------------------------------------------------------------


def body_of(endpoint: Endpoint, ids: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The body the matrix sends: the schema's sample, filled from ``ids`` (its templates when not given),
    or an empty object."""
    if endpoint.body is None:
        return None
    sample = SAMPLE_BODIES.get(endpoint.body.__name__, {})
    body: dict[str, Any] = filled(sample, ids) if ids is not None else dict(sample)
    return body


def body_parses(endpoint: Endpoint) -> bool:
    """Whether the body the matrix sends gets past the parser (the handler runs)."""
    if endpoint.body is None:
        return True
    try:
        parse(body_of(endpoint), endpoint.body)
    except ValidationFailed:
        return False
    return True


def may_change_the_shop(endpoint: Endpoint) -> bool:
    """A write whose handler runs may change what the next route's principals find: the shop is opened
    anew for the next route. A GET, and a write whose body the parser refuses, change nothing."""
    return endpoint.method not in SAFE_METHODS and body_parses(endpoint)


def owned_param(endpoint: Endpoint) -> str | None:
    """The path parameter naming the owned resource (the last one of its ``OWNED`` prefix)."""
    for prefix in OWNED:
        if endpoint.full_path.startswith(prefix):
            return str(PATH_PARAM.findall(prefix)[-1])
    return None


def send(endpoint: Endpoint, principal: str, shop: MatrixShop, **ids: str) -> Reply:
    """The route's request as ``principal``; ``ids`` overrides the shop's ids in the path."""
    token = shop.tokens.get(principal, "")
    headers: dict[str, str] = {IDEMPOTENCY_KEY: f"matrix-{principal}"}
    raw: bytes | None = None
    present = PRESENTED.get(route_id(endpoint))
    if present is not None:
        token, extra, raw = present(shop, token)
        headers.update(extra)
    client = shop.client
    client.session.cookies.clear()  # no cookie an earlier answer set speaks for this caller
    path = PATH_PARAM.sub(lambda m: {**shop.ids, **ids}.get(m.group(1), MISSING), endpoint.full_path)
    if endpoint.query is not None and endpoint.query.__name__ in SAMPLE_QUERIES:
        path = f"{path}?{SAMPLE_QUERIES[endpoint.query.__name__]}"
    if raw is not None:
        return client.request(endpoint.method, path, None, token=token, data=raw, headers=headers)
    return client.request(endpoint.method, path, body_of(endpoint, shop.ids), token=token, headers=headers)


def told(reply: Reply) -> tuple[int, Any]:
    """What a reply tells: its status and its problem's detail."""
    return reply.status, reply.body.get("detail") if isinstance(reply.body, dict) else reply.body


def shown(reply: Reply) -> str:
    """A reply's status and what its problem says, short."""
    detail = reply.body.get("detail", "") if isinstance(reply.body, dict) else ""
    return f"{reply.status} {detail}"[:90].rstrip()


# --- the shop -------------------------------------------------------------------------------------------

REVIEW = {"rating": 4, "title": "Lovely teapot", "text": "Pours without dripping and keeps the tea warm."}
# A phone number in the description: the moderation rules leave the card to a moderator (a case).
DOUBTFUL = "Hand woven from linen. Call me on +49 30 1234567 for a discount."


def _ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, (reply.status, reply.body)
    return reply.body


def open_shop(api: ApiClient, server: Any) -> MatrixShop:
    """The shop of this module's principals, built through the API (roles granted as the features do)."""
    from core.auth.commands import SetRoles
    from core.auth.use_cases import SetUserRoles
    from features.steps.accounts import OPERATOR, World, admin, customer, logged_in
    from features.steps.catalog import Catalog, a_category, has_published
    from features.steps.moderation import moderator
    from features.steps.sellers import verified_seller
    from tests.e2e.orders_shop import checkout

    world = World(api, server)
    catalog = Catalog(world)
    admin(world, EMAILS[ADMIN])
    for principal in (SELLER, OTHER_SELLER):
        verified_seller(world, EMAILS[principal])
    a_category(catalog, "Kitchen")
    has_published(catalog, EMAILS[SELLER], "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR", 50)
    moderator(world, EMAILS[MODERATOR])
    customer(world, EMAILS[CARRIER], PASSWORD)
    grant = server.runtime.resolve(SetUserRoles)
    server.call(grant(SetRoles(OPERATOR, world.user_id(EMAILS[CARRIER]), frozenset({Role.CARRIER}))))
    logged_in(world, EMAILS[CARRIER])
    addresses = {}
    for principal in (CUSTOMER, OTHER_CUSTOMER):
        customer(world, EMAILS[principal], PASSWORD)
        logged_in(world, EMAILS[principal])
        reply = api.post("/api/v1/me/addresses", ADDRESS, token=world.token(EMAILS[principal]))
        addresses[principal] = _ok(reply, 201)["address_id"]
    tokens = {p: world.token(EMAILS[p]) for p in PRINCIPALS if p != GUEST}
    for principal, roles in ROLES.items():
        if roles is not None:
            mine = _ok(api.get("/api/v1/me", token=tokens[principal]))
            assert frozenset(mine["roles"]) == roles, (principal, mine["roles"])

    # Ann's order: paid, potter's lines ready, the parcel handed to carol, who delivered it.
    ann, potter, root = tokens[CUSTOMER], tokens[SELLER], tokens[ADMIN]
    product_id = catalog.product_id("Blue Teapot")
    _ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=ann))
    order_id = _ok(checkout(api, ann, addresses[CUSTOMER], "matrix-checkout"), 201)["order_id"]
    _ok(api.post(f"/api/v1/seller/orders/{order_id}/ready", token=potter))
    shipment = next(
        s for s in _ok(api.get("/api/v1/admin/shipments", token=root))["items"] if s["order_id"] == order_id
    )
    carrier_id = world.user_id(EMAILS[CARRIER])
    _ok(api.post(f"/api/v1/admin/shipments/{shipment['shipment_id']}/carrier", {"carrier_id": carrier_id}, token=root))
    delivered = {"status": "delivered", "location": "Berlin"}
    _ok(api.post(f"/api/v1/carrier/shipments/{shipment['tracking_number']}/events", delivered, token=tokens[CARRIER]))
    assert _ok(api.get(f"/api/v1/orders/{order_id}", token=ann))["status"] == "delivered"

    # Ann's review of the teapot (published by the moderation rules), answered by potter; her cart again.
    review_id = _ok(api.post(f"/api/v1/products/{product_id}/reviews", REVIEW, token=ann), 201)["id"]
    assert _ok(api.get(f"/api/v1/me/reviews/{review_id}", token=ann))["status"] == "published"
    _ok(api.put(f"/api/v1/seller/reviews/{review_id}/answer", {"text": "Thank you!"}, token=potter))
    _ok(api.post("/api/v1/cart/items", {"product_id": product_id, "quantity": 1}, token=ann))

    # An image of potter's teapot, pending its upload; weaver's card waiting for a moderator.
    image = {"content_type": "image/png", "size": 1024}
    image_id = _ok(api.post(f"/api/v1/seller/products/{product_id}/images", image, token=potter), 201)["image_id"]
    card = {
        "sku": "WEAVER-1",
        "title": "Linen Towel",
        "description": DOUBTFUL,
        "brand": "Weaver",
        "category_id": catalog.category_id("Kitchen"),
        "price": {"amount": 1200, "currency": "EUR"},
    }
    towel = _ok(api.post("/api/v1/seller/products", card, token=tokens[OTHER_SELLER]), 201)["id"]
    _ok(api.post(f"/api/v1/seller/products/{towel}/submit", {}, token=tokens[OTHER_SELLER]), 202)
    [case] = _ok(api.get("/api/v1/admin/moderation/cases", token=tokens[MODERATOR]))["items"]
    [saga] = _ok(api.get("/api/v1/admin/sagas", token=root))["items"]

    guest_cart = _ok(api.post("/api/v1/cart/guest", token=""), 201)["cart_token"]
    _ok(api.post("/api/v1/cart/items", {"product_id": product_id}, token="", headers={CART_HEADER: guest_cart}))
    ids = {
        "user_id": world.user_id(EMAILS[CUSTOMER]),
        "seller_id": world.user_id(EMAILS[SELLER]),
        "address_id": addresses[CUSTOMER],
        "category_id": catalog.category_id("Kitchen"),
        "product_id": product_id,
        "image_id": image_id,
        "order_id": order_id,
        "shipment_id": shipment["shipment_id"],
        "tracking_number": shipment["tracking_number"],
        "review_id": review_id,
        "case_id": case["case_id"],
        "saga_id": saga["saga_id"],
        # Not path parameters: what the sample bodies name.
        "email": EMAILS[CUSTOMER],
        "carrier_user_id": carrier_id,
    }
    return MatrixShop(server, api, tokens, ids, guest_cart, server.runtime)
