"""Product images: the pictures a seller uploads for a product card, and the limits on them.

An image is asked for before its bytes exist::

    (request upload) --> pending --confirm: the object is there, of the declared type and size--> ready
                           \\--confirm finds no such object / upload window closed--> dropped

The seller's client sends the bytes straight to object storage (an upload target), never through a use
case; ``confirm`` then checks what arrived before the image is shown: its size, and its type as its first
bytes tell it (the Content-Type it was sent with is only a label the client chose). Only ready images have a public
(CDN) URL. Each image's object key is ``products/{product_id}/{image_id}.{ext}``: the image id is a fresh
random id, so nobody can guess the URL of an image before it is published.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import attrs

from core.products.events import ProductImagesChanged
from core.shared.errors import FieldError
from core.shared.events import Aggregate
from core.shared.images import IMAGE_TYPES, check_image_upload, image_type_of


class ImageStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"


@attrs.frozen
class MediaPolicy:
    cdn_base_url: str
    max_image_bytes: int = 5 * 1024 * 1024
    max_images_per_product: int = 10
    # How long an upload target stays valid; a pending image not confirmed by then is abandoned.
    upload_window_seconds: int = 15 * 60

    @property
    def upload_window(self) -> timedelta:
        return timedelta(seconds=self.upload_window_seconds)

    def url(self, key: str) -> str:
        """The public URL of a stored object: the CDN base URL and the key."""
        return f"{self.cdn_base_url.rstrip('/')}/{key}"

    def check_upload(self, content_type: str, size: int) -> None:
        """Raise ``ValidationFailed`` naming each field of an image the shop does not take."""
        check_image_upload(content_type, size, self.max_image_bytes)


def image_key(product_id: str, image_id: str, content_type: str) -> str:
    return f"products/{product_id}/{image_id}.{IMAGE_TYPES[content_type]}"


@attrs.define
class ProductImage(Aggregate):
    image_id: str
    product_id: str
    seller_id: str
    key: str
    content_type: str
    size: int  # as declared while pending; as stored once ready
    status: ImageStatus
    position: int  # display order among the product's images (gaps allowed)
    upload_expires_at: datetime
    created_at: datetime
    updated_at: datetime

    @classmethod
    def pending(
        cls,
        image_id: str,
        product_id: str,
        seller_id: str,
        content_type: str,
        size: int,
        position: int,
        upload_expires_at: datetime,
        now: datetime,
    ) -> ProductImage:
        key = image_key(product_id, image_id, content_type)
        return cls(
            image_id,
            product_id,
            seller_id,
            key,
            content_type,
            size,
            ImageStatus.PENDING,
            position,
            upload_expires_at,
            now,
            now,
        )

    @property
    def ready(self) -> bool:
        return self.status is ImageStatus.READY

    def abandoned(self, now: datetime) -> bool:
        """Still pending when its upload target expired: the seller gave up on it."""
        return self.status is ImageStatus.PENDING and now > self.upload_expires_at

    def upload_problems(self, stored_type: str | None, stored_size: int | None) -> list[FieldError]:
        """What is wrong with the object that arrived for this image (``None``: nothing arrived)."""
        if stored_type is None or stored_size is None:
            return [FieldError("upload", "no file was uploaded to the upload URL")]
        problems = []
        if stored_type != self.content_type:
            problems.append(FieldError("content_type", f"the file uploaded is {stored_type}, not {self.content_type}"))
        if stored_size == 0:
            problems.append(FieldError("size", "the file uploaded is empty"))
        elif stored_size > self.size:
            problems.append(
                FieldError("size", f"the file uploaded has {stored_size} bytes, over the {self.size} declared")
            )
        return problems

    def content_problems(self, head: bytes | None) -> list[FieldError]:
        """What is wrong with the first bytes of the file that arrived (``None``: there is none)."""
        if head is None:
            return [FieldError("upload", "no file was uploaded to the upload URL")]
        found = image_type_of(head)
        if found != self.content_type:
            what = found or "no JPEG, PNG or WebP image"
            return [FieldError("content_type", f"the file uploaded is {what}, not {self.content_type}")]
        return []

    def mark_ready(self, stored_size: int, now: datetime) -> None:
        self.status = ImageStatus.READY
        self.size = stored_size
        self.updated_at = now

    def images_changed(self, image_urls: list[str], now: datetime) -> None:
        """Record that the card's ready images are now ``image_urls`` (after this one became ready or left)."""
        self.record(
            ProductImagesChanged(
                occurred_at=now, product_id=self.product_id, seller_id=self.seller_id, image_urls=image_urls
            )
        )
