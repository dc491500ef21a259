"""Product image routes: a seller uploads, confirms, lists and removes images of their own products."""

from __future__ import annotations

from typing import Any

import attrs

from core.products import commands as c
from core.products import use_cases as uc
from entrypoints.http.routing import SELLER, Call, Endpoint
from entrypoints.http.schema import limits

TAG = "media"
IMAGES = "/products/{product_id}/images"


@attrs.frozen
class ImageUploadBody:
    """The file the seller is about to upload: its content type and its size in bytes."""

    content_type: str = attrs.field(metadata=limits(max_length=100))
    size: int = attrs.field(metadata=limits(minimum=1))


@attrs.frozen
class ImageList:
    items: list[c.ImageView]


async def request_image_upload(call: Call[ImageUploadBody, None]) -> c.ImageUpload:
    b = call.body
    command = c.RequestUpload(call.user, call.path("product_id"), b.content_type, b.size)
    return await call.resolve(uc.RequestImageUpload)(command)


async def confirm_image_upload(call: Call[None, None]) -> c.ImageView:
    command = c.ConfirmUpload(call.user, call.path("product_id"), call.path("image_id"))
    return await call.resolve(uc.ConfirmImageUpload)(command)


async def list_product_images(call: Call[None, None]) -> ImageList:
    return ImageList(await call.resolve(uc.ListProductImages)(c.ListImages(call.user, call.path("product_id"))))


async def remove_product_image(call: Call[None, None]) -> None:
    command = c.RemoveImage(call.user, call.path("product_id"), call.path("image_id"))
    await call.resolve(uc.RemoveProductImage)(command)


def _seller(method: str, path: str, handler: Any, summary: str, **kw: Any) -> Endpoint:
    return Endpoint(method, path, handler, summary, group=SELLER, tag=TAG, **kw)


ENDPOINTS = [
    _seller(
        "POST",
        IMAGES,
        request_image_upload,
        "Ask where to upload an image of one of your products",
        body=ImageUploadBody,
        response=c.ImageUpload,
        status=201,
        errors=(409,),
        description=(
            "Content types image/jpeg, image/png and image/webp, up to the shop's size limit; `size` is the "
            "file's size in bytes. The image is pending: send the file's bytes with `upload.method` to "
            "`upload.url` with `upload.headers` (a Content-Length among them is the declared size: the file "
            "must be exactly that long) before `upload.expires_at`, then confirm it. A product has a "
            "limited number of images (409 past it)."
        ),
    ),
    _seller(
        "POST",
        IMAGES + "/{image_id}/confirm",
        confirm_image_upload,
        "Confirm an uploaded image: it appears on the card",
        response=c.ImageView,
        errors=(422,),
        description=(
            "Checks the uploaded file (present, of the declared content type by its first bytes as well as "
            "by the type it was sent as, not empty, no larger than declared). "
            "If it is not, the answer is 422 naming `upload`, `content_type` or `size`, and the pending "
            "image is dropped. Confirming a ready image again changes nothing."
        ),
    ),
    _seller("GET", IMAGES, list_product_images, "The images of one of your products", response=ImageList),
    _seller(
        "DELETE",
        IMAGES + "/{image_id}",
        remove_product_image,
        "Remove an image (its file goes too)",
        status=204,
    ),
]
