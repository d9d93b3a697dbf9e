"""Reading secrets without them ever appearing in the process list or the terminal."""

from __future__ import annotations

import getpass
import sys

from app.secrets.store import MASTER_KEY_ENV, SecretStoreError


def ask_master_key(new_file: bool) -> str:
    if not sys.stdin.isatty():
        raise SecretStoreError(
            "no system keyring is available; the encrypted credential file needs its master password: "
            f"set {MASTER_KEY_ENV} or run this command in a terminal"
        )
    print("No system keyring is available here, so OrderDesk keeps credentials in an encrypted file.",
          file=sys.stderr)
    if not new_file:
        return getpass.getpass("Master password: ")
    while True:
        first = getpass.getpass("Choose a master password for the credential file: ")
        if len(first) < 8:
            print("Please use at least 8 characters.", file=sys.stderr)
            continue
        if getpass.getpass("Repeat it: ") == first:
            return first
        print("The two entries differ; please try again.", file=sys.stderr)


def read_credentials(pairs: list[str], fields: tuple[str, ...], secret_fields: tuple[str, ...],
                     *, prompt_missing: bool = True) -> dict[str, str]:
    """FIELD=VALUE pairs; a value of "-" is read as one line from standard input."""
    values: dict[str, str] = {}
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"credential {pair.split('=')[0]!r} needs the form FIELD=VALUE")
        if field not in fields:
            raise ValueError(f"unknown credential field {field!r} (this channel takes: {', '.join(fields)})")
        if value == "-":
            value = sys.stdin.readline().rstrip("\r\n")
        if not value:
            raise ValueError(f"credential {field!r} is empty")
        values[field] = value
    if prompt_missing:
        for field in fields:
            if field in values:
                continue
            if not sys.stdin.isatty():
                raise ValueError(f"credential {field!r} is missing (give --credential {field}=VALUE or {field}=-)")
            value = getpass.getpass(f"{field}: ") if field in secret_fields else input(f"{field}: ")
            if not value:
                raise ValueError(f"credential {field!r} is empty")
            values[field] = value
    return values
