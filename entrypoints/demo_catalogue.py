"""The demo shop's data: categories, sellers and product templates expanded into a few hundred cards."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import attrs

# (category, parent or None)
CATEGORIES: list[tuple[str, str | None]] = [
    ("Electronics", None),
    ("Phones", "Electronics"),
    ("Laptops", "Electronics"),
    ("Headphones", "Electronics"),
    ("Home & Kitchen", None),
    ("Cookware", "Home & Kitchen"),
    ("Coffee", "Home & Kitchen"),
    ("Sports & Outdoors", None),
    ("Running", "Sports & Outdoors"),
    ("Cycling", "Sports & Outdoors"),
    ("Books", None),
    ("Fiction", "Books"),
    ("Science", "Books"),
]


@attrs.frozen
class DemoSeller:
    email: str
    legal_name: str
    display_name: str
    country: str
    description: str


SELLERS = [
    DemoSeller(
        "nordic@demo.example", "Nordic Audio AB", "Nordic Audio", "SE", "Headphones and speakers, tuned in Malmö."
    ),
    DemoSeller(
        "harbor@demo.example",
        "Gadget Harbor GmbH",
        "Gadget Harbor",
        "DE",
        "Phones and laptops, tested before they ship.",
    ),
    DemoSeller(
        "casa@demo.example", "Casa Bella SRL", "Casa Bella Kitchen", "IT", "Cookware and coffee gear for home cooks."
    ),
    DemoSeller("trail@demo.example", "Trail & Peak Ltd", "Trail & Peak Outfitters", "GB", "Running and cycling kit."),
    DemoSeller(
        "lantern@demo.example", "Paper Lantern Books SAS", "Paper Lantern Books", "FR", "New fiction and science."
    ),
]


@attrs.frozen
class Template:
    seller: str  # seller email
    category: str
    brands: tuple[str, ...]
    models: tuple[str, ...]
    noun: str
    base_price: int  # minor units, EUR
    attributes: dict[str, tuple[object, ...]]
    blurb: str


TEMPLATES = [
    Template(
        "nordic@demo.example",
        "Headphones",
        ("Sonora", "Fjord", "Aurelia"),
        ("Air", "Studio", "Pro", "Go"),
        "wireless headphones",
        8900,
        {"color": ("black", "white", "blue"), "noise_cancelling": (True, False), "battery_hours": (20, 30, 40)},
        "Bluetooth 5.3 headphones with a soft over-ear fit and a folding frame.",
    ),
    Template(
        "nordic@demo.example",
        "Headphones",
        ("Sonora", "Fjord"),
        ("Buds", "Buds Pro"),
        "earbuds",
        5900,
        {"color": ("black", "white"), "waterproof": (True,), "battery_hours": (6, 8)},
        "In-ear earbuds with a charging case and sweat resistance for workouts.",
    ),
    Template(
        "harbor@demo.example",
        "Phones",
        ("Pixelon", "Novaphone", "Kairo"),
        ("6", "7", "7 Plus", "8 Lite"),
        "smartphone",
        39900,
        {"color": ("graphite", "silver", "green"), "storage_gb": (128, 256, 512), "dual_sim": (True, False)},
        "A 6.4 inch OLED smartphone with a 50 MP camera and all-day battery.",
    ),
    Template(
        "harbor@demo.example",
        "Laptops",
        ("Altbook", "Veridian"),
        ("13", "14", "15 Pro"),
        "laptop",
        99900,
        {"ram_gb": (8, 16, 32), "storage_gb": (256, 512, 1024), "color": ("space grey", "silver")},
        "A light aluminium laptop with a backlit keyboard and a bright matte display.",
    ),
    Template(
        "casa@demo.example",
        "Cookware",
        ("Ferro", "Casa Bella"),
        ("Classic", "Chef", "Induction"),
        "frying pan",
        3900,
        {"diameter_cm": (20, 24, 28), "material": ("cast iron", "stainless steel"), "oven_safe": (True, False)},
        "A heavy pan that holds heat evenly, for searing and slow cooking.",
    ),
    Template(
        "casa@demo.example",
        "Coffee",
        ("Moka Milano", "Barista Uno"),
        ("Espresso", "Duo", "Grinder"),
        "coffee maker",
        12900,
        {"color": ("red", "black", "steel"), "cups": (2, 4, 6)},
        "Makes rich espresso at home; easy to clean, built to last.",
    ),
    Template(
        "trail@demo.example",
        "Running",
        ("Stride", "Pacer", "Velox"),
        ("Road", "Trail", "Race"),
        "running shoes",
        11900,
        {"size_eu": (39, 40, 41, 42, 43, 44), "color": ("orange", "black", "teal")},
        "Cushioned running shoes with a breathable mesh upper and a grippy outsole.",
    ),
    Template(
        "trail@demo.example",
        "Cycling",
        ("Velox", "Ridgeline"),
        ("Helmet", "Helmet MIPS"),
        "bike helmet",
        6900,
        {"size": ("S", "M", "L"), "color": ("white", "black", "yellow")},
        "A ventilated road helmet with an adjustable fit system.",
    ),
    Template(
        "lantern@demo.example",
        "Fiction",
        ("Lantern Press", "Blue Owl"),
        ("The Quiet Harbour", "Salt and Stars", "The Last Lighthouse", "Winter Orchard"),
        "novel",
        1800,
        {"pages": (280, 320, 410), "format": ("paperback", "hardcover")},
        "A novel of family, the sea and the secrets a small town keeps.",
    ),
    Template(
        "lantern@demo.example",
        "Science",
        ("Lantern Press", "Meridian"),
        ("A Short History of Light", "Cells and Circuits", "The Patient Universe"),
        "book",
        2400,
        {"pages": (240, 360), "format": ("paperback", "hardcover")},
        "A clear, vivid tour of the science, for curious readers of every age.",
    ),
]


@attrs.frozen
class DemoProduct:
    seller: str
    category: str
    title: str
    brand: str
    description: str
    sku: str
    price: int
    attributes: list[dict[str, object]]
    stock: int
    color: tuple[int, int, int]


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "text"


def products(count: int = 300, seed: int = 7) -> Iterator[DemoProduct]:
    """``count`` believable cards, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    made = 0
    titles: set[str] = set()
    for round_ in itertools.count():
        for template in TEMPLATES:
            brand = template.brands[round_ % len(template.brands)]
            model = template.models[(round_ // len(template.brands)) % len(template.models)]
            chosen = {name: rng.choice(values) for name, values in template.attributes.items()}
            variant = ", ".join(str(v) for k, v in chosen.items() if k in ("color", "storage_gb", "size_eu", "format"))
            title = f"{brand} {model} {template.noun}" + (f" ({variant})" if variant else "")
            if title in titles:  # the moderation rules would hold a same-titled card as a duplicate
                title = f"{brand} {model} {template.noun} {2024 + round_ % 3} edition" + (
                    f" ({variant})" if variant else ""
                )
            if title in titles:
                title = f"{title} #{made}"
            titles.add(title)
            price = template.base_price + rng.randrange(0, template.base_price // 2, 100)
            yield DemoProduct(
                seller=template.seller,
                category=template.category,
                title=title[:200],
                brand=brand,
                description=template.blurb,
                sku=f"DEMO-{made:05d}",
                price=price - price % 100 + 99,
                attributes=[{"name": k, "kind": _kind(v), "value": v} for k, v in chosen.items()],
                stock=rng.choice([0, 3, 12, 25, 60, 150]),
                color=(rng.randrange(40, 220), rng.randrange(40, 220), rng.randrange(40, 220)),
            )
            made += 1
            if made >= count:
                return
