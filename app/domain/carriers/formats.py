"""Tracking-number formats: the jkeen/tracking_number_data specs in resources/carriers/ (MIT) plus the
German formats that data set lacks, written by hand from marketplaces.md §6.

The JSON is read on first use, never at import time.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any, Callable

from app.domain.carriers.checksums import ALGORITHMS
from app.domain.carriers.model import Carrier, Confidence

SPEC_FILES = ("ups.json", "dhl.json", "dpd.json", "s10.json", "amazon.json", "fedex.json")


class CarrierDataMissing(FileNotFoundError):
    """resources/carriers/ is not where the app expects it: a packaging fault, not a user error."""


@dataclass(frozen=True, slots=True)
class TrackingFormat:
    id: str
    carrier: Carrier
    description: str
    pattern: re.Pattern[str]  # full-matched against the normalised number
    confidence: Confidence
    checksum: str | None = None  # a key of checksums.ALGORITHMS
    checksum_params: dict[str, Any] = field(default_factory=dict)
    # group name -> allowed values: the matched group must be one of them (spec "additional.exists")
    required_lookups: dict[str, frozenset[str]] = field(default_factory=dict)
    required_lookup_patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    unconfirmed: bool = False
    source: str = ""
    # (match) -> (carrier, brand name) when the carrier depends on the number itself (S10 country)
    resolve: Callable[[re.Match[str]], tuple[Carrier, str]] | None = None

    def check(self, match: re.Match[str]) -> bool | None:
        """True/False for formats with a check digit, None for pattern-only formats."""
        if self.checksum is None:
            return None
        serial = re.sub(r"\s", "", match.group("SerialNumber"))
        digit = re.sub(r"\s", "", match.group("CheckDigit"))
        return ALGORITHMS[self.checksum](serial, digit, **self.checksum_params)

    def lookups_ok(self, match: re.Match[str]) -> bool:
        for group, values in self.required_lookups.items():
            value = re.sub(r"\s", "", match.group(group) or "")
            if value not in values and not any(
                    p.fullmatch(value) for p in self.required_lookup_patterns.get(group, ())):
                return False
        return True


# --- spec formats ---------------------------------------------------------------------------------
# Which spec formats the desk uses, for which carrier, and how much a match says. Confidence follows
# marketplaces.md §6 (UPS/DPD/DHL Express "high", waybill/piece id/e-commerce "medium"); formats that
# are mostly seen outside Germany or share their shape with many others are lower.
SPEC_FORMATS: dict[str, tuple[Carrier, Confidence]] = {
    "ups": (Carrier.UPS, Confidence.HIGH),
    "ups_waybill": (Carrier.UPS, Confidence.MEDIUM),
    "dhl_express": (Carrier.DHL_EXPRESS, Confidence.HIGH),
    "dhl_express_piece_id": (Carrier.DHL_EXPRESS, Confidence.MEDIUM),
    "dhl_ecommerce": (Carrier.DHL_ECOMMERCE, Confidence.MEDIUM),
    "dhl_ecommerce_14": (Carrier.DHL_ECOMMERCE, Confidence.LOW),  # any 14 digits, no check digit
    "dpd": (Carrier.DPD, Confidence.HIGH),
    "dpd_14": (Carrier.DPD, Confidence.HIGH),
    # S10: two letters, 8 digits, mod-11 check digit and a known UPU country: a distinctive shape.
    "s10": (Carrier.DEUTSCHE_POST, Confidence.HIGH),  # carrier by country code, see _s10_carrier
    "amazon_logistics": (Carrier.AMAZON_LOGISTICS, Confidence.HIGH),  # TBA/TBC/TBM prefix
    "amazon_international": (Carrier.AMAZON_LOGISTICS, Confidence.LOW),
    "fedex_12": (Carrier.FEDEX, Confidence.MEDIUM),
    "fedex_34": (Carrier.FEDEX, Confidence.HIGH),
    "fedex_astra_32": (Carrier.FEDEX, Confidence.MEDIUM),
    "fedex_ground": (Carrier.FEDEX, Confidence.MEDIUM),
    "fedex_ground_sscc_18": (Carrier.FEDEX, Confidence.LOW),  # any company's SSCC has this shape
    "fedex_ground_96": (Carrier.FEDEX, Confidence.MEDIUM),
    "fedex_ground_gsn": (Carrier.FEDEX, Confidence.HIGH),
}


def _s10_carrier(match: re.Match[str], couriers: dict[str, str]) -> tuple[Carrier, str]:
    country = match.group("CountryCode")
    if country == "DE":  # marketplaces.md §6: UPU S10 ending in DE = Deutsche Post
        return Carrier.DEUTSCHE_POST, ""
    return Carrier.OTHER, couriers.get(country, f"postal service {country}")


def format_id(entry: dict[str, Any]) -> str:
    """The spec's id; the UPS waybill entry has none, so its name stands in ("ups_waybill")."""
    return entry.get("id") or re.sub(r"[^a-z0-9]+", "_", entry["name"].lower()).strip("_")


def _python_regex(regex: str | list[str]) -> re.Pattern[str]:
    source = "".join(regex) if isinstance(regex, list) else regex
    # Ruby/PCRE named groups (?<Name>…) -> Python (?P<Name>…); lookbehinds (?<= (?<! stay.
    return re.compile(re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", source))


def _spec_format(entry: dict[str, Any], carrier: Carrier, confidence: Confidence, source: str) -> TrackingFormat:
    validation = entry.get("validation") or {}
    checksum = validation.get("checksum")
    params: dict[str, Any] = {}
    if checksum:
        if checksum["name"] not in ALGORITHMS:
            raise ValueError(f"{source}: unknown checksum {checksum['name']!r}")
        params = {k: v for k, v in checksum.items() if k not in ("name", "modulo", "alphabet")}
    lookups: dict[str, frozenset[str]] = {}
    lookup_patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    additional = {a["name"]: a for a in entry.get("additional", [])}
    for name in (validation.get("additional") or {}).get("exists", []):
        spec = additional[name]
        group = spec["regex_group_name"]
        lookups[group] = frozenset(x["matches"] for x in spec["lookup"] if "matches" in x)
        lookup_patterns[group] = tuple(re.compile(x["matches_regex"]) for x in spec["lookup"] if "matches_regex" in x)
    resolve = None
    if format_id(entry) == "s10":
        couriers = {x["matches"]: x["courier"] for x in additional["Courier"]["lookup"]}
        resolve = partial(_s10_carrier, couriers=couriers)
    return TrackingFormat(
        id=format_id(entry), carrier=carrier, description=entry["name"], pattern=_python_regex(entry["regex"]),
        confidence=confidence, checksum=checksum["name"] if checksum else None, checksum_params=params,
        required_lookups=lookups, required_lookup_patterns=lookup_patterns, source=source, resolve=resolve)


# --- German formats (hand-written, marketplaces.md §6 table) ---------------------------------------
_DOC = "marketplaces.md §6"
GERMAN_FORMATS: tuple[TrackingFormat, ...] = (
    # DHL Paket "20-digit numeric starting 00340 (SSCC-like)": AI 00 + NVE/SSCC, GS1 mod 10 over the
    # first 19 digits. Pattern and check digit both UNCONFIRMED in the doc; the 00340 prefix is distinctive.
    TrackingFormat("dhl_paket_sscc", Carrier.DHL_PAKET, "DHL Paket (20-digit 00340…)",
                   re.compile(r"(?P<SerialNumber>00340\d{14})(?P<CheckDigit>\d)"), Confidence.MEDIUM,
                   checksum="gs1_mod10", unconfirmed=True, source=_DOC),
    # DHL Paket "^JJD[0-9]{18,21}$" (UNCONFIRMED; JJD + 9-10 digits is the DHL Express piece id of dhl.json).
    TrackingFormat("dhl_paket_jjd", Carrier.DHL_PAKET, "DHL Paket (JJD…)", re.compile(r"JJD\d{18,21}"),
                   Confidence.LOW, unconfirmed=True, source=_DOC),
    # DHL Paket "12-digit numeric" (UNCONFIRMED; the same shape as GLS and FedEx Express 12).
    TrackingFormat("dhl_paket_12", Carrier.DHL_PAKET, "DHL Paket (12 digits)", re.compile(r"\d{12}"),
                   Confidence.LOW, unconfirmed=True, source=_DOC),
    # DPD "^[0-9]{14}[0-9A-Z]?$": the 14-digit parcel number as shown to customers, check character
    # left off (dpd.json's dpd_14 covers it with the character). Shared with Hermes and DHL eCommerce.
    TrackingFormat("dpd_14_plain", Carrier.DPD, "DPD (14 digits, no check character)", re.compile(r"\d{14}"),
                   Confidence.MEDIUM, source=_DOC),
    # GLS "11-12 digits numeric parcel no." (low, check digit UNCONFIRMED so not checked).
    TrackingFormat("gls_parcel", Carrier.GLS, "GLS parcel number (11-12 digits)", re.compile(r"\d{11,12}"),
                   Confidence.LOW, unconfirmed=True, source=_DOC),
    # GLS "8-char alphanumeric Track-ID" (low); at least one letter, so 8-digit order numbers stay out.
    TrackingFormat("gls_track_id", Carrier.GLS, "GLS Track-ID (8 characters)",
                   re.compile(r"(?=[0-9A-Z]*[A-Z])[0-9A-Z]{8}"), Confidence.LOW, unconfirmed=True, source=_DOC),
    # Hermes DE "^H10[0-9]{17}$" (20 characters, newer labels; low, no known check digit).
    TrackingFormat("hermes_h10", Carrier.HERMES, "Hermes (H10…, 20 characters)", re.compile(r"H10\d{17}"),
                   Confidence.LOW, unconfirmed=True, source=_DOC),
    # Hermes DE "14-digit numeric (older)" (low).
    TrackingFormat("hermes_14", Carrier.HERMES, "Hermes (14 digits, older labels)", re.compile(r"\d{14}"),
                   Confidence.LOW, unconfirmed=True, source=_DOC),
)


def carrier_data_dir() -> Path:
    """resources/carriers: ``$ORDERDESK_RESOURCES`` (set by an installer), else the frozen build's
    resources/, else the checkout's. Mirrors app.ui.i18n.resources_dir, which the domain may not import."""
    candidates = []
    env = os.environ.get("ORDERDESK_RESOURCES")
    if env:
        candidates.append(Path(env).expanduser() / "carriers")
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        candidates.append(Path(bundle) / "resources" / "carriers")
    candidates.append(Path(__file__).resolve().parents[3] / "resources" / "carriers")
    for path in candidates:
        if (path / SPEC_FILES[0]).is_file():
            return path
    raise CarrierDataMissing(f"tracking-number formats not found in any of: {', '.join(map(str, candidates))}")


def load_spec_formats(directory: Path) -> tuple[TrackingFormat, ...]:
    formats = []
    for name in SPEC_FILES:
        path = directory / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CarrierDataMissing(f"tracking-number format file {path} is missing") from exc
        for entry in data["tracking_numbers"]:
            known = SPEC_FORMATS.get(format_id(entry))
            if known:  # formats the desk has no use for are left out on purpose
                formats.append(_spec_format(entry, *known, source=f"resources/carriers/{name}"))
    return tuple(formats)


@cache
def _default_formats() -> tuple[TrackingFormat, ...]:
    return load_spec_formats(carrier_data_dir()) + GERMAN_FORMATS


def all_formats(directory: Path | None = None) -> tuple[TrackingFormat, ...]:
    """Every format, spec ones first. Cached for the packaged data; ``directory`` is for tests."""
    if directory is None:
        return _default_formats()
    return load_spec_formats(directory) + GERMAN_FORMATS
