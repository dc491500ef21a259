"""The media settings and wiring: defaults, refusals, and what the container hands out on each profile."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import punq
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.storage import MemoryObjectStorage
from adapters.s3.storage import S3ObjectStorage
from config.runtime import Runtime, Wiring
from config.settings import (
    DEVELOPMENT_S3_ACCESS_KEY_ID,
    DEVELOPMENT_S3_SECRET,
    DEVELOPMENT_UPLOAD_SIGNING_KEY,
    Settings,
    SettingsError,
    load_settings,
)
from config.wiring import products
from core.products.media import MediaPolicy
from ports.catalog import ProductImages
from ports.product_media import MediaUnitOfWork
from ports.shared import Clock, UnitOfWorkFactory
from ports.storage import ObjectStorage, UploadRoute
from tests.support.events import RecordingEventBus


def wired(settings: Settings) -> punq.Container:
    container = punq.Container()
    container.register(Clock, instance=ManualClock())
    bus = RecordingEventBus()
    w = Wiring(settings=settings, container=container, bus=bus, runtime=Runtime(settings, container, bus, bus))
    w.pools["products"] = object()  # the infra adapters only keep it until a unit of work is opened
    w.nudges["products"] = lambda: None
    w.s3 = SimpleNamespace(name="media", client=object())  # as S3Bucket: nothing is asked of it here
    products.register(w)
    return container


def test_the_media_settings_have_working_defaults() -> None:
    settings = load_settings({})
    assert settings.cdn_base_url == "http://localhost:8080/media"
    assert settings.upload_signing_key == DEVELOPMENT_UPLOAD_SIGNING_KEY
    assert (settings.max_image_bytes, settings.max_images_per_product) == (5 * 1024 * 1024, 10)
    assert DEVELOPMENT_UPLOAD_SIGNING_KEY not in repr(settings)


def test_the_s3_settings_default_to_the_development_server() -> None:
    settings = load_settings({})
    assert settings.s3_endpoint_url == "http://127.0.0.1:59000"  # scripts/services' moto server
    assert (settings.s3_bucket, settings.s3_region, settings.s3_public_endpoint_url) == (
        "marketplace-media",
        "us-east-1",
        "",
    )
    assert settings.s3_access_key_id == DEVELOPMENT_S3_ACCESS_KEY_ID
    assert settings.s3_secret_access_key == DEVELOPMENT_S3_SECRET
    assert DEVELOPMENT_S3_SECRET not in repr(settings)
    blank = load_settings({"MARKETPLACE_S3_ACCESS_KEY_ID": "", "MARKETPLACE_S3_SECRET_ACCESS_KEY": ""})
    assert (blank.s3_access_key_id, blank.s3_secret_access_key) == ("", "")  # botocore's own chain


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MARKETPLACE_S3_ENDPOINT_URL": "minio:9000"}, "MARKETPLACE_S3_ENDPOINT_URL must be a http or https URL"),
        ({"MARKETPLACE_S3_PUBLIC_ENDPOINT_URL": "s3"}, "MARKETPLACE_S3_PUBLIC_ENDPOINT_URL must be a http or https"),
        ({"MARKETPLACE_S3_BUCKET": "Media_Files"}, "MARKETPLACE_S3_BUCKET must be an S3 bucket name"),
        ({"MARKETPLACE_S3_BUCKET": "ab"}, "MARKETPLACE_S3_BUCKET must be an S3 bucket name"),
        ({"MARKETPLACE_S3_BUCKET": "media-"}, "MARKETPLACE_S3_BUCKET must be an S3 bucket name"),
        ({"MARKETPLACE_S3_SECRET_ACCESS_KEY": "short"}, "MARKETPLACE_S3_SECRET_ACCESS_KEY must be at least 8"),
        ({"MARKETPLACE_S3_TIMEOUT_SECONDS": "0"}, "MARKETPLACE_S3_TIMEOUT_SECONDS must be a positive number"),
        ({"MARKETPLACE_CDN_BASE_URL": "cdn.example.com"}, "MARKETPLACE_CDN_BASE_URL must be a http or https URL"),
        ({"MARKETPLACE_UPLOAD_SIGNING_KEY": "short"}, "MARKETPLACE_UPLOAD_SIGNING_KEY must be at least 16"),
        ({"MARKETPLACE_MAX_IMAGE_BYTES": "0"}, "MARKETPLACE_MAX_IMAGE_BYTES must be a positive number"),
        ({"MARKETPLACE_MAX_IMAGES_PER_PRODUCT": "ten"}, "MARKETPLACE_MAX_IMAGES_PER_PRODUCT must be an integer"),
    ],
)
def test_a_bad_media_setting_stops_start_up_naming_it(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(environ)
    assert message in str(error.value)


def test_the_container_hands_out_one_store_for_objects_and_its_upload_route() -> None:
    settings = load_settings(
        {"MARKETPLACE_CDN_BASE_URL": "https://cdn.example.com/m", "MARKETPLACE_MAX_IMAGES_PER_PRODUCT": "4"}
    )
    container = wired(settings)
    storage = container.resolve(ObjectStorage)
    assert isinstance(storage, MemoryObjectStorage)
    assert container.resolve(UploadRoute) is storage
    assert container.resolve(MediaPolicy) == MediaPolicy("https://cdn.example.com/m", 5 * 1024 * 1024, 4)
    open_images = container.resolve(UnitOfWorkFactory[MediaUnitOfWork])
    assert open_images() is not open_images()  # one per use case call
    assert container.resolve(ProductImages) is not None


async def test_upload_urls_are_absolute_on_the_public_base_url() -> None:
    container = wired(load_settings({"MARKETPLACE_PUBLIC_BASE_URL": "https://shop.example.com"}))
    target = await container.resolve(ObjectStorage).upload_target("products/p/i.png", "image/png", 9, timedelta(1))
    assert target.url.startswith("https://shop.example.com/uploads/products/p/i.png?")


def test_the_infra_profile_keeps_images_in_s3_and_has_no_upload_route() -> None:
    container = wired(load_settings({"MARKETPLACE_PROFILE": "infra"}))
    assert isinstance(container.resolve(ObjectStorage), S3ObjectStorage)
    with pytest.raises(punq.MissingDependencyError):
        container.resolve(UploadRoute)


def test_infra_does_not_warn_about_the_signing_key_it_does_not_use(caplog: pytest.LogCaptureFixture) -> None:
    # Only the memory store signs upload URLs with it: on infra S3 signs them, with its credentials.
    with caplog.at_level(logging.WARNING, logger="config.wiring.products"):
        wired(load_settings({"MARKETPLACE_PROFILE": "infra"}))
        wired(load_settings({}))
    assert caplog.text == ""
