"""Switches for Kaufland behaviour the public sources leave open (UNCONFIRMED in
docs/marketplaces.md §4). Defaults are the most likely reality; tests flip them through
`POST /_sandbox/config` to prove a client copes either way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

DOCUMENTED_RATE = 111.0  # requests per second per seller, all endpoints together (reported, UNCONFIRMED)


@dataclass
class KauflandConfig:
    rate_limit: float = DOCUMENTED_RATE  # the number behind real_limits (refill is multiplied by time_scale)
    retry_after: bool = False  # whether 429 (and 503) carry a Retry-After header: unknown
    timestamp_tolerance: int = 300  # Shop-Timestamp window in seconds, either way ("±5 min")
    signature_encoding: str = "hex"  # "hex" (every public client) | "base64" (one note) | "either"
    require_user_agent: bool = True  # the docs ask for a User-Agent naming the integration
    addresses_while_open: bool = False  # addresses of unpaid (`open`) orders are withheld
    country_alpha3: bool = False  # Address.country as "DEU" instead of "DE" (the spec's example says "USA")
    from_inclusive: bool = True  # ts_*_from_iso means ">=" (the docs say "after")
    extended_storefronts: bool = False  # fr, it, es, nl (OpenAPI 2.41, not in 2.17)

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    def update(self, changes: dict[str, object]) -> None:
        """Apply a control-API body; raises ValueError naming the first bad key."""
        known = {f.name: f.type for f in fields(self)}
        checked: dict[str, object] = {}
        for name, value in changes.items():
            kind = known.get(name)
            if kind is None:
                raise ValueError(f"unknown switch {name!r} (known: {', '.join(known)})")
            if kind == "bool" and not isinstance(value, bool):
                raise ValueError(f"{name!r} must be true or false")
            if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"{name!r} must be a non-negative integer")
            if kind == "float" and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise ValueError(f"{name!r} must be a positive number")
            if name == "signature_encoding" and value not in ("hex", "base64", "either"):
                raise ValueError("'signature_encoding' must be hex, base64 or either")
            checked[name] = float(value) if kind == "float" else value  # type: ignore[arg-type]
        for name, value in checked.items():
            setattr(self, name, value)
