from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters.system import Argon2PasswordHasher
from core.auth.commands import Login
from core.auth.events import PasswordChanged, UserLoggedIn
from core.auth.model import session_id_of
from core.auth.use_cases import LogIn
from core.shared.errors import TooManyRequests, Unauthenticated

from ..harness import AuthApp, Published

Advance = Callable[[float], None]


async def wrong_login(auth: AuthApp, email: str = "alice@example.com", address: str = "") -> str:
    with pytest.raises(Unauthenticated) as raised:
        await auth.open_session(email, "not the right password", address=address)
    return raised.value.message


async def test_logging_in_opens_a_session_that_expires_after_the_policy_ttl(auth: AuthApp) -> None:
    account = await auth.sign_up()

    issued = await auth.open_session("alice@example.com", auth.PASSWORD)

    now = auth.clock.now()
    assert issued.user_id == account.user_id
    assert issued.expires_at == now + timedelta(seconds=auth.policy.session_ttl_seconds)
    assert len(issued.token) >= 43  # 32 random bytes, URL-safe
    session = await auth.sessions.get(session_id_of(issued.token))
    assert session is not None
    assert session.user_id == account.user_id
    assert session.created_at == now
    assert session.expires_at == issued.expires_at


async def test_the_session_store_never_holds_the_token_itself(auth: AuthApp) -> None:
    await auth.sign_up()

    issued = await auth.open_session()

    [session] = await auth.sessions.list_for_user(issued.user_id)
    assert session.id != issued.token
    assert issued.token not in repr(session)
    assert issued.token not in repr(issued)


async def test_each_login_gets_a_new_token(auth: AuthApp) -> None:
    await auth.sign_up()

    first, second = await auth.open_session(), await auth.open_session()

    assert first.token != second.token
    assert len(await auth.sessions.list_for_user(first.user_id)) == 2


async def test_login_records_the_time_and_publishes_user_logged_in(auth: AuthApp, published: Published) -> None:
    account = await auth.sign_up()
    published.clear()
    auth.clock.advance(90)

    await auth.open_session(address="203.0.113.7", user_agent="curl/8")

    stored = await auth.stored(account.user_id)
    assert stored is not None
    assert stored.last_login_at == auth.clock.now()
    [event] = published.of(UserLoggedIn)
    assert (event.user_id, event.address, event.occurred_at) == (
        account.user_id,
        "203.0.113.7",
        auth.clock.now(),
    )
    assert published.types() == ["auth.UserLoggedIn.v1"]


async def test_the_session_remembers_the_client_and_cuts_a_long_user_agent(auth: AuthApp) -> None:
    await auth.sign_up()

    issued = await auth.open_session(address="198.51.100.1", user_agent="A" * 1000)

    session = await auth.sessions.get(session_id_of(issued.token))
    assert session is not None
    assert session.address == "198.51.100.1"
    assert session.user_agent == "A" * 200


@pytest.mark.parametrize("typed", ["ALICE@example.com", "  alice@EXAMPLE.COM  "])
async def test_the_email_is_matched_whatever_its_case_or_spaces(auth: AuthApp, typed: str) -> None:
    account = await auth.sign_up("alice@example.com")

    issued = await auth.open_session(typed)

    assert issued.user_id == account.user_id


async def test_a_wrong_password_and_an_unknown_email_fail_alike(auth: AuthApp, published: Published) -> None:
    account = await auth.sign_up()
    published.clear()

    wrong_password = await wrong_login(auth, "alice@example.com")
    unknown_email = await wrong_login(auth, "nobody@example.com")

    assert wrong_password == unknown_email == "the email or the password is wrong"
    assert await auth.sessions.list_for_user(account.user_id) == []
    stored = await auth.stored(account.user_id)
    assert stored is not None
    assert stored.last_login_at is None
    assert published.envelopes == []


async def test_an_empty_password_does_not_log_in(auth: AuthApp) -> None:
    await auth.sign_up()

    with pytest.raises(Unauthenticated):
        await auth.log_in(Login("alice@example.com", ""))


# --- throttling -------------------------------------------------------------------------------------------


async def test_after_too_many_failures_even_the_right_password_is_refused(auth: AuthApp) -> None:
    account = await auth.sign_up()
    for _ in range(auth.policy.failures_per_account):
        await wrong_login(auth)

    with pytest.raises(TooManyRequests) as raised:
        await auth.open_session("alice@example.com", auth.PASSWORD)

    assert 0 < raised.value.retry_after_seconds <= auth.policy.failure_window_seconds
    assert await auth.sessions.list_for_user(account.user_id) == []


async def test_the_failure_that_reaches_the_limit_is_still_only_unauthenticated(auth: AuthApp) -> None:
    await auth.sign_up()
    for _ in range(auth.policy.failures_per_account - 1):
        await wrong_login(auth)

    await wrong_login(auth)  # the limit-th failure is refused as wrong, not as throttled

    with pytest.raises(TooManyRequests):
        await auth.open_session("alice@example.com", "not the right password")


async def test_retry_after_counts_down_to_the_end_of_the_window(auth: AuthApp, advance: Advance) -> None:
    await auth.sign_up()
    for _ in range(auth.policy.failures_per_account):
        await wrong_login(auth)
    advance(100)

    with pytest.raises(TooManyRequests) as raised:
        await auth.open_session()

    assert raised.value.retry_after_seconds == auth.policy.failure_window_seconds - 100


async def test_the_end_of_the_window_lets_the_account_log_in_again(auth: AuthApp, advance: Advance) -> None:
    account = await auth.sign_up()
    for _ in range(auth.policy.failures_per_account):
        await wrong_login(auth)
    advance(auth.policy.failure_window_seconds - 1)
    with pytest.raises(TooManyRequests):
        await auth.open_session()

    advance(1)
    issued = await auth.open_session()

    assert issued.user_id == account.user_id


async def test_the_window_is_fixed_from_the_first_failure(auth: AuthApp, advance: Advance) -> None:
    await auth.sign_up()
    await wrong_login(auth)
    advance(auth.policy.failure_window_seconds - 10)
    for _ in range(auth.policy.failures_per_account - 1):
        await wrong_login(auth)
    with pytest.raises(TooManyRequests) as raised:
        await auth.open_session()
    assert raised.value.retry_after_seconds == 10

    advance(10)

    assert (await auth.open_session()).token


async def test_an_unknown_email_is_throttled_too(auth: AuthApp) -> None:
    for _ in range(auth.policy.failures_per_account):
        await wrong_login(auth, "nobody@example.com")

    with pytest.raises(TooManyRequests):
        await auth.open_session("nobody@example.com", "anything at all")


async def test_throttling_one_account_leaves_the_others_alone(auth: AuthApp) -> None:
    await auth.sign_up("alice@example.com")
    bob = await auth.sign_up("bob@example.com")
    for _ in range(auth.policy.failures_per_account):
        await wrong_login(auth, "alice@example.com")

    issued = await auth.open_session("bob@example.com")

    assert issued.user_id == bob.user_id


async def test_the_account_counter_ignores_case_and_spaces(auth: AuthApp) -> None:
    await auth.sign_up()
    for typed in ["ALICE@example.com", " alice@example.com", "Alice@Example.Com "][: auth.policy.failures_per_account]:
        await wrong_login(auth, typed)

    with pytest.raises(TooManyRequests):
        await auth.open_session("alice@example.com")


async def test_one_address_failing_across_many_emails_is_throttled(auth: AuthApp) -> None:
    victim = await auth.sign_up("victim@example.com")
    limit = auth.policy.failures_per_address
    assert limit > auth.policy.failures_per_account  # so only the address counter can trip below
    for n in range(limit):
        await wrong_login(auth, f"guess{n}@example.com", address="203.0.113.66")

    with pytest.raises(TooManyRequests) as raised:
        await auth.open_session("victim@example.com", auth.PASSWORD, address="203.0.113.66")
    assert raised.value.retry_after_seconds > 0

    # Another client may still log in to the same account.
    issued = await auth.open_session("victim@example.com", auth.PASSWORD, address="198.51.100.9")
    assert issued.user_id == victim.user_id


async def test_the_address_window_ends_too(auth: AuthApp, advance: Advance) -> None:
    await auth.sign_up()
    for n in range(auth.policy.failures_per_address):
        await wrong_login(auth, f"guess{n}@example.com", address="203.0.113.66")
    with pytest.raises(TooManyRequests):
        await auth.open_session(address="203.0.113.66")

    advance(auth.policy.failure_window_seconds)

    assert (await auth.open_session(address="203.0.113.66")).token


async def test_a_login_without_an_address_is_throttled_per_account_only(auth: AuthApp) -> None:
    await auth.sign_up()
    for n in range(auth.policy.failures_per_address + 1):
        await wrong_login(auth, f"guess{n}@example.com", address="")

    assert (await auth.open_session(address="")).token


async def test_a_successful_login_clears_the_account_counter(auth: AuthApp) -> None:
    await auth.sign_up()
    limit = auth.policy.failures_per_account
    for _ in range(limit - 1):
        await wrong_login(auth)

    await auth.open_session()

    assert await auth.failures.get("login:account:alice@example.com") == (0, 0)
    for _ in range(limit - 1):
        await wrong_login(auth)
    assert (await auth.open_session()).token  # had the counter survived, this would be refused


# --- sessions per user, rehash ----------------------------------------------------------------------------


async def test_the_oldest_sessions_go_beyond_the_per_user_maximum(auth: AuthApp) -> None:
    account = await auth.sign_up()
    tokens = []
    for _ in range(auth.policy.max_sessions_per_user + 2):
        tokens.append((await auth.open_session()).token)
        auth.clock.advance(1)

    live = await auth.sessions.list_for_user(account.user_id)

    assert len(live) == auth.policy.max_sessions_per_user
    assert {s.id for s in live} == {session_id_of(t) for t in tokens[2:]}
    for token in tokens[:2]:
        with pytest.raises(Unauthenticated):
            await auth.principal(token)
    assert (await auth.principal(tokens[-1])).user_id == account.user_id


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_login(auth: AuthApp, published: Published) -> None:
    account = await auth.sign_up()
    old = await auth.stored(account.user_id)
    assert old is not None
    stronger = Argon2PasswordHasher(time_cost=2, memory_kib=2048)
    assert stronger.needs_rehash(old.password_hash)
    published.clear()

    log_in = LogIn(auth.uow, auth.sessions, auth.failures, stronger, auth.tokens, auth.clock, auth.policy)
    await log_in(Login("alice@example.com", auth.PASSWORD))

    new = await auth.stored(account.user_id)
    assert new is not None
    assert new.password_hash != old.password_hash
    assert not stronger.needs_rehash(new.password_hash)
    assert await stronger.verify(new.password_hash, auth.PASSWORD)
    assert new.password_changed_at == old.password_changed_at  # same password: no password change
    assert published.of(PasswordChanged) == []
    assert published.types() == ["auth.UserLoggedIn.v1"]


async def test_a_current_hash_is_left_alone(auth: AuthApp) -> None:
    account = await auth.sign_up()
    before = await auth.stored(account.user_id)

    await auth.open_session()

    after = await auth.stored(account.user_id)
    assert before is not None
    assert after is not None
    assert after.password_hash == before.password_hash
