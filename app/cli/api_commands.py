"""`api-token create|list|revoke`: who may call the ERP web service.

The token is printed once, on standard output alone (so `TOKEN=$(orderdesk api-token create ERP)`
works); the database keeps only its hash. Errors (a taken or unknown name) are raised as
ApiTokenError and answered by main() with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.bootstrap import build
from app.cli.prompts import ask_master_key
from app.store.api_tokens import ApiTokenStore


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def cmd_api_token(args: argparse.Namespace) -> int:
    ctx = build(ask_master_key=ask_master_key)
    try:
        tokens = ApiTokenStore(ctx.engine)
        if args.action == "create":
            created = tokens.create(args.name)
            print(created.token)
            print(f"Token {created.record.name!r} created. It is shown only now: give it to the ERP (header "
                  f"'Authorization: Bearer <token>'); OrderDesk keeps only a hash of it.", file=sys.stderr)
        elif args.action == "list":
            records = tokens.list()
            if args.json:
                print(json.dumps([r.as_json() for r in records], indent=1, ensure_ascii=False))
            elif not records:
                print("No API tokens. Create one with: orderdesk api-token create NAME")
            else:
                print(f"{'NAME':<24} {'PREFIX':<14} {'CREATED':<17} {'LAST USED':<17} STATE")
                for r in records:
                    state = "active" if r.active else f"revoked {_when(r.revoked_at)}"
                    print(f"{r.name:<24} {r.prefix + '…':<14} {_when(r.created_at):<17} {_when(r.last_used_at):<17} "
                          f"{state}")
        elif args.action == "revoke":
            record = tokens.revoke(args.name)
            print(f"Token {record.name!r} revoked {_when(record.revoked_at)} UTC: calls with it are refused.")
        return 0
    finally:
        ctx.close()
