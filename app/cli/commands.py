"""The headless sub-commands. Output shapes with --json are documented in the README."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterable

from app.bootstrap import AppContext, build
from app.channels.registry import channel_info
from app.cli.prompts import ask_master_key, read_credentials
from app.cli.status_commands import cmd_cancel, cmd_ship, cmd_status, cmd_tracking  # noqa: F401  (for main())
from app.store import protocol_log
from app.store.queries import iter_orders, iter_payments


def _context() -> AppContext:
    return build(ask_master_key=ask_master_key)


def _print_json_lines(items: Iterable[dict]) -> None:
    """A JSON array, written as it streams, so 100k orders never sit in memory at once."""
    out = sys.stdout
    out.write("[")
    for i, item in enumerate(items):
        out.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
    out.write("\n]\n")


def _account_json(a) -> dict:  # type: ignore[no-untyped-def]
    return {"name": a.name, "channel": a.channel, "active": a.active, "base_url": a.base_url,
            "last_success_at": a.last_success_at.isoformat() if a.last_success_at else None,
            "last_result": a.last_result}


def cmd_accounts(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        repo = ctx.accounts
        if args.action == "list":
            accounts = repo.list()
            if args.json:
                print(json.dumps([_account_json(a) for a in accounts], indent=1))
            else:
                for a in accounts:
                    state = "active" if a.active else "inactive"
                    print(f"{a.name:24} {a.channel:9} {state:8} {a.base_url}  last: {a.last_result or '-'}")
            return 0
        if args.action == "add":
            info = channel_info(args.channel)
            if info.create is None:
                raise ValueError(f"{info.display_name} accounts cannot be added yet in this version")
            creds = read_credentials(args.credential, info.credential_fields, info.secret_fields)
            account = repo.add(args.channel, args.name, args.base_url or info.production_url)
            try:
                ctx.secrets().save(account.secret_ref, creds)
            except Exception:
                repo.remove(account.name)  # no account without its credentials
                raise
            print(f"added {account.channel} account {account.name!r} ({account.base_url})")
            return 0
        if args.action == "edit":
            account = repo.get(args.name)
            info = channel_info(account.channel)
            creds = read_credentials(args.credential, info.credential_fields, info.secret_fields, prompt_missing=False)
            account = repo.edit(args.name, new_name=args.new_name, base_url=args.base_url)
            if creds:
                ctx.secrets().save(account.secret_ref, creds)
            print(f"updated account {account.name!r}")
            return 0
        if args.action in ("activate", "deactivate"):
            account = repo.set_active(args.name, args.action == "activate")
            print(f"account {account.name!r} is now {'active' if account.active else 'inactive'}")
            return 0
        if args.action == "remove":
            account = repo.remove(args.name)
            try:
                ctx.secrets().delete(account.secret_ref)
            except RuntimeError:
                pass  # the keyring is unavailable: the entry is orphaned, never exposed
            print(f"removed account {account.name!r} with its orders")
            return 0
        raise ValueError(f"unknown action {args.action}")
    finally:
        ctx.close()


def cmd_fetch(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        results = ctx.fetch.fetch(channel=args.channel, account=args.account)
        if args.json:
            print(json.dumps([r.as_json() for r in results], indent=1))
        else:
            if not results:
                print("no active accounts to fetch")
            for r in results:
                print(f"{r.channel}/{r.account}: {r.summary()}")
        return 0 if all(r.ok for r in results) else 1
    finally:
        ctx.close()


def cmd_orders(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        orders = iter_orders(ctx.engine, backlog=True if args.backlog else None, channel=args.channel)
        if args.json:
            _print_json_lines(orders)
        else:
            for o in orders:
                flags = " [Recycling & Entsorgung]" if "recycling_disposal" in o["flags"] else ""
                hold = f" (backlog: {o['hold_reason']})" if o["backlog"] else ""
                print(f"{o['order_number']:12} {o['channel']:6} {o['account']:16} {o['status']:18} "
                      f"{o['total']:>10} {o['currency']} {o['customer']}{hold}{flags}")
        return 0
    finally:
        ctx.close()


def cmd_payments(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        payments = iter_payments(ctx.engine, channel=args.channel)
        if args.json:
            _print_json_lines(payments)
        else:
            for p in payments:
                print(f"{p['id']:>7} {p['order_number']:12} {p['payment_system']:14} {p['kind']:7} "
                      f"{p['amount']:>10} {p['currency']} {p['created_at']}")
        return 0
    finally:
        ctx.close()


def cmd_log(args: argparse.Namespace) -> int:
    ctx = _context()
    try:
        entries = protocol_log.tail(ctx.engine, args.limit, level=args.level)
        if args.json:
            print(json.dumps([{"id": e.id, "at": e.at.isoformat(), "level": e.level, "channel": e.channel,
                               "account": e.account_name, "order_number": e.order_number or None, "event": e.event,
                               "message": e.message} for e in entries], indent=1, ensure_ascii=False))
        else:
            for e in entries:
                where = f"{e.channel}/{e.account_name}" if e.account_name else e.channel
                print(f"{e.at:%Y-%m-%d %H:%M:%S} {e.level.upper():7} {where:24} {e.message}")
        return 0
    finally:
        ctx.close()
