"""What every marketplace sandbox in one server is built from.

One settings object for all sandboxes keeps the server, the CLI, the demo profile and the
tests from growing a parameter per marketplace. Each sandbox reads what applies to it and
keeps its own marketplace's defaults for the rest (token lifetimes, page sizes, quotas).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxSettings:
    seed: int = 1
    orders: int = 50  # seeded orders per marketplace
    # The marketplaces' documented rate limits (Amazon getOrders 0.0167/s burst 20, ...),
    # answered with the marketplace's own 429. Off: no limit at all.
    real_limits: bool = False
    # Limits refill this many times faster, so a test exercises the real shape in seconds.
    time_scale: float = 1.0
    # Seconds (sandbox clock) until a held order (unpaid, pending, announced) is released.
    release_delay: float = 1800.0
    token_ttl: int | None = None  # None: each marketplace's own token lifetime
    generate_every: float | None = None  # a new order every N sandbox seconds

    def __post_init__(self) -> None:
        if not self.time_scale > 0:
            raise ValueError("time_scale must be a positive number")
        if self.orders < 0:
            raise ValueError("orders must not be negative")

    def scaled(self, per_second: float) -> float:
        """A documented rate as this sandbox enforces it."""
        return per_second * self.time_scale
