"""Endpoints: one declaration per route, from which both the aiohttp handler and its OpenAPI entry come.

A context's HTTP module (``entrypoints/http/users.py``...) lists ``Endpoint``s. Each names its group (the
client it serves), who may call it, its body and query schemas, its response schema and status, and a
handler ``async def (call: Call) -> result``. ``to_aiohttp`` wraps the handler: it authenticates,
checks roles, counts the call against the route's rate limit, parses the body and the query strictly, runs
the handler and serialises the result.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import typing
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import orjson
from aiohttp import web

from config.settings import rate_limits
from core.auth.commands import Authenticate
from core.auth.use_cases import AuthenticateSession
from core.shared.documents import JsonDocument
from core.shared.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    ValidationFailed,
)
from core.shared.security import Principal, Role
from entrypoints.http.gateway import client_address
from entrypoints.http.keys import CSRF_HEADER, RUNTIME_KEY, SESSION_COOKIE
from entrypoints.http.problems import MalformedBody
from entrypoints.http.schema import dump, parse
from ports.shared import WindowCounter

B = TypeVar("B")
Q = TypeVar("Q")
T = TypeVar("T")


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


class Call(Generic[B, Q]):
    """What a handler gets: the parsed input, the caller, and the use cases."""

    __slots__ = ("body", "principal", "query", "raw_body", "request")

    def __init__(
        self, request: web.Request, principal: Principal | None, body: B, query: Q, raw_body: Mapping[str, Any]
    ) -> None:
        self.request, self.principal, self.body, self.query, self.raw_body = request, principal, body, query, raw_body

    def resolve(self, key: type[T]) -> T:
        """The use case ``key``, built once for the whole process (see ``Runtime.resolve``)."""
        return self.request.app[RUNTIME_KEY].resolve(key)

    def path(self, name: str) -> str:
        value = self.request.match_info[name]
        if "\x00" in value:  # no id holds a NUL character (PostgreSQL's text cannot)
            raise NotFound(f"no such {name.removesuffix('_id').replace('_', ' ')}")
        return value

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
        return client_address(self.request, self.request.app[RUNTIME_KEY].settings.trust_forwarded_for)


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
    # The answer carries a credential (a session or cart token): no cache may keep it (RFC 6749 section
    # 5.1), so it goes with Cache-Control: no-store and, for HTTP/1.0 caches, Pragma: no-cache.
    credential: bool = False
    # The name of the route's limit in the settings' rate limits (config.settings.RATE_LIMITS): calls past it
    # within its window are told 429, counted per user on an authenticated route, per address otherwise.
    rate_limit: str | None = None

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
    """The caller, or None for a guest: by the bearer header, else by the browser's session cookie. A token
    that is sent must be good, on every route: a client that believes it is logged in is told it is not
    (401), never served silently as a guest. A change the cookie authenticates must carry the session's
    CSRF token (403 otherwise): a browser sends the cookie with requests other sites make it send too."""
    header = request.headers.get(AUTHORIZATION)
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use an Authorization header of the form: Bearer <token>")
        return await request.app[RUNTIME_KEY].resolve(AuthenticateSession)(Authenticate(token.strip()))
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    if request.method not in SAFE_METHODS and not hmac.compare_digest(
        request.headers.get(CSRF_HEADER, "").encode(), csrf_token(cookie).encode()
    ):
        raise PermissionDenied(f"a change made with the session cookie needs the {CSRF_HEADER} header of its session")
    return await request.app[RUNTIME_KEY].resolve(AuthenticateSession)(Authenticate(cookie))


def csrf_token(session_token: str) -> str:
    """The CSRF token of a browser's session, derived from its token: the session routes hand it to the
    page, and a page of another site, which cannot read the cookie, cannot make it."""
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()


async def read_json(request: web.Request) -> Any:
    if not request.can_read_body:
        return {}
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="send the body as application/json")
    raw = await request.read()  # bounded by the app's client_max_size (413 past it)
    if not raw.strip():
        return {}
    try:
        # Strict JSON: invalid UTF-8, a lone surrogate ("\ud800"), NaN or Infinity is not JSON.
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody([FieldError("body", f"is not valid JSON ({exc})")]) from None
    _refuse_nul(data, "")
    return data


def _refuse_nul(value: Any, path: str) -> None:
    """No text the API takes may hold a NUL character: valid JSON ("\u0000") that no store keeps
    (PostgreSQL's text refuses it), so it is refused here, naming the field, before anything is read."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationFailed.of(path or "body", "must not contain a NUL character")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, path or "body")
            _refuse_nul(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}.{index}" if path else str(index))


class QueryReader:
    """Reads a query string into its schema: each parameter converted to its field's type (a query
    string holds only text), unknown ones refused. The schema's types are looked at once, here."""

    def __init__(self, schema: type) -> None:
        self.schema = schema
        self.kinds: dict[str, str] = {}
        for name, hint in typing.get_type_hints(schema).items():
            kinds = {a for a in typing.get_args(hint) if a is not type(None)} or {hint}
            if any(typing.get_origin(k) is list for k in kinds):
                self.kinds[name] = "list"
            elif int in kinds:
                self.kinds[name] = "int"
            elif float in kinds:
                self.kinds[name] = "float"
            elif bool in kinds:
                self.kinds[name] = "bool"
            else:
                self.kinds[name] = "str"

    def __call__(self, request: web.Request) -> Any:
        values: dict[str, Any] = {}
        query = request.query
        for key in query:
            kind = self.kinds.get(key)
            if kind is None:
                raise ValidationFailed.of(key, "is not a known query parameter")
            given = query.getall(key)
            if any("\x00" in value for value in given):
                raise ValidationFailed.of(key, "must not contain a NUL character")
            if kind == "list":
                values[key] = given
                continue
            raw = given[-1]
            if kind == "int":
                try:
                    values[key] = int(raw)
                except ValueError:
                    raise ValidationFailed.of(key, "must be an integer") from None
            elif kind == "float":
                values[key] = _finite(key, raw)
            elif kind == "bool":
                flag = _FLAGS.get(raw.lower())
                if flag is None:
                    raise ValidationFailed.of(key, "must be true or false")
                values[key] = flag
            else:
                values[key] = raw
        return parse(values, self.schema, root="query")


def _finite(key: str, raw: str) -> float:
    """A number as a query string writes it ("4", "4.5", "1e1"); never NaN or an infinity, which no range
    check would refuse (NaN compares false to every bound)."""
    try:
        number = float(raw)
    except ValueError:
        raise ValidationFailed.of(key, "must be a number") from None
    if not math.isfinite(number):
        raise ValidationFailed.of(key, "must be a finite number")
    return number


_FLAGS = {"true": True, "false": False}
AUTHORIZATION = "Authorization"
COOKIE = "Cookie"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON = "application/json"


NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_answer(result: Any, status: int, headers: Mapping[str, str] | None = None) -> web.Response:
    """A handler's result as the answer's body: a ``JsonDocument`` as it is, anything else written once."""
    body = result.content if isinstance(result, JsonDocument) else orjson.dumps(dump(result))
    return web.Response(body=body, status=status, content_type=JSON, headers=headers)


async def within_rate_limit(request: web.Request, name: str, principal: Principal | None) -> None:
    """Count this call against the limit ``name``, per caller; past the limit it is refused (429, with
    the seconds until the window ends as Retry-After) before its body is read. Every call counts, a refused
    or an invalid one too: a script probing the route spends its allowance as a shopper would."""
    runtime = request.app[RUNTIME_KEY]
    limit = rate_limits(runtime.settings.rate_limits)[name]
    if principal is not None:
        caller = f"user:{principal.user_id}"
    else:
        caller = f"address:{client_address(request, runtime.settings.trust_forwarded_for)}"
    count, retry_after = await runtime.resolve(WindowCounter).add(f"rate:{name}:{caller}", limit.window_seconds)
    if count > limit.requests:
        raise TooManyRequests(
            f"at most {limit.requests} {name} requests in {limit.window_seconds} s; try again in {retry_after} s",
            retry_after,
        )


def to_aiohttp(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    authenticated, roles, status = endpoint.authenticated, endpoint.required_roles, endpoint.status
    rate_limit = endpoint.rate_limit
    body_schema, handler = endpoint.body, endpoint.handler
    read_query = QueryReader(endpoint.query) if endpoint.query is not None else None
    headers = NO_STORE if endpoint.credential else None

    async def handle(request: web.Request) -> web.StreamResponse:
        # Most reads come without a token: no coroutine for them.
        sent = request.headers
        principal = await authenticate(request) if AUTHORIZATION in sent or COOKIE in sent else None
        if authenticated:
            if principal is None:
                raise Unauthenticated("this route needs a bearer token: log in first")
            if roles:
                principal.require(*roles)
        if rate_limit is not None:
            await within_rate_limit(request, rate_limit, principal)
        raw: Any = _NO_BODY
        body: Any = None
        if body_schema is not None:
            raw = await read_json(request)
            body = parse(raw, body_schema)
        query = read_query(request) if read_query is not None else None
        result = await handler(Call(request, principal, body, query, raw if isinstance(raw, dict) else _NO_BODY))
        if isinstance(result, web.StreamResponse):
            return result
        if result is None or status == 204:
            return web.Response(status=204)
        return json_answer(result, status, headers)

    handle.__name__ = endpoint.operation_id
    return handle


_NO_BODY: Mapping[str, Any] = {}
