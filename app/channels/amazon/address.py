"""Amazon's one-line addresses to the desk's split fields.

Amazon gives a single `Name` and puts street and house number together in `AddressLine1`
("Musterweg 7a"); German buyers often put a c/o, company or Packstation line first and the
street in `AddressLine2`. Carriers' label APIs want street and house number apart, so they
are split here; what cannot be split stays whole in `street` rather than being guessed.
"""

from __future__ import annotations

from app.domain import addresses

# "12 Rue de la Paix", "221B Baker Street" (French, British, US style)
_NUMBER_FIRST = r"^(?P<number>\d+[a-zA-Z]?)\s+(?P<street>\D.*)$"


def split_street(line: str) -> tuple[str, str]:
    """(street, house number) of "Musterweg 7a", "Straße des 17. Juni 135", "Am Markt 1-3",
    "Hauptstr. 5 b" (-> "5b"), "Weg 12/14" or "12 Rue de la Paix"; ("Packstation", "104") is
    fine too, the number is what counts."""
    return addresses.split_street(line, number=addresses.HOUSE_NUMBER_ONE_RANGE, separator=r"\s*",
                                  number_first=_NUMBER_FIRST, needs_letter=False, compact=True)


def split_name(name: str) -> tuple[str, str]:
    """(first name, last name): the last word is the family name, titles stay in front."""
    words = name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return " ".join(words[:-1]), words[-1]


def street_lines(line1: str, line2: str, line3: str) -> tuple[str, str]:
    """(street line, addition): the street is the first line that ends or starts with a house
    number, preferring AddressLine1; the other lines become the addition (c/o, company, floor)."""
    lines = [line.strip() for line in (line1, line2, line3) if line.strip()]
    if not lines:
        return "", ""
    street = next((line for line in lines if split_street(line)[1]), lines[0])
    return street, ", ".join(line for line in lines if line is not street)
