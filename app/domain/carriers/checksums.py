"""Check-digit algorithms of resources/carriers/CHECKSUM_ALGORITHMS.md (jkeen/tracking_number_data, MIT),
plus GS1 mod 10 for SSCC-style numbers. Each takes the serial part and the check character as strings."""

from __future__ import annotations

from typing import Any, Callable

_ALPHABET36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _digit(char: str) -> int:
    # Letters count as (ASCII - 3) mod 10, as in the reference implementation (UPS 1Z shipper ids).
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def mod7(serial: str, check: str, **_: Any) -> bool:
    return serial.isdigit() and check.isdigit() and int(serial) % 7 == int(check)


def mod10(serial: str, check: str, *, odds_multiplier: int | None = None, evens_multiplier: int | None = None,
          reverse: bool = False, **_: Any) -> bool:
    """Weighted digit sum; the weights go by 0-based position (``odds`` = positions 1, 3, 5 …)."""
    if not check.isdigit():
        return False
    chars = serial[::-1] if reverse else serial
    total = 0
    for i, char in enumerate(chars):
        x = _digit(char)
        if odds_multiplier and i % 2 == 1:
            x *= int(odds_multiplier)
        elif evens_multiplier and i % 2 == 0:
            x *= int(evens_multiplier)
        total += x
    return (10 - total % 10) % 10 == int(check)


def s10(serial: str, check: str, *, weightings: list[int] | None = None, **_: Any) -> bool:
    """UPU S10: 8 serial digits weighted 8 6 4 2 3 5 9 7, mod 11; remainder 1 gives 0, remainder 0 gives 5."""
    weights = weightings or [8, 6, 4, 2, 3, 5, 9, 7]
    if not (serial.isdigit() and check.isdigit() and len(serial) == len(weights)):
        return False
    remainder = sum(int(a) * b for a, b in zip(serial, weights)) % 11
    expected = {1: 0, 0: 5}.get(remainder, 11 - remainder)
    return expected == int(check)


def sum_product_with_weightings_and_modulo(serial: str, check: str, *, weightings: list[int], modulo1: int,
                                           modulo2: int, **_: Any) -> bool:
    if not (serial.isdigit() and check.isdigit()):
        return False
    total = sum(int(a) * b for a, b in zip(serial, weightings))
    return total % modulo1 % modulo2 == int(check)


def mod_37_36(serial: str, check: str, **_: Any) -> bool:
    """ISO 7064 MOD 37,36 as in DPD's parcel label specification (check character 0-9 or A-Z)."""
    mod = 36
    cd = mod
    for char in serial:
        value = _ALPHABET36.find(char)
        if value < 0:
            return False
        cd += value
        if cd > mod:
            cd -= mod
        cd *= 2
        if cd > mod:
            cd -= mod + 1
    cd = mod + 1 - cd
    if cd == mod:
        cd = 0
    return _ALPHABET36[cd] == check


def luhn(serial: str, check: str, **_: Any) -> bool:
    if not (serial.isdigit() and check.isdigit()):
        return False
    total = 0
    for i, char in enumerate(reversed(serial)):
        x = int(char) * (2 if i % 2 == 0 else 1)
        total += x - 9 if x > 9 else x
    return (10 - total % 10) % 10 == int(check)


def gs1_mod10(serial: str, check: str, **_: Any) -> bool:
    """GS1 (GTIN, SSCC/NVE): from the rightmost data digit leftwards weights 3, 1, 3, …"""
    if not (serial.isdigit() and check.isdigit()):
        return False
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(serial)))
    return (10 - total % 10) % 10 == int(check)


ALGORITHMS: dict[str, Callable[..., bool]] = {
    "mod7": mod7,
    "mod10": mod10,
    "s10": s10,
    "sum_product_with_weightings_and_modulo": sum_product_with_weightings_and_modulo,
    "mod_37_36": mod_37_36,
    "luhn": luhn,
    "gs1_mod10": gs1_mod10,
}
