"""Carrier detection and per-channel carrier codes (app.domain.carriers).

Expected values come from the spec files' own test numbers, from marketplaces.md (§1.6, §2.4, §3.6,
§4.4, §5.3, §6), from OTTO's enum in ../shared/specs/otto/models.json and from well-known published
check-digit examples; never from running the implementation.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.carriers import (
    Carrier,
    CarrierDataMissing,
    Confidence,
    ProblemCode,
    TrackingFormat,
    TrackingKey,
    all_formats,
    allowed_carrier_codes,
    carrier_data_dir,
    carrier_from_channel_code,
    carrier_from_shipping_method,
    channel_carrier,
    channel_carrier_code,
    check_digit,
    detect,
    has_carrier_field,
    normalise,
    shipment_problems,
    validate_shipment_for_channel,
)
from app.domain.carriers import checksums
from app.domain.carriers.formats import SPEC_FILES, SPEC_FORMATS, format_id
from app.domain.orders import Channel

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources" / "carriers"
SHARED = ROOT.parent / "shared" / "specs" / "carriers"
OTTO_MODELS = ROOT.parent / "shared" / "specs" / "otto" / "models.json"
C = Carrier


def gs1_check(body: str) -> str:
    """GS1 check digit, written out independently: weight 3 on the rightmost body digit, then 1, 3, …"""
    total = 0
    for position, char in enumerate(reversed(body), start=1):
        total += int(char) * (3 if position % 2 else 1)
    return str(-total % 10)


# --- the packaged data ----------------------------------------------------------------------------

def test_packaged_files_and_license_are_there():
    for name in (*SPEC_FILES, "LICENSE"):
        assert (RESOURCES / name).is_file(), name
    license_text = (RESOURCES / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in license_text and "Copyright (c) 2017 Jeff Keen" in license_text


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the checkout")
def test_copies_equal_the_shared_originals():
    originals = sorted(p.name for p in SHARED.iterdir() if p.is_file())
    assert set(SPEC_FILES) | {"LICENSE"} <= set(originals)
    for name in originals:
        assert (RESOURCES / name).read_bytes() == (SHARED / name).read_bytes(), f"resources/carriers/{name} differs"


def test_every_spec_format_is_decided_on():
    """A format added to the copied JSON must get a carrier and confidence, not slip in or out unseen."""
    ids = {format_id(entry) for name in SPEC_FILES
           for entry in json.loads((RESOURCES / name).read_text(encoding="utf-8"))["tracking_numbers"]}
    assert ids == set(SPEC_FORMATS)


def test_import_reads_no_data():
    """The JSON is read on first use, not when the module is imported."""
    code = ("import app.domain.carriers as c, app.domain.carriers.formats as f; "
            "assert f._default_formats.cache_info().currsize == 0; c.detect('1Z5R89390357567127'); "
            "assert f._default_formats.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_data_dir_follows_the_environment_and_falls_back(tmp_path, monkeypatch):
    copy = tmp_path / "installed" / "carriers"
    copy.mkdir(parents=True)
    for name in SPEC_FILES:
        (copy / name).write_bytes((RESOURCES / name).read_bytes())
    monkeypatch.setenv("ORDERDESK_RESOURCES", str(copy.parent))
    assert carrier_data_dir() == copy
    monkeypatch.setenv("ORDERDESK_RESOURCES", str(tmp_path / "empty"))
    assert carrier_data_dir() == RESOURCES
    with pytest.raises(CarrierDataMissing):
        all_formats(tmp_path / "empty")


# --- spec test numbers ----------------------------------------------------------------------------

def _expected_carrier(spec_file: str, fid: str, number: str) -> Carrier:
    if spec_file == "s10.json":  # marketplaces.md §6: S10 ending in DE = Deutsche Post
        return C.DEUTSCHE_POST if normalise(number).endswith("DE") else C.OTHER
    if spec_file == "dhl.json":
        return C.DHL_ECOMMERCE if fid.startswith("dhl_ecommerce") else C.DHL_EXPRESS
    return {"ups.json": C.UPS, "dpd.json": C.DPD, "fedex.json": C.FEDEX, "amazon.json": C.AMAZON_LOGISTICS}[spec_file]


def _spec_cases(kind: str) -> list:
    cases = []
    for name in SPEC_FILES:
        for entry in json.loads((RESOURCES / name).read_text(encoding="utf-8"))["tracking_numbers"]:
            has_checksum = bool((entry.get("validation") or {}).get("checksum"))
            cases += [pytest.param(name, format_id(entry), has_checksum, number, id=f"{format_id(entry)}:{number}")
                      for number in entry["test_numbers"][kind]]
    return cases


@pytest.mark.parametrize("spec_file,fid,has_checksum,number", _spec_cases("valid"))
def test_valid_spec_numbers_are_detected(spec_file, fid, has_checksum, number):
    found = [c for c in detect(number) if c.format_id == fid]
    assert len(found) == 1, [(c.format_id, c.carrier) for c in detect(number)]
    assert found[0].carrier is _expected_carrier(spec_file, fid, number)
    assert found[0].checksum_valid is (True if has_checksum else None)


@pytest.mark.parametrize("spec_file,fid,has_checksum,number", _spec_cases("invalid"))
def test_invalid_spec_numbers_are_rejected(spec_file, fid, has_checksum, number):
    assert fid not in [c.format_id for c in detect(number)]
    for failed in (c for c in detect(number, include_failed=True) if c.format_id == fid):
        assert failed.checksum_valid is False and failed.confidence is Confidence.LOW  # pattern fit, check failed


# --- check-digit algorithms against published examples --------------------------------------------

def test_gs1_and_luhn_against_published_examples():
    assert checksums.gs1_mod10("400638133393", "1")  # EAN-13 4006381333931
    assert not checksums.gs1_mod10("400638133393", "2")
    assert gs1_check("400638133393") == "1"  # the test's own helper agrees with the same example
    assert checksums.luhn("7992739871", "3")  # 79927398713
    assert not checksums.luhn("7992739871", "0")


@pytest.mark.parametrize("number,carrier", [
    # UPU S10 edge cases, worked by hand with weights 8 6 4 2 3 5 9 7:
    ("RR000000005DE", C.DEUTSCHE_POST),  # sum 0, remainder 0 -> check digit 5
    ("RR000000000DE", None),
    ("RR000009000DE", C.DEUTSCHE_POST),  # 9 x 5 = 45, remainder 1 -> check digit 0
    ("RR000009001DE", None),
    ("AA473124829GB", C.OTHER),  # 32+42+12+2+6+20+72+14 = 200, remainder 2 -> 11 - 2 = 9
    ("AA473124828GB", None),
])
def test_s10_check_digit_edges(number, carrier):
    s10 = [c for c in detect(number) if c.format_id == "s10"]
    assert [c.carrier for c in s10] == ([carrier] if carrier else [])


# --- normalisation --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [" 1z 8v92-a703 6720 3024 ", "1Z8V92A70367203024", "1z\u00a08v92\u2013a70367203024\t",
                                 " 1 Z 8 V 9 2 A 7 0 3 6 7 2 0 3 0 2 4 "])
def test_normalise(raw):
    assert normalise(raw) == "1Z8V92A70367203024"
    assert [c.carrier for c in detect(raw)] == [C.UPS]


def test_nothing_to_detect():
    assert normalise(None) == ""
    for junk in ("", "   ", "hello world", "12345", "0" * 80, "ÄÖÜ"):
        assert detect(junk) == []


# --- ranking --------------------------------------------------------------------------------------

def test_eleven_digits_checksum_valid_dhl_express_ranks_before_gls():
    ranked = detect("73891051146")  # dhl.json valid DHL Express; 11 digits also fit GLS (§6)
    assert [c.carrier for c in ranked] == [C.DHL_EXPRESS, C.GLS]
    assert ranked[0].checksum_valid is True and ranked[1].checksum_valid is None
    assert ranked[0].confidence <= Confidence.MEDIUM  # ambiguous, so not HIGH
    assert "GLS" in ranked[0].reason
    assert ranked[1].unconfirmed


def test_a_wrong_mod7_digit_leaves_only_gls():
    number = "73891051149"  # a mod-7 remainder is 0..6, so check digit 9 can never be right
    assert [c.carrier for c in detect(number)] == [C.GLS]
    assert check_digit(C.DHL_EXPRESS, number)[0] is False
    with_failed = detect(number, include_failed=True)
    assert [c.carrier for c in with_failed] == [C.GLS, C.DHL_EXPRESS]
    assert with_failed[-1].checksum_valid is False


def test_twelve_digits_fedex_checksum_first_then_pattern_only():
    ranked = detect("986578788855")  # fedex.json valid; 12 digits also fit GLS and DHL Paket (§6)
    assert ranked[0].carrier is C.FEDEX and ranked[0].checksum_valid is True
    assert {c.carrier for c in ranked[1:]} == {C.GLS, C.DHL_PAKET}
    assert all(c.checksum_valid is None for c in ranked[1:])


def test_ups_waybill_beats_amazon_international():
    # ups.json valid waybill K1506235620; the check digit covers only the 9 digits, so with service
    # letter A it stays valid and also fits Amazon International [AFC] + 10 digits.
    ranked = detect("A1506235620")
    assert [c.carrier for c in ranked] == [C.UPS, C.AMAZON_LOGISTICS]
    assert ranked[0].checksum_valid is True


def test_fourteen_digits_are_ambiguous_and_the_shipping_method_breaks_the_tie():
    number = "60120172242323"
    plain = detect(number)
    assert {c.carrier for c in plain} == {C.DPD, C.HERMES, C.DHL_ECOMMERCE}
    assert plain[0].carrier is C.DPD  # §6: DPD parcel numbers are 14 digits (+ optional check character)
    assert all(c.confidence <= Confidence.MEDIUM for c in plain)
    hinted = detect(number, hint=C.HERMES)
    assert hinted[0].carrier is C.HERMES
    assert "shipping method" in hinted[0].reason


def test_a_hint_never_beats_a_valid_check_digit():
    assert detect("73891051146", hint=C.GLS)[0].carrier is C.DHL_EXPRESS


def test_s10_with_de_is_deutsche_post_and_others_name_their_post():
    ranked = detect("LX123456785DE")  # s10.json serial with a German country code; LX also fits DHL eCommerce
    assert ranked[0].carrier is C.DEUTSCHE_POST and ranked[0].checksum_valid is True
    assert C.DHL_ECOMMERCE in [c.carrier for c in ranked]
    austrian = detect("RB123456785AT")
    assert austrian[0].carrier is C.OTHER and "Post" in austrian[0].name
    assert detect("RB123456785DE")[0].confidence is Confidence.HIGH  # unambiguous


def test_dhl_paket_20_digits_with_gs1_check():
    body = "0034043416123456789"
    good, bad = body + gs1_check(body), body + str((int(gs1_check(body)) + 1) % 10)
    ranked = detect(good)
    assert ranked[0].carrier is C.DHL_PAKET and ranked[0].checksum_valid is True
    assert ranked[0].unconfirmed and ranked[0].confidence < Confidence.HIGH  # UNCONFIRMED in §6
    assert C.DHL_PAKET not in [c.carrier for c in detect(bad)]
    assert check_digit(C.DHL_PAKET, bad)[0] is False


@pytest.mark.parametrize("number,carrier", [
    ("H1002620318154501021", C.HERMES), ("JJD000390007827521342", C.DHL_PAKET),
    ("TBA123456789012", C.AMAZON_LOGISTICS)])
def test_german_and_amazon_shapes(number, carrier):
    assert detect(number)[0].carrier is carrier


def test_one_candidate_per_carrier():
    for number in ("73891051146", "986578788855", "60120172242323", "LX123456785DE"):
        carriers = [(c.carrier, c.carrier_name) for c in detect(number, include_failed=True)]
        assert len(carriers) == len(set(carriers))


# --- shipping methods (Shopware has no carrier field, §5.3) ---------------------------------------

@pytest.mark.parametrize("method,carrier", [
    ("DHL Paket", C.DHL_PAKET), ("DHL Express Worldwide", C.DHL_EXPRESS), ("Deutsche Post Warenpost", C.DEUTSCHE_POST),
    ("Warenpost International", C.DEUTSCHE_POST), ("Hermes Standard", C.HERMES), ("DPD Classic", C.DPD),
    ("GLS BusinessParcel", C.GLS), ("UPS Standard", C.UPS), ("FedEx International Priority", C.FEDEX),
    ("Spedition Kühne + Nagel", C.KUEHNE_NAGEL), ("Standard", None), ("Groupshipping", None), ("", None), (None, None)])
def test_carrier_from_shipping_method(method, carrier):
    assert carrier_from_shipping_method(method) is carrier


# --- channel codes --------------------------------------------------------------------------------

def _otto_enum(model: str) -> set[str]:
    return set(json.loads(OTTO_MODELS.read_text(encoding="utf-8"))[model]["enum_constants"]["CARRIER"])


@pytest.mark.parametrize("carrier,code", [
    (C.DHL_PAKET, "DHL"), (C.DHL_EXPRESS, "DHL_EXPRESS"), (C.DPD, "DPD"), (C.HERMES, "HERMES"), (C.GLS, "GLS"),
    (C.UPS, "UPS"), (C.DEUTSCHE_POST, None), (C.FEDEX, None), (C.OTHER, None), (C.DACHSER, "DACHSER")])
def test_otto_codes(carrier, code):
    assert channel_carrier_code("otto", carrier) == code


@pytest.mark.skipif(not OTTO_MODELS.is_file(), reason="../shared is not beside the checkout")
def test_otto_code_lists_equal_the_spec_enums():
    assert set(allowed_carrier_codes("otto")) == _otto_enum("TrackingKeyShipmentsV1")
    assert set(allowed_carrier_codes(Channel.OTTO, returns=True)) == _otto_enum("ReturnTrackingKeyShipmentsV1")


def test_otto_codes_agree_with_the_otto_sandbox():
    from app.sandbox.otto.model import CARRIERS, PARCEL_CARRIERS, RETURN_CARRIERS
    assert set(allowed_carrier_codes("otto")) == set(CARRIERS)
    assert set(allowed_carrier_codes("otto", returns=True)) == set(RETURN_CARRIERS)
    for code in PARCEL_CARRIERS:  # parcel carriers need a tracking number, in the sandbox and here
        carrier = carrier_from_channel_code("otto", code)
        if carrier is not None:
            assert validate_shipment_for_channel("otto", carrier, None)


@pytest.mark.parametrize("channel,expected", [
    ("amazon", {C.DHL_PAKET: "DHL", C.DEUTSCHE_POST: "Deutsche Post", C.DPD: "DPD", C.GLS: "GLS", C.UPS: "UPS",
                C.OTHER: "Other"}),
    ("ebay", {C.DHL_PAKET: "DHL", C.DEUTSCHE_POST: "DeutschePost", C.HERMES: "Hermes", C.UPS: "UPS",
              C.ILOXX: "iLoxx", C.OTHER: "Other"}),
    ("kaufland", {C.DHL_PAKET: "DHL", C.DEUTSCHE_POST: "DEUTSCHE_POST", C.DPD: "DPD", C.GLS: "GLS",
                  C.HERMES: "HERMES", C.UPS: "UPS", C.FEDEX: "FEDEX"}),
])
def test_channel_codes_from_the_doc(channel, expected):
    for carrier, code in expected.items():
        assert channel_carrier_code(channel, carrier) == code, carrier


@pytest.mark.parametrize("channel", ["otto", "amazon", "ebay", "kaufland"])
def test_every_mapped_code_is_an_allowed_code(channel):
    allowed = set(allowed_carrier_codes(channel))
    for carrier in Carrier:
        code = channel_carrier_code(channel, carrier)
        assert code is None or code in allowed, (carrier, code)
        if code is not None and code not in ("Other",):
            assert channel_carrier_code(channel, carrier_from_channel_code(channel, code)) == code


def test_shopware_has_no_carrier_field():
    assert not has_carrier_field("shopware") and has_carrier_field(Channel.KAUFLAND)
    assert allowed_carrier_codes("shopware") == ()
    assert all(channel_carrier_code("shopware", carrier) is None for carrier in Carrier)


def test_amazon_other_carries_the_name():
    named = channel_carrier("amazon", C.OTHER, "Spedition Meier")
    assert (named.code, named.name) == ("Other", "Spedition Meier")
    assert channel_carrier("amazon", C.OTHER).name == ""  # nothing to invent: validation asks for it
    assert channel_carrier("ebay", C.OTHER, "Spedition Meier").name == ""  # only Amazon has carrierName
    forwarder = channel_carrier("amazon", C.DACHSER)
    assert forwarder.code == "Other" and forwarder.name == "Dachser"


def test_unknown_channel():
    with pytest.raises(ValueError):
        channel_carrier_code("zalando", C.DHL_PAKET)


# --- rejections -----------------------------------------------------------------------------------

def _ups_valid() -> str:
    return "1Z5R89390357567127"  # ups.json valid


def _dhl_paket_valid() -> str:
    body = "0034043416987654321"
    return body + gs1_check(body)


def test_otto_rejects_deutsche_post():
    reasons = validate_shipment_for_channel("otto", C.DEUTSCHE_POST, "RB123456785DE")
    assert len(reasons) == 1 and "Deutsche Post" in reasons[0] and "trackingKey.carrier" in reasons[0]


def test_otto_parcel_carriers_need_a_tracking_number_forwarders_do_not():
    reasons = validate_shipment_for_channel("otto", C.DHL_PAKET, "  ")
    assert len(reasons) == 1 and "trackingKey.trackingNumber" in reasons[0]
    assert validate_shipment_for_channel("otto", C.DACHSER, None) == []
    assert validate_shipment_for_channel("otto", None, _ups_valid())[0].count("trackingKey.carrier") == 1


@pytest.mark.parametrize("return_carrier,ok", [
    (C.DHL_PAKET, True), (C.GLS, True), (C.HERMES, True), (C.DPD, False), (C.UPS, False), (C.DHL_EXPRESS, False)])
def test_otto_return_carrier_must_be_dhl_gls_or_hermes(return_carrier, ok):
    problems = shipment_problems("otto", C.DHL_PAKET, _dhl_paket_valid(),
                                 return_tracking=TrackingKey(return_carrier, "12345678901"))
    codes = [p.code for p in problems]
    assert (ProblemCode.RETURN_CARRIER_NOT_ACCEPTED not in codes) is ok
    if not ok:
        assert "returnTrackingKey.carrier" in problems[0].message


def test_otto_return_tracking_number_and_requirement():
    missing = shipment_problems("otto", C.DHL_PAKET, _dhl_paket_valid(), return_tracking=TrackingKey(C.GLS, ""))
    assert [p.field for p in missing] == ["returnTrackingKey.trackingNumber"]
    assert validate_shipment_for_channel("otto", C.DHL_PAKET, _dhl_paket_valid(), require_return_tracking=True)
    assert validate_shipment_for_channel("otto", C.DHL_PAKET, _dhl_paket_valid(), require_return_tracking=True,
                                         return_tracking=TrackingKey(C.DHL_PAKET, _dhl_paket_valid())) == []


def test_amazon_needs_carrier_code_tracking_and_a_name_for_other():
    assert any("packageDetail.carrierCode" in r for r in validate_shipment_for_channel("amazon", None, _ups_valid()))
    assert any("packageDetail.trackingNumber" in r for r in validate_shipment_for_channel("amazon", C.UPS, ""))
    no_name = validate_shipment_for_channel("amazon", C.OTHER, "ABC123")
    assert len(no_name) == 1 and "packageDetail.carrierName" in no_name[0]
    assert validate_shipment_for_channel("amazon", C.OTHER, "ABC123", carrier_name="Spedition Meier") == []
    assert validate_shipment_for_channel("amazon", C.UPS, _ups_valid()) == []


@pytest.mark.parametrize("carrier,tracking,field", [
    (None, None, None), (C.UPS, _ups_valid(), None), (C.DHL_PAKET, None, "trackingNumber"),
    (None, _ups_valid(), "shippingCarrierCode")])
def test_ebay_carrier_and_tracking_both_or_neither(carrier, tracking, field):
    problems = shipment_problems("ebay", carrier, tracking)
    assert [p.field for p in problems] == ([field] if field else [])


def test_kaufland_needs_both_and_no_comma():
    assert [p.field for p in shipment_problems("kaufland", None, _ups_valid())] == ["carrier_code"]
    assert [p.field for p in shipment_problems("kaufland", C.UPS, None)] == ["tracking_numbers"]
    assert [p.code for p in shipment_problems("kaufland", C.GLS, "123,456")] == [ProblemCode.TRACKING_HAS_SEPARATOR]


def test_kaufland_live_carrier_list():
    live = ["DHL", "Deutsche Post", "Hermes", "Kühne + Nagel"]  # spelled as GET /v2/carriers might
    assert validate_shipment_for_channel("kaufland", C.DEUTSCHE_POST, "RB123456785DE", known_codes=live) == []
    assert validate_shipment_for_channel("kaufland", C.KUEHNE_NAGEL, "X1", known_codes=live) == []
    listed = shipment_problems("kaufland", C.FEDEX, "986578788855", known_codes=live)
    assert [p.code for p in listed] == [ProblemCode.CARRIER_CODE_NOT_LISTED]


def test_shopware_accepts_any_tracking_code():
    assert validate_shipment_for_channel("shopware", None, "anything") == []
    assert validate_shipment_for_channel("shopware", None, None) == []


@pytest.mark.parametrize("channel", ["otto", "amazon", "ebay", "kaufland", "shopware"])
def test_a_failed_check_digit_is_reported_unless_overridden(channel):
    bad = "1Z1111111111111111"  # ups.json invalid: the shape fits, the check digit does not
    problems = shipment_problems(channel, C.UPS, bad)
    assert [p.code for p in problems] == [ProblemCode.CHECK_DIGIT]
    assert bad in problems[0].message and problems[0].field in problems[0].message
    assert shipment_problems(channel, C.UPS, bad, skip_check_digit=True) == []


def test_a_pattern_only_fit_outweighs_a_failed_check_digit_of_the_same_carrier():
    """A carrier with two shapes for the same number: one without check digit makes the number
    plausible even when the other shape's check digit fails (e.g. a future DPD format)."""
    shape = re.compile(r"(?P<SerialNumber>\d{10})(?P<CheckDigit>\d)")
    checked = TrackingFormat("x_checked", C.GLS, "GLS checked", shape, Confidence.HIGH, checksum="mod7")
    plain = TrackingFormat("x_plain", C.GLS, "GLS plain", re.compile(r"\d{11}"), Confidence.LOW)
    number = "73891051149"  # check digit 9 can never be a mod-7 remainder
    assert check_digit(C.GLS, number, formats=[checked])[0] is False
    assert check_digit(C.GLS, number, formats=[checked, plain])[0] is None
    assert check_digit(C.GLS, "73891051146", formats=[plain, checked])[0] is True  # dhl.json valid mod 7
    assert [c.format_id for c in detect(number, formats=[checked, plain], include_failed=True)] == ["x_plain"]


def test_no_check_digit_complaint_without_a_check_digit_or_for_unknown_shapes():
    assert validate_shipment_for_channel("kaufland", C.GLS, "123456789012") == []  # GLS: pattern only
    assert validate_shipment_for_channel("kaufland", C.HERMES, _ups_valid()) == []  # user override: allowed
    assert validate_shipment_for_channel("otto", C.DPD, "09980000020033D")  # dpd.json invalid DPD (14)


def test_channel_enum_and_string_agree():
    for channel in Channel:
        assert validate_shipment_for_channel(channel, C.UPS, _ups_valid()) == \
            validate_shipment_for_channel(channel.value.upper(), C.UPS, _ups_valid())
