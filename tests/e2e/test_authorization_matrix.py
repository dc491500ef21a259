"""Issue #14, item 4: every route against every principal, each with the answer its declaration implies.

The principals are a guest, a customer who owns an order, an address, a cart and a review (ann), another
customer (bob), the seller of ann's order (potter), another seller (weaver), the carrier of ann's parcel
(carol), a moderator and an admin. What each must get is worked out from the route's ``Endpoint`` (see
tests/support/matrix.py: 401 for a guest on an authenticated route, 403 without the route's role, 404 for a
resource of someone else's, otherwise let through), never written down per route: a route added tomorrow is
checked the day it is declared.

One shop serves route after route while nothing could have changed it; a route whose handler may write (a
write whose body gets past the parser: a logout, a deletion, a cancellation...) gets a shop of its own, and
calls with the refused principals first and the owner last, so a refusal never depends on what an allowed
call did. Every principal's answer is checked, and all the wrong ones are told at once.

On the memory profile only (``memory_only``): who may call a route is decided by its declaration and its use
case, which both profiles share; the infra adapters only store what the use case decided. On infra the
matrix's hundred-odd shops, each through Kafka's consumers and the sagas, took six minutes of the suite's
twenty; the infra runs of the access tests (tests/e2e/test_*_access.py) and of the features cover the adapters.
"""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.http.app import all_endpoints
from entrypoints.http.routing import Endpoint
from tests.support.matrix import (
    MISSING,
    OWNED,
    PATH_PARAM,
    PRESENTED,
    PRINCIPALS,
    SAMPLE_BODIES,
    SAMPLE_QUERIES,
    MatrixShop,
    Outcome,
    body_parses,
    call_order,
    expected,
    may_change_the_shop,
    meets,
    open_shop,
    owned_param,
    owner_of,
    route_id,
    send,
    shown,
    takes_own_credential,
    told,
)

ENDPOINTS = all_endpoints()
pytestmark = pytest.mark.memory_only


@pytest.fixture(scope="module")
def shops() -> dict[int, MatrixShop]:
    """The module's open shop, by the id of the server it lives on."""
    return {}


@pytest.fixture
def shop(request: pytest.FixtureRequest, server: Any, shops: dict[int, MatrixShop]) -> MatrixShop:
    """The shop as the last route left it, or a new one if that route may have changed it or the server
    started afresh since (another module's test)."""
    current = shops.get(id(server))
    if current is None or current.dirty or current.runtime is not server.runtime:
        api = request.getfixturevalue("api")  # a clean server (wiped and restarted)
        current = shops[id(server)] = open_shop(api, server)
    return current


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=route_id)
def test_each_principal_gets_what_the_declaration_implies(shop: MatrixShop, endpoint: Endpoint) -> None:
    """The route as each of the eight principals: each answer must be the one ``expected`` works out."""
    owner = owner_of(endpoint)
    if owner is not None and endpoint.body is not None:
        # Past the parser, or the owner could not be told from anyone else.
        assert body_parses(endpoint), f"give SAMPLE_BODIES a valid {endpoint.body.__name__}"
    if may_change_the_shop(endpoint):
        shop.dirty = True
    rows: list[tuple[str, str, str, bool]] = []
    for principal in call_order(endpoint):
        outcome = expected(endpoint, principal)
        reply = send(endpoint, principal, shop)
        ok = meets(endpoint, outcome, reply.status)
        got = shown(reply)
        if ok and outcome is Outcome.NOT_FOUND:
            # Someone else's resource reads exactly as one nobody has: its existence is not told either.
            param = owned_param(endpoint)
            assert param is not None
            missing = send(endpoint, principal, shop, **{param: MISSING})
            if told(missing) != told(reply):
                ok, got = False, f"{got} (an id nobody has: {shown(missing)})"
        rows.append((principal, outcome.value, got, ok))
    wrong = [row for row in rows if not row[3]]
    table = "\n".join(
        f"  {'WRONG' if not ok else '     '} {who:<15} expected {want:<16} got {got}" for who, want, got, ok in rows
    )
    assert not wrong, f"{route_id(endpoint)}: {len(wrong)} of {len(rows)} principals answered wrongly\n{table}"


def test_the_matrix_covers_every_route_the_app_serves(api: Any) -> None:
    """Every /api/v1 operation of the served API document is a row of the matrix (and nothing else is),
    for all eight principals; and the hand-written tables name only routes and schemas that exist."""
    document = api.get("/api/openapi.json").body
    served = {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    }
    rows = [route_id(e) for e in ENDPOINTS]
    assert len(rows) == len(set(rows)), "a route is declared twice"
    assert set(rows) == served
    assert len(PRINCIPALS) == 8
    for endpoint in ENDPOINTS:
        for principal in PRINCIPALS:
            expected(endpoint, principal)  # an outcome for every cell (no owner claimed twice)

    # A route anyone may call that answers 401 reads a credential of its own: the matrix must present it.
    own = {route_id(e) for e in ENDPOINTS if takes_own_credential(e)}
    assert own <= set(PRESENTED), f"say in PRESENTED how a caller presents the credential of {own - set(PRESENTED)}"
    assert set(PRESENTED) <= set(rows)
    # Each owned path names a resource of authenticated routes only (a guest cannot own anything).
    for prefix in OWNED:
        routes = [e for e in ENDPOINTS if e.full_path.startswith(prefix)]
        assert routes, f"OWNED names no route: {prefix}"
        assert all(e.authenticated for e in routes), prefix
        assert PATH_PARAM.findall(prefix), prefix
    schemas = {e.body.__name__ for e in ENDPOINTS if e.body is not None}
    assert set(SAMPLE_BODIES) <= schemas
    unparsed = {e.body.__name__ for e in ENDPOINTS if e.body is not None and not body_parses(e)}
    # The two a caller's own password confirms stay empty (see SAMPLE_BODIES); every other sample parses.
    assert unparsed == {"PasswordBody", "DeleteAccountBody"}, unparsed
    queries = {e.query.__name__ for e in ENDPOINTS if e.query is not None}
    assert set(SAMPLE_QUERIES) <= queries
