"""The object store on the web: the in-memory store's signed upload route, and the media files' origin.

PUT /uploads/{key} takes the bytes of one object, as a presigned S3 URL would: the query string states
what it allows (content type, size limit, expiry) and is signed, so no session is needed and nothing can
be changed. It is served only where the in-memory store is wired (an ``UploadRoute``): on S3 clients send
the bytes to the bucket's presigned URLs. GET /media/{key} serves a stored object, from whichever store is
wired, with its content type and cache headers: the origin of the default CDN base URL (a CDN in front of
it, or of the bucket, serves the images in production). These are not API routes (no JSON, no /api/v1
prefix, no bearer token), so they are plain aiohttp handlers; the gateway still answers every refusal with
a problem document.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from core.shared.errors import NotFound, Validation
from entrypoints.http.gateway import Gateway, template
from entrypoints.http.keys import RUNTIME_KEY
from entrypoints.http.problems import problem_response
from ports.storage import ObjectStorage, UploadPermit, UploadRoute

UPLOADS = r"/uploads/{key:[\s\S]+}"  # any text, line breaks too: `_permit` refuses what is not a key
MEDIA = r"/media/{key:[\s\S]+}"
CHUNK_BYTES = 64 * 1024
# Object keys are never reused for other content (an image's key holds its own random id).
CACHE_CONTROL = "public, max-age=86400"
# Whatever bytes a seller uploaded, a browser shows them only as the declared image type, never as a page.
SAFE_CONTENT = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}
# What an upload URL's key and query values may hold (see ``_permit``), and how long they may be.
_PRINTABLE = re.compile(r"[\x20-\x7e]+")
MAX_KEY_LENGTH = 1024
MAX_VALUE_LENGTH = 255


def _permit(request: web.Request) -> UploadPermit:
    """The permit the query string states, or 422 naming each missing or malformed parameter.

    An upload URL this app made holds printable ASCII only (a key of letters, digits and ``._-/``, a
    media type, numbers, a hex signature): anything else is refused here, before the signature check.
    """
    query = request.query
    v = Validation()
    unknown = sorted(set(query) - {"content_type", "max_bytes", "expires", "signature"})
    for name in unknown:
        v.add(name, "is not a known query parameter")
    if not _PRINTABLE.fullmatch(request.match_info["key"]) or len(request.match_info["key"]) > MAX_KEY_LENGTH:
        v.add("key", f"must be printable ASCII text of at most {MAX_KEY_LENGTH} characters")
    numbers: dict[str, int] = {}
    for name in ("content_type", "max_bytes", "expires", "signature"):
        value = query.get(name, "")
        if not value:
            v.add(name, "is required")
        elif name in ("max_bytes", "expires"):
            if value.isascii() and value.isdigit() and len(value) <= 18:
                numbers[name] = int(value)
            else:
                v.add(name, "must be a whole number")
        elif not _PRINTABLE.fullmatch(value) or len(value) > MAX_VALUE_LENGTH:
            v.add(name, f"must be printable ASCII text of at most {MAX_VALUE_LENGTH} characters")
    v.raise_if_any()
    return UploadPermit(
        key=request.match_info["key"],
        content_type=query["content_type"],
        max_bytes=numbers["max_bytes"],
        expires=numbers["expires"],
        signature=query["signature"],
    )


def _too_large(request: web.Request, limit: int) -> web.Response:
    return problem_response(request, 413, f"this upload URL takes at most {limit} bytes", code="body_too_large")


async def upload_object(request: web.Request) -> web.Response:
    permit = _permit(request)
    uploads = request.app[RUNTIME_KEY].resolve(UploadRoute)
    uploads.verify(permit)  # 403 unless signed by this app and unexpired
    if request.content_type != permit.content_type:
        raise web.HTTPUnsupportedMediaType(text=f"this upload URL takes {permit.content_type} only")
    if request.content_length is not None and request.content_length > permit.max_bytes:
        return _too_large(request, permit.max_bytes)
    # Read in chunks, not with request.read(): the app's JSON body limit is not the upload's limit.
    data = bytearray()
    async for chunk in request.content.iter_chunked(CHUNK_BYTES):
        data.extend(chunk)
        if len(data) > permit.max_bytes:
            return _too_large(request, permit.max_bytes)
    storage = request.app[RUNTIME_KEY].resolve(ObjectStorage)
    info = await storage.put(permit.key, bytes(data), permit.content_type)
    return web.Response(status=204, headers={"ETag": f'"{info.etag}"'})


async def media_object(request: web.Request) -> web.Response:
    storage = request.app[RUNTIME_KEY].resolve(ObjectStorage)
    stored = await storage.get(request.match_info["key"])
    if stored is None:
        raise NotFound("no such media file")
    etag = f'"{stored.info.etag}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, **SAFE_CONTENT}
    if etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=stored.data, content_type=stored.info.content_type, headers=headers)


def add_routes(app: web.Application, gateway: Gateway, *, upload_route: bool = True) -> None:
    if upload_route:
        app.router.add_put(UPLOADS, gateway.wrap(upload_object, template(UPLOADS)))
    app.router.add_get(MEDIA, gateway.wrap(media_object, template(MEDIA)))


def paths(upload_route: bool) -> dict[str, Any]:
    """Their entries in the API document: the upload route's only where it is served."""
    return PATHS if upload_route else {path: item for path, item in PATHS.items() if path != "/uploads/{key}"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": {}}}}


_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
_TEXT = {"type": "string", "pattern": "^[ -~]+$"}  # printable ASCII, as ``_PRINTABLE``
_WHOLE = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}  # at most 18 digits, as ``_permit`` reads
_UPLOAD_KEY = {**_KEY, "schema": {**_TEXT, "maxLength": MAX_KEY_LENGTH}}
_QUERY = [
    {"name": name, "in": "query", "required": True, "schema": schema}
    for name, schema in (
        ("content_type", {**_TEXT, "maxLength": MAX_VALUE_LENGTH}),
        ("max_bytes", _WHOLE),
        ("expires", _WHOLE),
        ("signature", {**_TEXT, "maxLength": MAX_VALUE_LENGTH}),
    )
]

# Their entries in the API document (they are not ``Endpoint``s).
PATHS: dict[str, Any] = {
    "/uploads/{key}": {
        "put": {
            "tags": ["public: media"],
            "operationId": "upload_object",
            "summary": "Upload a file to a signed upload URL (the in-memory object store's)",
            "description": (
                "Use the URL, method and headers an upload target gave you, as they are. The body is the "
                "file's bytes, with the Content-Type the URL was made for, no larger than it allows."
            ),
            "parameters": [_UPLOAD_KEY, *_QUERY],
            "requestBody": {"required": True, "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {
                "204": {"description": "Stored"},
                "403": _problem("The signature does not match or the URL has expired"),
                "413": _problem("The file is larger than the URL allows"),
                "415": _problem("Not the content type the URL was made for"),
                "422": _problem("The key or a query parameter is missing or malformed"),
            },
        }
    },
    "/media/{key}": {
        "get": {
            "tags": ["public: media"],
            "operationId": "media_object",
            "summary": "A stored media file (the origin behind the CDN base URL)",
            "parameters": [_KEY],
            "responses": {
                "200": {
                    "description": "The file, with its content type",
                    "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
                },
                "304": {"description": "Not modified (If-None-Match)"},
                "404": _problem("No such file"),
            },
        }
    },
}
