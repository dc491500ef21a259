"""Sessions in Redis, each kept until its own expiry and no longer.

Keys (a standalone Redis or a Sentinel pair; not a Cluster, where the two keys of one change would sit
in different slots and could not change together):

- ``session:<session id>``: the session as JSON, with a TTL equal to the time left until ``expires_at``,
  so Redis drops it by itself;
- ``user_sessions:<user id>``: a sorted set of the user's session ids scored by ``expires_at`` (integer
  microseconds since the epoch: exact, so "expired" means the same here as in ``get``). It lets
  "log out everywhere" and "list my sessions" find a user's sessions without a SCAN. Entries whose
  expiry passed are trimmed on every write and read; the key's own TTL is kept at least as long as its
  longest session's, so the index of a user who never comes back disappears too.

Needs Redis 7.0 or later (PEXPIRE NX/GT). "Now" is the injected clock's, as in the other adapters:
expiry is judged by the same clock that set ``expires_at``, and tests can move it.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import redis.asyncio as aioredis

from adapters.redis.client import unavailable_when_down
from core.auth.model import Session
from core.shared.security import Role
from ports.shared import Clock

SESSION_PREFIX = "session:"
INDEX_PREFIX = "user_sessions:"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MILLISECOND = timedelta(milliseconds=1)

# Revoke every session of a user but one, in one step: a login that adds a session at the same moment
# lands either before (and is revoked) or after (and is kept), never half-way. The script builds the
# session keys from ARGV, which a standalone Redis allows (see the module docstring about Cluster).
# A session counts as revoked only if it was still live: one whose expiry passed was not revoked by us.
_REMOVE_ALL = """
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local now, keep, prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local revoked = 0
for i = 1, #entries, 2 do
    local id = entries[i]
    if id ~= keep then
        local existed = redis.call('DEL', prefix .. id)
        if existed == 1 and tonumber(entries[i + 1]) > now then
            revoked = revoked + 1
        end
        redis.call('ZREM', KEYS[1], id)
    end
end
return revoked
"""


def session_key(session_id: str) -> str:
    return SESSION_PREFIX + session_id


def index_key(user_id: str) -> str:
    return INDEX_PREFIX + user_id


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _encode(session: Session) -> str:
    return json.dumps(
        {
            "id": session.id,
            "user_id": session.user_id,
            "created_at": session.created_at.isoformat(),
            "expires_at": session.expires_at.isoformat(),
            "address": session.address,
            "user_agent": session.user_agent,
            "roles": None if session.roles is None else sorted(r.value for r in session.roles),
        },
        separators=(",", ":"),
    )


def _decode(raw: str | bytes) -> Session:
    data: dict[str, Any] = json.loads(raw)
    return Session(
        id=data["id"],
        user_id=data["user_id"],
        created_at=datetime.fromisoformat(data["created_at"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
        address=data.get("address", ""),
        user_agent=data.get("user_agent", ""),
        roles=None if data.get("roles") is None else frozenset(Role(r) for r in data["roles"]),
    )


class RedisSessionStore:
    def __init__(self, redis: aioredis.Redis, clock: Clock) -> None:
        self.redis = redis
        self.clock = clock
        self._remove_all = redis.register_script(_REMOVE_ALL)

    async def add(self, session: Session) -> None:
        now = self.clock.now()
        if session.expires_at <= now:
            return  # already over: storing it would only make Redis delete it
        ttl_ms = math.ceil((session.expires_at - now) / _MILLISECOND)
        index = index_key(session.user_id)
        with unavailable_when_down("storing a session"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.set(session_key(session.id), _encode(session), px=ttl_ms)
                tx.zadd(index, {session.id: _micros(session.expires_at)})
                tx.zremrangebyscore(index, "-inf", _micros(now))
                # NX gives a new index a TTL; GT lengthens it when this session outlives the others.
                # (GT alone would do nothing on a key without a TTL: Redis treats that as infinite.)
                tx.pexpire(index, ttl_ms, nx=True)
                tx.pexpire(index, ttl_ms, gt=True)
                await tx.execute()

    async def get(self, session_id: str) -> Session | None:
        with unavailable_when_down("reading a session"):
            raw = await self.redis.get(session_key(session_id))
        if raw is None:
            return None
        session = _decode(raw)
        if session.expires_at <= self.clock.now():
            return None
        return session

    async def remove(self, session_id: str) -> None:
        key = session_key(session_id)
        with unavailable_when_down("removing a session"):
            raw = await self.redis.get(key)
            if raw is None:
                return  # gone already; a stale index entry is trimmed when its user is next read
            async with self.redis.pipeline(transaction=True) as tx:
                tx.delete(key)
                tx.zrem(index_key(_decode(raw).user_id), session_id)
                await tx.execute()

    async def remove_all(self, user_id: str, keep: str | None = None) -> int:
        now = _micros(self.clock.now())
        with unavailable_when_down("revoking a user's sessions"):
            revoked = await self._remove_all(keys=[index_key(user_id)], args=[now, keep or "", SESSION_PREFIX])
        return int(revoked)

    async def change_roles(self, user_id: str, roles: frozenset[Role]) -> None:
        # SET XX: a session removed meanwhile (a logout) stays removed; KEEPTTL: its expiry stays its own.
        sessions = await self.list_for_user(user_id)
        if not sessions:
            return
        with unavailable_when_down("changing the roles of a user's sessions"):
            async with self.redis.pipeline(transaction=False) as batch:
                for session in sessions:
                    batch.set(
                        session_key(session.id), _encode(attrs.evolve(session, roles=roles)), xx=True, keepttl=True
                    )
                await batch.execute()

    async def list_for_user(self, user_id: str) -> list[Session]:
        """The user's live sessions, soonest to expire first."""
        now = self.clock.now()
        index = index_key(user_id)
        with unavailable_when_down("listing a user's sessions"):
            async with self.redis.pipeline(transaction=True) as tx:
                tx.zremrangebyscore(index, "-inf", _micros(now))
                tx.zrange(index, 0, -1)
                _, ids = await tx.execute()
            if not ids:
                return []
            raws = await self.redis.mget([session_key(session_id) for session_id in ids])
            # An id whose session key is gone was removed without its index entry or was dropped by
            # Redis's own TTL a moment before the clock's expiry: either way it is no longer a session.
            stale = [session_id for session_id, raw in zip(ids, raws, strict=True) if raw is None]
            if stale:
                await self.redis.zrem(index, *stale)
        sessions = (_decode(raw) for raw in raws if raw is not None)
        return [s for s in sessions if s.expires_at > now]
