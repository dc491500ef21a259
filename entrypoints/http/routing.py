"""Endpoints: one declaration per route, from which both the aiohttp handler and its OpenAPI entry come.

A context's HTTP module (``entrypoints/http/users.py``...) lists ``Endpoint``s. Each names its group (the
client it serves), who may call it, its body and query schemas, its response schema and status, and a
handler ``async def (call: Call) -> result``. ``to_aiohttp`` wraps the handler: it authenticates,
checks roles, parses the body and the query strictly, runs the handler and serialises the result.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
from aiohttp import web

from core.auth.commands import Authenticate
from core.auth.use_cases import AuthenticateSession
from core.shared.errors import FieldError, Unauthenticated, ValidationFailed
from core.shared.security import Principal, Role
from entrypoints.http.keys import CLIENT_ADDRESS, RUNTIME_KEY
from entrypoints.http.problems import MalformedBody
from entrypoints.http.schema import dump, parse

B = TypeVar("B")
Q = TypeVar("Q")


@attrs.frozen
class Group:
    """The API of one kind of client: a path prefix and the roles its routes need by default."""

    name: str
    prefix: str
    roles: tuple[Role, ...]
    description: str


PUBLIC = Group("public", "/api/v1", (), "Customers and guests: account, profile, catalogue, cart, orders.")
SELLER = Group("seller", "/api/v1/seller", (Role.SELLER,), "Sellers: storefront, products, order lines.")
CARRIER = Group("carrier", "/api/v1/carrier", (Role.CARRIER,), "Carriers: shipment status reports.")
ADMIN = Group("admin", "/api/v1/admin", (Role.ADMIN,), "Administrators and moderators.")
GROUPS = (PUBLIC, SELLER, CARRIER, ADMIN)


@attrs.frozen
class Call(Generic[B, Q]):
    """What a handler gets: the parsed input, the caller, and the use cases."""

    request: web.Request
    principal: Principal | None
    body: B
    query: Q
    raw_body: Mapping[str, Any]

    def resolve(self, key: type[Any]) -> Any:
        return self.request.app[RUNTIME_KEY].resolve(key)

    def path(self, name: str) -> str:
        return self.request.match_info[name]

    @property
    def user(self) -> Principal:
        """The authenticated caller (only on routes that require authentication)."""
        if self.principal is None:
            raise Unauthenticated("a bearer token is required")
        return self.principal

    def given(self, name: str) -> bool:
        """Whether the body named ``name`` at all (PATCH tells "set to null" from "leave alone")."""
        return name in self.raw_body

    @property
    def client_address(self) -> str:
        return str(self.request.get(CLIENT_ADDRESS, ""))


Handler = Callable[[Call[Any, Any]], Awaitable[Any]]


@attrs.frozen
class Endpoint:
    method: str
    path: str  # relative to the group prefix, aiohttp syntax: "/addresses/{address_id}"
    handler: Handler
    summary: str
    group: Group = PUBLIC
    tag: str = ""
    authenticated: bool = True
    roles: tuple[Role, ...] | None = None  # None: the group's roles
    body: type | None = None
    query: type | None = None
    response: Any = None
    status: int = 200
    # Other success statuses answering the same schema, each with what it means (a replayed request, say).
    also: tuple[tuple[int, str], ...] = ()
    errors: tuple[int, ...] = ()
    description: str = ""

    @property
    def full_path(self) -> str:
        return self.group.prefix + self.path

    @property
    def required_roles(self) -> tuple[Role, ...]:
        return self.group.roles if self.roles is None else self.roles

    @property
    def operation_id(self) -> str:
        return self.handler.__name__.strip("_")


async def authenticate(request: web.Request) -> Principal | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use an Authorization header of the form: Bearer <token>")
    use_case: AuthenticateSession = request.app[RUNTIME_KEY].resolve(AuthenticateSession)
    principal: Principal = await use_case(Authenticate(token.strip()))
    return principal


async def read_json(request: web.Request) -> Any:
    if not request.can_read_body:
        return {}
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send the body as application/json")
    raw = await request.read()  # bounded by the app's client_max_size (413 past it)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody([FieldError("body", f"is not valid JSON ({exc})")]) from None


def _query(request: web.Request, schema: type[Q]) -> Q:
    """Query parameters, converted to the schema's field types (a query string holds only text)."""
    values: dict[str, Any] = {}
    hints = typing.get_type_hints(schema)
    for key in request.query:
        if key not in hints:
            raise ValidationFailed.of(key, "is not a known query parameter")
        raw = request.query.getall(key)
        kinds = {a for a in typing.get_args(hints[key]) if a is not type(None)} or {hints[key]}
        try:
            if any(typing.get_origin(k) is list for k in kinds):
                values[key] = raw
            elif int in kinds:
                values[key] = int(raw[-1])
            elif bool in kinds:
                values[key] = {"true": True, "false": False}[raw[-1].lower()]
            else:
                values[key] = raw[-1]
        except (ValueError, KeyError):
            noun = "an integer" if int in kinds else "true or false"
            raise ValidationFailed.of(key, f"must be {noun}") from None
    return parse(values, schema, root="query")


def to_aiohttp(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        principal = await authenticate(request)
        if endpoint.authenticated:
            if principal is None:
                raise Unauthenticated("this route needs a bearer token: log in first")
            if endpoint.required_roles:
                principal.require(*endpoint.required_roles)
        raw: Any = {}
        body: Any = None
        if endpoint.body is not None:
            raw = await read_json(request)
            body = parse(raw, endpoint.body)
        query = _query(request, endpoint.query) if endpoint.query is not None else None
        call: Call[Any, Any] = Call(request, principal, body, query, raw if isinstance(raw, dict) else {})
        result = await endpoint.handler(call)
        if isinstance(result, web.StreamResponse):
            return result
        if result is None or endpoint.status == 204:
            return web.Response(status=204)
        return web.json_response(dump(result), status=endpoint.status)

    handle.__name__ = endpoint.operation_id
    return handle
