"""The media settings and wiring: defaults, refusals, the infra warning, and what the container hands out."""

from __future__ import annotations

import logging
from datetime import timedelta

import punq
import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.storage import MemoryObjectStorage
from config.runtime import Runtime, Wiring
from config.settings import DEVELOPMENT_UPLOAD_SIGNING_KEY, Settings, SettingsError, load_settings
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
    products.register(w)
    return container


def test_the_media_settings_have_working_defaults() -> None:
    settings = load_settings({})
    assert settings.cdn_base_url == "http://localhost:8080/media"
    assert settings.upload_signing_key == DEVELOPMENT_UPLOAD_SIGNING_KEY
    assert (settings.max_image_bytes, settings.max_images_per_product) == (5 * 1024 * 1024, 10)
    assert DEVELOPMENT_UPLOAD_SIGNING_KEY not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
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


def test_the_infra_profile_warns_about_the_development_signing_key(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="config.wiring.products"):
        wired(load_settings({"MARKETPLACE_PROFILE": "infra"}))
    assert "MARKETPLACE_UPLOAD_SIGNING_KEY" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="config.wiring.products"):
        wired(load_settings({"MARKETPLACE_PROFILE": "infra", "MARKETPLACE_UPLOAD_SIGNING_KEY": "x" * 32}))
        wired(load_settings({}))
    assert caplog.text == ""
