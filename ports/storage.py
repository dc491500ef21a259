"""Object storage: the bytes of product images (and later other media), kept apart from the databases.

The in-memory adapter keeps objects in the process and points its upload targets at this app's own
upload route (PUT /uploads/{key}, HMAC-signed); the S3 adapter (a later issue) will answer presigned PUT
URLs and let the client send the bytes to the bucket directly. Either way a client gets an
``UploadTarget``, sends the bytes there itself, and the core checks what arrived with ``stat`` before it
trusts it: a presigned S3 PUT cannot enforce a size limit, so no use case relies on the target doing so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


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

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing one that is not there is not an error."""
        ...

    async def upload_target(self, key: str, content_type: str, max_bytes: int, expires_in: timedelta) -> UploadTarget:
        """A target a client may send one object of ``content_type`` to, for ``expires_in`` from now.

        ``max_bytes`` is enforced by the stores that can (the in-memory upload route refuses a larger
        body); a presigned S3 PUT cannot, so callers check the size with ``stat`` afterwards.
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
