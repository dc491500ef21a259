from __future__ import annotations

from adapters.memory.auth import AuthTables, MemoryAuthUnitOfWork, MemorySessionStore
from adapters.system import Argon2PasswordHasher, SecureTokens
from config.runtime import Wiring
from core.auth import use_cases as uc
from ports.auth import AuthUnitOfWork, PasswordHasher, SessionStore, TokenGenerator
from ports.shared import Clock

DATABASE = "users"


def register(w: Wiring) -> None:
    s = w.settings
    c = w.container
    c.register(TokenGenerator, instance=SecureTokens())
    c.register(
        PasswordHasher, instance=Argon2PasswordHasher(time_cost=s.argon2_time_cost, memory_kib=s.argon2_memory_kib)
    )
    c.register(
        uc.AuthPolicy,
        instance=uc.AuthPolicy(
            session_ttl_seconds=s.session_ttl_seconds,
            failures_per_account=s.login_failures_per_account,
            failures_per_address=s.login_failures_per_address,
            failure_window_seconds=s.login_failure_window_seconds,
        ),
    )
    if w.infra:
        from adapters.postgres.auth.repository import PostgresAuthUnitOfWork
        from adapters.redis.sessions import RedisSessionStore

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(AuthUnitOfWork, lambda: PostgresAuthUnitOfWork(pool, nudge))
        c.register(SessionStore, instance=RedisSessionStore(w.redis, c.resolve(Clock)))
    else:
        tables = AuthTables()
        w.units_of_work(AuthUnitOfWork, lambda: MemoryAuthUnitOfWork(tables, w.bus))
        c.register(SessionStore, instance=MemorySessionStore(c.resolve(Clock)))
    w.use_cases(
        uc.PasswordConfirmation,
        uc.RegisterUser,
        uc.LogIn,
        uc.AuthenticateSession,
        uc.LogOut,
        uc.LogOutEverywhere,
        uc.ListMySessions,
        uc.ChangeMyPassword,
        uc.SetUserRoles,
        uc.AdjustUserRoles,
        uc.GetAccountInfo,
        uc.ListAllAccounts,
        uc.DeleteMyAccount,
        uc.ShareRolesWithSessions,
        uc.EndSessionsOfDeletedAccount,
    )
