"""``ObjectStorage`` in an S3 bucket, through aiobotocore: product images on the infra profile.

One client serves the process (``S3Bucket.open`` at start-up, ``close`` when the runtime closes), over
its own connection pool. Upload targets are presigned PUT URLs: the client sends the bytes to the bucket,
never through the app. The URL signs the key, the Content-Type and a Content-Length of the size declared,
so S3 refuses a file of another key, type or size (a presigned PUT can sign a length, not a range: the
size is exact). Signing is local, no request: when clients reach S3 at another address than this process
does (docker-compose's MinIO is minio:9000 to the app and localhost:59000 to a browser), a second client
signs for the public endpoint.

S3 down or failing (refused connections, timeouts, 5xx once botocore's retries are spent) is
``Unavailable``; anything else (wrong credentials, no bucket) is a fault of configuration and propagates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiobotocore.session import get_session
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from core.shared.errors import Unavailable
from ports.shared import Clock
from ports.storage import ObjectInfo, StoredObject, UploadTarget, check_key, valid_key

# What "S3 is down or too slow" looks like: refused or dropped connections and timeouts.
DOWN = (BotoConnectionError, HTTPClientError, TimeoutError)
# A presigned URL lives at most a week (SigV4's limit).
MAX_EXPIRY = timedelta(days=7)
MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}


@dataclass(frozen=True)
class S3Location:
    """Where the bucket is and how to sign in. Empty credentials: botocore's own chain (the
    ``AWS_*`` variables, an instance role)."""

    endpoint_url: str
    bucket: str
    region: str
    access_key_id: str = ""
    secret_access_key: str = field(default="", repr=False)
    public_endpoint_url: str = ""  # where clients reach S3, when not at endpoint_url
    timeout_seconds: float = 5.0
    # The web client's origins ("https://shop.example"): the bucket's CORS rules let their pages send images
    # to its upload URLs (a browser asks the bucket first: its URLs are another origin than the page's).
    browser_origins: tuple[str, ...] = ()


def _status(error: ClientError) -> int:
    status: int = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return status


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _missing(error: ClientError) -> bool:
    return _status(error) == 404 or _code(error) in MISSING


@contextlib.contextmanager
def unavailable_when_down(doing: str) -> Iterator[None]:
    """Turn S3 being down (or answering 5xx after the retries) into the domain's ``Unavailable``."""
    try:
        yield
    except DOWN as error:
        raise Unavailable(f"S3 is unavailable ({doing}): {error}") from error
    except ClientError as error:
        if _status(error) >= 500:
            raise Unavailable(f"S3 is unavailable ({doing}): {error}") from error
        raise


def _etag(raw: str) -> str:
    return raw.strip('"')


_SESSIONS: list[Any] = []


def _session() -> Any:
    """The process's botocore session, made once: a session loads S3's service model (a large JSON) for
    its first client, 60-180 ms, and its later clients reuse it (5 ms)."""
    if not _SESSIONS:
        _SESSIONS.append(get_session())
    return _SESSIONS[0]


class S3Bucket:
    """The process's S3 client on one bucket (and the signer of URLs for clients)."""

    def __init__(self, location: S3Location, client: Any, signer: Any, stack: AsyncExitStack) -> None:
        self.location = location
        self.name = location.bucket
        self.client = client
        self.signer = signer
        self._stack = stack

    @classmethod
    async def open(cls, location: S3Location) -> S3Bucket:
        session = _session()
        config = Config(
            signature_version="s3v4",
            # Path-style URLs (endpoint/bucket/key): MinIO and moto serve no bucket subdomains.
            s3={"addressing_style": "path"},
            connect_timeout=location.timeout_seconds,
            read_timeout=location.timeout_seconds,
            # One retry (botocore's backoff waits up to a second): while S3 is down a request fails in about
            # a second, a 503, rather than holding its client for several.
            retries={"mode": "standard", "max_attempts": 2},
            max_pool_connections=32,
            # Checksums only where S3 requires them: S3-compatible stores do not all take botocore's defaults.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        credentials = {
            "aws_access_key_id": location.access_key_id or None,
            "aws_secret_access_key": location.secret_access_key or None,
        }

        def client(endpoint: str) -> Any:
            return session.create_client(
                "s3", endpoint_url=endpoint, region_name=location.region, config=config, **credentials
            )

        stack = AsyncExitStack()
        try:
            main = await stack.enter_async_context(client(location.endpoint_url))
            public = location.public_endpoint_url.rstrip("/")
            signer = main
            if public and public != location.endpoint_url.rstrip("/"):
                signer = await stack.enter_async_context(client(public))
        except BaseException:
            await stack.aclose()
            raise
        return cls(location, main, signer, stack)

    async def close(self) -> None:
        await self._stack.aclose()

    async def ensure(self) -> bool:
        """Create the bucket unless it exists, and let the web client's pages upload to it; True when this
        call created it."""
        with unavailable_when_down("creating the bucket"):
            created = await self._create()
            await self._allow_browsers()
            return created

    async def _create(self) -> bool:
        try:
            await self.client.head_bucket(Bucket=self.name)
            return False
        except ClientError as error:
            if not _missing(error):
                raise
        options: dict[str, Any] = {}
        if self.location.region != "us-east-1":  # S3's one region that takes no location constraint
            options["CreateBucketConfiguration"] = {"LocationConstraint": self.location.region}
        try:
            await self.client.create_bucket(Bucket=self.name, **options)
        except ClientError as error:
            if _code(error) in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                return False  # another process made it a moment ago
            raise
        return True

    async def _allow_browsers(self) -> None:
        """The bucket's CORS rules: the web client's origins may PUT to the presigned upload URLs (with the
        headers the URL was signed with) and GET what is stored. Written at every start (the origins may
        have changed); a store without per-bucket CORS (MinIO answers NotImplemented: it allows every
        origin unless told otherwise) is left as it is."""
        if not self.location.browser_origins:
            return
        rules = {
            "CORSRules": [
                {
                    "AllowedOrigins": list(self.location.browser_origins),
                    "AllowedMethods": ["PUT", "GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        }
        try:
            await self.client.put_bucket_cors(Bucket=self.name, CORSConfiguration=rules)
        except ClientError as error:
            if _code(error) not in ("NotImplemented", "NotImplementedError"):
                raise

    async def check(self) -> None:
        with unavailable_when_down("health check"):
            await self.client.head_bucket(Bucket=self.name)


class S3Health:
    """Readiness: the bucket answers."""

    def __init__(self, name: str, bucket: S3Bucket) -> None:
        self.name, self.bucket = name, bucket

    async def check(self) -> None:
        await self.bucket.check()


class S3ObjectStorage:
    """``ObjectStorage`` on one bucket. Reads of what cannot be a key answer "none" without asking S3."""

    def __init__(self, bucket: S3Bucket, clock: Clock) -> None:
        self._bucket = bucket
        self._s3 = bucket.client
        self._name = bucket.name
        self._clock = clock

    async def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        check_key(key)
        with unavailable_when_down("storing an object"):
            answer = await self._s3.put_object(Bucket=self._name, Key=key, Body=data, ContentType=content_type)
        return ObjectInfo(key, len(data), content_type, _etag(answer["ETag"]))

    async def get(self, key: str) -> StoredObject | None:
        answer = await self._get(key, "reading an object")
        if answer is None:
            return None
        with unavailable_when_down("reading an object"):
            async with answer["Body"] as body:
                data = await body.read()
        return StoredObject(self._info(key, answer, len(data)), data)

    async def peek(self, key: str, length: int) -> bytes | None:
        if length <= 0:
            raise ValueError("length must be positive")
        try:
            answer = await self._get(key, "reading an object's first bytes", Range=f"bytes=0-{length - 1}")
        except ClientError as error:
            if _code(error) == "InvalidRange":  # what S3 answers for any range of an empty object
                return b""
            raise
        if answer is None:
            return None
        with unavailable_when_down("reading an object's first bytes"):
            async with answer["Body"] as body:
                data: bytes = await body.read()
        return data[:length]  # a store that ignores Range sends it all

    async def stat(self, key: str) -> ObjectInfo | None:
        if not valid_key(key):
            return None
        with unavailable_when_down("describing an object"):
            try:
                answer = await self._s3.head_object(Bucket=self._name, Key=key)
            except ClientError as error:
                if _missing(error):
                    return None
                raise
        return self._info(key, answer, answer["ContentLength"])

    async def exists(self, key: str) -> bool:
        return await self.stat(key) is not None

    async def delete(self, key: str) -> None:
        if not valid_key(key):
            return
        with unavailable_when_down("deleting an object"):
            await self._s3.delete_object(Bucket=self._name, Key=key)  # S3 answers 204 for a missing key too

    async def upload_target(self, key: str, content_type: str, max_bytes: int, expires_in: timedelta) -> UploadTarget:
        check_key(key)
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not timedelta(seconds=1) <= expires_in <= MAX_EXPIRY:
            raise ValueError(f"an upload target lives 1 second to {MAX_EXPIRY}, not {expires_in}")
        expires = int((self._clock.now() + expires_in).timestamp())
        # Every header given here is signed: the client must send them as they are, and S3 refuses others.
        url = await self._bucket.signer.generate_presigned_url(
            "put_object",
            Params={"Bucket": self._name, "Key": key, "ContentType": content_type, "ContentLength": max_bytes},
            ExpiresIn=int(expires_in.total_seconds()),
            HttpMethod="PUT",
        )
        return UploadTarget(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type, "Content-Length": str(max_bytes)},
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    async def _get(self, key: str, doing: str, **options: Any) -> Any:
        if not valid_key(key):
            return None
        with unavailable_when_down(doing):
            try:
                return await self._s3.get_object(Bucket=self._name, Key=key, **options)
            except ClientError as error:
                if _missing(error):
                    return None
                raise

    @staticmethod
    def _info(key: str, answer: Any, size: int) -> ObjectInfo:
        content_type = answer.get("ContentType") or "application/octet-stream"
        return ObjectInfo(key, size, content_type, _etag(answer.get("ETag", "")))
