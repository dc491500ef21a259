"""A postal address as captured on an order and printed on a parcel: a snapshot, never a reference.

The users context keeps the customer's address book; an order copies the chosen address at checkout, so
editing or deleting it later changes no order and no shipment.
"""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class PostalAddress:
    recipient: str
    line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    line2: str = ""
    region: str = ""
    phone: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """The address as JSON holds it (``PostalAddress(**d)`` reads it back)."""
        return attrs.asdict(self)
