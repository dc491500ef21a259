"""The product count of a storefront: RecordListing and RemoveListing, run on the products' events."""

from __future__ import annotations

from core.sellers.commands import GetMyStorefront, GetStorefront, UnlistProduct

from .conftest import ANN, BOB, SellersApp

P1, P2, P3 = (f"00000000-0000-7000-8000-00000000p00{n}" for n in range(1, 4))


async def count(sellers: SellersApp, seller_id: str = ANN.user_id) -> int:
    return (await sellers.storefront(GetStorefront(seller_id))).product_count


async def test_each_published_product_counts_once(sellers: SellersApp) -> None:
    await sellers.verified()

    await sellers.list_products(ANN.user_id, P1, P2, P1, P2, P2)

    assert await count(sellers) == 2


async def test_an_unpublished_product_no_longer_counts_and_removing_twice_is_harmless(sellers: SellersApp) -> None:
    ann = await sellers.verified()
    await sellers.list_products(ANN.user_id, P1, P2)

    await sellers.remove_listing(UnlistProduct(P1))
    await sellers.remove_listing(UnlistProduct(P1))
    await sellers.remove_listing(UnlistProduct(P3))

    assert await count(sellers) == 1
    assert (await sellers.my_storefront(GetMyStorefront(ann))).product_count == 1


async def test_each_seller_counts_her_own_products(sellers: SellersApp) -> None:
    await sellers.verified(ANN)
    await sellers.verified(BOB)

    await sellers.list_products(ANN.user_id, P1)
    await sellers.list_products(BOB.user_id, P2, P3)

    assert await count(sellers, ANN.user_id) == 1
    assert await count(sellers, BOB.user_id) == 2


async def test_a_product_published_again_after_an_edit_still_counts_once(sellers: SellersApp) -> None:
    await sellers.verified()
    await sellers.list_products(ANN.user_id, P1)
    await sellers.remove_listing(UnlistProduct(P1))

    await sellers.list_products(ANN.user_id, P1, P1)

    assert await count(sellers) == 1
