"""What operators decide about reviews (settings provide it), and the limits on what a review holds."""

from __future__ import annotations

import re
from datetime import timedelta

import attrs

from core.shared.images import IMAGE_TYPES

TITLE_MIN, TITLE_MAX = 3, 120
TEXT_MIN, TEXT_MAX = 10, 5000
AUTHOR_NAME_MAX = 50
ANSWER_MAX = 2000
REPORT_REASON_MIN, REPORT_REASON_MAX = 3, 500
DEFAULT_AUTHOR_NAME = "A customer"
# A photo's id names its object too: a fresh random id and the extension of its type ("0193...a1.jpg").
_EXTENSIONS = "|".join(IMAGE_TYPES.values())
PHOTO_ID = re.compile(rf"[0-9A-Za-z-]{{1,64}}\.(?:{_EXTENSIONS})")


@attrs.frozen
class ReviewPolicy:
    cdn_base_url: str
    allow_unverified: bool = False  # accept reviews of products the author did not receive, shown as such
    reports_to_requeue: int = 3  # reports that send a published review back to moderation
    max_photos: int = 5
    max_photo_bytes: int = 5 * 1024 * 1024
    # How long a photo's upload target stays valid.
    upload_window_seconds: int = 15 * 60

    @property
    def upload_window(self) -> timedelta:
        return timedelta(seconds=self.upload_window_seconds)

    def url(self, key: str) -> str:
        return f"{self.cdn_base_url.rstrip('/')}/{key}"


def photo_key(author_id: str, photo_id: str) -> str:
    """Under the author's own prefix: nobody can attach a photo someone else uploaded."""
    return f"reviews/{author_id}/{photo_id}"


def photo_type(photo_id: str) -> str:
    extension = photo_id.rsplit(".", 1)[-1]
    return next(kind for kind, ext in IMAGE_TYPES.items() if ext == extension)
