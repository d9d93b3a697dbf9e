"""Carriers: propose one from a tracking number, map it to each channel's carrier code, and stop a
shipment a channel would reject before it is sent. Pure domain code; the format data is read from
resources/carriers/ on first use.
"""

from app.domain.carriers.channels import (
    ChannelCarrier,
    Problem,
    ProblemCode,
    TrackingKey,
    allowed_carrier_codes,
    carrier_from_channel_code,
    channel_carrier,
    channel_carrier_code,
    has_carrier_field,
    match_known_code,
    shipment_problems,
    validate_shipment_for_channel,
)
from app.domain.carriers.detection import carrier_from_shipping_method, check_digit, detect, normalise
from app.domain.carriers.formats import CarrierDataMissing, TrackingFormat, all_formats, carrier_data_dir
from app.domain.carriers.model import CARRIER_NAMES, Candidate, Carrier, CarrierKind, Confidence, carrier_kind

__all__ = [
    "CARRIER_NAMES", "Candidate", "Carrier", "CarrierDataMissing", "CarrierKind", "ChannelCarrier", "Confidence",
    "Problem", "ProblemCode", "TrackingFormat", "TrackingKey", "all_formats", "allowed_carrier_codes",
    "carrier_data_dir", "carrier_from_channel_code", "carrier_from_shipping_method", "carrier_kind",
    "channel_carrier", "channel_carrier_code", "check_digit", "detect", "has_carrier_field", "match_known_code",
    "normalise", "shipment_problems", "validate_shipment_for_channel",
]
