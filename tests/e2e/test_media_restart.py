"""Product images survive a restart of the app on infra: their rows in PostgreSQL, their bytes in S3.

A seller uploads an image (straight to the bucket, through its presigned URL) and confirms it; then the app
starts afresh on the same settings (a new runtime: new pools, a new S3 client), as after a crash or a
deploy. The image is still listed, its public URL serves the same bytes, and a second process's S3 client
(another ``bootstrap`` of the same settings) reads the very object.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from config.container import bootstrap
from ports.storage import ObjectStorage
from tests.support.http import ApiClient

SELLER = "potter@example.com"


async def _read_in_another_process(server: Any, key: str) -> bytes | None:
    runtime = await bootstrap(server.settings)
    try:
        stored = await runtime.resolve(ObjectStorage).get(key)
        return None if stored is None else stored.data
    finally:
        await runtime.close()


@pytest.mark.infra
@pytest.mark.parametrize("server", ["infra"], indirect=True)
def test_images_survive_a_restart(api: ApiClient, server: Any) -> None:
    from features.steps.accounts import World
    from features.steps.catalog import Catalog, a_category, has_created
    from features.steps.media import Gallery, uploads
    from features.steps.sellers import verified_seller

    catalog = Catalog(World(api, server))
    world, gallery = catalog.world, Gallery(catalog)
    a_category(catalog, "Kitchen")
    verified_seller(world, SELLER)
    has_created(catalog, SELLER, "Blue Teapot", "Potter", "Kitchen", "25.00", "EUR")
    uploads(gallery, SELLER, 2048, "image/png", "Blue Teapot")
    assert world.last.status == 200, world.last.body
    # The bytes went to the bucket, not through the app.
    assert urlsplit(gallery.upload["url"]).netloc == urlsplit(server.settings.s3_endpoint_url).netloc
    url, sent = gallery.url, gallery.sent
    key = url.removeprefix(server.settings.cdn_base_url.rstrip("/") + "/")

    server.restart()

    assert [(i["status"], i["url"]) for i in gallery.images(SELLER, "Blue Teapot")] == [("ready", url)]
    served = api.session.get(api.base_url + urlsplit(url).path, timeout=30)
    assert (served.status_code, served.headers["Content-Type"]) == (200, "image/png")
    assert served.content == sent
    assert server.call(_read_in_another_process(server, key)) == sent
