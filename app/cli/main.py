"""`orderdesk`: the desktop app without arguments, headless jobs with a sub-command."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from app import __version__
from app.domain.orders import Channel


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="orderdesk", description="OrderDesk: one desk for all marketplace orders.")
    p.add_argument("--version", action="version", version=f"orderdesk {__version__}")
    p.add_argument("--demo", action="store_true", help="start the desktop app on the demo profile (built-in sandbox)")
    sub = p.add_subparsers(dest="command")

    acc = sub.add_parser("accounts", help="manage marketplace accounts").add_subparsers(dest="action", required=True)
    add = acc.add_parser("add", help="add an account; secrets go to the keyring")
    add.add_argument("--channel", required=True, choices=[c.value for c in Channel])
    add.add_argument("--name", required=True)
    add.add_argument("--base-url", help="default: the channel's production address")
    add.add_argument("--credential", action="append", default=[], metavar="FIELD=VALUE",
                     help="repeatable; VALUE '-' reads it from standard input")
    lst = acc.add_parser("list", help="list accounts")
    lst.add_argument("--json", action="store_true")
    edit = acc.add_parser("edit", help="rename, move or re-key an account")
    edit.add_argument("name")
    edit.add_argument("--new-name")
    edit.add_argument("--base-url")
    edit.add_argument("--credential", action="append", default=[], metavar="FIELD=VALUE")
    for action in ("activate", "deactivate", "remove"):
        acc.add_parser(action).add_argument("name")

    fetch = sub.add_parser("fetch", help="fetch new and changed orders")
    fetch.add_argument("--channel", choices=[c.value for c in Channel])
    fetch.add_argument("--account")
    fetch.add_argument("--json", action="store_true")

    orders = sub.add_parser("orders", help="orders").add_subparsers(dest="action", required=True)
    ol = orders.add_parser("list")
    ol.add_argument("--backlog", action="store_true", help="only orders held in the backlog")
    ol.add_argument("--channel", choices=[c.value for c in Channel])
    ol.add_argument("--json", action="store_true")

    pay = sub.add_parser("payments", help="payment receipts").add_subparsers(dest="action", required=True)
    pl = pay.add_parser("list")
    pl.add_argument("--channel", choices=[c.value for c in Channel])
    pl.add_argument("--json", action="store_true")

    log = sub.add_parser("log", help="the protocol log")
    log.add_argument("--json", action="store_true")
    log.add_argument("--level", choices=["info", "warning", "error"])
    log.add_argument("--limit", type=int, default=200)

    sub.add_parser("sandbox", help="run the local marketplace sandboxes", add_help=False)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from app.sandbox.server import run_cli

        return run_cli(argv[1:])
    args = _parser().parse_args(argv)
    if args.command is None:
        from app.ui.launch import run_desktop

        return run_desktop(demo=args.demo)
    from app.cli import commands

    handler: Callable[[argparse.Namespace], int] = getattr(commands, f"cmd_{args.command}")
    try:
        return handler(args)
    except (ValueError, RuntimeError) as exc:  # AccountError, SecretStoreError, bad input: plain words
        print(f"orderdesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
