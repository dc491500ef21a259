"""Product images: their rows in the products database (or memory), their bytes in object storage.

There is no S3 adapter yet, so both profiles keep the bytes in the process (``MemoryObjectStorage``, with
its signed upload route and GET /media as the CDN); the S3 adapter will take its place on infra.
"""

from __future__ import annotations

import logging

from adapters.memory.product_media import MediaTables, MemoryMediaUnitOfWork, MemoryProductImages
from adapters.memory.storage import MemoryObjectStorage, UploadSigner
from config.runtime import Wiring
from config.settings import DEVELOPMENT_UPLOAD_SIGNING_KEY
from core.products import media_use_cases as uc
from core.products.media import MediaPolicy
from ports.catalog import ProductImages
from ports.product_media import MediaUnitOfWork
from ports.shared import Clock
from ports.storage import ObjectStorage, UploadRoute

DATABASE = "products"

log = logging.getLogger(__name__)


def register(w: Wiring) -> None:
    s, c = w.settings, w.container
    policy = MediaPolicy(
        cdn_base_url=s.cdn_base_url,
        max_image_bytes=s.max_image_bytes,
        max_images_per_product=s.max_images_per_product,
    )
    c.register(MediaPolicy, instance=policy)
    if w.infra and s.upload_signing_key == DEVELOPMENT_UPLOAD_SIGNING_KEY:
        log.warning(
            "MARKETPLACE_UPLOAD_SIGNING_KEY is the development default: anyone can sign upload URLs; set a secret"
        )
    storage = MemoryObjectStorage(s.public_base_url, UploadSigner(s.upload_signing_key), c.resolve(Clock))
    c.register(ObjectStorage, instance=storage)
    c.register(UploadRoute, instance=storage)
    if w.infra:
        from adapters.postgres.products.media import PostgresMediaUnitOfWork, PostgresProductImages

        pool, nudge = w.pool(DATABASE), w.nudge(DATABASE)
        w.units_of_work(MediaUnitOfWork, lambda: PostgresMediaUnitOfWork(pool, nudge))
        c.register(ProductImages, instance=PostgresProductImages(pool, policy))
    else:
        tables = MediaTables()
        w.units_of_work(MediaUnitOfWork, lambda: MemoryMediaUnitOfWork(tables, w.bus))
        c.register(ProductImages, instance=MemoryProductImages(tables, policy))
    w.use_cases(uc.RequestImageUpload, uc.ConfirmImageUpload, uc.ListProductImages, uc.RemoveProductImage)
