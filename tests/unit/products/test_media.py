"""A seller uploads, confirms, lists and removes images of their own products; the catalogue reads their URLs.

The media use cases run over the in-memory adapters (the image table and the object store), wired by hand,
with a small fake of the product cards' ``ProductOwnership``. The client's upload is played by
``MediaApp.send``: it does what PUT /uploads/{key} does with the target's URL (verify, then store).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import attrs
import pytest

from adapters.memory.clock import ManualClock, SequentialIds
from adapters.memory.product_media import MediaTables, MemoryMediaUnitOfWork, MemoryProductImages
from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from core.products import commands as c
from core.products import use_cases as uc
from core.products.events import ProductImagesChanged
from core.products.media import MediaPolicy, ProductImage
from core.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.shared.images import UploadInstructions
from core.shared.security import Principal, Role
from ports.storage import UploadPermit
from tests.support.events import RecordingEventBus

from ..harness import Published

SELLER = Principal("seller-ann", frozenset({Role.CUSTOMER, Role.SELLER}), "session-ann")
OTHER_SELLER = Principal("seller-bob", frozenset({Role.CUSTOMER, Role.SELLER}), "session-bob")
PRODUCT = "product-lamp"
JPEG = b"\xff\xd8\xff\xe0" + b"lamp" * 20
SHOP = "http://shop.test"
CDN = "https://cdn.test/media"
POLICY = MediaPolicy(cdn_base_url=CDN, max_image_bytes=1000, max_images_per_product=3)


class FakeOwnership:
    """``ports.catalog.ProductOwnership``: who owns which product, set by hand."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    async def owner_of(self, product_id: str) -> str | None:
        await asyncio.sleep(0)  # a real adapter awaits its store: let other tasks run meanwhile
        return self.owners.get(product_id)


def permit_of(upload: UploadInstructions) -> UploadPermit:
    """What the upload route reads from a target's URL."""
    parts = urlsplit(upload.url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return UploadPermit(
        key=unquote(parts.path.removeprefix("/uploads/")),
        content_type=query["content_type"],
        max_bytes=int(query["max_bytes"]),
        expires=int(query["expires"]),
        signature=query["signature"],
    )


@attrs.define
class MediaApp:
    clock: ManualClock
    ids: SequentialIds
    bus: RecordingEventBus
    products: FakeOwnership = attrs.Factory(FakeOwnership)
    tables: MediaTables = attrs.Factory(MediaTables)
    policy: MediaPolicy = attrs.Factory(lambda: POLICY)
    storage: MemoryObjectStorage = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.storage = MemoryObjectStorage(SHOP, UploadSigner("a test signing key, long enough"), self.clock)

    def uow(self) -> MemoryMediaUnitOfWork:
        return MemoryMediaUnitOfWork(self.tables, self.bus)

    @property
    def request(self) -> uc.RequestImageUpload:
        return uc.RequestImageUpload(self.uow, self.products, self.storage, self.ids, self.clock, self.policy)

    @property
    def confirm(self) -> uc.ConfirmImageUpload:
        return uc.ConfirmImageUpload(self.uow, self.storage, self.clock, self.policy)

    @property
    def list(self) -> uc.ListProductImages:
        return uc.ListProductImages(self.uow, self.products, self.clock, self.policy)

    @property
    def remove(self) -> uc.RemoveProductImage:
        return uc.RemoveProductImage(self.uow, self.storage, self.clock, self.policy)

    @property
    def images(self) -> MemoryProductImages:
        return MemoryProductImages(self.tables, self.policy)

    def listed(self, product_id: str = PRODUCT, seller: Principal = SELLER) -> str:
        self.products.owners[product_id] = seller.user_id
        return product_id

    async def send(self, upload: UploadInstructions, data: bytes, content_type: str | None = None) -> str:
        """Upload ``data`` as the route would take it; returns the object key."""
        permit = permit_of(upload)
        self.storage.verify(permit)
        await self.storage.put(permit.key, data, content_type or upload.headers["Content-Type"])
        return permit.key

    async def ask(
        self, content_type: str = "image/jpeg", size: int = len(JPEG), product_id: str = PRODUCT
    ) -> c.ImageUpload:
        return await self.request(c.RequestUpload(SELLER, product_id, content_type, size))

    async def ready_image(self, data: bytes = JPEG, product_id: str = PRODUCT) -> c.ImageView:
        granted = await self.ask(size=len(data), product_id=product_id)
        await self.send(granted.upload, data)
        return await self.confirm(c.ConfirmUpload(SELLER, product_id, granted.image_id))

    async def stored(self, image_id: str) -> ProductImage | None:
        async with self.uow() as uow:
            return await uow.images.get(image_id)

    async def shown(self, product_id: str = PRODUCT, seller: Principal = SELLER) -> list[c.ImageView]:
        return await self.list(c.ListImages(seller, product_id))


@pytest.fixture
def media(clock: ManualClock, ids: SequentialIds, bus: RecordingEventBus) -> MediaApp:
    app = MediaApp(clock, ids, bus)
    app.listed()
    return app


async def test_a_seller_gets_a_signed_upload_target_and_the_image_is_pending(media: MediaApp) -> None:
    granted = await media.ask()
    upload = granted.upload
    assert upload.method == "PUT"
    assert upload.headers == {"Content-Type": "image/jpeg"}
    assert upload.expires_at == media.clock.now() + timedelta(minutes=15)
    permit = permit_of(upload)
    assert upload.url.startswith(f"{SHOP}/uploads/products/{PRODUCT}/{granted.image_id}.jpg?")
    assert (permit.content_type, permit.max_bytes) == ("image/jpeg", len(JPEG))
    [view] = await media.shown()
    assert (view.image_id, view.status, view.url, view.position) == (granted.image_id, "pending", None, 1)


async def test_a_confirmed_upload_is_ready_with_its_cdn_url(media: MediaApp, published: Published) -> None:
    view = await media.ready_image()
    url = f"{CDN}/products/{PRODUCT}/{view.image_id}.jpg"
    assert (view.status, view.url, view.size, view.content_type) == ("ready", url, len(JPEG), "image/jpeg")
    assert await media.shown() == [view]
    assert await media.images.urls([PRODUCT, "product-without-images"]) == {
        PRODUCT: [url],
        "product-without-images": [],
    }
    [changed] = published.of(ProductImagesChanged)
    assert (changed.product_id, changed.seller_id, changed.image_urls) == (PRODUCT, SELLER.user_id, [url])


async def test_the_stored_size_is_the_size_of_the_file_that_arrived(media: MediaApp) -> None:
    granted = await media.ask(size=500)
    await media.send(granted.upload, JPEG)
    view = await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert view.size == len(JPEG)


async def test_the_content_type_is_read_without_case_or_spaces(media: MediaApp) -> None:
    granted = await media.ask(content_type=" Image/PNG ")
    assert granted.upload.headers == {"Content-Type": "image/png"}
    assert permit_of(granted.upload).key.endswith(".png")


async def test_images_the_shop_does_not_take_are_refused_naming_each_field(media: MediaApp) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await media.ask(content_type="image/gif", size=media.policy.max_image_bytes + 1)
    assert [e.field for e in refused.value.errors] == ["content_type", "size"]
    with pytest.raises(ValidationFailed) as empty:
        await media.ask(size=0)
    assert [e.field for e in empty.value.errors] == ["size"]
    assert await media.shown() == []


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/octet-stream", ""])
async def test_only_jpeg_png_and_webp_are_taken(media: MediaApp, content_type: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await media.ask(content_type=content_type)
    assert [e.field for e in refused.value.errors] == ["content_type"]


async def test_another_sellers_product_is_reported_as_missing(media: MediaApp) -> None:
    media.listed("product-of-bob", OTHER_SELLER)
    for product_id in ("product-of-bob", "no-such-product"):
        with pytest.raises(NotFound):
            await media.ask(product_id=product_id)
        with pytest.raises(NotFound):
            await media.shown(product_id)
    assert await media.shown("product-of-bob", OTHER_SELLER) == []


async def test_another_sellers_image_is_reported_as_missing(media: MediaApp) -> None:
    view = await media.ready_image()
    media.listed("product-of-bob", OTHER_SELLER)
    for principal, product_id in ((OTHER_SELLER, PRODUCT), (OTHER_SELLER, "product-of-bob"), (SELLER, "other")):
        with pytest.raises(NotFound):
            await media.confirm(c.ConfirmUpload(principal, product_id, view.image_id))
        with pytest.raises(NotFound):
            await media.remove(c.RemoveImage(principal, product_id, view.image_id))
    assert await media.shown() == [view]
    assert await media.storage.exists(f"products/{PRODUCT}/{view.image_id}.jpg")


async def test_a_product_has_at_most_the_images_the_policy_allows(media: MediaApp) -> None:
    await media.ready_image()
    await media.ready_image()
    await media.ask()  # pending images count too: each holds a slot until it is confirmed or abandoned
    with pytest.raises(Conflict):
        await media.ask()
    assert len(await media.shown()) == 3


async def test_pending_images_abandoned_past_their_upload_window_free_their_slot(media: MediaApp) -> None:
    abandoned = [await media.ask() for _ in range(3)]
    key = await media.send(abandoned[0].upload, JPEG)
    media.clock.advance(15 * 60 + 1)
    assert await media.shown() == []  # no longer shown
    fresh = await media.ask()
    assert [v.image_id for v in await media.shown()] == [fresh.image_id]
    assert await media.stored(abandoned[0].image_id) is None
    assert not await media.storage.exists(key)


async def test_two_requests_for_the_last_slot_do_not_both_get_it(media: MediaApp) -> None:
    await media.ready_image()
    await media.ready_image()
    outcomes = await asyncio.gather(media.ask(), media.ask(), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "ImageUpload"]
    assert len(await media.shown()) == 3


async def test_confirming_without_an_upload_drops_the_pending_image(media: MediaApp, published: Published) -> None:
    granted = await media.ask()
    with pytest.raises(ValidationFailed) as refused:
        await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert [e.field for e in refused.value.errors] == ["upload"]
    assert await media.shown() == []
    with pytest.raises(NotFound):
        await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert published.of(ProductImagesChanged) == []


async def test_a_file_of_another_type_is_refused_and_dropped_with_its_image(media: MediaApp) -> None:
    granted = await media.ask()
    key = await media.send(granted.upload, b"<html>not an image</html>", content_type="text/html")
    with pytest.raises(ValidationFailed) as refused:
        await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert [e.field for e in refused.value.errors] == ["content_type"]
    assert await media.shown() == []
    assert not await media.storage.exists(key)


@pytest.mark.parametrize(
    ("declared", "data"),
    [
        ("image/jpeg", b"<html><script>alert(1)</script></html>"),  # sent as image/jpeg: the label lies
        ("image/jpeg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),  # a PNG is a picture, but not the one asked for
        ("image/webp", b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 20),
        ("image/png", b"\x89PNG"),  # too short to be one
    ],
)
async def test_a_file_whose_bytes_are_not_the_declared_image_type_is_refused(
    media: MediaApp, declared: str, data: bytes
) -> None:
    granted = await media.ask(content_type=declared, size=len(data))
    key = await media.send(granted.upload, data)  # with the Content-Type the target asks for
    with pytest.raises(ValidationFailed) as refused:
        await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert [e.field for e in refused.value.errors] == ["content_type"]
    assert await media.stored(granted.image_id) is None
    assert not await media.storage.exists(key)


@pytest.mark.parametrize(
    ("declared", "data"),
    [
        ("image/jpeg", b"\xff\xd8\xff\xdb" + b"\x00" * 10),
        ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10),
        ("image/webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
    ],
)
async def test_each_image_type_is_known_by_its_first_bytes(media: MediaApp, declared: str, data: bytes) -> None:
    granted = await media.ask(content_type=declared, size=len(data))
    await media.send(granted.upload, data)
    view = await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert (view.status, view.content_type) == ("ready", declared)


@pytest.mark.parametrize(("declared", "data"), [(10, b"x" * 11), (10, b"")])
async def test_a_file_larger_than_declared_or_empty_is_refused(media: MediaApp, declared: int, data: bytes) -> None:
    granted = await media.ask(size=declared)
    key = f"products/{PRODUCT}/{granted.image_id}.jpg"
    await media.storage.put(key, data, "image/jpeg")  # as a store that cannot enforce the limit would let it
    with pytest.raises(ValidationFailed) as refused:
        await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, granted.image_id))
    assert [e.field for e in refused.value.errors] == ["size"]
    assert await media.stored(granted.image_id) is None
    assert not await media.storage.exists(key)


async def test_confirming_a_ready_image_again_changes_nothing(media: MediaApp, published: Published) -> None:
    view = await media.ready_image()
    again = await media.confirm(c.ConfirmUpload(SELLER, PRODUCT, view.image_id))
    assert again == view
    assert len(published.of(ProductImagesChanged)) == 1


async def test_removing_an_image_removes_its_file_and_its_url(media: MediaApp, published: Published) -> None:
    first = await media.ready_image()
    second = await media.ready_image(b"\xff\xd8\xff second")
    await media.remove(c.RemoveImage(SELLER, PRODUCT, first.image_id))
    assert [v.image_id for v in await media.shown()] == [second.image_id]
    assert not await media.storage.exists(f"products/{PRODUCT}/{first.image_id}.jpg")
    assert await media.images.urls([PRODUCT]) == {PRODUCT: [second.url]}
    assert published.of(ProductImagesChanged)[-1].image_urls == [second.url]
    with pytest.raises(NotFound):
        await media.remove(c.RemoveImage(SELLER, PRODUCT, first.image_id))


async def test_removing_a_pending_image_changes_nothing_customers_see(media: MediaApp, published: Published) -> None:
    granted = await media.ask()
    await media.remove(c.RemoveImage(SELLER, PRODUCT, granted.image_id))
    assert await media.shown() == []
    assert published.of(ProductImagesChanged) == []


async def test_images_are_shown_in_the_order_they_were_added(media: MediaApp) -> None:
    first = await media.ready_image()
    pending = await media.ask()
    third = await media.ready_image()
    assert [(v.image_id, v.position) for v in await media.shown()] == [
        (first.image_id, 1),
        (pending.image_id, 2),
        (third.image_id, 3),
    ]
    assert await media.images.urls([PRODUCT]) == {PRODUCT: [first.url, third.url]}
    await media.remove(c.RemoveImage(SELLER, PRODUCT, third.image_id))
    fourth = await media.ready_image()
    assert fourth.position == 3  # after the last one still there


async def test_the_catalogue_reads_the_urls_of_many_products_at_once(media: MediaApp) -> None:
    media.listed("product-desk")
    lamp = await media.ready_image()
    desk = await media.ready_image(product_id="product-desk")
    await media.ask(product_id="product-desk")  # pending: no URL
    urls = await media.images.urls(["product-desk", PRODUCT, "unknown"])
    assert urls == {"product-desk": [desk.url], PRODUCT: [lamp.url], "unknown": []}


async def test_an_upload_target_serves_only_its_own_key_and_type(media: MediaApp) -> None:
    granted = await media.ask()
    permit = permit_of(granted.upload)
    for forged in (
        replace(permit, key=f"products/{PRODUCT}/someone-else.jpg"),
        replace(permit, content_type="text/html"),
        replace(permit, max_bytes=permit.max_bytes * 100),
        replace(permit, expires=permit.expires + 3600),
    ):
        with pytest.raises(PermissionDenied):
            media.storage.verify(forged)
    media.clock.advance(15 * 60)
    media.storage.verify(permit)  # valid to the second it expires
    media.clock.advance(1)
    with pytest.raises(PermissionDenied):
        media.storage.verify(permit)
