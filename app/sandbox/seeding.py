"""Seeded fake data every marketplace sandbox draws from: customer and product pools, weighted
and uniform random picks, tracking numbers.

Orders point into the pools by index, so 100,000 orders do not carry 100,000 address dicts.
Everything is derived from the seed so two sandboxes with the same seed produce byte-identical
customers and products (the RNG streams keep their historic "otto-..." names for that reason).
All names and places are invented or generic; e-mail domains are reserved example domains.
Addresses come in OTTO's AddressOrdersV4 shape; the other sandboxes reshape them.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass

FIRST_NAMES = (
    "Erika", "Max", "Sophie", "Lukas", "Mia", "Jonas", "Hanna", "Felix", "Lea", "Paul", "Emma",
    "Leon", "Marie", "Finn", "Anna", "Elias", "Lena", "Noah", "Clara", "Ben", "Jürgen", "Sabine",
    "Özlem", "Dariusz", "Ingrid", "Thorsten", "Birgit", "Kai", "Greta", "Mehmet", "Ana", "Nils",
)  # fmt: skip
LAST_NAMES = (
    "Beispiel", "Mustermann", "Schmidt", "Müller", "Weber", "Fischer", "Becker", "Hoffmann", "Schäfer",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun",
    "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
    "Yılmaz", "Nowak", "Öztürk", "Groß", "Kowalski",
)  # fmt: skip
STREETS = (
    "Musterweg", "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße",
    "Lindenallee", "Am Markt", "Bergstraße", "Kirchweg", "Rosenstraße", "Waldstraße", "Ringstraße",
    "Mühlenweg", "Goethestraße", "Schillerplatz", "Friedhofstraße", "Jahnstraße", "Wiesengrund",
    "Alter Deich", "Uferstraße", "Sonnenhang",
)  # fmt: skip
CITIES_DE = (
    ("22089", "Hamburg"), ("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"),
    ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("40213", "Düsseldorf"),
    ("04109", "Leipzig"), ("01067", "Dresden"), ("28195", "Bremen"), ("30159", "Hannover"),
    ("90402", "Nürnberg"), ("44135", "Dortmund"), ("45127", "Essen"), ("24103", "Kiel"),
    ("18055", "Rostock"), ("99084", "Erfurt"), ("66111", "Saarbrücken"), ("93047", "Regensburg"),
    ("79098", "Freiburg im Breisgau"), ("25980", "Sylt"), ("83471", "Berchtesgaden"),
)  # fmt: skip
CITIES_AT = (
    ("1010", "Wien"), ("8010", "Graz"), ("4020", "Linz"), ("5020", "Salzburg"), ("6020", "Innsbruck"),
)
COMPANIES = ("Beispiel GmbH", "Muster & Söhne KG", "Nordlicht Büroservice e.K.", "Alster Praxis GbR")
TITLES = ("Dr.", "Prof.", "Dipl.-Ing.")
ADDITIONS = ("2. OG", "Hinterhaus", "c/o Nachbarn", "Apartment 12", "Packstation 104")

BRANDS = ("Nordwerk", "Helvig", "Kranich", "Alsterline", "Lumo", "Fjordhaus", "Waldmann", "Brightstone")
COLORS = ("Schwarz", "Weiß", "Grau", "Blau", "Rot", "Edelstahl", "Grün", "Beige")
# (noun, electrical?, vat rate, min price cents, max price cents)
PRODUCT_KINDS = (
    ("Toaster", True, 19.0, 1999, 8999), ("Wasserkocher", True, 19.0, 1499, 7999),
    ("Staubsauger", True, 19.0, 5999, 49999), ("Kaffeevollautomat", True, 19.0, 19999, 89999),
    ("Mikrowelle", True, 19.0, 6999, 29999), ("Standmixer", True, 19.0, 2999, 19999),
    ("Haartrockner", True, 19.0, 1499, 12999), ("Waschmaschine", True, 19.0, 29999, 89999),
    ("Kühl-Gefrierkombination", True, 19.0, 34999, 89999), ("Fernseher 55 Zoll", True, 19.0, 39999, 89999),
    ("Akku-Bohrschrauber", True, 19.0, 4999, 24999), ("Stehlampe", True, 19.0, 2999, 14999),
    ("Bluetooth-Kopfhörer", True, 19.0, 1999, 29999), ("Heizlüfter", True, 19.0, 1999, 8999),
    ("Bettwäsche-Set", False, 19.0, 1999, 8999), ("Handtuch", False, 19.0, 299, 2999),
    ("Sneaker", False, 19.0, 3999, 15999), ("Jeans", False, 19.0, 2999, 12999),
    ("Kochtopf-Set", False, 19.0, 3999, 19999), ("Pfanne", False, 19.0, 1499, 8999),
    ("Gartenstuhl", False, 19.0, 2499, 14999), ("Kochbuch", False, 7.0, 999, 3999),
    ("Kinderbuch", False, 7.0, 499, 2499), ("Rucksack", False, 19.0, 1999, 12999),
    ("Trinkflasche", False, 19.0, 299, 2999), ("Teppich", False, 19.0, 2999, 39999),
    ("Yogamatte", False, 19.0, 1499, 5999), ("Kissen", False, 19.0, 499, 3999),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    article_number: str
    title: str
    ean: str
    vat: float
    price: int  # gross cents
    electrical: bool
    color: str | None
    shop_url: str


def _ean13(rng: random.Random) -> str:
    """A 13-digit EAN with a valid check digit (clients may validate it)."""
    body = "40" + "".join(str(rng.randrange(10)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _price(rng: random.Random, low: int, high: int) -> int:
    """Shop-like prices (x.99 / x.95 / x.49), always with a non-zero last digit."""
    euros = rng.randint(low // 100, high // 100)
    return max(299, min(89999, euros * 100 + rng.choice((99, 99, 95, 49))))


def build_products(seed: int, count: int = 320) -> tuple[Product, ...]:
    rng = random.Random(f"otto-products-{seed}")
    products = []
    for index in range(count):
        noun, electrical, vat, low, high = rng.choice(PRODUCT_KINDS)
        brand = rng.choice(BRANDS)
        color = rng.choice(COLORS) if rng.random() < 0.6 else None
        model = f"{rng.choice('ABCDEFGHKLMNPRSTVXZ')}{rng.randint(100, 9999)}"
        title = f"{brand} {noun} {model}" + (f", {color}" if color else "")
        article = str(rng.randint(100_000_000, 999_999_999))
        products.append(
            Product(
                sku=f"SKU-{10000 + index}",
                article_number=article,
                title=title,
                ean=_ean13(rng),
                vat=vat,
                price=_price(rng, low, high),
                electrical=electrical,
                color=color,
                shop_url=f"https://www.otto.de/p/{article}",
            )
        )
    return tuple(products)


def _ascii_mail(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "Ö": "Oe", "Ü": "Ue"})
    return "".join(c for c in text.translate(table).lower() if c.isalnum() or c == ".")


def build_addresses(seed: int, count: int = 4096) -> tuple[dict[str, str], ...]:
    """Address dicts in AddressOrdersV4 shape (shared, never mutated)."""
    rng = random.Random(f"otto-addresses-{seed}")
    pool = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        austria = rng.random() < 0.08
        zip_code, city = rng.choice(CITIES_AT if austria else CITIES_DE)
        roll = rng.random()
        salutation = "COMPANY" if roll < 0.04 else "UNKNOWN" if roll < 0.08 else rng.choice(("MR", "MS"))
        address = {
            "salutation": salutation,
            "firstName": first,
            "lastName": last,
            "street": rng.choice(STREETS),
            "houseNumber": f"{rng.randint(1, 180)}{rng.choice(('', '', '', 'a', 'b'))}",
            "zipCode": zip_code,
            "city": city,
            "countryCode": "AUT" if austria else "DEU",
            "email": f"{_ascii_mail(first)}.{_ascii_mail(last)}{rng.randint(1, 99)}@example.org",
        }
        if salutation == "COMPANY":
            address["addition"] = rng.choice(COMPANIES)
        elif rng.random() < 0.1:
            address["addition"] = rng.choice(ADDITIONS)
        if rng.random() < 0.05:
            address["title"] = rng.choice(TITLES)
        if rng.random() < 0.3:
            address["phoneNumber"] = f"+49 {rng.randint(30, 9999)} {rng.randint(100000, 9999999)}"
        pool.append(address)
    return tuple(pool)


def pick(rng: random.Random, cumulative: tuple[int, ...]) -> int:
    """Weighted index; ~5x faster than random.choices for seeding 100k orders."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def below(rng: random.Random, n: int) -> int:
    """Uniform int in [0, n); cheaper than randrange and just as good for fake data."""
    return int(rng.random() * n)


def tracking_number(rng: random.Random, carrier: str) -> str:
    """Plausible-looking numbers per carrier (format only, no check digits)."""
    if carrier == "DHL":
        return f"00340434{rng.getrandbits(40) % 10**12:012d}"
    if carrier == "UPS":
        return f"1Z{rng.getrandbits(64):016X}"
    length = {"DPD": 14, "HERMES": 14, "GLS": 11}.get(carrier, 12)
    return f"{rng.getrandbits(48) % 10**length:0{length}d}"
