"""`orderdesk`: the desktop app without arguments, headless jobs with a sub-command."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from app import __version__
from app.domain.orders import Channel
from app.domain.statuses import ProtocolState, StatusEvent, StatusType


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

    _status_parsers(sub)
    _api_token_parsers(sub)
    _server_parsers(sub)
    sub.add_parser("sandbox", help="run the local marketplace sandboxes", add_help=False)
    return p


def _status_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """ship, tracking, cancel and status: telling the marketplaces (handlers in status_commands.py)."""
    channels = [c.value for c in Channel]
    ship = sub.add_parser("ship", help="record a shipped package and queue its status for the marketplace")
    ship.add_argument("order", metavar="ORDER", help="order number, marketplace id or #id")
    ship.add_argument("--tracking", default="", metavar="N",
                      help="tracking number; without it the package waits for one (orderdesk tracking)")
    ship.add_argument("--carrier", metavar="C", help="default: proposed from the tracking number")
    ship.add_argument("--carrier-name", default="", metavar="NAME", help="names a carrier 'other'")
    ship.add_argument("--line", action="append", metavar="SKU:QTY",
                      help="repeatable; SKU or line id; default: every open line")
    ship.add_argument("--return-tracking", default="", metavar="N", help="OTTO: return tracking number")
    ship.add_argument("--return-carrier", metavar="C", help="OTTO: return carrier (DHL, GLS, HERMES)")
    ship.add_argument("--ship-date", metavar="ISO", help="ISO-8601 date or time; default: now")
    ship.add_argument("--skip-check-digit", action="store_true",
                      help="accept a tracking number whose check digit is wrong")
    ship.add_argument("--json", action="store_true")

    tracking = sub.add_parser("tracking", help="add the tracking number to a package that waits for one")
    tracking.add_argument("shipment_id", metavar="SHIPMENT_ID", type=int)
    tracking.add_argument("tracking_number", metavar="N")
    tracking.add_argument("--carrier", metavar="C", help="default: the package's carrier if N fits it, else proposed from N")
    tracking.add_argument("--return-tracking", metavar="N", help="OTTO: the return label, if the package has none yet")
    tracking.add_argument("--return-carrier", metavar="C")
    tracking.add_argument("--carrier-name", default="", metavar="NAME")
    tracking.add_argument("--skip-check-digit", action="store_true")
    tracking.add_argument("--json", action="store_true")

    cancel = sub.add_parser("cancel", help="cancel lines or an order and queue the cancellation")
    cancel.add_argument("order", metavar="ORDER", help="order number, marketplace id or #id")
    cancel.add_argument("--line", action="append", metavar="SKU:QTY", help="repeatable; default: every open line")
    cancel.add_argument("--reason", required=True, metavar="R", help="the channel's cancellation reason")
    cancel.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="status protocols: send, list, rules").add_subparsers(
        dest="action", required=True)
    push = status.add_parser("push", help="transmit due status protocols now")
    push.add_argument("--channel", choices=channels)
    push.add_argument("--account", metavar="NAME")
    push.add_argument("--json", action="store_true")
    lst = status.add_parser("list", help="the status protocols, newest first")
    lst.add_argument("--state", action="append", choices=[s.value for s in ProtocolState], help="repeatable")
    lst.add_argument("--channel", choices=channels)
    lst.add_argument("--account", metavar="NAME")
    lst.add_argument("--order", metavar="ORDER")
    lst.add_argument("--limit", type=int, default=1000)
    lst.add_argument("--json", action="store_true")
    for action, text in (("retry", "send a failed or waiting status protocol again"),
                         ("discard", "never send this status protocol")):
        status.add_parser(action, help=text).add_argument("id", metavar="ID", type=int)
    event = status.add_parser("event", help="record an invoice, a settled payment or a return")
    event.add_argument("order", metavar="ORDER")
    event.add_argument("event", choices=[e.value for e in StatusEvent
                                         if e not in (StatusEvent.SHIPMENT_COMPLETED, StatusEvent.CANCELLED)])
    event.add_argument("--json", action="store_true")
    rules = status.add_parser("rules", help="the status rules per channel")
    rules.add_argument("--channel", choices=channels)
    rules.add_argument("--json", action="store_true")
    rule = status.add_parser("rule", help="change or add a status rule")
    rule.add_argument("--channel", required=True, choices=channels)
    rule.add_argument("--event", required=True, choices=[e.value for e in StatusEvent])
    rule.add_argument("--type", required=True, choices=[t.value for t in StatusType])
    rule.add_argument("--value", metavar="V", help="the channel's status value; default: the rule's current one")
    switch = rule.add_mutually_exclusive_group()
    switch.add_argument("--enable", dest="enabled", action="store_const", const=True)
    switch.add_argument("--disable", dest="enabled", action="store_const", const=False)
    preview = status.add_parser("preview", help="what each rule would send for an order (sends nothing)")
    preview.add_argument("order", metavar="ORDER")
    preview.add_argument("--event", action="append", choices=[e.value for e in StatusEvent],
                         help="repeatable; default: every rule of the order's channel")
    preview.add_argument("--tracking", default="", metavar="N", help="the package to preview, as for ship")
    preview.add_argument("--carrier", metavar="C")
    preview.add_argument("--carrier-name", default="", metavar="NAME")
    preview.add_argument("--line", action="append", metavar="SKU:QTY")
    preview.add_argument("--return-tracking", default="", metavar="N")
    preview.add_argument("--return-carrier", metavar="C")
    preview.add_argument("--reason", default="", metavar="R", help="cancellation reason to preview")
    preview.add_argument("--json", action="store_true")
    ship_from = status.add_parser("ship-from", help="OTTO: the address parcels leave from (no option: show it)")
    ship_from.add_argument("--city")
    ship_from.add_argument("--zip")
    ship_from.add_argument("--country", metavar="ISO3", help="ISO-3166 alpha-3, e.g. DEU")
    auto = status.add_parser("auto", help="automatic transmission per channel (no option: show it)")
    auto.add_argument("--channel", choices=channels)
    onoff = auto.add_mutually_exclusive_group()
    onoff.add_argument("--on", dest="enabled", action="store_const", const=True)
    onoff.add_argument("--off", dest="enabled", action="store_const", const=False)
    auto.add_argument("--interval", type=int, metavar="MIN")
    wait = status.add_parser("tracking-wait", help="how long a package waits for its tracking number")
    wait.add_argument("hours", metavar="HOURS", nargs="?", type=float, help="no value: show it")


def _api_token_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """api-token create|list|revoke: the ERP web service's access (handlers in api_commands.py)."""
    tokens = sub.add_parser("api-token", help="API tokens of the ERP web service").add_subparsers(
        dest="action", required=True)
    tokens.add_parser("create", help="create a token; it is printed once").add_argument("name", metavar="NAME")
    tokens.add_parser("list", help="the tokens (never the tokens themselves)").add_argument("--json",
                                                                                         action="store_true")
    tokens.add_parser("revoke", help="refuse this token from now on").add_argument("name", metavar="NAME")
    sub.choices["api-token"].set_defaults(handler=_api_token)


def _api_token(args: argparse.Namespace) -> int:
    from app.cli.api_commands import cmd_api_token

    return cmd_api_token(args)


def _server_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """serve and jobs list|set: the application server (handlers in serve_commands.py)."""
    serve = sub.add_parser("serve", help="run the application server: scheduled jobs and the ERP web service")
    serve.add_argument("--host", default="127.0.0.1", help="the web service's address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765,
                       help="the web service's port (default 8765; 0 picks a free one, see the printed JSON)")
    serve.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this certificate (PEM) ...")
    serve.add_argument("--tls-key", metavar="FILE", help="... and this private key (PEM)")
    serve.add_argument("--no-api", action="store_true", help="run the jobs only, without the web service")
    serve.add_argument("--once", action="store_true", help="run the jobs due now, then exit (no web service)")
    serve.add_argument("--workers", type=int, default=4, help="jobs run at once (different accounts), default 4")
    serve.add_argument("--lease", type=float, default=120.0, help=argparse.SUPPRESS)  # seconds; tests shorten it
    serve.add_argument("--poll", type=float, default=5.0, help=argparse.SUPPRESS)  # seconds between looks
    serve.set_defaults(handler=_serve)
    jobs = sub.add_parser("jobs", help="scheduled jobs: automatic fetching and status transmission")
    actions = jobs.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every job with its last and next run").add_argument("--json", action="store_true")
    js = actions.add_parser("set", help="switch a job on or off, change its interval")
    js.add_argument("kind", metavar="KIND", choices=["fetch", "status"], help="fetch or status")
    js.add_argument("scope", metavar="SCOPE", help="fetch: the account's name; status: the channel (otto, ...)")
    onoff = js.add_mutually_exclusive_group()
    onoff.add_argument("--on", dest="enabled", action="store_const", const=True, help="run it on its schedule")
    onoff.add_argument("--off", dest="enabled", action="store_const", const=False, help="do not run it")
    js.add_argument("--interval", type=int, metavar="MIN", help="minutes between runs (1 to 1440)")
    jobs.set_defaults(handler=_jobs)


def _serve(args: argparse.Namespace) -> int:
    from app.cli.serve_commands import cmd_serve

    return cmd_serve(args)


def _jobs(args: argparse.Namespace) -> int:
    from app.cli.serve_commands import cmd_jobs

    return cmd_jobs(args)


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

    handler: Callable[[argparse.Namespace], int] = (getattr(args, "handler", None)
                                                     or getattr(commands, f"cmd_{args.command}"))
    try:
        return handler(args)
    except (ValueError, RuntimeError) as exc:  # AccountError, SecretStoreError, ShipmentError, bad input
        print(f"orderdesk: error: {exc}", file=sys.stderr)
        return 2
    except LookupError as exc:  # OrderNotFound, no such shipment or status protocol
        if isinstance(exc, (KeyError, IndexError)):  # a bug, not an answer for the user
            raise
        print(f"orderdesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
