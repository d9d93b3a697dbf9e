"""Carriers and detection results. Values are stored, so they never change once released."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Carrier(StrEnum):
    # parcel services
    DHL_PAKET = "dhl_paket"
    DHL_EXPRESS = "dhl_express"
    DHL_ECOMMERCE = "dhl_ecommerce"  # DHL eCommerce / Global Mail (GM…, LX… labels)
    DEUTSCHE_POST = "deutsche_post"  # letters, Warenpost, UPU S10 numbers ending in DE
    DPD = "dpd"
    GLS = "gls"
    HERMES = "hermes"
    UPS = "ups"
    FEDEX = "fedex"
    AMAZON_LOGISTICS = "amazon_logistics"
    ILOXX = "iloxx"
    TNT = "tnt"
    TRANS_O_FLEX = "trans_o_flex"
    # two-man handling and forwarders (bulky goods)
    DHL_HOME_DELIVERY = "dhl_home_delivery"  # DHL 2-Mann-Handling (OTTO DHL_HOME_DELIVERY, Kaufland DHL_2_MH)
    HERMES_HOME_DELIVERY = "hermes_home_delivery"  # Hermes Einrichtungs Service (OTTO HES, Kaufland HERMES_2_MH)
    DHL_FREIGHT = "dhl_freight"
    DB_SCHENKER = "db_schenker"
    DACHSER = "dachser"
    KUEHNE_NAGEL = "kuehne_nagel"
    RHENUS = "rhenus"
    HELLMANN = "hellmann"
    EMONS = "emons"
    GEL = "gel"
    GUETTLER = "guettler"
    OTHER_FORWARDER = "other_forwarder"
    # anything else (a foreign post, a local courier): the name travels separately
    OTHER = "other"


class CarrierKind(StrEnum):
    PARCEL = "parcel"
    POST = "post"
    FORWARDER = "forwarder"
    OTHER = "other"


# Brand names; also what Amazon gets as carrierName when the code is "Other".
CARRIER_NAMES: dict[Carrier, str] = {
    Carrier.DHL_PAKET: "DHL Paket",
    Carrier.DHL_EXPRESS: "DHL Express",
    Carrier.DHL_ECOMMERCE: "DHL eCommerce",
    Carrier.DEUTSCHE_POST: "Deutsche Post",
    Carrier.DPD: "DPD",
    Carrier.GLS: "GLS",
    Carrier.HERMES: "Hermes",
    Carrier.UPS: "UPS",
    Carrier.FEDEX: "FedEx",
    Carrier.AMAZON_LOGISTICS: "Amazon Logistics",
    Carrier.ILOXX: "iloxx",
    Carrier.TNT: "TNT",
    Carrier.TRANS_O_FLEX: "trans-o-flex",
    Carrier.DHL_HOME_DELIVERY: "DHL Home Delivery",
    Carrier.HERMES_HOME_DELIVERY: "Hermes Einrichtungs Service",
    Carrier.DHL_FREIGHT: "DHL Freight",
    Carrier.DB_SCHENKER: "DB Schenker",
    Carrier.DACHSER: "Dachser",
    Carrier.KUEHNE_NAGEL: "Kuehne+Nagel",
    Carrier.RHENUS: "Rhenus",
    Carrier.HELLMANN: "Hellmann",
    Carrier.EMONS: "Emons",
    Carrier.GEL: "GEL Express",
    Carrier.GUETTLER: "Güttler",
    Carrier.OTHER_FORWARDER: "Other forwarder",
    Carrier.OTHER: "Other carrier",
}

_FORWARDERS = {Carrier.DHL_HOME_DELIVERY, Carrier.HERMES_HOME_DELIVERY, Carrier.DHL_FREIGHT, Carrier.DB_SCHENKER,
               Carrier.DACHSER, Carrier.KUEHNE_NAGEL, Carrier.RHENUS, Carrier.HELLMANN, Carrier.EMONS, Carrier.GEL,
               Carrier.GUETTLER, Carrier.OTHER_FORWARDER}


def carrier_kind(carrier: Carrier) -> CarrierKind:
    if carrier in _FORWARDERS:
        return CarrierKind.FORWARDER
    if carrier is Carrier.DEUTSCHE_POST:
        return CarrierKind.POST
    if carrier is Carrier.OTHER:
        return CarrierKind.OTHER
    return CarrierKind.PARCEL


class Confidence(IntEnum):
    """How sure a proposal is; ordered, so candidates compare by it."""

    LOW = 1  # pattern from unconfirmed sources, or a shape many carriers share
    MEDIUM = 2
    HIGH = 3  # distinctive shape, usually with a check digit

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed carrier for a tracking number. The user may always pick another."""

    carrier: Carrier
    format_id: str  # which format matched, e.g. "ups", "dpd_14", "dhl_paket_sscc"
    confidence: Confidence
    checksum_valid: bool | None  # None: the format has no check digit
    reason: str  # why it was proposed, in plain words (English; the UI may rephrase by format_id)
    unconfirmed: bool = False  # the format comes from UNCONFIRMED notes (marketplaces.md §6)
    carrier_name: str = ""  # brand name; for Carrier.OTHER the actual post (e.g. from the S10 country)

    @property
    def name(self) -> str:
        return self.carrier_name or CARRIER_NAMES[self.carrier]
