from __future__ import annotations

import types
import uuid

import pytest

from core.shared import ids as ids_module
from core.shared.ids import is_uuid, uuid7

MOMENT_MS = 1_767_268_800_000  # 2026-01-01T12:00:00Z


class FakeSources:
    """Stands in for the ``time`` and ``os`` modules as ``uuid7`` sees them."""

    def __init__(self) -> None:
        self.millis = MOMENT_MS
        self.random = [b"\x00" * 10]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = types.SimpleNamespace(time_ns=lambda: self.millis * 1_000_000 + 999)
        monkeypatch.setattr(ids_module, "time", clock)
        monkeypatch.setattr(ids_module, "os", types.SimpleNamespace(urandom=self._urandom))

    def _urandom(self, n: int) -> bytes:
        assert n == 10
        return self.random.pop(0) if len(self.random) > 1 else self.random[0]


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch) -> FakeSources:
    fake = FakeSources()
    fake.install(monkeypatch)
    return fake


def test_uuid7_is_a_canonical_rfc_9562_version_7_uuid() -> None:
    for _ in range(200):
        text = uuid7()
        value = uuid.UUID(text)

        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert str(value) == text  # canonical: lower case, 8-4-4-4-12
        assert len(text) == 36
        assert text[14] == "7"


def test_uuid7_carries_the_unix_milliseconds_in_its_first_48_bits(sources: FakeSources) -> None:
    value = uuid.UUID(uuid7())

    assert value.int >> 80 == MOMENT_MS
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_every_random_bit_lands_outside_version_and_variant(sources: FakeSources) -> None:
    sources.random = [b"\xff" * 10]

    value = uuid.UUID(uuid7())

    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert value.int & ((1 << 62) - 1) == (1 << 62) - 1  # rand_b is all ones
    assert (value.int >> 64) & 0xFFF == 0xFFF  # rand_a is all ones


def test_uuid7_sorts_by_creation_time_whatever_the_random_part(sources: FakeSources) -> None:
    made = []
    for step in range(5):
        sources.millis = MOMENT_MS + step
        # The earlier id gets the largest random bits, the later the smallest: time still decides.
        sources.random = [bytes([0xFF - step * 50]) * 10]
        made.append(uuid7())

    assert sorted(made) == made
    assert sorted(made, key=uuid.UUID) == made
    assert len(set(made)) == 5


def test_uuid7_ids_made_in_the_same_millisecond_still_differ() -> None:
    made = [uuid7() for _ in range(2_000)]

    assert len(set(made)) == len(made)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("00000000-0000-7000-8000-000000000001", True),
        ("0190b6c4-4e7a-7c3d-9f00-aabbccddeeff", True),
        ("0190B6C4-4E7A-7C3D-9F00-AABBCCDDEEFF", True),
        ("not-a-uuid", False),
        ("", False),
        ("0190b6c4-4e7a-7c3d-9f00-aabbccddeef", False),
        (None, False),
        (42, False),
    ],
)
def test_is_uuid(value: object, expected: bool) -> None:
    assert is_uuid(value) is expected  # type: ignore[arg-type]
