"""Object storage: the bytes of product images (and later other media), kept apart from the databases.

The in-memory adapter keeps objects in the process and points its upload targets at this app's own
upload route (PUT /uploads/{key}, HMAC-signed); the S3 adapter answers presigned PUT URLs and lets the
client send the bytes to the bucket directly. Either way a client gets an ``UploadTarget``, sends the bytes
there itself, and the core checks what arrived (``stat`` for its size, ``peek`` for what its first bytes
say it is) before it trusts it: no use case relies on the target having refused a wrong file.

Object keys are path segments of letters, digits, dots, dashes and underscores (``products/p1/i1.jpg``):
the same key is then a file name, a URL path and an S3 key without any escaping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

MAX_KEY_LENGTH = 512
# Path segments of letters, digits, dots, dashes and underscores, none of them "." or "..".
_KEY = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]*(/[A-Za-z0-9_\-][A-Za-z0-9._\-]*)*", re.ASCII)


def valid_key(key: str) -> bool:
    return len(key) <= MAX_KEY_LENGTH and _KEY.fullmatch(key) is not None


def check_key(key: str) -> None:
    """Raise ``ValueError`` unless ``key`` is an object key (stores refuse to write under any other)."""
    if not valid_key(key):
        raise ValueError(f"{key!r} is not an object key (path segments of letters, digits, . _ -)")


@dataclass(frozen=True)
class UploadTarget:
    """Where and how a client sends one object's bytes: ``method`` to ``url`` with ``headers``, before
    ``expires_at``. The headers are part of the signature (send them exactly)."""

    url: str
    method: str
    headers: Mapping[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str
    etag: str  # changes whenever the content does (a content hash), as S3's ETag


@dataclass(frozen=True)
class StoredObject:
    info: ObjectInfo
    data: bytes


class ObjectStorage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Store ``data`` under ``key``, replacing what was there."""
        ...

    async def get(self, key: str) -> StoredObject | None: ...

    async def stat(self, key: str) -> ObjectInfo | None:
        """Size and content type of the object, without its bytes; None if there is none."""
        ...

    async def peek(self, key: str, length: int) -> bytes | None:
        """The first ``length`` bytes of the object (all of it when shorter); None if there is none. Enough
        to tell what a file is (its magic number) without fetching all of it."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing one that is not there is not an error."""
        ...

    async def upload_target(self, key: str, content_type: str, max_bytes: int, expires_in: timedelta) -> UploadTarget:
        """A target a client may send one object of ``content_type`` to, for ``expires_in`` from now.

        ``max_bytes`` bounds the object: the in-memory upload route refuses a larger body; a presigned S3
        PUT cannot take a range, so it signs ``Content-Length: max_bytes`` and S3 takes exactly that many
        bytes. Either way callers check what arrived with ``stat`` (an S3 peer that checks no signature,
        as the tests' moto server, takes anything).
        """
        ...


@dataclass(frozen=True)
class UploadPermit:
    """What a signed URL of this app's own upload route allows, as its query string states it."""

    key: str
    content_type: str
    max_bytes: int
    expires: int  # Unix seconds
    signature: str


class UploadRoute(Protocol):
    """The receiving end of the upload targets that point at this app (the in-memory store's route)."""

    def verify(self, permit: UploadPermit) -> None:
        """Raise ``PermissionDenied`` unless the permit was signed by this app and has not expired."""
        ...
