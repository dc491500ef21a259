"""A small synchronous JSON client for the feature steps: the way a user's script would call the API."""

from __future__ import annotations

from typing import Any

import attrs
import requests


@attrs.define
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def problem_fields(self) -> list[str]:
        if not isinstance(self.body, dict):
            return []
        return [e["field"] for e in self.body.get("errors", [])]


class ApiClient:
    def __init__(self, base_url: str, after_write: Any = None, clock: Any = None) -> None:
        self.base_url = base_url
        self.clock = clock  # the shop's clock, when the test drives it (a ManualClock)
        self.session = requests.Session()
        self.token: str | None = None
        self._after_write = after_write

    def request(self, method: str, path: str, json: Any = None, token: str | None = None, **kw: Any) -> Reply:
        headers = kw.pop("headers", {})
        bearer = token if token is not None else self.token
        if bearer:
            headers.setdefault("Authorization", f"Bearer {bearer}")
        response = self.session.request(method, self.base_url + path, json=json, headers=headers, timeout=30, **kw)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        if method != "GET" and self._after_write is not None:
            self._after_write()
        return Reply(response.status_code, body, dict(response.headers))

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return self.request("PATCH", path, json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return self.request("PUT", path, json, **kw)

    def delete(self, path: str, json: Any = None, **kw: Any) -> Reply:
        return self.request("DELETE", path, json, **kw)
