"""Every sales channel the desk knows, in ribbon order. Windows and CLI read this list."""

from __future__ import annotations

from app.channels.base import AdapterOptions, ChannelAdapter, ChannelInfo
from app.domain.orders import Channel


def _otto(base_url: str, credentials: dict[str, str], options: AdapterOptions) -> ChannelAdapter:
    from app.channels.otto.adapter import OttoAdapter

    return OttoAdapter(base_url, credentials, options)


CHANNELS: dict[Channel, ChannelInfo] = {
    info.channel: info
    for info in (
        ChannelInfo(Channel.OTTO, "OTTO Market", ("client_id", "client_secret"), ("client_secret",),
                    "https://api.otto.market", "https://sandbox.api.otto.market", _otto),
        ChannelInfo(Channel.AMAZON, "Amazon", (), (), "https://sellingpartnerapi-eu.amazon.com", "", None),
        ChannelInfo(Channel.EBAY, "eBay", (), (), "https://api.ebay.com/sell/fulfillment/v1", "", None),
        ChannelInfo(Channel.KAUFLAND, "Kaufland", (), (), "https://sellerapi.kaufland.com/v2", "", None),
        ChannelInfo(Channel.SHOPWARE, "Shopware 6", (), (), "", "", None),
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
