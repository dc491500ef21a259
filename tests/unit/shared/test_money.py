from __future__ import annotations

import pytest

from core.shared.errors import ValidationFailed
from core.shared.money import CURRENCIES, MINOR_UNITS, Money, check_currency


def fields_of(error: ValidationFailed) -> list[str]:
    return [e.field for e in error.errors]


def test_money_is_an_integer_amount_of_minor_units_and_a_currency() -> None:
    price = Money(1999, "EUR")

    assert price.amount == 1999
    assert price.currency == "EUR"
    assert str(price) == "19.99 EUR"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (0, "EUR", "0.00 EUR"),
        (5, "EUR", "0.05 EUR"),
        (-5, "EUR", "-0.05 EUR"),
        (-123456, "USD", "-1234.56 USD"),
        (1500, "JPY", "1500 JPY"),
        (-1500, "JPY", "-1500 JPY"),
        (1234, "KWD", "1.234 KWD"),
        (7, "KWD", "0.007 KWD"),
    ],
)
def test_money_prints_with_the_currency_minor_units(amount: int, currency: str, text: str) -> None:
    assert str(Money(amount, currency)) == text


@pytest.mark.parametrize("amount", [19.99, 10.0, "1999", None, True, False])
def test_an_amount_that_is_not_an_integer_is_refused_naming_amount(amount: object) -> None:
    with pytest.raises(ValidationFailed) as raised:
        Money(amount, "EUR")  # type: ignore[arg-type]

    assert fields_of(raised.value) == ["amount"]


@pytest.mark.parametrize("currency", ["eur", "XXX", "", "EURO", " EUR"])
def test_an_unknown_currency_is_refused_naming_currency(currency: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        Money(100, currency)

    assert fields_of(raised.value) == ["currency"]


def test_check_currency_names_the_field_it_is_told() -> None:
    assert check_currency("GBP") == "GBP"
    with pytest.raises(ValidationFailed) as raised:
        check_currency("ABC", field="order.currency")

    assert fields_of(raised.value) == ["order.currency"]


def test_every_known_currency_has_its_minor_units() -> None:
    assert frozenset(MINOR_UNITS) == CURRENCIES
    assert MINOR_UNITS["EUR"] == 2
    assert MINOR_UNITS["JPY"] == 0
    assert MINOR_UNITS["KWD"] == 3


def test_amounts_of_one_currency_add_and_subtract() -> None:
    assert Money(1000, "EUR") + Money(250, "EUR") == Money(1250, "EUR")
    assert Money(1000, "EUR") - Money(2500, "EUR") == Money(-1500, "EUR")


def test_a_unit_price_times_a_quantity() -> None:
    assert Money(1999, "EUR") * 3 == Money(5997, "EUR")
    assert Money(1999, "EUR") * 0 == Money.zero("EUR")


def test_multiplying_by_a_fraction_is_refused_because_money_never_holds_a_float() -> None:
    with pytest.raises(ValidationFailed) as raised:
        Money(1999, "EUR") * 1.5  # type: ignore[operator]

    assert fields_of(raised.value) == ["amount"]


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_two_currencies_never_combine(combine: object) -> None:
    with pytest.raises(ValidationFailed) as raised:
        combine(Money(100, "EUR"), Money(100, "USD"))  # type: ignore[operator]

    assert fields_of(raised.value) == ["currency"]
    assert "EUR" in raised.value.message
    assert "USD" in raised.value.message


def test_amounts_of_one_currency_compare() -> None:
    small, large = Money(100, "EUR"), Money(200, "EUR")

    assert small < large
    assert small <= large
    assert small <= Money(100, "EUR")
    assert large > small
    assert large >= small
    assert not large < small
    assert max([small, large]) == large


def test_equality_needs_the_same_amount_and_currency() -> None:
    assert Money(100, "EUR") == Money(100, "EUR")
    assert Money(100, "EUR") != Money(100, "USD")
    assert Money(100, "EUR") != Money(101, "EUR")
    assert len({Money(100, "EUR"), Money(100, "EUR"), Money(100, "USD")}) == 2


def test_zero_and_sign() -> None:
    assert Money.zero("JPY") == Money(0, "JPY")
    assert not Money.zero("EUR").is_negative
    assert Money(-1, "EUR").is_negative
    assert not Money(1, "EUR").is_negative


def test_money_is_immutable() -> None:
    price = Money(100, "EUR")

    with pytest.raises(AttributeError):
        price.amount = 5  # type: ignore[misc]

    assert price == Money(100, "EUR")
