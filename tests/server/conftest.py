"""`orderdesk` as real processes for the server tests: the real encrypted credential file unlocked
by ORDERDESK_MASTER_KEY (no OS keyring in CI), the real sandbox over HTTP, one database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from app.store import schema

MASTER = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, home: Path, database_url: str) -> None:
        self.home = home
        self.database_url = database_url
        self.env = dict(os.environ, ORDERDESK_HOME=str(home), ORDERDESK_KEYRING="encrypted-file",
                        ORDERDESK_MASTER_KEY=MASTER, ORDERDESK_DATABASE_URL=database_url)
        self.engine = create_engine(database_url)

    def __call__(self, *args: str, stdin: str = "", check: bool = True, timeout: float = 180):
        proc = subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin, capture_output=True,
                              text=True, env=self.env, cwd=ROOT, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"orderdesk {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def popen(self, *args: str, log: Path) -> subprocess.Popen:
        """A long-running command; its standard error goes to ``log`` (never a pipe nobody reads)."""
        with log.open("w") as err:
            return subprocess.Popen([sys.executable, "-m", "app.cli.main", *args], env=self.env, cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=err, text=True)

    def add_account(self, sandbox, name: str = "otto-nord") -> None:
        info = sandbox.describe()["otto"]
        self("accounts", "add", "--channel", "otto", "--name", name, "--base-url", info["base_url"],
             "--credential", f"client_id={info['credentials']['client_id']}", "--credential", "client_secret=-",
             stdin=info["credentials"]["client_secret"] + "\n")

    def count(self, model) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model.__table__))

    def held_by(self) -> str:
        """Who holds the (only) fetch job now, read straight from the table: a CLI call is too slow here."""
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.Job.claimed_by).where(schema.Job.kind == "fetch")).first()
        return row.claimed_by if row else ""

    def job(self, kind: str = "fetch", target: str = "otto-nord") -> dict:
        return next(j for j in json.loads(self("jobs", "list", "--json").stdout)
                    if j["kind"] == kind and j["target"] == target)

    def wait_for(self, predicate, timeout: float = 90.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
            time.sleep(0.05)


@pytest.fixture
def cli(tmp_path: Path, database_url: str):
    runner = Cli(tmp_path / "home", database_url)
    yield runner
    runner.engine.dispose()


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(30)
    if proc.stdout:
        proc.stdout.close()
