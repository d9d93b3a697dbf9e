"""Splitting a one-line street ("Musterweg 7a") and a full name into the domain's fields.

eBay (like Amazon and most shops) hands over `addressLine1` as one string, while
German ERPs and carriers want street and house number apart. The rules cover what
German and Austrian buyers type: number last ("Am Markt 3-5", "Hauptstr. 12/3/4",
"Lindenallee 12 b", "Straße des 17. Juni 114"), number first ("12 Rue de la Paix"),
no number at all ("Schillerplatz", the number then often in line 2).
"""

from __future__ import annotations

import re

from app.domain import addresses
from app.domain.addresses import HOUSE_NUMBER

_NUMBER_FIRST = rf"^(?P<number>{HOUSE_NUMBER})[\s,]+(?P<street>\D.*)$"
_ONLY_NUMBER = re.compile(rf"^{HOUSE_NUMBER}$")


def split_street(line1: str, line2: str = "") -> tuple[str, str, str]:
    """(street, house number, addition) from eBay's addressLine1/addressLine2."""
    line1, line2 = " ".join(line1.split()), " ".join(line2.split())
    street, number = addresses.split_street(line1, number_first=_NUMBER_FIRST)
    if number:
        return street, number, line2
    if line2 and _ONLY_NUMBER.match(line2):  # "Musterweg" / "7a": the number went into line 2
        return line1, line2, ""
    return line1, "", line2


def split_name(full_name: str) -> tuple[str, str]:
    """(first name, last name): the last word is the family name ("Anna Maria Schmidt")."""
    words = full_name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return " ".join(words[:-1]), words[-1]
