"""The OpenAPI 3.1 document, built from the same ``Endpoint`` declarations that serve the routes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from entrypoints.http.problems import TITLES, Problem
from entrypoints.http.routing import GROUPS, Endpoint
from entrypoints.http.schema import SchemaRegistry

_PATH_PARAM = re.compile(r"{([^}:]+)(:[^}]*)?}")


def _problem(registry: SchemaRegistry, status: int) -> dict[str, Any]:
    return {
        "description": TITLES.get(status, "Error"),
        "content": {"application/problem+json": {"schema": registry.ref(Problem)}},
    }


def _statuses(endpoint: Endpoint) -> list[int]:
    statuses = set(endpoint.errors)
    if endpoint.authenticated:
        statuses.add(401)
        if endpoint.required_roles:
            statuses.add(403)
    if endpoint.body is not None:
        statuses.update({400, 413, 415, 422})
    if endpoint.query is not None:
        statuses.add(422)
    if "{" in endpoint.path:
        statuses.add(404)
    return sorted(statuses)


def tag_of(endpoint: Endpoint) -> str:
    """Operations are listed by client, then by context: "public: auth", "admin: auth"."""
    return f"{endpoint.group.name}: {endpoint.tag}" if endpoint.tag else endpoint.group.name


def _operation(endpoint: Endpoint, registry: SchemaRegistry) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [tag_of(endpoint)],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    if endpoint.required_roles:
        roles = ", ".join(r.value for r in endpoint.required_roles)
        operation["description"] = (operation.get("description", "") + f"\n\nNeeds the role: {roles}.").strip()
    parameters: list[dict[str, Any]] = [
        {"name": m.group(1), "in": "path", "required": True, "schema": {"type": "string"}}
        for m in _PATH_PARAM.finditer(endpoint.path)
    ]
    if endpoint.query is not None:
        props = registry.object_schema(endpoint.query)  # each field becomes a query parameter
        for name in props["properties"]:
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in props.get("required", []),
                    "schema": props["properties"][name],
                }
            )
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": registry.ref(endpoint.body)}},
        }
    responses: dict[str, Any] = {}
    if endpoint.status == 204 or endpoint.response is None:
        responses[str(endpoint.status if endpoint.status != 200 else 204)] = {"description": "Done"}
    else:
        responses[str(endpoint.status)] = {
            "description": "OK" if endpoint.status == 200 else "Created",
            "content": {"application/json": {"schema": registry.of(endpoint.response)}},
        }
        for status, meaning in endpoint.also:
            responses[str(status)] = {
                "description": meaning,
                "content": {"application/json": {"schema": registry.of(endpoint.response)}},
            }
    for status in _statuses(endpoint):
        responses[str(status)] = _problem(registry, status)
    operation["responses"] = responses
    if endpoint.authenticated:
        operation["security"] = [{"bearer": []}]
    return operation


def _tags(endpoints: list[Endpoint]) -> list[dict[str, str]]:
    order = {group.name: i for i, group in enumerate(GROUPS)}
    tags = {tag_of(e): e.group for e in endpoints}
    listed = sorted(tags.items(), key=lambda item: (order[item[1].name], item[0]))
    return [{"name": name, "description": group.description} for name, group in listed] + [
        {"name": "ops", "description": "Health, metrics and this document."}
    ]


def build_document(endpoints: Iterable[Endpoint], extra_paths: dict[str, Any], version: str) -> dict[str, Any]:
    endpoints = list(endpoints)
    registry = SchemaRegistry()
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", endpoint.full_path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, registry)
    paths.update(extra_paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Marketplace API",
            "version": version,
            "description": (
                "The marketplace platform's API gateway. Errors are application/problem+json (RFC 9457); "
                "log in with POST /api/v1/auth/login and send the token as `Authorization: Bearer <token>`."
            ),
        },
        "tags": _tags(endpoints),
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(registry.components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A session token."}},
        },
    }
