"""Every sales channel the desk knows, in ribbon order. Windows and CLI read this list."""

from __future__ import annotations

import importlib

from app.channels.base import AdapterOptions, ChannelAdapter, ChannelInfo, StatusSender
from app.domain.orders import Channel


# Adapters are imported when first used: the CLI's `accounts list` need not load httpx
# clients and mappings of five marketplaces.
def _otto(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.otto.adapter import OttoAdapter

    return OttoAdapter(base_url, credentials, options)


def _amazon(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.amazon.adapter import AmazonAdapter

    return AmazonAdapter(base_url, credentials, options)


def _ebay(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.ebay.adapter import EbayAdapter

    return EbayAdapter(base_url, credentials, options)


def _kaufland(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.kaufland.adapter import KauflandAdapter

    return KauflandAdapter(base_url, credentials, options)


def _shopware(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.shopware.adapter import ShopwareAdapter

    return ShopwareAdapter(base_url, credentials, options)


def _sender(module: str, cls: str):  # type: ignore[no-untyped-def]
    """A lazy factory for ``app.channels.<module>.status.<cls>(base_url, credentials, options)``."""
    def create(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> StatusSender:
        return getattr(importlib.import_module(f"app.channels.{module}.status"), cls)(base_url, credentials, options)
    return create


CHANNELS: dict[Channel, ChannelInfo] = {
    info.channel: info
    for info in (
        ChannelInfo(Channel.OTTO, "OTTO Market", ("client_id", "client_secret"), ("client_secret",),
                    "https://api.otto.market", "https://sandbox.api.otto.market", _otto,
                    _sender("otto", "OttoStatusSender")),
        ChannelInfo(Channel.AMAZON, "Amazon", ("client_id", "client_secret", "refresh_token", "marketplace_id"),
                    ("client_secret", "refresh_token"), "https://sellingpartnerapi-eu.amazon.com",
                    "https://sandbox.sellingpartnerapi-eu.amazon.com", _amazon,
                    _sender("amazon", "AmazonStatusSender")),
        ChannelInfo(Channel.EBAY, "eBay", ("client_id", "client_secret", "refresh_token"),
                    ("client_secret", "refresh_token"), "https://api.ebay.com", "https://api.sandbox.ebay.com", _ebay,
                    _sender("ebay", "EbayStatusSender")),
        ChannelInfo(Channel.KAUFLAND, "Kaufland", ("client_key", "secret_key", "storefront"), ("secret_key",),
                    "https://sellerapi.kaufland.com", "", _kaufland,
                    _sender("kaufland", "KauflandStatusSender")),  # Kaufland has no separate sandbox host
        # A Shopware shop lives at the seller's own address: there is no common production URL.
        ChannelInfo(Channel.SHOPWARE, "Shopware 6", ("client_id", "client_secret"), ("client_secret",),
                    "", "", _shopware, _sender("shopware", "ShopwareStatusSender")),
    )
}


def channel_info(name: str) -> ChannelInfo:
    try:
        return CHANNELS[Channel(name)]
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValueError(f"unknown channel {name!r} (known: {known})") from None


def available(info: ChannelInfo) -> bool:
    return info.create is not None
