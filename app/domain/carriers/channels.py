"""Each channel's carrier codes, and the reasons a channel would reject a shipment before we send it.

Sources: marketplaces.md §1.6 (OTTO), §2.4 (Amazon), §3.6 (eBay), §4.4 (Kaufland), §5.3 (Shopware),
§6 "Carrier strings per channel". Codes marked UNCONFIRMED there are marked so here; where a channel
offers its live list (Kaufland ``GET /v2/carriers``, eBay ``GeteBayDetails``), pass it as ``known_codes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Collection

from app.domain.carriers.detection import check_digit, normalise
from app.domain.carriers.model import CARRIER_NAMES, Carrier
from app.domain.orders import Channel

C = Carrier

# --- OTTO: trackingKey.carrier enum [OTTO-GEN TrackingKeyShipmentsV1] ------------------------------
OTTO_CODES: tuple[str, ...] = (
    "DHL", "DHL_EXPRESS", "DHL_FREIGHT", "DHL_HOME_DELIVERY", "GLS", "HERMES", "DPD", "UPS",
    "BTW", "BURSPED", "CARGOLINE", "DACHSER", "DB_SCHENKER", "DSV", "EMONS", "EPH_DIREKT", "IDS", "GEIS", "GEL",
    "GUETTLER", "HES", "HELLMANN", "HEUEL", "KOCH", "KUEHNE_NAGEL", "LOGWIN", "MEYER_JUMBO", "RABEN_LOGISTIK",
    "RHENUS", "REIMER", "REITHMEIER", "SCHOCKEMOEHLE", "SCHMIDT_GEVELSBERG", "ZUFALL", "OTHER_FORWARDER")
# "trackingNumber required for parcel carriers, optional for forwarders" (§1.6 groups these as parcel).
OTTO_PARCEL_CODES = frozenset({"DHL", "DHL_EXPRESS", "DHL_FREIGHT", "DHL_HOME_DELIVERY", "GLS", "HERMES", "DPD", "UPS"})
# returnTrackingKey.carrier [OTTO-GEN ReturnTrackingKeyShipmentsV1]
OTTO_RETURN_CODES: tuple[str, ...] = ("DHL", "GLS", "HERMES")
_OTTO: dict[Carrier, str] = {
    C.DHL_PAKET: "DHL", C.DHL_EXPRESS: "DHL_EXPRESS", C.DHL_FREIGHT: "DHL_FREIGHT",
    C.DHL_HOME_DELIVERY: "DHL_HOME_DELIVERY", C.GLS: "GLS", C.HERMES: "HERMES", C.DPD: "DPD", C.UPS: "UPS",
    C.HERMES_HOME_DELIVERY: "HES",  # HES read as Hermes Einrichtungs Service: UNCONFIRMED
    C.DB_SCHENKER: "DB_SCHENKER", C.DACHSER: "DACHSER", C.KUEHNE_NAGEL: "KUEHNE_NAGEL", C.RHENUS: "RHENUS",
    C.HELLMANN: "HELLMANN", C.EMONS: "EMONS", C.GEL: "GEL", C.GUETTLER: "GUETTLER",
    C.OTHER_FORWARDER: "OTHER_FORWARDER",
    # no value for Deutsche Post, DHL eCommerce, FedEx, Amazon, iloxx, TNT, trans-o-flex or other carriers
}

# --- Amazon: packageDetail.carrierCode. The list is UNCONFIRMED (§2.4); these strings are Amazon's
# long-standing CarrierCode values as used by public MWS/SP-API clients. Others: "Other" + carrierName.
AMAZON_OTHER = "Other"
AMAZON_CODES: tuple[str, ...] = (
    "USPS", "UPS", "UPSMI", "FedEx", "DHL", "Fastway", "GLS", "GO!", "Hermes Logistik Gruppe", "Royal Mail",
    "Parcelforce", "City Link", "TNT", "Target", "SagawaExpress", "NipponExpress", "YamatoTransport",
    "DHL Global Mail", "UPS Mail Innovations", "FedEx SmartPost", "OSM", "OnTrac", "Streamlite", "Newgistics",
    "Canada Post", "Blue Package", "Chronopost", "Deutsche Post", "DPD", "La Poste", "Parcelnet", "Poste Italiane",
    "SDA", "Smartmail", "Yodel", AMAZON_OTHER)
_AMAZON: dict[Carrier, str] = {
    C.DHL_PAKET: "DHL", C.DHL_EXPRESS: "DHL", C.DHL_ECOMMERCE: "DHL Global Mail", C.DEUTSCHE_POST: "Deutsche Post",
    C.DPD: "DPD", C.GLS: "GLS", C.HERMES: "Hermes Logistik Gruppe", C.UPS: "UPS", C.FEDEX: "FedEx", C.TNT: "TNT",
}

# --- eBay: shippingCarrierCode, Trading API ShippingCarrierCodeType (§3.6). DPD, GLS, FedEx: UNCONFIRMED.
EBAY_OTHER = "Other"
EBAY_CODES: tuple[str, ...] = ("DHL", "DeutschePost", "Hermes", "UPS", "iLoxx", "DPD", "GLS", "FedEx", EBAY_OTHER)
_EBAY: dict[Carrier, str] = {
    C.DHL_PAKET: "DHL", C.DHL_EXPRESS: "DHL", C.DHL_ECOMMERCE: "DHL", C.DEUTSCHE_POST: "DeutschePost",
    C.HERMES: "Hermes", C.UPS: "UPS", C.ILOXX: "iLoxx", C.DPD: "DPD", C.GLS: "GLS", C.FEDEX: "FedEx",
}

# --- Kaufland: carrier_code (§4.4). Spec example "DHL"; the rest are the constant names of a public
# plugin, exact strings UNCONFIRMED: fetch GET /v2/carriers at run time and pass it as known_codes.
KAUFLAND_OTHER = "Other"
KAUFLAND_CODES: tuple[str, ...] = (
    KAUFLAND_OTHER, "Computeruniverse", "DHL", "DHL_2_MH", "DHL_FREIGHT", "DTL", "DPD", "DEUTSCHE_POST", "DACHSER",
    "EMONS", "FEDEX", "GLS", "GEL", "HERMES", "HERMES_2_MH", "HELLMANN", "ILOXX", "KUEHNE_NAGEL", "RHENUS",
    "SCHENKER", "SPEDITION_GUETTLER", "TNT", "TRANS_O_FLEX", "UPS")
_KAUFLAND: dict[Carrier, str] = {
    C.DHL_PAKET: "DHL", C.DHL_EXPRESS: "DHL", C.DHL_ECOMMERCE: "DHL", C.DHL_HOME_DELIVERY: "DHL_2_MH",
    C.DHL_FREIGHT: "DHL_FREIGHT", C.DEUTSCHE_POST: "DEUTSCHE_POST", C.DPD: "DPD", C.GLS: "GLS", C.HERMES: "HERMES",
    C.HERMES_HOME_DELIVERY: "HERMES_2_MH", C.UPS: "UPS", C.FEDEX: "FEDEX", C.ILOXX: "ILOXX", C.TNT: "TNT",
    C.TRANS_O_FLEX: "TRANS_O_FLEX", C.DB_SCHENKER: "SCHENKER", C.DACHSER: "DACHSER", C.KUEHNE_NAGEL: "KUEHNE_NAGEL",
    C.RHENUS: "RHENUS", C.HELLMANN: "HELLMANN", C.EMONS: "EMONS", C.GEL: "GEL", C.GUETTLER: "SPEDITION_GUETTLER",
}

# Shopware 6: order_delivery has trackingCodes but no carrier field; the carrier is implied by the
# delivery's shipping method (§5.3). See carrier_from_shipping_method.

_TABLES: dict[Channel, tuple[dict[Carrier, str], str | None]] = {
    Channel.OTTO: (_OTTO, None),  # None: no catch-all value, an unmapped carrier is rejected
    Channel.AMAZON: (_AMAZON, AMAZON_OTHER),
    Channel.EBAY: (_EBAY, EBAY_OTHER),
    Channel.KAUFLAND: (_KAUFLAND, KAUFLAND_OTHER),
}
_ALL_CODES: dict[Channel, tuple[str, ...]] = {
    Channel.OTTO: OTTO_CODES, Channel.AMAZON: AMAZON_CODES, Channel.EBAY: EBAY_CODES,
    Channel.KAUFLAND: KAUFLAND_CODES, Channel.SHOPWARE: (),
}


@dataclass(frozen=True, slots=True)
class ChannelCarrier:
    code: str
    name: str = ""  # Amazon carrierName (required with "Other"); empty elsewhere


def _channel(channel: str | Channel) -> Channel:
    return Channel(str(channel).lower())


def has_carrier_field(channel: str | Channel) -> bool:
    return _channel(channel) is not Channel.SHOPWARE


def channel_carrier(channel: str | Channel, carrier: Carrier, carrier_name: str = "") -> ChannelCarrier | None:
    """What the channel gets for ``carrier``; None when it has no value for it (OTTO: Deutsche Post,
    FedEx, …) or no carrier field at all (Shopware). ``carrier_name`` names a Carrier.OTHER."""
    ch = _channel(channel)
    if ch is Channel.SHOPWARE:
        return None
    table, fallback = _TABLES[ch]
    code = table.get(carrier, fallback)
    if code is None:
        return None
    name = carrier_name or ("" if carrier is Carrier.OTHER else CARRIER_NAMES[carrier])
    return ChannelCarrier(code, name if ch is Channel.AMAZON else "")


def channel_carrier_code(channel: str | Channel, carrier: Carrier) -> str | None:
    found = channel_carrier(channel, carrier)
    return found.code if found else None


def allowed_carrier_codes(channel: str | Channel, *, returns: bool = False) -> tuple[str, ...]:
    """Every code the channel accepts as far as known (OTTO incl. forwarders); ``returns``: OTTO's
    return carriers. Empty for Shopware, which has no carrier field."""
    ch = _channel(channel)
    if returns:
        return OTTO_RETURN_CODES if ch is Channel.OTTO else ()
    return _ALL_CODES[ch]


def _loose(code: str) -> str:
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        code = code.casefold().replace(umlaut, plain)
    return "".join(ch for ch in code if ch.isalnum())


def match_known_code(code: str, known_codes: Collection[str]) -> str | None:
    """``code`` as spelled in the channel's live list ("DEUTSCHE_POST" -> "Deutsche Post"): same
    letters and digits, case, umlauts and punctuation aside. None when the list lacks it."""
    if code in known_codes:
        return code
    wanted = _loose(code)
    return next((known for known in known_codes if _loose(known) == wanted), None)


def carrier_from_channel_code(channel: str | Channel, code: str | None) -> Carrier | None:
    """The carrier a channel's code stands for (first match: Amazon/eBay "DHL" reads as DHL Paket)."""
    ch = _channel(channel)
    if ch is Channel.SHOPWARE or not code:
        return None
    for carrier, value in _TABLES[ch][0].items():
        if value.lower() == code.strip().lower():
            return carrier
    return None


# --- rejections -----------------------------------------------------------------------------------

class ProblemCode(StrEnum):
    CARRIER_MISSING = "carrier_missing"
    CARRIER_NOT_ACCEPTED = "carrier_not_accepted"
    CARRIER_CODE_NOT_LISTED = "carrier_code_not_listed"
    CARRIER_NAME_MISSING = "carrier_name_missing"
    TRACKING_MISSING = "tracking_missing"
    TRACKING_WITHOUT_CARRIER = "tracking_without_carrier"
    TRACKING_HAS_SEPARATOR = "tracking_has_separator"
    CHECK_DIGIT = "check_digit"  # the only one the user may override (skip_check_digit)
    RETURN_CARRIER_NOT_ACCEPTED = "return_carrier_not_accepted"
    RETURN_TRACKING_MISSING = "return_tracking_missing"


@dataclass(frozen=True, slots=True)
class Problem:
    code: ProblemCode
    field: str  # the channel's field name
    message: str  # an English sentence naming the field; the UI may translate by code


@dataclass(frozen=True, slots=True)
class TrackingKey:
    carrier: Carrier | None
    tracking_number: str | None


_FIELDS: dict[Channel, dict[str, str]] = {
    Channel.OTTO: {"carrier": "trackingKey.carrier", "tracking": "trackingKey.trackingNumber",
                   "return_carrier": "returnTrackingKey.carrier",
                   "return_tracking": "returnTrackingKey.trackingNumber"},
    Channel.AMAZON: {"carrier": "packageDetail.carrierCode", "tracking": "packageDetail.trackingNumber",
                     "carrier_name": "packageDetail.carrierName"},
    Channel.EBAY: {"carrier": "shippingCarrierCode", "tracking": "trackingNumber"},
    Channel.KAUFLAND: {"carrier": "carrier_code", "tracking": "tracking_numbers"},
    Channel.SHOPWARE: {"tracking": "trackingCodes"},
}
_LABELS = {Channel.OTTO: "OTTO", Channel.AMAZON: "Amazon", Channel.EBAY: "eBay", Channel.KAUFLAND: "Kaufland",
           Channel.SHOPWARE: "Shopware"}


def _check_digit_problem(field: str, carrier: Carrier, number: str) -> Problem | None:
    valid, fmt = check_digit(carrier, number)
    if valid is not False or fmt is None:
        return None
    note = " (this format's check is from unconfirmed notes)" if fmt.unconfirmed else ""
    return Problem(ProblemCode.CHECK_DIGIT, field,
                   f"The tracking number {number} ({field}) fails the check digit of {fmt.description}{note}: "
                   f"probably mistyped; correct it, pick another carrier, or confirm it to send anyway.")


def shipment_problems(channel: str | Channel, carrier: Carrier | None, tracking_number: str | None, *,
                      return_tracking: TrackingKey | None = None, require_return_tracking: bool = False,
                      carrier_name: str = "", skip_check_digit: bool = False,
                      known_codes: Collection[str] | None = None) -> list[Problem]:
    """Everything the channel would reject in this shipment, found before sending it."""
    ch = _channel(channel)
    fields = _FIELDS[ch]
    number = normalise(tracking_number)
    mapped = channel_carrier(ch, carrier, carrier_name) if carrier is not None else None
    problems = [Problem(code, fields[key], message) for code, key, message in (
        *_carrier_problems(ch, carrier, mapped, number, carrier_name, known_codes),
        *_tracking_problems(ch, mapped, number))]
    if carrier is not None and number and not skip_check_digit:
        found = _check_digit_problem(fields["tracking"], carrier, number)
        if found:
            problems.append(found)
    if ch is Channel.OTTO and return_tracking is not None:
        problems.extend(_otto_return_problems(return_tracking, fields, skip_check_digit))
    elif ch is Channel.OTTO and require_return_tracking:
        problems.append(Problem(ProblemCode.RETURN_TRACKING_MISSING, fields["return_tracking"],
                                "OTTO needs a return carrier and return tracking number (returnTrackingKey) "
                                "for parcel deliveries."))
    return problems


_Found = tuple[ProblemCode, str, str]  # code, key of _FIELDS, message


def _carrier_problems(ch: Channel, carrier: Carrier | None, mapped: ChannelCarrier | None, number: str,
                      carrier_name: str, known_codes: Collection[str] | None) -> list[_Found]:
    label, fields = _LABELS[ch], _FIELDS[ch]
    if ch is Channel.SHOPWARE:
        return []  # no carrier field: the shipping method implies it
    if ch is Channel.EBAY:  # shippingCarrierCode and trackingNumber: both or neither (§3.6)
        if carrier is None and number:
            return [(ProblemCode.TRACKING_WITHOUT_CARRIER, "carrier", f"eBay needs the carrier "
                     f"({fields['carrier']}) together with the tracking number ({fields['tracking']}): "
                     f"send both or neither.")]
        if carrier is not None and not number:
            return [(ProblemCode.TRACKING_MISSING, "tracking", f"eBay needs the tracking number "
                     f"({fields['tracking']}) together with the carrier ({fields['carrier']}): send both or neither.")]
    if carrier is None:
        return [] if ch is Channel.EBAY else [
            (ProblemCode.CARRIER_MISSING, "carrier", f"{label} needs a carrier ({fields['carrier']}).")]
    if mapped is None:  # only OTTO has no catch-all value
        return [(ProblemCode.CARRIER_NOT_ACCEPTED, "carrier",
                 f"{label} has no carrier value for {carrier_name or CARRIER_NAMES[carrier]} ({fields['carrier']}); "
                 f"its parcel carriers are {', '.join(sorted(OTTO_PARCEL_CODES))}, the rest are forwarders.")]
    found = []
    if known_codes is not None and match_known_code(mapped.code, known_codes) is None:
        found.append((ProblemCode.CARRIER_CODE_NOT_LISTED, "carrier",
                      f"{label} does not list the carrier code {mapped.code} ({fields['carrier']}) "
                      f"among its carriers."))
    if ch is Channel.AMAZON and mapped.code == AMAZON_OTHER and not mapped.name:
        found.append((ProblemCode.CARRIER_NAME_MISSING, "carrier_name",
                      f"Amazon needs a carrier name ({fields['carrier_name']}) when the carrier code is Other."))
    return found


def _tracking_problems(ch: Channel, mapped: ChannelCarrier | None, number: str) -> list[_Found]:
    label, fields = _LABELS[ch], _FIELDS[ch]
    if number:
        if ch is Channel.KAUFLAND and "," in number:
            return [(ProblemCode.TRACKING_HAS_SEPARATOR, "tracking", f"The tracking number must not contain a "
                     f"comma: Kaufland reads {fields['tracking']} as a comma-separated list of tracking numbers.")]
        return []
    if ch in (Channel.AMAZON, Channel.KAUFLAND):
        return [(ProblemCode.TRACKING_MISSING, "tracking", f"{label} needs a tracking number ({fields['tracking']}).")]
    if ch is Channel.OTTO and mapped is not None and mapped.code in OTTO_PARCEL_CODES:
        return [(ProblemCode.TRACKING_MISSING, "tracking", f"OTTO needs a tracking number ({fields['tracking']}) "
                 f"for the parcel carrier {mapped.code}; only forwarders may go without.")]
    return []  # eBay: see _carrier_problems; Shopware: trackingCodes may be empty


def _otto_return_problems(key: TrackingKey, fields: dict[str, str], skip_check_digit: bool) -> list[Problem]:
    problems = []
    allowed = ", ".join(OTTO_RETURN_CODES)
    if key.carrier is None:
        problems.append(Problem(ProblemCode.RETURN_CARRIER_NOT_ACCEPTED, fields["return_carrier"],
                                f"OTTO needs a return carrier ({fields['return_carrier']}): one of {allowed}."))
    elif _OTTO.get(key.carrier) not in OTTO_RETURN_CODES:
        problems.append(Problem(ProblemCode.RETURN_CARRIER_NOT_ACCEPTED, fields["return_carrier"],
                                f"OTTO accepts only {allowed} as return carrier ({fields['return_carrier']}), "
                                f"not {CARRIER_NAMES[key.carrier]}."))
    number = normalise(key.tracking_number)
    if not number:
        problems.append(Problem(ProblemCode.RETURN_TRACKING_MISSING, fields["return_tracking"],
                                f"OTTO needs the return tracking number ({fields['return_tracking']}) "
                                f"with a return carrier."))
    elif key.carrier is not None and not skip_check_digit:
        found = _check_digit_problem(fields["return_tracking"], key.carrier, number)
        if found:
            problems.append(found)
    return problems


def validate_shipment_for_channel(channel: str | Channel, carrier: Carrier | None, tracking_number: str | None, *,
                                  return_tracking: TrackingKey | None = None, require_return_tracking: bool = False,
                                  carrier_name: str = "", skip_check_digit: bool = False,
                                  known_codes: Collection[str] | None = None) -> list[str]:
    """The reasons ``channel`` would reject this shipment, as sentences; empty = fine to send.

    ``return_tracking``: OTTO's returnTrackingKey; ``require_return_tracking``: the item is a PARCEL
    delivery, for which OTTO's guide wants one. ``carrier_name``: names a Carrier.OTHER (Amazon
    carrierName). ``skip_check_digit``: the user confirmed a number that fails its carrier's check
    digit. ``known_codes``: the channel's live carrier list, when fetched (Kaufland GET /v2/carriers)."""
    return [p.message for p in shipment_problems(
        channel, carrier, tracking_number, return_tracking=return_tracking,
        require_return_tracking=require_return_tracking, carrier_name=carrier_name,
        skip_check_digit=skip_check_digit, known_codes=known_codes)]
