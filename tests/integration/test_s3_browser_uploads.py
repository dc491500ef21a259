"""The bucket lets the web client's pages upload: its CORS rules, written when the app makes sure of the
bucket, allow the shop's origin to PUT to the presigned URLs (a browser asks the bucket first, since the
URL's origin is not the page's) and nobody else's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
import requests

from adapters.s3.storage import S3Bucket
from tests.support.s3 import drop_bucket, location, scratch_bucket_name

pytestmark = pytest.mark.infra
SHOP = "http://shop.example:8080"


@pytest.fixture
async def bucket() -> AsyncIterator[S3Bucket]:
    name = scratch_bucket_name()
    opened = await S3Bucket.open(replace(location(name), browser_origins=(SHOP,)))
    try:
        yield opened
    finally:
        await opened.close()
        await drop_bucket(name)


async def test_making_sure_of_the_bucket_lets_the_shops_pages_upload(bucket: S3Bucket) -> None:
    assert await bucket.ensure() is True
    [rule] = (await bucket.client.get_bucket_cors(Bucket=bucket.name))["CORSRules"]
    assert rule["AllowedOrigins"] == [SHOP]
    assert set(rule["AllowedMethods"]) == {"PUT", "GET", "HEAD"}
    assert await bucket.ensure() is False  # again at the next start: the rules are written again, no error

    url = await bucket.signer.generate_presigned_url(
        "put_object", Params={"Bucket": bucket.name, "Key": "products/p/1.png", "ContentType": "image/png"}
    )

    def preflight(origin: str) -> requests.Response:
        asks = {
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        }
        return requests.options(url, headers=asks, timeout=10)

    allowed, refused = await asyncio.gather(
        asyncio.to_thread(preflight, SHOP), asyncio.to_thread(preflight, "http://evil.example")
    )
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == SHOP
    assert "PUT" in allowed.headers.get("Access-Control-Allow-Methods", "")
    # Refused: a browser takes a preflight that is not a 2xx as a no (moto's server adds its own CORS
    # headers to every answer, the refusal too; S3 and MinIO do not).
    assert refused.status_code == 403
