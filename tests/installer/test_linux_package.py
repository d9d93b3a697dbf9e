"""The Linux installer as a user gets it: built from this checkout, installed with dpkg, started.

One build of the bundle and the .deb per run (module fixture, about a minute), into a temp folder.
Then the real programs run: the built `orderdesk` serves its own sandbox and fetches from it
headless, the desktop app starts for the first time on an empty folder, and the package installs
into scratch roots with `dpkg --root` (as root in CI, and as any other user too: --force-not-root),
including an upgrade over an older version that brings a new migration.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import selectors
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from app import __version__
from tests.sandbox_access import truth

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
MASTER = "correct horse battery staple"
# dpkg looks for ldconfig and start-stop-daemon on PATH, which an ordinary user's PATH lacks.
DPKG_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),  # the first test also pays for the build
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built and installed on Linux"),
]


def require(condition: bool, why: str) -> None:
    """Outside CI a machine without the tools skips; in CI the installer must be tested."""
    if not condition:
        if IN_CI:
            pytest.fail(f"the installer tests must run in CI: {why}")
        pytest.skip(why)


@dataclass(frozen=True)
class Build:
    bundle: Path  # the one-folder bundle: bundle/orderdesk, bundle/_internal
    deb: Path
    work: Path

    @property
    def binary(self) -> Path:
        return self.bundle / "orderdesk"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    require(shutil.which("dpkg-deb") is not None and shutil.which("dpkg") is not None, "dpkg is not installed")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        require(False, "PyInstaller is not installed (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("installer")
    outputs_before = {p: p.exists() for p in (ROOT / "build", ROOT / "dist", ROOT / "installer" / "build",
                                               ROOT / "installer" / "dist")}
    # Exactly the release build (installer/build.sh), only into a temp folder.
    command = [sys.executable, str(ROOT / "installer" / "build.py"), "--dist", str(out / "dist"),
               "--work", str(out / "work"), "--package"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=840, cwd=out)
    assert proc.returncode == 0, f"installer/build.py failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert {p: p.exists() for p in outputs_before} == outputs_before, "the build wrote into the checkout"
    [deb] = (out / "dist").glob("orderdesk_*.deb")
    return Build(out / "dist" / "orderdesk", deb, out / "work")


def run(command: list[str | Path], *, env: dict[str, str] | None = None, stdin: str = "", check: bool = True,
        cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(c) for c in command], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """What a headless user sets: one folder for everything, the encrypted credential file."""
    return {**os.environ, "ORDERDESK_HOME": str(home), "ORDERDESK_KEYRING": "encrypted-file",
            "ORDERDESK_MASTER_KEY": MASTER, "QT_QPA_PLATFORM": "offscreen", **extra}


class SandboxProcess:
    """`orderdesk sandbox --port 0` of the built binary; describe() as tests.sandbox_access expects."""

    def __init__(self, binary: Path, log: Path) -> None:
        self.log = log
        # stderr into a file: an unread pipe would stop the server once it is full.
        with open(log, "w", encoding="utf-8") as stderr:
            self.proc = subprocess.Popen([str(binary), "sandbox", "--port", "0", "--seed", "7", "--orders", "60",
                                          "--rate-limit", "0"], stdout=subprocess.PIPE, stderr=stderr, text=True)
        self.info = json.loads(self._first_line(timeout=60))

    def _first_line(self, timeout: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
            ready = selector.select(timeout)
        line = self.proc.stdout.readline() if ready else ""  # type: ignore[union-attr]
        if not line:
            self.stop()
            raise AssertionError(f"the built sandbox printed no JSON line within {timeout} s: "
                                 f"{self.log.read_text(encoding='utf-8', errors='replace')}")
        return line

    def describe(self) -> dict:
        return self.info

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture(scope="module")
def sandbox(built: Build) -> Iterator[SandboxProcess]:
    server = SandboxProcess(built.binary, built.work / "sandbox.log")
    yield server
    server.stop()


def add_and_fetch(binary: Path, env: dict[str, str], sandbox: SandboxProcess) -> tuple[dict, list[dict]]:
    otto = sandbox.describe()["otto"]
    run([binary, "accounts", "add", "--channel", "otto", "--name", "otto-nord", "--base-url", otto["base_url"],
         "--credential", f"client_id={otto['credentials']['client_id']}", "--credential", "client_secret=-"],
        env=env, stdin=otto["credentials"]["client_secret"] + "\n")
    [summary] = json.loads(run([binary, "fetch", "--json"], env=env).stdout)
    orders = json.loads(run([binary, "orders", "list", "--json"], env=env).stdout)
    return summary, orders


# --- the bundle --------------------------------------------------------------------------------

def test_bundle_ships_resources_translations_and_migrations_and_stays_lean(built: Build):
    data = built.bundle / "_internal"
    sources = sorted(p.stem for p in (ROOT / "resources" / "i18n").glob("*.ts"))
    assert sources and sorted(p.stem for p in (data / "resources" / "i18n").glob("*.qm")) == sources
    assert not list((data / "resources").rglob("*.ts")), "the bundle ships compiled translations only"
    for path in (ROOT / "resources").rglob("*"):  # everything else in resources/ as it is
        if path.is_file() and path.suffix not in (".ts", ".qm"):
            assert (data / path.relative_to(ROOT)).is_file(), path
    migrations = ROOT / "app" / "store" / "migrations"
    for script in [migrations / "env.py", *migrations.glob("versions/*.py")]:
        assert (data / script.relative_to(ROOT)).read_bytes() == script.read_bytes(), script

    plugins = data / "PySide6" / "Qt" / "plugins"
    present = {p.relative_to(plugins).as_posix() for p in plugins.rglob("*.so")}
    assert {"platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so"} <= present
    assert not {"platforms/libqvnc.so", "platforms/libqeglfs.so", "platformthemes/libqgtk3.so"} & present
    assert not list(data.rglob("libcairo*")), "the GTK theme's libraries were collected"
    assert not [p.name for p in data.rglob("libQt6*") if p.name.startswith(("libQt6Qml", "libQt6Quick", "libQt6Pdf",
                                                                          "libQt6WebEngine", "libQt6Multimedia"))]
    assert sorted(p.name for p in (data / "PySide6" / "Qt" / "translations").iterdir()) == ["qtbase_de.qm",
                                                                                           "qtbase_en.qm"]
    size = sum(p.stat().st_size for p in built.bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < 220e6, f"the bundle grew to {size / 1e6:.0f} MB"


def test_built_binary_reports_its_version(built: Build):
    assert run([built.binary, "--version"]).stdout.strip() == f"orderdesk {__version__}"


def test_built_binary_fetches_from_its_own_sandbox_headless(built: Build, sandbox: SandboxProcess, tmp_path: Path):
    home = tmp_path / "home"
    env = user_env(home)
    summary, orders = add_and_fetch(built.binary, env, sandbox)

    remote = truth(sandbox)
    assert summary["ok"] and summary["error"] is None and summary["new"] == len(remote) > 0
    assert {o["order_number"] for o in orders} == {o["orderNumber"] for o in remote.values()}
    assert (home / "orderdesk.db").is_file()  # the first start created and migrated the database
    assert (home / "credentials.cfg").is_file()  # the encrypted credential file, unlocked by the master key
    secret = sandbox.describe()["otto"]["credentials"]["client_secret"]
    assert all(secret.encode() not in p.read_bytes() for p in home.rglob("*") if p.is_file())


def start_desktop(binary: Path, env: dict[str, str], home: Path) -> str:
    """Starts the desktop app on an empty folder and returns its stderr once the database exists
    and the app still runs (waiting on the demo offer: nothing else can end or block it)."""
    log = home.parent / f"{home.name}.stderr"
    with open(log, "w", encoding="utf-8") as stderr:
        proc = subprocess.Popen([str(binary)], env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while not (home / "orderdesk.db").is_file() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # room to fail after the database was opened
        running = proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert running, f"the desktop app ended with exit status {proc.returncode}: {output}"
    assert (home / "orderdesk.db").is_file(), "the first start created no database"
    return output


def test_first_desktop_start_creates_the_database_in_german(built: Build, tmp_path: Path):
    def first_start(home: Path, **extra: str) -> str:
        home.mkdir()
        # German, whatever the machine's locale: the language saved in the Administration tab.
        (home / "orderdesk.ini").write_text("[ui]\nlanguage=de\n", encoding="utf-8")
        return start_desktop(built.binary, user_env(home, **extra), home)

    stderr = first_start(tmp_path / "home")
    assert "Traceback" not in stderr and "translation" not in stderr, stderr
    # The check above can fail: without the shipped .qm files the app says so on stderr.
    (tmp_path / "no-resources").mkdir()
    stderr = first_start(tmp_path / "bare", ORDERDESK_RESOURCES=str(tmp_path / "no-resources"))
    assert "no de translation available" in stderr


@pytest.fixture
def x_display() -> Iterator[str]:
    """A real X server (Xvfb, which CI installs), for the xcb platform and the X libraries the
    package depends on."""
    require(shutil.which("Xvfb") is not None, "Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as ready, selectors.DefaultSelector() as selector:
            selector.register(ready, selectors.EVENT_READ)
            number = ready.readline().strip() if selector.select(30) else ""  # written once it accepts clients
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def depends(deb: Path) -> list[str]:
    """The package names of the .deb's Depends field (without version constraints)."""
    field = run(["dpkg-deb", "--field", deb, "Depends"]).stdout
    return [entry.split()[0] for entry in field.replace("\n", " ").split(",") if entry.strip()]


def test_desktop_app_starts_on_a_real_x_display(built: Build, x_display: str, tmp_path: Path):
    """With the packages the .deb depends on installed, the desktop app runs on a real X display."""
    status = {name: run(["dpkg-query", "--show", "--showformat=${Status}", name], check=False).stdout
              for name in depends(built.deb)}
    missing = sorted(name for name, state in status.items() if state != "install ok installed")
    require(not missing, f"the package's dependencies are not installed: apt-get install {' '.join(missing)}")
    home = tmp_path / "home"
    home.mkdir()
    stderr = start_desktop(built.binary, user_env(home, DISPLAY=x_display, QT_QPA_PLATFORM="xcb"), home)
    assert "Traceback" not in stderr and "qt.qpa.plugin" not in stderr, stderr  # the xcb plugin loaded


# --- the .deb ----------------------------------------------------------------------------------

def test_deb_declares_package_dependencies_and_layout(built: Build):
    fields = {name: run(["dpkg-deb", "-f", built.deb, name]).stdout.strip()
              for name in ("Package", "Version", "Architecture", "Depends", "Installed-Size")}
    assert fields["Package"] == "orderdesk" and fields["Version"] == __version__
    assert fields["Architecture"] == run(["dpkg", "--print-architecture"]).stdout.strip()
    assert {"libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libglib2.0-0", "libdbus-1-3", "libxcb-cursor0",
            "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-render-util0", "libxcb-shape0",
            "libxkbcommon-x11-0"} <= set(depends(built.deb))
    assert int(fields["Installed-Size"]) * 1024 > 100e6

    listing = run(["dpkg-deb", "--contents", built.deb]).stdout.splitlines()
    entries = {line.split()[5]: line for line in listing}
    assert all(line.split()[1] == "root/root" for line in listing), "files must belong to root"
    assert entries["./usr/bin/orderdesk"].endswith("-> ../../opt/orderdesk/orderdesk")
    assert entries["./opt/orderdesk/orderdesk"].startswith("-rwxr-xr-x")
    for path in ("./usr/share/applications/orderdesk.desktop", "./usr/share/icons/hicolor/256x256/apps/orderdesk.png",
                 "./usr/share/icons/hicolor/48x48/apps/orderdesk.png", "./usr/share/doc/orderdesk/copyright"):
        assert path in entries
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(built.deb)], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(control)) as tar:
        members = {Path(name).name for name in tar.getnames()} - {""}
    # Maintainer scripts would run chrooted in a `dpkg --root` install; menus and icon caches
    # are refreshed by the triggers of desktop-file-utils and the icon themes instead.
    assert members == {"control"}


def dpkg_install(root: Path, deb: Path, as_user: list[str] = []) -> None:  # noqa: B006 - never mutated
    """Installs into a scratch root: works as root and as any user (--force-not-root); the
    libraries the package depends on are not in the scratch root (--force-depends)."""
    admin = root / "var" / "lib" / "dpkg"
    env = {**os.environ, "PATH": DPKG_PATH, "HOME": str(root.parent)}  # dpkg reads ~/.dpkg.cfg
    run([*as_user, "mkdir", "-p", admin / "info", admin / "updates", admin / "triggers"], env=env)
    run([*as_user, "touch", admin / "status"], env=env)
    run([*as_user, "dpkg", "--force-not-root", f"--root={root}", "--force-depends", "--log=/dev/null", "--install",
         deb], env=env)


def installed_version(root: Path) -> str:
    return run(["dpkg-query", f"--root={root}", "--show", "--showformat=${Version} ${Status}", "orderdesk"],
               env={**os.environ, "PATH": DPKG_PATH}).stdout


def test_deb_installs_with_dpkg_and_its_launcher_starts_from_anywhere(built: Build, tmp_path: Path):
    root = tmp_path / "root"
    dpkg_install(root, built.deb)
    assert installed_version(root) == f"{__version__} install ok installed"
    launcher = root / "usr" / "bin" / "orderdesk"
    assert launcher.is_symlink() and not os.readlink(launcher).startswith("/")
    # From another working directory, by its path in the scratch root, and through a further link.
    assert run([launcher, "--version"], cwd=Path("/")).stdout.strip() == f"orderdesk {__version__}"
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "orderdesk").symlink_to(launcher)
    assert run([tmp_path / "bin" / "orderdesk", "--version"], cwd=tmp_path).stdout.strip() == f"orderdesk {__version__}"
    desktop = (root / "usr" / "share" / "applications" / "orderdesk.desktop").read_text(encoding="utf-8")
    assert "\nExec=orderdesk\n" in desktop and "\nIcon=orderdesk\n" in desktop and "\nType=Application\n" in desktop
    assert (root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "orderdesk.png").read_bytes()[:8] == \
        b"\x89PNG\r\n\x1a\n"


def test_deb_installs_as_an_ordinary_user_too(built: Build):
    if os.geteuid() != 0:
        pytest.skip("this run is unprivileged: the test above installed as an ordinary user already")
    require(shutil.which("setpriv") is not None, "setpriv (util-linux) is needed to run dpkg as another user")
    nobody = pwd.getpwnam("nobody")
    as_nobody = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]
    # Not below pytest's temp folder: that one is readable by its owner only.
    with tempfile.TemporaryDirectory(prefix="orderdesk-deb-") as folder:
        scratch = Path(folder)
        shutil.copy(built.deb, scratch / built.deb.name)
        for path in (scratch, scratch / built.deb.name):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        root = scratch / "root"
        dpkg_install(root, scratch / built.deb.name, as_user=as_nobody)
        assert (root / "opt" / "orderdesk" / "orderdesk").stat().st_uid == nobody.pw_uid
        out = run([*as_nobody, root / "usr" / "bin" / "orderdesk", "--version"], cwd=Path("/")).stdout
        assert out.strip() == f"orderdesk {__version__}"


PROBE_MIGRATION = '''"""Only in the test's newer package: proves that an upgrade runs the migrations it brings."""
from alembic import op
import sqlalchemy as sa

revision = "upgrade_probe"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("installer_upgrade_probe", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("installer_upgrade_probe")
'''


def newer_package(deb: Path, work: Path) -> tuple[Path, str]:
    """The built package as a later version that brings one more migration."""
    from alembic.script import ScriptDirectory

    from app.store.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    tree = work / "newer"
    run(["dpkg-deb", "--raw-extract", deb, tree])
    version = f"{__version__}+upgradetest1"
    control = tree / "DEBIAN" / "control"
    control.write_text(control.read_text(encoding="utf-8").replace(f"Version: {__version__}\n", f"Version: {version}\n"),
                       encoding="utf-8")
    versions = tree / "opt" / "orderdesk" / "_internal" / "app" / "store" / "migrations" / "versions"
    (versions / "9999_upgrade_probe.py").write_text(PROBE_MIGRATION.format(head=head), encoding="utf-8")
    out = work / f"orderdesk_{version}.deb"
    run(["dpkg-deb", "--root-owner-group", "-Znone", "--build", tree, out])
    return out, version


def test_upgrade_over_an_older_version_runs_new_migrations_and_keeps_the_data(
        built: Build, sandbox: SandboxProcess, tmp_path: Path):
    root, home = tmp_path / "root", tmp_path / "home"
    launcher = root / "usr" / "bin" / "orderdesk"
    env = user_env(home)
    dpkg_install(root, built.deb)
    summary, before = add_and_fetch(launcher, env, sandbox)
    assert summary["ok"] and before

    newer, version = newer_package(built.deb, tmp_path)
    dpkg_install(root, newer)
    assert installed_version(root) == f"{version} install ok installed"

    after = json.loads(run([launcher, "orders", "list", "--json"], env=env).stdout)  # the first start migrates
    assert after == before
    assert [a["name"] for a in json.loads(run([launcher, "accounts", "list", "--json"], env=env).stdout)] == ["otto-nord"]
    with sqlite3.connect(home / "orderdesk.db") as db:
        assert db.execute("select version_num from alembic_version").fetchall() == [("upgrade_probe",)]
        assert db.execute("select count(*) from installer_upgrade_probe").fetchone() == (0,)
    db.close()


@pytest.fixture
def empty_pg(pg_database: str) -> str:
    """The session's PostgreSQL database with an empty schema: other tests leave data behind."""
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_database


@pytest.mark.postgres
def test_built_binary_migrates_a_shared_postgresql_database(built: Build, empty_pg: str, tmp_path: Path):
    """The PostgreSQL driver is chosen by the URL at run time, so the bundle must carry it anyway."""
    pg_database = empty_pg
    env = user_env(tmp_path / "home", ORDERDESK_DATABASE_URL=pg_database)
    assert json.loads(run([built.binary, "accounts", "list", "--json"], env=env).stdout) == []
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    from app.store.migrate import alembic_config

    engine = create_engine(pg_database)
    with engine.connect() as conn:
        revision = conn.execute(text("select version_num from alembic_version")).scalar_one()
    engine.dispose()
    assert revision == ScriptDirectory.from_config(alembic_config()).get_current_head()
