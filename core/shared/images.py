"""Images customers and sellers upload (product pictures, review photos): the types the shop takes, and
telling a file's real type from its first bytes (the Content-Type it was sent with is only a label the
client chose)."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.shared.errors import Validation

# The content types the shop shows, and the file extension each object key ends with.
IMAGE_TYPES: dict[str, str] = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# How many of a file's first bytes tell its type apart (WebP's "RIFF", size, "WEBP" is the longest).
SNIFF_BYTES = 12


def image_type_of(head: bytes) -> str | None:
    """The image type whose magic number ``head`` (a file's first bytes) starts with; None for others."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image_upload(content_type: str, size: int, max_bytes: int) -> None:
    """Raise ``ValidationFailed`` naming each field of an image the shop does not take."""
    v = Validation()
    v.check(content_type in IMAGE_TYPES, "content_type", f"must be one of {', '.join(IMAGE_TYPES)}")
    v.check(size > 0, "size", "must be at least 1 byte")
    v.check(size <= max_bytes, "size", f"must be at most {max_bytes} bytes")
    v.raise_if_any()


@attrs.frozen
class UploadInstructions:
    """Send the file's bytes with ``method`` to ``url`` with exactly these ``headers``, before ``expires_at``."""

    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime
