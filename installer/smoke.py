#!/usr/bin/env python3
"""Smoke test of a built or installed `orderdesk` program, on any platform (the Windows CI uses it).

    python installer/smoke.py PATH/TO/orderdesk[.exe] [--keyring encrypted-file|system]

Checks that the program names its version, serves its own sandbox, adds an account and fetches
every order of the sandbox, with all its data in a fresh temporary folder (ORDERDESK_HOME).
``--keyring system`` keeps the credentials in the OS keyring (Windows Credential Locker, Secret
Service) instead of the encrypted file, and checks that no credential file was written.
Uses only the standard library: it tests the program, not this checkout. Exit status 0 = passed.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

MASTER = "smoke-test master password"


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def run(binary: Path, *args: str, env: dict[str, str], stdin: str = "") -> str:
    proc = subprocess.run([str(binary), *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)
    check(proc.returncode == 0, f"orderdesk {' '.join(args)} -> exit status {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def start_sandbox(binary: Path, log: Path) -> tuple[subprocess.Popen[str], dict]:
    # Its stderr goes to a file: an unread pipe would stop the server once it is full.
    with open(log, "w", encoding="utf-8") as stderr:
        proc = subprocess.Popen([str(binary), "sandbox", "--port", "0", "--orders", "40", "--rate-limit", "0"],
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
    lines: queue.Queue[str] = queue.Queue()
    # A thread, because Windows cannot wait on a pipe with a timeout.
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()  # type: ignore[union-attr]
    try:
        line = lines.get(timeout=120)
        if not line:
            proc.wait(timeout=60)
            raise SmokeFailure(f"the sandbox exited: {log.read_text(encoding='utf-8', errors='replace')}")
        return proc, json.loads(line)
    except (queue.Empty, SmokeFailure, ValueError):
        proc.kill()
        proc.communicate()
        raise


def smoke(binary: Path, keyring: str) -> None:
    version = run(binary, "--version", env=dict(os.environ)).strip()
    check(version.startswith("orderdesk "), f"--version printed {version!r}")
    print(f"{binary}: {version}")
    with tempfile.TemporaryDirectory(prefix="orderdesk-smoke-") as home:
        env = {**os.environ, "ORDERDESK_HOME": home}
        env.pop("ORDERDESK_KEYRING", None)
        env.pop("ORDERDESK_MASTER_KEY", None)
        if keyring == "encrypted-file":
            env.update(ORDERDESK_KEYRING="encrypted-file", ORDERDESK_MASTER_KEY=MASTER)
        sandbox, info = start_sandbox(binary, Path(home) / "sandbox.log")
        try:
            otto = info["otto"]
            name = f"smoke-{os.getpid()}"  # the OS keyring outlives the folder: a name of its own
            run(binary, "accounts", "add", "--channel", "otto", "--name", name, "--base-url", otto["base_url"],
                "--credential", f"client_id={otto['credentials']['client_id']}", "--credential", "client_secret=-",
                env=env, stdin=otto["credentials"]["client_secret"] + "\n")
            try:
                [summary] = json.loads(run(binary, "fetch", "--json", env=env))
                check(summary["ok"] and summary["new"] > 0, f"the fetch failed: {summary}")
                orders = json.loads(run(binary, "orders", "list", "--json", env=env))
                check(len(orders) == summary["new"], f"{summary['new']} orders fetched, {len(orders)} listed")
                stored = (Path(home) / "credentials.cfg").exists()
                check(stored == (keyring == "encrypted-file"),
                      "the credentials went to the encrypted file" if stored else "no encrypted credential file")
                print(f"fetched {len(orders)} orders from the built-in sandbox; credentials in the {keyring} keyring")
            finally:
                run(binary, "accounts", "remove", name, env=env)  # also deletes the keyring entry
        finally:
            sandbox.terminate()
            sandbox.communicate(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("--keyring", choices=["encrypted-file", "system"], default="encrypted-file")
    args = parser.parse_args(argv)
    try:
        smoke(args.binary, args.keyring)
    except (SmokeFailure, OSError, subprocess.SubprocessError) as exc:
        print(f"smoke.py: FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke.py: passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
