"""Identifiers: opaque strings, made by an ``IdGenerator`` port so tests can make them predictable."""

from __future__ import annotations

import os
import time
import uuid
from typing import NewType

UserId = NewType("UserId", str)


def uuid7() -> str:
    """A time-ordered UUID (RFC 9562 version 7): ids sort by creation, which keeps B-tree inserts local."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
