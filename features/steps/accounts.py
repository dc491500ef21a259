"""Steps about accounts, sessions and roles (features/auth.feature and the givens others reuse)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import given, then, when

from core.auth.commands import GetAccount, SetRoles
from core.auth.use_cases import GetAccountInfo, SetUserRoles
from core.shared.security import Principal, Role
from features.steps.text import step
from tests.support.http import ApiClient, Reply
from tests.support.server import ServerThread

OPERATOR = Principal("operator", frozenset({Role.ADMIN}), "features")
DEFAULT_DEVICE = "default"


class World:
    """What the scenario remembers between steps: the last answer, every answer, the tokens."""

    def __init__(self, api: ApiClient, server: ServerThread) -> None:
        self.api, self.server = api, server
        self.replies: list[Reply] = []
        self.tokens: dict[tuple[str, str], str] = {}
        self.passwords: dict[str, str] = {}
        self.admin: str | None = None
        self.erased_user_id = ""
        self.attempts: list[Reply] = []

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def keep(self, reply: Reply) -> Reply:
        self.replies.append(reply)
        return reply

    def token(self, email: str, device: str = DEFAULT_DEVICE) -> str:
        return self.tokens[(email, device)]

    def as_user(self, method: str, email: str, path: str, body: Any = None, device: str = DEFAULT_DEVICE) -> Reply:
        return self.keep(self.api.request(method, path, body, token=self.token(email, device)))

    def log_in(self, email: str, password: str, device: str = DEFAULT_DEVICE) -> Reply:
        reply = self.keep(self.api.post("/api/v1/auth/login", {"email": email, "password": password}))
        if reply.status == 200:
            self.tokens[(email, device)] = reply.body["token"]
        return reply

    def register(self, email: str, password: str, name: str) -> Reply:
        body = {"email": email, "password": password, "display_name": name}
        return self.keep(self.api.post("/api/v1/auth/register", body))

    def user_id(self, email: str) -> str:
        view = self.server.call(self.server.runtime.resolve(GetAccountInfo)(GetAccount(OPERATOR, email=email)))
        return str(view.user_id)


@pytest.fixture
def world(api: ApiClient, server: ServerThread) -> World:
    return World(api, server)


def _roles(text: str) -> list[str]:
    return sorted(r.strip() for r in text.split(",") if r.strip())


@given(step('a customer "{email}" with the password "{password}" and the name "{name}"'))
def customer_named(world: World, email: str, password: str, name: str) -> None:
    assert world.register(email, password, name).status == 201
    world.passwords[email] = password


@given(step('a customer "{email}" with the password "{password}"'))
def customer(world: World, email: str, password: str) -> None:
    customer_named(world, email, password, email.split("@")[0].title())


@given(step('an admin "{email}"'))
def admin(world: World, email: str) -> None:
    customer(world, email, "the admin's long passphrase")
    grant = SetUserRoles
    user_id = world.user_id(email)
    world.server.call(world.server.runtime.resolve(grant)(SetRoles(OPERATOR, user_id, frozenset({Role.ADMIN}))))
    assert world.log_in(email, "the admin's long passphrase").status == 200
    world.admin = email


@given(step('"{email}" is logged in on the "{device}"'))
def logged_in_on(world: World, email: str, device: str) -> None:
    assert world.log_in(email, world.passwords[email], device).status == 200


@given(step('"{email}" is logged in'))
def logged_in(world: World, email: str) -> None:
    logged_in_on(world, email, DEFAULT_DEVICE)


@when(step('a visitor registers as "{email}" with the password "{password}" and the name "{name}"'))
def visitor_registers(world: World, email: str, password: str, name: str) -> None:
    world.register(email, password, name)


@when(step('"{email}" logs in with the password "{password}"'))
def logs_in(world: World, email: str, password: str) -> None:
    world.log_in(email, password)


@when(step('"{email}" logs out'))
def logs_out(world: World, email: str) -> None:
    world.as_user("POST", email, "/api/v1/auth/logout")


@when(step('"{email}" logs out everywhere from the "{device}"'))
def logs_out_everywhere(world: World, email: str, device: str) -> None:
    assert world.as_user("POST", email, "/api/v1/auth/logout-all", device=device).status == 200


@when(step("{days:d} days pass"))
def days_pass(world: World, days: int) -> None:
    world.server.clock.advance(days * 24 * 3600)


@when(step('"{email}" changes her password on the "{device}" from "{old}" to "{new}"'))
def changes_password(world: World, email: str, device: str, old: str, new: str) -> None:
    body = {"current_password": old, "new_password": new}
    world.as_user("POST", email, "/api/v1/auth/password", body, device=device)


@when(step('someone tries {count:d} wrong passwords for "{email}"'))
def wrong_passwords(world: World, count: int, email: str) -> None:
    for attempt in range(count):
        world.attempts.append(world.log_in(email, f"wrong guess number {attempt}"))


@when(step('the admin sets the roles of "{email}" to "{roles}"'))
def admin_sets_roles(world: World, email: str, roles: str) -> None:
    assert world.admin is not None
    world.as_user("PUT", world.admin, f"/api/v1/admin/users/{world.user_id(email)}/roles", {"roles": _roles(roles)})


@when(step('"{actor}" sets the roles of "{email}" to "{roles}"'))
def someone_sets_roles(world: World, actor: str, email: str, roles: str) -> None:
    if (actor, DEFAULT_DEVICE) not in world.tokens:
        logged_in(world, actor)
    world.as_user("PUT", actor, f"/api/v1/admin/users/{world.user_id(email)}/roles", {"roles": _roles(roles)})


@when("the admin lists the accounts")
def admin_lists(world: World) -> None:
    assert world.admin is not None
    world.as_user("GET", world.admin, "/api/v1/admin/users?limit=50")


@then(step("the answer is {status:d}"))
def answer_is(world: World, status: int) -> None:
    assert world.last.status == status, world.last.body


@then(step("the answer is a {status:d} problem"))
def answer_is_problem(world: World, status: int) -> None:
    reply = world.last
    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.body["status"] == status


@then(step('the answer is a {status:d} problem naming "{fields}"'))
def answer_names_fields(world: World, status: int, fields: str) -> None:
    answer_is_problem(world, status)
    named = set(world.last.problem_fields)
    for field in (f.strip() for f in fields.split(",")):
        assert field in named, f"{field} not named in {world.last.body}"


@then("the answer says when to retry")
def says_retry(world: World) -> None:
    assert int(world.last.headers["Retry-After"]) > 0


@then(step('the new account has the roles "{roles}"'))
def new_account_roles(world: World, roles: str) -> None:
    assert world.last.body["roles"] == _roles(roles)
    assert set(world.last.body) == {"user_id", "email", "roles", "created_at", "last_login_at"}


@then("a bearer session token is issued")
def token_issued(world: World) -> None:
    body = world.last.body
    assert body["token_type"] == "Bearer"
    assert len(body["token"]) >= 40


@then(step('"{email}" sees her account with the email "{shown}"'))
def sees_account(world: World, email: str, shown: str) -> None:
    reply = world.as_user("GET", email, "/api/v1/me")
    assert reply.status == 200
    assert reply.body["email"] == shown


@then(step('"{email}" sees the roles "{roles}" on her account'))
def sees_roles(world: World, email: str, roles: str) -> None:
    if (email, DEFAULT_DEVICE) not in world.tokens:
        logged_in(world, email)
    reply = world.as_user("GET", email, "/api/v1/me")
    assert reply.body["roles"] == _roles(roles)


@then(step('"{email}" cannot log in with the password "{password}"'))
def cannot_log_in(world: World, email: str, password: str) -> None:
    assert world.log_in(email, password).status == 401


@then(step('"{email}" can log in with the password "{password}"'))
def can_log_in(world: World, email: str, password: str) -> None:
    assert world.log_in(email, password, "check").status == 200


def _me(world: World, email: str, device: str) -> Reply:
    return world.api.get("/api/v1/me", token=world.token(email, device))


@then(step('the token of "{email}" on the "{device}" is refused'))
def token_refused_on(world: World, email: str, device: str) -> None:
    reply = _me(world, email, device)
    assert reply.status == 401, reply.body
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


@then(step('the token of "{email}" on the "{device}" still works'))
def token_works_on(world: World, email: str, device: str) -> None:
    assert _me(world, email, device).status == 200


@then(step('the token of "{email}" is refused'))
def token_refused(world: World, email: str) -> None:
    token_refused_on(world, email, DEFAULT_DEVICE)


@then(step('the token of "{email}" still works'))
def token_works(world: World, email: str) -> None:
    token_works_on(world, email, DEFAULT_DEVICE)


@then(step("each attempt was answered {status:d}"))
def each_attempt(world: World, status: int) -> None:
    assert [a.status for a in world.attempts] == [status] * len(world.attempts)


@then(step("both answers are the same {status:d} problem"))
def same_problem(world: World, status: int) -> None:
    first, second = world.replies[-2], world.replies[-1]
    assert first.status == second.status == status
    assert first.body["detail"] == second.body["detail"]
    assert first.body["type"] == second.body["type"]


@then(step('"{email}" listing the accounts is answered with a {status:d} problem'))
def listing_refused(world: World, email: str, status: int) -> None:
    reply = world.as_user("GET", email, "/api/v1/admin/users")
    assert reply.status == status


@then(step('no answer so far contains "{first}" or "{second}"'))
def nothing_leaks(world: World, first: str, second: str) -> None:
    text = json.dumps([r.body for r in world.replies])
    assert first not in text
    assert second not in text
    assert len(world.last.body["items"]) == 2
