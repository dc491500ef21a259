"""Domain errors: the only exceptions a use case raises on purpose.

The HTTP gateway maps each one to an RFC 9457 problem document with the status below; a consumer or a
worker decides from the type whether a retry can help (only ``Unavailable`` can).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


@attrs.frozen
class FieldError:
    """One bad value: ``field`` is a dotted path into the input (``address.postal_code``)."""

    field: str
    message: str


class DomainError(Exception):
    code: str = "domain_error"
    title: str = "Domain error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"
    title = "Not found"


class Conflict(DomainError):
    code = "conflict"
    title = "Conflict"


class ChangedMeanwhile(Conflict):
    """Someone else changed it since it was read (optimistic locking): read it again, and try again if the
    change still makes sense."""

    def __init__(self, what: str) -> None:
        super().__init__(f"this {what} was changed meanwhile; read it again")


class PermissionDenied(DomainError):
    code = "permission_denied"
    title = "Permission denied"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    title = "Authentication required"


class Unavailable(DomainError):
    """A dependency is down or timed out: the caller may retry later."""

    code = "unavailable"
    title = "Service unavailable"


class TooManyRequests(DomainError):
    code = "too_many_requests"
    title = "Too many requests"

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = max(1, retry_after_seconds)


class ValidationFailed(DomainError):
    code = "validation_failed"
    title = "Invalid input"

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationFailed needs at least one field error")
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def of(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])


class Validation:
    """Collects field errors so a command reports every bad field at once, not only the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def check(self, ok: bool, field: str, message: str) -> None:
        if not ok:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
