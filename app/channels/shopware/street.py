"""Street and house number from one address line ("Musterweg 7a").

Shopware keeps both in `street`; the desk (and the carriers' label formats) want them apart.
The house number is the trailing number with an optional letter and ranges or sub-numbers
("12-14", "3/2/5", "5 b"); a line without one keeps everything in the street.
"""

from __future__ import annotations

import re

_LINE = re.compile(
    r"^(?P<street>.*?\S)[\s,]*"
    r"(?P<number>\d+(?:\s?[A-Za-z])?(?:\s?[-/]\s?\d+(?:\s?[A-Za-z])?)*)$"
)


def split_street(line: str) -> tuple[str, str]:
    """(street, house number); ("Musterweg", "7a") for "Musterweg 7a", (line, "") without a number."""
    text = " ".join(line.split())
    match = _LINE.match(text)
    if match is None:
        return text, ""
    street = match["street"].rstrip(" ,")
    if not any(char.isalpha() for char in street):  # "123": a number alone is no street
        return text, ""
    return street, match["number"]
