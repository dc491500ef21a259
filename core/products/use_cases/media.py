"""Product image use cases: a seller asks where to upload an image, confirms it, lists and removes images.

Only the seller who owns the product acts on its images; anyone else is told the product (or image) does
not exist. The bytes never pass through these use cases: the seller's client sends them to the upload
target, and ``ConfirmImageUpload`` checks what arrived (its size, and its type by its first bytes) before
the image is shown.
Objects are removed after the change that drops their image commits: a failure in between leaves an
unreachable object behind, never an image whose file is gone.
"""

from __future__ import annotations

from core.products.commands import (
    ConfirmUpload,
    ImageUpload,
    ImageView,
    ListImages,
    RemoveImage,
    RequestUpload,
)
from core.products.media import MediaPolicy, ProductImage, image_key
from core.shared.errors import Conflict, NotFound, ValidationFailed
from core.shared.images import SNIFF_BYTES, UploadInstructions
from core.shared.security import Principal
from ports.catalog import ProductOwnership
from ports.product_media import MediaUnitOfWork
from ports.shared import Clock, IdGenerator, UnitOfWorkFactory
from ports.storage import ObjectStorage


def image_view(image: ProductImage, policy: MediaPolicy) -> ImageView:
    return ImageView(
        image_id=image.image_id,
        product_id=image.product_id,
        status=image.status.value,
        content_type=image.content_type,
        size=image.size,
        position=image.position,
        url=policy.url(image.key) if image.ready else None,
        created_at=image.created_at,
    )


async def _own_product(ownership: ProductOwnership, principal: Principal, product_id: str) -> None:
    # Another seller's product is reported exactly like a missing one: ids reveal nothing.
    if await ownership.owner_of(product_id) != principal.user_id:
        raise NotFound("no such product")


async def _own_image(uow: MediaUnitOfWork, principal: Principal, product_id: str, image_id: str) -> ProductImage:
    image = await uow.images.get(image_id)
    if image is None or image.product_id != product_id or image.seller_id != principal.user_id:
        raise NotFound("no such image")
    return image


async def _ready_urls(uow: MediaUnitOfWork, policy: MediaPolicy, product_id: str, without: str = "") -> list[str]:
    images = await uow.images.list_for_product(product_id)
    return [policy.url(i.key) for i in images if i.ready and i.image_id != without]


class RequestImageUpload:
    """A pending image and the upload target for its file; pending images whose upload window closed go."""

    def __init__(
        self,
        uow: UnitOfWorkFactory[MediaUnitOfWork],
        ownership: ProductOwnership,
        storage: ObjectStorage,
        ids: IdGenerator,
        clock: Clock,
        policy: MediaPolicy,
    ) -> None:
        self.uow, self.ownership, self.storage = uow, ownership, storage
        self.ids, self.clock, self.policy = ids, clock, policy

    async def __call__(self, command: RequestUpload) -> ImageUpload:
        content_type = command.content_type.strip().lower()
        self.policy.check_upload(content_type, command.size)
        principal, product_id = command.principal, command.product_id
        await _own_product(self.ownership, principal, product_id)
        now = self.clock.now()
        image_id = self.ids.new_id()
        # The declared size is the upload's limit: a larger file is refused where the store can refuse it.
        target = await self.storage.upload_target(
            image_key(product_id, image_id, content_type), content_type, command.size, self.policy.upload_window
        )
        async with self.uow() as uow:
            images = await uow.images.list_for_product(product_id)
            abandoned = [i for i in images if i.abandoned(now)]
            kept = [i for i in images if not i.abandoned(now)]
            if len(kept) >= self.policy.max_images_per_product:
                raise Conflict(f"a product has at most {self.policy.max_images_per_product} images")
            for image in abandoned:
                await uow.images.remove(image)
            position = max((i.position for i in kept), default=0) + 1
            image = ProductImage.pending(
                image_id, product_id, principal.user_id, content_type, command.size, position, target.expires_at, now
            )
            await uow.images.add(image)
            await uow.commit()
        for gone in abandoned:
            await self.storage.delete(gone.key)
        upload = UploadInstructions(target.url, target.method, dict(target.headers), target.expires_at)
        return ImageUpload(image.image_id, upload)


class ConfirmImageUpload:
    """The file arrived as declared: the image is ready. Otherwise the pending image and its file go."""

    def __init__(
        self, uow: UnitOfWorkFactory[MediaUnitOfWork], storage: ObjectStorage, clock: Clock, policy: MediaPolicy
    ) -> None:
        self.uow, self.storage, self.clock, self.policy = uow, storage, clock, policy

    async def __call__(self, command: ConfirmUpload) -> ImageView:
        now = self.clock.now()
        async with self.uow() as uow:
            image = await _own_image(uow, command.principal, command.product_id, command.image_id)
            if image.ready:  # confirmed already: a repeated confirm changes nothing
                return image_view(image, self.policy)
            stored = await self.storage.stat(image.key)
            problems = image.upload_problems(stored.content_type if stored else None, stored.size if stored else None)
            if stored is not None and not problems:
                # The Content-Type it was sent with is the client's word; its first bytes say what it is.
                problems = image.content_problems(await self.storage.peek(image.key, SNIFF_BYTES))
            if stored is None or problems:
                await uow.images.remove(image)
                await uow.commit()
            else:
                image.mark_ready(stored.size, now)
                await uow.images.update(image)
                image.images_changed(await _ready_urls(uow, self.policy, image.product_id), now)
                await uow.commit()
        if problems:
            await self.storage.delete(image.key)
            raise ValidationFailed(problems)
        return image_view(image, self.policy)


class ListProductImages:
    def __init__(
        self, uow: UnitOfWorkFactory[MediaUnitOfWork], ownership: ProductOwnership, clock: Clock, policy: MediaPolicy
    ) -> None:
        self.uow, self.ownership, self.clock, self.policy = uow, ownership, clock, policy

    async def __call__(self, command: ListImages) -> list[ImageView]:
        await _own_product(self.ownership, command.principal, command.product_id)
        now = self.clock.now()
        async with self.uow() as uow:
            images = await uow.images.list_for_product(command.product_id)
        return [image_view(i, self.policy) for i in images if not i.abandoned(now)]


class RemoveProductImage:
    """The image leaves the card, and its file leaves the store."""

    def __init__(
        self, uow: UnitOfWorkFactory[MediaUnitOfWork], storage: ObjectStorage, clock: Clock, policy: MediaPolicy
    ) -> None:
        self.uow, self.storage, self.clock, self.policy = uow, storage, clock, policy

    async def __call__(self, command: RemoveImage) -> None:
        now = self.clock.now()
        async with self.uow() as uow:
            image = await _own_image(uow, command.principal, command.product_id, command.image_id)
            await uow.images.remove(image)
            if image.ready:
                urls = await _ready_urls(uow, self.policy, image.product_id, without=image.image_id)
                image.images_changed(urls, now)
            await uow.commit()
        await self.storage.delete(image.key)
