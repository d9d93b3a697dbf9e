"""Street and house number from one address line ("Musterweg 7a").

Most marketplaces hand over street and house number as one string, while German ERPs and the
carriers' label formats want them apart. The house number is the trailing number with an
optional letter and ranges or sub-numbers ("Am Markt 3-5", "Hauptstr. 12/3/4", "Lindenallee
12 b", "Straße des 17. Juni 114"); some channels also accept it in front ("12 Rue de la Paix").
A line that cannot be split stays whole in the street rather than being guessed.

Channels read their marketplace's lines with slightly different rules; the keywords of
`split_street` say which (each channel passes its own, see the callers). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

HOUSE_NUMBER = r"\d+\s?[A-Za-z]?(?:\s?[-/]\s?\d+\s?[A-Za-z]?)*"
"""Digits, an optional letter, any number of ranges or (Austrian) stair/door parts."""
HOUSE_NUMBER_ONE_RANGE = r"\d+\s?[a-zA-Z]?(?:\s?[-/]\s?\d+\s?[a-zA-Z]?)?"
"""Digits, an optional letter and at most one range ("3-5") or sub-number ("12/14")."""


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _strip_street(street: str) -> str:
    return street.strip(" ,")


def split_street(
    line: str,
    *,
    number: str = HOUSE_NUMBER,
    street_end: str = r"\D",
    separator: str = r"[\s,]*",
    number_first: str | None = None,
    needs_letter: bool = True,
    compact: bool = False,
    collapse: bool = True,
    tidy: Callable[[str], str] = _strip_street,
) -> tuple[str, str]:
    """(street, house number); (line, "") when the line holds no house number.

    number: the house number's pattern; street_end: what the street's last character must be
    (r"\\D" or r"\\S"); separator: what may stand between street and number; number_first: the
    pattern of a line that starts with its number (groups `number`, `street`), tried second;
    needs_letter: a street without any letter is no street (else it must not be empty);
    compact: "5 b" -> "5b"; collapse: runs of whitespace become one space (else only strip);
    tidy: cleans the street part found.
    """
    text = " ".join(line.split()) if collapse else line.strip()
    match = _compiled(rf"^(?P<street>.*?{street_end}){separator}(?P<number>{number})$").match(text)
    if match:
        street = tidy(match["street"])
        if any(char.isalpha() for char in street) if needs_letter else street:
            return street, match["number"].replace(" ", "") if compact else match["number"]
    if number_first is not None:
        match = _compiled(number_first).match(text)
        if match and (not needs_letter or any(char.isalpha() for char in match["street"])):
            return _strip_street(match["street"]), match["number"]
    return text, ""
