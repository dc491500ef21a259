"""Money: an integer amount of minor units and an ISO 4217 currency. Never a float."""

from __future__ import annotations

import attrs

from core.shared.errors import ValidationFailed

# ISO 4217 codes the platform trades in, with their number of minor units (JPY has none, KWD three).
MINOR_UNITS: dict[str, int] = {
    "AED": 2,
    "AUD": 2,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "ILS": 2,
    "INR": 2,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "KZT": 2,
    "MXN": 2,
    "NOK": 2,
    "NZD": 2,
    "PLN": 2,
    "RUB": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "TRY": 2,
    "UAH": 2,
    "USD": 2,
    "ZAR": 2,
}
CURRENCIES = frozenset(MINOR_UNITS)


def check_currency(code: str, field: str = "currency") -> str:
    if code not in CURRENCIES:
        raise ValidationFailed.of(field, f"unknown currency {code!r}: use an ISO 4217 code such as EUR")
    return code


@attrs.frozen(order=False)
class Money:
    amount: int
    currency: str

    def __attrs_post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValidationFailed.of("amount", "must be an integer number of minor units")
        check_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationFailed.of("currency", f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        return Money(self.amount * quantity, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        digits = MINOR_UNITS[self.currency]
        if digits == 0:
            return f"{self.amount} {self.currency}"
        sign = "-" if self.amount < 0 else ""
        whole, minor = divmod(abs(self.amount), 10**digits)
        return f"{sign}{whole}.{minor:0{digits}d} {self.currency}"
