"""The demo profile: built-in marketplace sandboxes and a demo account per channel, in their own folder.

Demo data lives under ``<data dir>/demo`` (``$ORDERDESK_HOME/demo`` when that is set) with its
own SQLite database, so it never mixes with real orders, whatever ORDERDESK_DATABASE_URL says.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app.bootstrap import AppContext, build
from app.channels.registry import CHANNELS
from app.domain.orders import Channel
from app.paths import APP_NAME, AppPaths
from app.secrets.store import SecretStoreError
from app.services.status import SETTING_SHIP_FROM
from app.store.accounts import AccountError

log = logging.getLogger(__name__)

# (account, channel, seed of its sandbox server). Every server hosts all marketplaces; two seeds
# give the two OTTO accounts different orders. The others share seed 1's server.
DEMO_ACCOUNTS = (
    ("OTTO Demo Nord", Channel.OTTO, 1),
    ("OTTO Demo Süd", Channel.OTTO, 2),
    ("Amazon Demo", Channel.AMAZON, 1),
    ("eBay Demo", Channel.EBAY, 1),
    ("Kaufland Demo", Channel.KAUFLAND, 1),
    ("Shopware Demo", Channel.SHOPWARE, 1),
)
MASTER_KEY_FILE = "demo-master-key"
DEMO_SHIP_FROM = {"city": "Hamburg", "zipCode": "22089", "countryCode": "DEU"}  # the demo's warehouse


def demo_paths() -> AppPaths:
    home = os.environ.get("ORDERDESK_HOME")
    if home:
        root = Path(home).expanduser() / "demo"
    else:
        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"
    return AppPaths(root, root, root / "logs")


def demo_master_key(folder: Path) -> str:
    """The master password of the demo's encrypted credential file, kept next to it.

    Only used when no OS keyring works and ORDERDESK_MASTER_KEY is unset. Storing a key beside
    the file it unlocks protects nothing, which is acceptable solely because the demo profile
    holds nothing but throwaway sandbox credentials. Real profiles never do this.
    """
    path = folder / MASTER_KEY_FILE
    folder.mkdir(parents=True, exist_ok=True)
    try:
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    os.chmod(path, 0o600)  # also when the file existed empty with wider permissions
    return key


@dataclass
class DemoProfile:
    generate_every: float = 60.0  # a new order every minute
    release_delay: float = 180.0  # ANNOUNCED orders are released about three minutes later
    orders: int = 60
    rate_limit: float | None = 20.0
    # The marketplaces' real quotas: the demo shows how a fetch is paced (Amazon's order items
    # at 0.5/s once the burst is spent) and the fetch dialog's remaining budget and time.
    real_limits: bool = True
    paths: AppPaths = field(default_factory=demo_paths)
    servers: dict[int, object] = field(default_factory=dict)  # seed -> SandboxServer

    def start(self) -> None:
        """Starts the sandboxes on free loopback ports (a new port on every start)."""
        from app.sandbox.server import SandboxServer

        for seed in sorted({seed for _name, _channel, seed in DEMO_ACCOUNTS}):
            if seed not in self.servers:
                self.servers[seed] = SandboxServer(
                    host="127.0.0.1", port=0, seed=seed, orders=self.orders, rate_limit=self.rate_limit,
                    release_delay=self.release_delay, generate_every=self.generate_every,
                    real_limits=self.real_limits).start()

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()  # type: ignore[attr-defined]
        self.servers.clear()

    def build_context(self) -> AppContext:
        paths = self.paths.ensure()
        return build(paths=paths, database=f"sqlite:///{paths.database_file}",
                     ask_master_key=lambda _new: demo_master_key(paths.data))

    def prepare_accounts(self, ctx: AppContext) -> None:
        """Creates the demo accounts or points them at this start's sandbox ports and keys."""
        store = self._secret_store(ctx)
        for name, channel, seed in DEMO_ACCOUNTS:
            fields = CHANNELS[channel].credential_fields
            described = self.servers[seed].describe()[channel.value]  # type: ignore[attr-defined]
            base_url = str(described["base_url"])
            try:
                account = ctx.accounts.get(name)
                if account.base_url != base_url:
                    account = ctx.accounts.edit(name, base_url=base_url)
                if not account.active:
                    account = ctx.accounts.set_active(name, True)
            except AccountError:
                account = ctx.accounts.add(channel.value, name, base_url)
            credentials = described["credentials"]
            wanted = {name: str(credentials[name]) for name in fields}  # type: ignore[index]
            if {k: v for k, v in store.load(account.secret_ref).items() if k in fields} != wanted:
                store.save(account.secret_ref, wanted)  # one write: each costs an Argon2 round
        if ctx.status.setting(SETTING_SHIP_FROM) is None:  # OTTO wants it with every shipment
            ctx.status.set_setting(SETTING_SHIP_FROM, DEMO_SHIP_FROM)

    def _secret_store(self, ctx: AppContext):  # type: ignore[no-untyped-def]
        try:
            return ctx.secrets()
        except SecretStoreError:
            # The demo's credential file was made with another master key (e.g. the user set
            # ORDERDESK_MASTER_KEY since). It only ever holds sandbox keys, rewritten at every
            # start, so start it afresh instead of asking for a password nobody knows.
            stale = ctx.paths.data / "credentials.cfg"
            if not stale.exists():
                raise
            log.warning("demo credential file did not open; starting it afresh")
            stale.unlink()
            return ctx.secrets()

    def sandbox_urls(self) -> list[str]:
        return [str(s.base_url) for s in self.servers.values()]  # type: ignore[attr-defined]
