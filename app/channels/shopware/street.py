"""Street and house number from one address line ("Musterweg 7a").

Shopware keeps both in `street`; the desk (and the carriers' label formats) want them apart.
The house number is the trailing number with an optional letter and ranges or sub-numbers
("12-14", "3/2/5", "5 b"); a line without one keeps everything in the street.
"""

from __future__ import annotations

from app.domain import addresses

_NUMBER = r"\d+(?:\s?[A-Za-z])?(?:\s?[-/]\s?\d+(?:\s?[A-Za-z])?)*"


def split_street(line: str) -> tuple[str, str]:
    """(street, house number); ("Musterweg", "7a") for "Musterweg 7a", (line, "") without a number.
    A number alone ("123") is no street."""
    return addresses.split_street(line, number=_NUMBER, street_end=r"\S", tidy=lambda street: street.rstrip(" ,"))
