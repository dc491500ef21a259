"""RFC 9457 problem documents: every error the API returns has this one shape."""

from __future__ import annotations

import json
from typing import Any

import attrs
from aiohttp import web

from core.shared.errors import (
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from entrypoints.http.keys import REQUEST_ID, SESSION_COOKIE

CONTENT_TYPE = "application/problem+json"


class MalformedBody(ValidationFailed):
    """The body could not be read as JSON at all (400), as opposed to JSON with bad values (422)."""

    code = "malformed_body"
    title = "Bad request"


STATUS: dict[type[DomainError], int] = {
    MalformedBody: 400,
    ValidationFailed: 422,
    NotFound: 404,
    Conflict: 409,
    PermissionDenied: 403,
    Unauthenticated: 401,
    TooManyRequests: 429,
    Unavailable: 503,
}

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Permission denied",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


@attrs.frozen
class ProblemField:
    field: str
    message: str


@attrs.frozen
class Problem:
    """An error (RFC 9457 problem details). ``errors`` names each bad field of the input."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: list[ProblemField] = attrs.Factory(list)


def status_of(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def problem_response(
    request: web.Request,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: tuple[FieldError, ...] = (),
    headers: dict[str, str] | None = None,
) -> web.Response:
    slug = (code or TITLES.get(status, "error").lower()).replace(" ", "-").replace("_", "-")
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": request.get(REQUEST_ID, ""),
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return web.Response(status=status, text=json.dumps(body), content_type=CONTENT_TYPE, headers=headers)


def domain_problem(request: web.Request, error: DomainError) -> web.Response:
    status = status_of(error)
    headers: dict[str, str] = {}
    errors: tuple[FieldError, ...] = ()
    if isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="marketplace"'
        if "Authorization" not in request.headers and SESSION_COOKIE in request.cookies:
            # The browser's session ended (expired, revoked): it is told once, and is a guest from then on.
            headers["Set-Cookie"] = f"{SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"
    if isinstance(error, Unavailable):
        headers["Retry-After"] = "5"
    if isinstance(error, ValidationFailed):
        errors = error.errors
    return problem_response(request, status, error.message, code=error.code, errors=errors, headers=headers)
