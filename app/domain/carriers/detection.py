"""Propose carriers for a tracking number (marketplaces.md §6: "return ranked candidates, prefer
checksum-validated matches, break ties with the order's shipping method, always allow user override").

Ranking, best first:
1. check digit correct, then formats without a check digit (then, with ``include_failed``, wrong ones);
2. the carrier the order's shipping method implies (``hint``);
3. the format's confidence;
4. the order of the format table (spec formats, then the German ones).
Numeric shapes several carriers share (10/11/12/14/15/20 digits) give several candidates; each
of them is then at most MEDIUM and its reason names the others.
"""

from __future__ import annotations

import re
from typing import Iterable

from app.domain.carriers.formats import TrackingFormat, all_formats
from app.domain.carriers.model import CARRIER_NAMES, Candidate, Carrier, Confidence

# Spaces of any kind, hyphens and dashes are layout, never part of a tracking number.
_LAYOUT = re.compile(r"[\s\u200b\ufeff\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
MAX_LENGTH = 64  # no format is longer than 34; longer input is a paste of something else

_CHECKSUM_WORDS = {
    "mod7": "mod 7", "mod10": "mod 10", "s10": "UPU S10 mod 11", "mod_37_36": "ISO 7064 mod 37,36",
    "sum_product_with_weightings_and_modulo": "weighted mod 11", "luhn": "Luhn", "gs1_mod10": "GS1 mod 10",
}


def normalise(tracking: str | None) -> str:
    """Upper case without spaces and dashes: what carriers print in groups, the APIs want in one piece."""
    return _LAYOUT.sub("", tracking or "").upper()


class _Match:
    __slots__ = ("fmt", "index", "carrier", "name", "valid")

    def __init__(self, fmt: TrackingFormat, index: int, carrier: Carrier, name: str, valid: bool | None):
        self.fmt, self.index, self.carrier, self.name, self.valid = fmt, index, carrier, name, valid

    def key(self, hint: Carrier | None) -> tuple[int, bool, int, int]:
        checked = {True: 2, None: 1, False: 0}[self.valid]
        return checked, self.carrier == hint, int(self.fmt.confidence), -self.index

    @property
    def label(self) -> str:
        return self.name or CARRIER_NAMES[self.carrier]


def _matches(number: str, formats: Iterable[TrackingFormat]) -> list[_Match]:
    found = []
    for index, fmt in enumerate(formats):
        m = fmt.pattern.fullmatch(number)
        if m is None or not fmt.lookups_ok(m):
            continue
        carrier, name = fmt.resolve(m) if fmt.resolve else (fmt.carrier, "")
        found.append(_Match(fmt, index, carrier, name, fmt.check(m)))
    return found


def _reason(match: _Match, others: list[str], hinted: bool) -> str:
    fmt = match.fmt
    if match.valid is None:
        parts = [f"{fmt.description}: matches the pattern; this format has no check digit"]
    else:
        algorithm = _CHECKSUM_WORDS.get(fmt.checksum or "", fmt.checksum)
        state = "correct" if match.valid else "WRONG (mistyped?)"
        parts = [f"{fmt.description}: check digit ({algorithm}) {state}"]
    if match.name:
        parts.append(f"issued by {match.name}")
    if fmt.unconfirmed:
        parts.append("format from unconfirmed notes")
    if hinted:
        parts.append("the order's shipping method names this carrier")
    if others:
        parts.append("the same number also fits " + ", ".join(others))
    return "; ".join(parts) + "."


def detect(tracking: str | None, *, hint: Carrier | None = None, include_failed: bool = False,
           formats: Iterable[TrackingFormat] | None = None) -> list[Candidate]:
    """Ranked carrier proposals for a tracking number; empty when no known format fits.

    ``hint``: the carrier the order's shipping method implies (see ``carrier_from_shipping_method``).
    ``include_failed``: also list formats whose pattern fits but whose check digit is wrong, last,
    so a UI can say "looks like UPS, but the check digit is wrong".
    """
    number = normalise(tracking)
    if not number or len(number) > MAX_LENGTH:
        return []
    found = _matches(number, formats if formats is not None else all_formats())
    if not include_failed:
        found = [m for m in found if m.valid is not False]
    found.sort(key=lambda m: m.key(hint), reverse=True)
    best: dict[tuple[Carrier, str], _Match] = {}
    for m in found:  # one candidate per carrier: its best format
        best.setdefault((m.carrier, m.name), m)
    ranked = list(best.values())
    plausible = [m for m in ranked if m.valid is not False]
    candidates = []
    for m in ranked:
        others = [o.label for o in plausible if o is not m]
        confidence = m.fmt.confidence
        if m.valid is False:
            confidence = Confidence.LOW
        elif others:
            confidence = min(confidence, Confidence.MEDIUM)
        candidates.append(Candidate(carrier=m.carrier, format_id=m.fmt.id, confidence=confidence,
                                    checksum_valid=m.valid, reason=_reason(m, others, m.carrier == hint),
                                    unconfirmed=m.fmt.unconfirmed, carrier_name=m.name))
    return candidates


def check_digit(carrier: Carrier, tracking: str | None,
                formats: Iterable[TrackingFormat] | None = None) -> tuple[bool | None, TrackingFormat | None]:
    """Whether ``tracking`` passes ``carrier``'s check digit: (True, format) when a format of that
    carrier validates it; (None, format|None) when it fits a format without a check digit or no known
    format at all (carriers have formats we do not know); (False, format) only when the number fits
    the carrier's pattern but every such format rejects its check digit."""
    found = [m for m in _matches(normalise(tracking), formats if formats is not None else all_formats())
             if m.carrier is carrier]
    for wanted in (True, None, False):
        for m in found:
            if m.valid is wanted:
                return wanted, m.fmt
    return None, None


_METHOD_WORDS: tuple[tuple[re.Pattern[str], Carrier], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), carrier) for pattern, carrier in (
        (r"\bdhl\W*express\b", Carrier.DHL_EXPRESS),
        (r"\bdhl\W*(2|zwei)\W*mann|\bdhl\W*home\W*delivery\b", Carrier.DHL_HOME_DELIVERY),
        (r"\bhermes\W*einrichtung|\bhermes\W*(2|zwei)\W*mann", Carrier.HERMES_HOME_DELIVERY),
        (r"\bdhl\W*freight\b", Carrier.DHL_FREIGHT),
        (r"\bdeutsche\W*post\b|\bwarenpost\b|\bbrief|\beinschreiben\b|\bb(ü|ue)cher\W*sendung", Carrier.DEUTSCHE_POST),
        (r"\bdhl\W*e\W*commerce\b|\bdhl\W*global\W*mail\b", Carrier.DHL_ECOMMERCE),
        (r"\bdhl\b", Carrier.DHL_PAKET),
        (r"\bdpd\b", Carrier.DPD),
        (r"\bgls\b", Carrier.GLS),
        (r"\bhermes\b", Carrier.HERMES),
        (r"\bups\b", Carrier.UPS),
        (r"\bfed\W*ex\b", Carrier.FEDEX),
        (r"\bamazon\b", Carrier.AMAZON_LOGISTICS),
        (r"\biloxx\b", Carrier.ILOXX),
        (r"\btnt\b", Carrier.TNT),
        (r"\btrans\W*o\W*flex\b", Carrier.TRANS_O_FLEX),
        (r"\b(db\W*)?schenker\b", Carrier.DB_SCHENKER),
        (r"\bdachser\b", Carrier.DACHSER),
        (r"\bk(ü|ue)hne\W*(\+|und|&)?\W*nagel\b", Carrier.KUEHNE_NAGEL),
        (r"\brhenus\b", Carrier.RHENUS),
        (r"\bhellmann\b", Carrier.HELLMANN),
        (r"\bemons\b", Carrier.EMONS),
        (r"\bg(ü|ue)ttler\b", Carrier.GUETTLER),
    ))


def carrier_from_shipping_method(name: str | None) -> Carrier | None:
    """The carrier a shipping-method name implies ("DHL Paket", "Hermes Standard", "Warenpost").

    Shopware has no carrier field: the carrier is implied by the delivery's shipping method
    (marketplaces.md §5.3). Also a ``hint`` for ``detect``. None when the name names no carrier."""
    for pattern, carrier in _METHOD_WORDS:
        if name and pattern.search(name):
            return carrier
    return None
