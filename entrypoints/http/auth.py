"""Auth routes: register, log in and out, sessions, password, account; the admin's user management."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from aiohttp import web

from core.auth import commands as c
from core.auth import use_cases as uc
from core.shared.errors import Unauthenticated, ValidationFailed
from core.shared.pagination import MAX_LIMIT, PageRequest
from core.shared.security import Role
from entrypoints.http.keys import CART_HEADER, CSRF_HEADER, RUNTIME_KEY, SESSION_COOKIE
from entrypoints.http.routing import ADMIN, AUTHORIZATION, NO_STORE, Call, Endpoint, csrf_token, json_answer
from entrypoints.http.schema import limits
from ports.shared import Clock

TAG = "auth"


@attrs.frozen
class RegisterBody:
    """A new customer account."""

    email: str = attrs.field(metadata=limits(max_length=254))
    password: str = attrs.field(repr=False, metadata=limits(max_length=128))
    display_name: str = attrs.field(metadata=limits(max_length=80))


@attrs.frozen
class LoginBody:
    email: str = attrs.field(metadata=limits(max_length=254))
    password: str = attrs.field(repr=False, metadata=limits(max_length=1024))


@attrs.frozen
class Token:
    """A session token: send it as ``Authorization: Bearer <token>`` until it expires."""

    token: str
    token_type: str
    user_id: str
    expires_at: datetime


@attrs.frozen
class BrowserSession:
    """A browser's session: its token is in an HttpOnly cookie, out of page scripts' reach. Send
    ``csrf_token`` in the X-CSRF-Token header of every change (POST, PUT, PATCH, DELETE) the cookie
    authenticates. ``expires_at`` is told when the session opens."""

    user_id: str
    csrf_token: str
    expires_at: datetime | None


@attrs.frozen
class PasswordBody:
    current_password: str = attrs.field(repr=False, metadata=limits(max_length=1024))
    new_password: str = attrs.field(repr=False, metadata=limits(max_length=128))


@attrs.frozen
class DeleteAccountBody:
    """Confirm the deletion with the account's password."""

    password: str = attrs.field(repr=False, metadata=limits(max_length=1024))


@attrs.frozen
class Revoked:
    revoked: int


@attrs.frozen
class Sessions:
    items: list[c.SessionView]


@attrs.frozen
class RolesBody:
    roles: list[Role] = attrs.field(metadata=limits(max_items=5))


@attrs.frozen
class PageQuery:
    limit: int = attrs.field(default=20, metadata=limits(minimum=1, maximum=MAX_LIMIT))
    cursor: str | None = attrs.field(default=None, metadata=limits(max_length=512))


@attrs.frozen
class AccountPage:
    items: list[c.AccountView]
    next_cursor: str | None


async def register(call: Call[RegisterBody, None]) -> c.AccountView:
    b = call.body
    return await call.resolve(uc.RegisterUser)(c.Register(b.email, b.password, b.display_name))


async def _log_in(call: Call[LoginBody, None]) -> c.SessionIssued:
    b = call.body
    user_agent = call.request.headers.get("User-Agent", "")
    issued = await call.resolve(uc.LogIn)(c.Login(b.email, b.password, call.client_address, user_agent))
    # The cart's own module names its use case; imported here, where the login meets the cart.
    from core.cart.commands import MergeCarts
    from core.cart.use_cases import MergeGuestCart
    from entrypoints.http.activity import claim_guest_activity

    cart_token = call.request.headers.get(CART_HEADER)
    if cart_token:
        await call.resolve(MergeGuestCart)(MergeCarts(issued.user_id, cart_token))
        claim_guest_activity(call, issued.user_id)
    return issued


async def login(call: Call[LoginBody, None]) -> Token:
    issued = await _log_in(call)
    return Token(issued.token, "Bearer", issued.user_id, issued.expires_at)


def _served_over_tls(call: Call[Any, Any]) -> bool:
    request = call.request
    if request.secure:
        return True
    trusted = call.request.app[RUNTIME_KEY].settings.trust_forwarded_for
    return trusted and request.headers.get("X-Forwarded-Proto", "").lower() == "https"


async def open_browser_session(call: Call[LoginBody, None]) -> web.Response:
    issued = await _log_in(call)
    answer = BrowserSession(issued.user_id, csrf_token(issued.token), issued.expires_at)
    response = json_answer(answer, 201, NO_STORE)
    max_age = max(int((issued.expires_at - call.resolve(Clock).now()).total_seconds()), 0)  # the shop's clock
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=_served_over_tls(call),
    )
    return response


async def get_browser_session(call: Call[None, None]) -> BrowserSession:
    token = call.request.cookies.get(SESSION_COOKIE)
    if AUTHORIZATION in call.request.headers or not token:
        raise Unauthenticated("this route reads the session cookie: open a session with POST /api/v1/auth/session")
    return BrowserSession(call.user.user_id, csrf_token(token), None)


async def close_browser_session(call: Call[None, None]) -> web.Response:
    await call.resolve(uc.LogOut)(c.Logout(call.user))
    response = web.Response(status=204)
    response.del_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Strict")
    return response


async def logout(call: Call[None, None]) -> None:
    await call.resolve(uc.LogOut)(c.Logout(call.user))


async def logout_everywhere(call: Call[None, None]) -> Revoked:
    return Revoked(await call.resolve(uc.LogOutEverywhere)(c.LogoutEverywhere(call.user)))


async def list_sessions(call: Call[None, None]) -> Sessions:
    return Sessions(await call.resolve(uc.ListMySessions)(c.ListSessions(call.user)))


async def change_password(call: Call[PasswordBody, None]) -> None:
    b = call.body
    await call.resolve(uc.ChangeMyPassword)(c.ChangePassword(call.user, b.current_password, b.new_password))


async def get_me(call: Call[None, None]) -> c.AccountView:
    return await call.resolve(uc.GetAccountInfo)(c.GetAccount(call.user))


async def delete_me(call: Call[DeleteAccountBody, None]) -> None:
    await call.resolve(uc.DeleteMyAccount)(c.DeleteAccount(call.user, call.body.password))


async def list_users(call: Call[None, PageQuery]) -> AccountPage:
    q = call.query
    page = await call.resolve(uc.ListAllAccounts)(c.ListAccounts(call.user, PageRequest(q.limit, q.cursor)))
    return AccountPage(list(page.items), page.next_cursor)


async def get_user(call: Call[None, None]) -> c.AccountView:
    return await call.resolve(uc.GetAccountInfo)(c.GetAccount(call.user, call.path("user_id")))


async def set_roles(call: Call[RolesBody, None]) -> c.AccountView:
    roles = frozenset(call.body.roles)
    if len(roles) != len(call.body.roles):
        raise ValidationFailed.of("roles", "must not repeat a role")
    return await call.resolve(uc.SetUserRoles)(c.SetRoles(call.user, call.path("user_id"), roles))


def _auth(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, tag=TAG, **kw)


ENDPOINTS = [
    _auth(
        "POST",
        "/auth/register",
        register,
        "Create a customer account",
        authenticated=False,
        body=RegisterBody,
        response=c.AccountView,
        status=201,
        errors=(409,),
        rate_limit="registration",
    ),
    _auth(
        "POST",
        "/auth/login",
        login,
        "Log in and get a session token",
        authenticated=False,
        body=LoginBody,
        response=Token,
        credential=True,
        # 409: the guest cart named in X-Cart-Token kept changing while it was merged.
        errors=(401, 409, 429),
        description="Failed logins are throttled per account and per client address: past the limit "
        "the answer is 429 with Retry-After, even for the right password.\n\n"
        "Send a guest cart's token in the `X-Cart-Token` header to merge that cart into the user's cart: "
        "its lines are added (quantities summed, at most 99 per line; lines past the cart's 50 are dropped, "
        "with a note in the cart) and the guest cart is gone. An unknown or expired token merges nothing.",
    ),
    _auth(
        "POST",
        "/auth/session",
        open_browser_session,
        "Log in from a browser: the session in an HttpOnly cookie",
        authenticated=False,
        body=LoginBody,
        response=BrowserSession,
        status=201,
        credential=True,
        errors=(401, 409, 429),
        description=f"As POST /api/v1/auth/login, but the token is set in the `{SESSION_COOKIE}` cookie "
        "(HttpOnly, SameSite=Strict, Secure over TLS) instead of the answer, so page scripts never hold it. "
        f"The gateway accepts the cookie where no bearer header is sent; a change it authenticates needs the "
        f"session's `csrf_token` in the `{CSRF_HEADER}` header (403 otherwise). A cookie whose session ended "
        "is a 401 that clears it.",
    ),
    _auth(
        "GET",
        "/auth/session",
        get_browser_session,
        "The browser's session and its CSRF token (a page loaded anew asks here)",
        response=BrowserSession,
        credential=True,
    ),
    _auth(
        "DELETE",
        "/auth/session",
        close_browser_session,
        "Log out from a browser: end the session and clear its cookie",
        status=204,
        errors=(403,),
    ),
    _auth("POST", "/auth/logout", logout, "End this session", status=204),
    _auth("POST", "/auth/logout-all", logout_everywhere, "End every session of this account", response=Revoked),
    _auth("GET", "/auth/sessions", list_sessions, "List this account's live sessions", response=Sessions),
    _auth(
        "POST",
        "/auth/password",
        change_password,
        "Change the password (ends every other session)",
        body=PasswordBody,
        status=204,
        errors=(429,),  # wrong current passwords are throttled as logins are
    ),
    _auth("GET", "/me", get_me, "The caller's account: email and roles", response=c.AccountView, errors=(404,)),
    _auth(
        "DELETE",
        "/me",
        delete_me,
        "Delete the account and all personal data",
        body=DeleteAccountBody,
        status=204,
        errors=(403, 404, 429),
    ),
    _auth("GET", "/users", list_users, "List accounts", group=ADMIN, query=PageQuery, response=AccountPage),
    _auth("GET", "/users/{user_id}", get_user, "Read an account", group=ADMIN, response=c.AccountView),
    _auth(
        "PUT",
        "/users/{user_id}/roles",
        set_roles,
        "Set an account's roles (customer is always kept)",
        group=ADMIN,
        body=RolesBody,
        response=c.AccountView,
        errors=(409,),
    ),
]
