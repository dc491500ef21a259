from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from core.shared.errors import ValidationFailed
from core.shared.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    PageRequest,
    decode_cursor,
    encode_cursor,
    page_of,
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        ["00000000-0000-7000-8000-000000000001"],
        ["2026-01-01T12:00:00+00:00", "abc"],
        [42, None, True, 1.5],
        ["ünïcödé ✓", "a/b+c=d"],
        [],
    ],
)
def test_a_cursor_decodes_to_the_key_it_encodes(key: list[Any]) -> None:
    cursor = encode_cursor(key)

    assert decode_cursor(cursor) == key
    assert PageRequest(cursor=cursor).after() == key


def test_a_cursor_is_url_safe_and_unpadded() -> None:
    for n in range(12):  # every padding length
        cursor = encode_cursor(["x" * n, "?&/+=" * n])
        assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor), cursor


def test_a_tuple_key_encodes_like_a_list() -> None:
    assert decode_cursor(encode_cursor(("a", 1))) == ["a", 1]


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        "a",
        "not a cursor",
        "é",
        b64(b"not json"),
        b64(b'{"id": "u-1"}'),
        b64(b'"u-1"'),
        b64(b"42"),
        b64(b"null"),
        b64(b"\xff\xfe\x00"),
        # Nested deeper than the JSON decoder's recursion limit: still just a bad cursor.
        b64(b"[" * 2000 + b"]" * 2000),
    ],
    ids=lambda c: c[:24],
)
def test_a_cursor_this_api_never_returned_is_refused_naming_cursor(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        decode_cursor(cursor)

    assert [e.field for e in raised.value.errors] == ["cursor"]

    with pytest.raises(ValidationFailed) as raised:
        PageRequest(cursor=cursor).after()

    assert [e.field for e in raised.value.errors] == ["cursor"]


def test_no_cursor_means_the_first_page() -> None:
    assert PageRequest().after() is None
    assert PageRequest(cursor="").after() is None


def test_the_default_limit() -> None:
    assert PageRequest().limit == DEFAULT_LIMIT == 20


@pytest.mark.parametrize("limit", [1, 2, MAX_LIMIT])
def test_a_limit_within_bounds_is_kept(limit: int) -> None:
    assert PageRequest(limit=limit).limit == limit


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1, 10_000])
def test_a_limit_out_of_bounds_is_refused_naming_limit(limit: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        PageRequest(limit=limit)

    assert [e.field for e in raised.value.errors] == ["limit"]
    assert str(MAX_LIMIT) in raised.value.message


def test_page_of_cuts_the_extra_item_and_points_the_cursor_at_the_last_kept() -> None:
    request = PageRequest(limit=2)

    page = page_of(["a", "b", "c"], request, key=lambda item: [item])

    assert list(page.items) == ["a", "b"]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor) == ["b"]


@pytest.mark.parametrize("items", [[], ["a"], ["a", "b"]])
def test_page_of_a_last_page_has_no_cursor(items: list[str]) -> None:
    page = page_of(items, PageRequest(limit=2), key=lambda item: [item])

    assert list(page.items) == items
    assert page.next_cursor is None


def test_walking_the_cursors_visits_every_item_once() -> None:
    rows = [f"id-{n:03d}" for n in range(23)]
    seen: list[str] = []
    request = PageRequest(limit=5)
    while True:
        after = request.after()
        remaining = [r for r in rows if after is None or r > after[0]]
        page: Page[str] = page_of(remaining[: request.limit + 1], request, key=lambda r: [r])
        seen.extend(page.items)
        if page.next_cursor is None:
            break
        request = PageRequest(limit=5, cursor=page.next_cursor)

    assert seen == rows
