"""The sellers context as wired on the memory profile: its consumer group, and the role that follows it.

Through ``config.container.bootstrap`` and the in-process bus, as ``marketplace serve`` runs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from config.container import Runtime, bootstrap
from core.auth.commands import Authenticate, Login, Register
from core.auth.use_cases import AuthenticateSession, LogIn, RegisterUser
from core.products.events import ProductPublished, ProductUnpublished
from core.sellers.commands import GetStorefront, Reinstate, Suspend, Verify
from core.sellers.use_cases import ApplyAsSeller, ReinstateSeller, ShowStorefront, SuspendSeller, VerifySeller
from core.shared.events import to_envelope
from core.shared.money import Money
from core.shared.security import Principal, Role
from tests.support.settings import memory_settings

from .conftest import ADMIN, application

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
async def runtime() -> AsyncIterator[Runtime]:
    # Cheap argon2: the tests exercise the logic, bench/ measures the cost.
    runtime = await bootstrap(memory_settings())
    try:
        yield runtime
    finally:
        await runtime.close()


def published(product_id: str, seller_id: str) -> ProductPublished:
    return ProductPublished(
        occurred_at=NOW,
        product_id=product_id,
        seller_id=seller_id,
        revision=1,
        title="Desk lamp",
        description="A lamp.",
        brand="Ann",
        category_id="c1",
        category_path=["c1"],
        attributes=[],
        price=Money(4900, "EUR"),
        available=3,
        image_urls=[],
        published_at=NOW,
    )


async def signed_in(runtime: Runtime, email: str = "ann@example.com") -> tuple[Principal, str]:
    await runtime.resolve(RegisterUser)(Register(email, PASSWORD, "Ann"))
    issued = await runtime.resolve(LogIn)(Login(email, PASSWORD))
    return await runtime.resolve(AuthenticateSession)(Authenticate(issued.token)), issued.token


async def product_count(runtime: Runtime, seller_id: str) -> int:
    view = await runtime.resolve(ShowStorefront)(GetStorefront(seller_id))
    return int(view.product_count)


async def test_the_same_token_carries_the_seller_role_as_soon_as_the_seller_is_verified(runtime: Runtime) -> None:
    ann, token = await signed_in(runtime)
    await runtime.resolve(ApplyAsSeller)(application(ann))
    authenticate = runtime.resolve(AuthenticateSession)

    await runtime.resolve(VerifySeller)(Verify(ADMIN, ann.user_id))
    assert Role.SELLER in (await authenticate(Authenticate(token))).roles

    await runtime.resolve(SuspendSeller)(Suspend(ADMIN, ann.user_id, "counterfeits"))
    assert Role.SELLER not in (await authenticate(Authenticate(token))).roles

    await runtime.resolve(ReinstateSeller)(Reinstate(ADMIN, ann.user_id))
    assert Role.SELLER in (await authenticate(Authenticate(token))).roles


async def test_the_product_count_follows_the_products_events_and_ignores_redeliveries(runtime: Runtime) -> None:
    ann, _ = await signed_in(runtime)
    await runtime.resolve(ApplyAsSeller)(application(ann))
    await runtime.resolve(VerifySeller)(Verify(ADMIN, ann.user_id))
    lamp, shade = published("p-lamp", ann.user_id), published("p-shade", ann.user_id)

    await runtime.bus.publish([to_envelope(lamp), to_envelope(shade), to_envelope(lamp)])
    assert await product_count(runtime, ann.user_id) == 2

    gone = ProductUnpublished(occurred_at=NOW, product_id="p-lamp", seller_id=ann.user_id, reason="archived")
    await runtime.bus.publish([to_envelope(gone)])
    assert await product_count(runtime, ann.user_id) == 1

    # A redelivered ProductPublished (same event id) after the unpublication must not bring the lamp back.
    await runtime.bus.publish([to_envelope(lamp), to_envelope(gone)])
    assert await product_count(runtime, ann.user_id) == 1
