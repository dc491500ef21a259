from __future__ import annotations

import pytest

from core.shared.errors import (
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
    Validation,
    ValidationFailed,
)


def test_validation_collects_every_bad_field_in_order() -> None:
    v = Validation()
    v.check(False, "email", "is not a valid email address")
    v.check(True, "display_name", "must not be empty")
    v.add("password", "must be at least 10 characters")
    v.check(False, "address.postal_code", "is too long")

    with pytest.raises(ValidationFailed) as raised:
        v.raise_if_any()

    assert raised.value.errors == (
        FieldError("email", "is not a valid email address"),
        FieldError("password", "must be at least 10 characters"),
        FieldError("address.postal_code", "is too long"),
    )
    assert raised.value.message == (
        "email: is not a valid email address; password: must be at least 10 characters; "
        "address.postal_code: is too long"
    )
    assert str(raised.value) == raised.value.message


def test_validation_with_nothing_wrong_raises_nothing() -> None:
    v = Validation()
    v.check(True, "email", "never shown")

    v.raise_if_any()

    assert v.errors == []


def test_one_field_may_fail_several_rules() -> None:
    v = Validation()
    v.add("password", "is too short")
    v.add("password", "is too common")

    with pytest.raises(ValidationFailed) as raised:
        v.raise_if_any()

    assert [e.message for e in raised.value.errors] == ["is too short", "is too common"]


def test_validation_failed_of_one_field() -> None:
    error = ValidationFailed.of("cursor", "is not a cursor this API returned")

    assert error.errors == (FieldError("cursor", "is not a cursor this API returned"),)
    assert error.message == "cursor: is not a cursor this API returned"


def test_validation_failed_needs_at_least_one_field_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ValidationFailed([])


def test_validation_failed_accepts_any_iterable_and_keeps_a_tuple() -> None:
    error = ValidationFailed(FieldError(f"f{n}", "bad") for n in range(3))

    assert error.errors == (FieldError("f0", "bad"), FieldError("f1", "bad"), FieldError("f2", "bad"))


@pytest.mark.parametrize(("given", "kept"), [(30, 30), (1, 1), (0, 1), (-5, 1)])
def test_too_many_requests_always_asks_to_wait_at_least_a_second(given: int, kept: int) -> None:
    error = TooManyRequests("slow down", given)

    assert error.retry_after_seconds == kept
    assert error.message == "slow down"


@pytest.mark.parametrize(
    ("error_type", "code"),
    [
        (NotFound, "not_found"),
        (Conflict, "conflict"),
        (PermissionDenied, "permission_denied"),
        (Unauthenticated, "unauthenticated"),
        (Unavailable, "unavailable"),
        (TooManyRequests, "too_many_requests"),
        (ValidationFailed, "validation_failed"),
    ],
)
def test_every_domain_error_has_its_own_code_and_a_title(error_type: type[DomainError], code: str) -> None:
    assert issubclass(error_type, DomainError)
    assert error_type.code == code
    assert error_type.title
    assert error_type.title != DomainError.title


def test_a_domain_error_carries_its_message() -> None:
    error = NotFound("no such user")

    assert error.message == "no such user"
    assert str(error) == "no such user"
    assert isinstance(error, Exception)
