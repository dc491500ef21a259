"""The index follows the events: publication, replacement, removal, stock, and the sellers' lifecycle."""

from __future__ import annotations

from adapters.memory.search_index import MemorySearchIndex
from core.search import use_cases as uc
from core.search.commands import (
    ChangeAvailability,
    ChangeImages,
    DelistSeller,
    FindProducts,
    FindSellers,
    ListSeller,
    RelistSeller,
    RemoveProduct,
    UpdateStorefront,
)
from core.shared.money import Money
from tests.support.fake_ratings import FakeRatings

from .conftest import MakeCard


async def found(index: MemorySearchIndex, text: str = "", **filters: object) -> list[str]:
    view = await uc.SearchProducts(index)(FindProducts(text=text, **filters))  # type: ignore[arg-type]
    return [item.id for item in view.items]


async def sellers(index: MemorySearchIndex, text: str = "") -> list[str]:
    view = await uc.SearchSellers(index)(FindSellers(text))
    return [item.display_name for item in view.items]


async def test_a_published_card_is_indexed_with_what_customers_see(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(
        card(1, title="Studio Headphones", price=Money(8900, "EUR"), available=0)
    )

    document = await index.product("product-001")
    assert document is not None
    assert (document.title, document.price, document.available, document.in_stock) == (
        "Studio Headphones",
        Money(8900, "EUR"),
        0,
        False,
    )
    assert document.image_url == "https://cdn.example.com/1/1.jpg"
    assert (document.rating, document.review_count) == (0.0, 0)
    assert await found(index, "studio") == ["product-001"]


async def test_a_card_without_images_has_no_image_url(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, image_urls=()))
    document = await index.product("product-001")
    assert document is not None
    assert document.image_url is None


async def test_an_approved_edit_replaces_the_indexed_card(index: MemorySearchIndex, card: MakeCard) -> None:
    publish = uc.IndexPublishedProduct(index, FakeRatings())
    await publish(card(1, title="Studio Headphones"))
    await publish(card(1, revision=2, title="Travel Headphones"))

    assert await found(index, "studio") == []
    assert await found(index, "travel") == ["product-001"]


async def test_a_late_copy_of_an_older_revision_changes_nothing(index: MemorySearchIndex, card: MakeCard) -> None:
    publish = uc.IndexPublishedProduct(index, FakeRatings())
    await publish(card(1, revision=3, title="Travel Headphones"))
    await publish(card(1, revision=2, title="Studio Headphones"))

    assert await found(index, "studio") == []
    assert await found(index, "travel") == ["product-001"]


async def test_a_new_revision_keeps_the_rating_from_reviews(index: MemorySearchIndex, card: MakeCard) -> None:
    ratings = FakeRatings()
    await uc.IndexPublishedProduct(index, ratings)(card(1))
    ratings.rate_product("product-001", 5, 5, 4, 4)

    await uc.IndexPublishedProduct(index, ratings)(card(1, revision=2, title="Renamed"))

    document = await index.product("product-001")
    assert document is not None
    assert (document.title, document.rating, document.review_count) == ("Renamed", 4.5, 4)


async def test_an_unpublished_card_is_found_no_more(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, title="Studio Headphones"))
    await uc.IndexPublishedProduct(index, FakeRatings())(card(2, title="Studio Monitor"))

    await uc.RemoveUnpublishedProduct(index)(RemoveProduct("product-001"))

    assert await found(index, "studio") == ["product-002"]
    assert await index.product("product-001") is None
    # Repeating it (or removing a card never indexed) is harmless.
    await uc.RemoveUnpublishedProduct(index)(RemoveProduct("product-001"))
    await uc.RemoveUnpublishedProduct(index)(RemoveProduct("never-published"))


async def test_stock_changes_show_in_the_in_stock_filter(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, available=2))
    change = uc.UpdateIndexedAvailability(index)

    await change(ChangeAvailability("product-001", 0))
    assert await found(index, in_stock=True) == []
    await change(ChangeAvailability("product-001", 7))
    assert await found(index, in_stock=True) == ["product-001"]
    document = await index.product("product-001")
    assert document is not None
    assert document.available == 7


async def test_stock_of_a_card_that_is_not_published_indexes_nothing(index: MemorySearchIndex) -> None:
    await uc.UpdateIndexedAvailability(index)(ChangeAvailability("draft-1", 5))
    assert await index.product("draft-1") is None
    assert await found(index) == []


# --- sellers -------------------------------------------------------------------------------------------


async def test_a_verified_seller_is_found_by_name(index: MemorySearchIndex) -> None:
    await uc.IndexVerifiedSeller(index)(ListSeller("seller-1", "Nordic Sound"))
    assert await sellers(index, "nordic") == ["Nordic Sound"]


async def test_a_storefront_update_changes_name_and_description(index: MemorySearchIndex) -> None:
    await uc.IndexVerifiedSeller(index)(ListSeller("seller-1", "Nordic Sound"))
    await uc.IndexStorefront(index)(UpdateStorefront("seller-1", "Fjord Audio", "Speakers from Oslo", "https://l/1"))

    assert await sellers(index, "nordic") == []
    view = await uc.SearchSellers(index)(FindSellers("fjord"))
    assert [(s.display_name, s.description, s.logo_url) for s in view.items] == [
        ("Fjord Audio", "Speakers from Oslo", "https://l/1")
    ]


async def test_a_suspended_seller_is_found_no_more_until_reinstated(index: MemorySearchIndex) -> None:
    await uc.IndexVerifiedSeller(index)(ListSeller("seller-1", "Nordic Sound"))
    await uc.IndexStorefront(index)(UpdateStorefront("seller-1", "Nordic Sound", "Speakers", None))

    await uc.DelistSuspendedSeller(index)(DelistSeller("seller-1"))
    assert await sellers(index, "nordic") == []
    assert await sellers(index) == []

    await uc.RelistReinstatedSeller(index)(RelistSeller("seller-1"))
    view = await uc.SearchSellers(index)(FindSellers("nordic"))
    assert [(s.display_name, s.description) for s in view.items] == [("Nordic Sound", "Speakers")]


async def test_a_storefront_edit_while_suspended_waits_for_the_reinstatement(index: MemorySearchIndex) -> None:
    await uc.IndexVerifiedSeller(index)(ListSeller("seller-1", "Nordic Sound"))
    await uc.DelistSuspendedSeller(index)(DelistSeller("seller-1"))

    await uc.IndexStorefront(index)(UpdateStorefront("seller-1", "Fjord Audio", "", None))
    assert await sellers(index, "fjord") == []

    await uc.RelistReinstatedSeller(index)(RelistSeller("seller-1"))
    assert await sellers(index, "fjord") == ["Fjord Audio"]


async def test_reinstating_or_suspending_an_unknown_seller_indexes_nothing(index: MemorySearchIndex) -> None:
    await uc.RelistReinstatedSeller(index)(RelistSeller("seller-9"))
    await uc.DelistSuspendedSeller(index)(DelistSeller("seller-9"))
    assert await index.seller("seller-9") is None


async def test_a_storefront_of_a_seller_not_seen_before_is_listed(index: MemorySearchIndex) -> None:
    # Only a verified seller can edit a storefront, so its first storefront event lists it.
    await uc.IndexStorefront(index)(UpdateStorefront("seller-1", "Fjord Audio", "", None))
    assert await sellers(index, "fjord") == ["Fjord Audio"]


async def test_a_changed_picture_shows_in_the_results(index: MemorySearchIndex, card: MakeCard) -> None:
    await uc.IndexPublishedProduct(index, FakeRatings())(card(1, image_urls=()))
    change = uc.UpdateIndexedImage(index)

    await change(ChangeImages("product-001", ("https://cdn.example.com/new.jpg", "https://cdn.example.com/2.jpg")))
    view = await uc.SearchProducts(index)(FindProducts())
    assert [i.image_url for i in view.items] == ["https://cdn.example.com/new.jpg"]

    await change(ChangeImages("product-001", ()))
    view = await uc.SearchProducts(index)(FindProducts())
    assert [i.image_url for i in view.items] == [None]


async def test_pictures_of_a_card_that_is_not_published_index_nothing(index: MemorySearchIndex) -> None:
    await uc.UpdateIndexedImage(index)(ChangeImages("draft-1", ("https://cdn.example.com/1.jpg",)))
    assert await index.product("draft-1") is None
