"""Objects kept in the process, and upload targets on this app's own signed route (PUT /uploads/{key}).

An upload URL carries what it allows (key, content type, size limit, expiry) in its query string, signed
with HMAC-SHA256 under ``upload_signing_key``: the route needs no record of the targets it handed out,
and a client can change none of them without breaking the signature. It plays the part a presigned S3
URL plays for the S3 adapter, and GET /media/{key} plays the CDN's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from core.shared.errors import PermissionDenied
from ports.shared import Clock
from ports.storage import ObjectInfo, StoredObject, UploadPermit, UploadTarget, check_key

UPLOAD_PATH = "/uploads/"


class UploadSigner:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def sign(self, key: str, content_type: str, max_bytes: int, expires: int) -> str:
        # A JSON array, not joined text: no two different permits can sign the same message.
        message = json.dumps([key, content_type, max_bytes, expires], separators=(",", ":")).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def matches(self, permit: UploadPermit) -> bool:
        expected = self.sign(permit.key, permit.content_type, permit.max_bytes, permit.expires)
        # As bytes: compare_digest raises TypeError on a str holding non-ASCII text, which a query may send.
        given = permit.signature.encode("utf-8", "surrogatepass")
        return hmac.compare_digest(expected.encode(), given)


class MemoryObjectStorage:
    """``ObjectStorage`` and its ``UploadRoute`` for the memory profile."""

    def __init__(self, public_base_url: str, signer: UploadSigner, clock: Clock) -> None:
        self._base_url = public_base_url.rstrip("/")
        self._signer = signer
        self._clock = clock
        self._objects: dict[str, StoredObject] = {}

    async def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        check_key(key)
        info = ObjectInfo(key, len(data), content_type, hashlib.sha256(data).hexdigest()[:32])
        self._objects[key] = StoredObject(info, bytes(data))
        return info

    async def get(self, key: str) -> StoredObject | None:
        return self._objects.get(key)

    async def stat(self, key: str) -> ObjectInfo | None:
        stored = self._objects.get(key)
        return None if stored is None else stored.info

    async def peek(self, key: str, length: int) -> bytes | None:
        stored = self._objects.get(key)
        return None if stored is None else stored.data[:length]

    async def exists(self, key: str) -> bool:
        return key in self._objects

    async def delete(self, key: str) -> None:
        self._objects.pop(key, None)

    async def upload_target(self, key: str, content_type: str, max_bytes: int, expires_in: timedelta) -> UploadTarget:
        check_key(key)
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        expires = int((self._clock.now() + expires_in).timestamp())
        query = urlencode(
            {
                "content_type": content_type,
                "max_bytes": max_bytes,
                "expires": expires,
                "signature": self._signer.sign(key, content_type, max_bytes, expires),
            }
        )
        return UploadTarget(
            url=f"{self._base_url}{UPLOAD_PATH}{quote(key, safe='/')}?{query}",
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def verify(self, permit: UploadPermit) -> None:
        if not self._signer.matches(permit):
            raise PermissionDenied("this upload URL's signature does not match; ask for a new upload target")
        if self._clock.now().timestamp() > permit.expires:
            raise PermissionDenied("this upload URL has expired; ask for a new upload target")
