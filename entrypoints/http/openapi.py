"""The OpenAPI 3.1 document, built from the same ``Endpoint`` declarations that serve the routes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from config.settings import RATE_LIMITS
from entrypoints.http.keys import CSRF_HEADER, SESSION_COOKIE
from entrypoints.http.problems import TITLES, Problem
from entrypoints.http.routing import GROUPS, SAFE_METHODS, Endpoint
from entrypoints.http.schema import SchemaRegistry

_PATH_PARAM = re.compile(r"{([^}:]+)(:[^}]*)?}")


def _problem(registry: SchemaRegistry, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": registry.ref(Problem)}},
    }


# The HTTP server refuses a request it cannot read (a request line or a header over 8190 bytes, malformed
# HTTP) before any route or middleware runs, in plain text: any route can get it, so every one lists it.
UNREADABLE_400 = "The request could not be read as HTTP (a request line or header over 8190 bytes, say): plain text"
UNREADABLE_CONTENT = {"text/plain": {"schema": {"type": "string"}}}


def _unreadable(response: dict[str, Any] | None = None) -> dict[str, Any]:
    """``response`` (a 400 of the route's own, or none) with the HTTP server's plain-text 400 added."""
    if response is None:
        return {"description": UNREADABLE_400, "content": dict(UNREADABLE_CONTENT)}
    content = {**response.get("content", {}), **UNREADABLE_CONTENT}
    return {**response, "description": f"{response['description']}; or: {UNREADABLE_400}", "content": content}


# What the gateway itself may answer on a route, whatever the route does (``routing.to_aiohttp``). Every
# route reads a bearer token when one is sent: a bad one is refused even where none is needed, since a
# client that believes it is logged in must not be served as a guest; and the session store, like every
# store, may be down. 404 for an unknown path and 405 for a wrong method are not any one route's.
PUBLIC_401 = "A bearer token was sent and it is invalid, expired or revoked (send none to be served as a guest)"
REQUIRED_401 = "No bearer token, or one that is invalid, expired or revoked"
UNAVAILABLE_503 = "Something this route needs (a store, the gateway, the carrier) is down; retry after Retry-After"
BODY = {
    400: "The body is not JSON",
    413: "The body is larger than the API accepts",
    415: "The body is not application/json",
    422: "A field of the body or the query is missing or invalid; `errors` names each",
}


def _statuses(endpoint: Endpoint) -> dict[int, str]:
    """Every error status ``endpoint`` can answer, with what it means there."""
    statuses = {status: TITLES.get(status, "Error") for status in endpoint.errors}
    if endpoint.authenticated:
        statuses[401] = REQUIRED_401
    elif 401 in statuses:  # the route refuses some credentials of its own (a password, a signature...)
        statuses[401] = f"Refused credentials (see the description), or: {PUBLIC_401[0].lower()}{PUBLIC_401[1:]}"
    else:
        statuses[401] = PUBLIC_401
    if endpoint.required_roles:
        statuses.setdefault(403, f"{TITLES[403]}: the caller lacks the role this route needs")
    if endpoint.method not in SAFE_METHODS:
        statuses.setdefault(403, f"{TITLES[403]}: sent with the session cookie, without its {CSRF_HEADER} header")
    if endpoint.body is not None:
        for status in (400, 413, 415, 422):
            statuses.setdefault(status, BODY[status])
    if endpoint.query is not None:
        statuses.setdefault(422, BODY[422])
    if "{" in endpoint.path:
        statuses.setdefault(404, f"{TITLES[404]}: nothing the caller may see has that id")
    if endpoint.rate_limit is not None:
        per = "user" if endpoint.authenticated else "client address"
        limit = RATE_LIMITS[endpoint.rate_limit]
        statuses[429] = (
            f"Past the route's rate limit per {per} ({limit.requests} calls in {limit.window_seconds} s by default; "
            f"the setting MARKETPLACE_RATE_LIMITS changes `{endpoint.rate_limit}`); retry after Retry-After"
        )
    statuses.setdefault(503, UNAVAILABLE_503)
    return dict(sorted(statuses.items()))


def tag_of(endpoint: Endpoint) -> str:
    """Operations are listed by client, then by context: "public: auth", "admin: auth"."""
    return f"{endpoint.group.name}: {endpoint.tag}" if endpoint.tag else endpoint.group.name


def _operation(endpoint: Endpoint, registry: SchemaRegistry) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [tag_of(endpoint)],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if endpoint.required_roles:
        roles = ", ".join(r.value for r in endpoint.required_roles)
        operation["description"] = (operation.get("description", "") + f"\n\nNeeds the role: {roles}.").strip()
    parameters: list[dict[str, Any]] = [
        {"name": m.group(1), "in": "path", "required": True, "schema": {"type": "string"}}
        for m in _PATH_PARAM.finditer(endpoint.path)
    ]
    if endpoint.query is not None:
        props = registry.object_schema(endpoint.query)  # each field becomes a query parameter
        for name in props["properties"]:
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in props.get("required", []),
                    "schema": props["properties"][name],
                }
            )
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": registry.ref(endpoint.body)}},
        }
    responses: dict[str, Any] = {}
    if endpoint.status == 204 or endpoint.response is None:
        responses[str(endpoint.status if endpoint.status != 200 else 204)] = {"description": "Done"}
    else:
        responses[str(endpoint.status)] = {
            "description": "OK" if endpoint.status == 200 else "Created",
            "content": {"application/json": {"schema": registry.of(endpoint.response)}},
        }
        for status, meaning in endpoint.also:
            responses[str(status)] = {
                "description": meaning,
                "content": {"application/json": {"schema": registry.of(endpoint.response)}},
            }
        if endpoint.credential:
            for status in [endpoint.status, *(status for status, _ in endpoint.also)]:
                responses[str(status)]["headers"] = _NO_STORE_HEADERS
    for status, meaning in _statuses(endpoint).items():
        responses[str(status)] = _problem(registry, meaning)
    operation["responses"] = responses
    if endpoint.authenticated:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


_NO_STORE_HEADERS = {
    "Cache-Control": {
        "description": "The answer carries a credential: no cache may keep it (RFC 6749 section 5.1).",
        "schema": {"type": "string", "const": "no-store"},
    },
    "Pragma": {"description": "The same, for HTTP/1.0 caches.", "schema": {"type": "string", "const": "no-cache"}},
}


def _tags(endpoints: list[Endpoint]) -> list[dict[str, str]]:
    order = {group.name: i for i, group in enumerate(GROUPS)}
    tags = {tag_of(e): e.group for e in endpoints}
    listed = sorted(tags.items(), key=lambda item: (order[item[1].name], item[0]))
    return [{"name": name, "description": group.description} for name, group in listed] + [
        {"name": "ops", "description": "Health, metrics and this document."}
    ]


def _readable(operation: dict[str, Any]) -> dict[str, Any]:
    """``operation`` listing the HTTP server's 400 too (see ``UNREADABLE_400``)."""
    responses = {**operation["responses"], "400": _unreadable(operation["responses"].get("400"))}
    return {**operation, "responses": dict(sorted(responses.items()))}


def build_document(endpoints: Iterable[Endpoint], extra_paths: dict[str, Any], version: str) -> dict[str, Any]:
    endpoints = list(endpoints)
    registry = SchemaRegistry()
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", endpoint.full_path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, registry)
    paths.update(extra_paths)
    paths = {path: {method: _readable(op) for method, op in methods.items()} for path, methods in paths.items()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Marketplace API",
            "version": version,
            "description": (
                "The marketplace platform's API gateway. Errors are application/problem+json (RFC 9457); "
                "log in with POST /api/v1/auth/login and send the token as `Authorization: Bearer <token>`."
            ),
        },
        "tags": _tags(endpoints),
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(registry.components.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A session token."},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "A browser's session (POST /api/v1/auth/session): changes also need the "
                    f"session's CSRF token in the {CSRF_HEADER} header.",
                },
            },
        },
    }
