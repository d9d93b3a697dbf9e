#!/usr/bin/env python3
"""Builds OrderDesk as a desktop application from this checkout.

    python installer/build.py              # the one-folder bundle: dist/orderdesk/orderdesk[.exe]
    python installer/build.py --package    # and the installer package:
                                           #   Linux:   dist/orderdesk_<version>_<arch>.deb (dpkg-deb)
                                           #   Windows: dist/OrderDesk-<version>-setup.exe (Inno Setup)

installer/build.sh does the same on Linux from a bare checkout (it creates .venv first).

The steps: the translations are compiled and the icons rendered into a staging folder,
PyInstaller runs installer/orderdesk.spec, the bundle must answer ``--version``, then the package
is made. Everything is written below --dist and --work (default: dist/ and build/ of the checkout,
both ignored by git); nothing else in the checkout is touched.

Reproducible: every build starts from empty work folders, PYTHONHASHSEED is fixed for
PyInstaller, and the package's file modes, owners (root) and times (SOURCE_DATE_EPOCH, default:
the time of the checkout's last commit) do not depend on the machine, its umask or the clock.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
if str(ROOT) not in sys.path:  # the build imports app.* (version, translations, icon drawing)
    sys.path.insert(0, str(ROOT))

PACKAGE = "orderdesk"
EXE_NAME = "orderdesk.exe" if sys.platform == "win32" else "orderdesk"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

# The Debian packages Qt needs (the list scripts/venv.sh and the README name): always, and for a
# real X display. Ubuntu's renamed libglib2.0-0t64 provides libglib2.0-0.
QT_PACKAGES = ("libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libglib2.0-0", "libdbus-1-3")
X11_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-render-util0",
                "libxcb-shape0", "libxkbcommon-x11-0")

DEB_COMPRESSIONS = ("zstd", "xz", "gzip", "none")


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


def app_version() -> str:
    from app import __version__

    return __version__


def source_date_epoch() -> int:
    """$SOURCE_DATE_EPOCH, else the time of the checkout's last commit, else 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return int(value)
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=30, check=True).stdout.strip()
        return int(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return 315_532_800  # a source tarball without git: any fixed time keeps builds comparable


def run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Runs a build tool with its output passed through; a failure names the step."""
    try:
        done = subprocess.run(command, env=env, check=False)
    except OSError as exc:
        raise BuildError(f"{what}: cannot run {command[0]} ({exc})") from None
    if done.returncode != 0:
        raise BuildError(f"{what} failed (exit status {done.returncode}): {' '.join(command)}")


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


# --- staging: what the spec bundles besides the code -------------------------------------------

def compile_translations(target: Path) -> list[Path]:
    """resources/i18n/*.ts -> target/*.qm with PySide6's lrelease. The bundle has no lrelease to
    compile them at start-up, as a checkout does (app/ui/i18n.py)."""
    from app.ui.i18n import compile_ts

    sources = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
    if not sources:
        raise BuildError(f"no translation sources in {ROOT / 'resources' / 'i18n'}")
    compiled = []
    for ts in sources:
        qm = target / ts.with_suffix(".qm").name
        try:
            compile_ts(ts, qm)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            raise BuildError(f"compiling the translation {ts.name} failed: {exc}") from None
        compiled.append(qm)
    return compiled


def render_icons(target: Path) -> dict[int, Path]:
    """The app icon as PNG files, drawn by app/ui/icons.py (the window icon's own code), so the
    desktop entry, the Start menu and the window show the same picture."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed to draw
    from PySide6.QtGui import QGuiApplication

    from app.ui.icons import pixmap

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # QPixmap needs one
    pngs = {}
    for size in ICON_SIZES:
        path = target / f"orderdesk-{size}.png"
        if not pixmap("app", size).save(str(path), "PNG"):
            raise BuildError(f"could not write the icon {path}")
        pngs[size] = path
    return pngs


def write_ico(path: Path, pngs: dict[int, Path]) -> None:
    """A Windows .ico holding every size as PNG (supported since Windows Vista), for the
    executable and the installer; Qt's own ICO writer stores only one size."""
    images = [(size, png.read_bytes()) for size, png in sorted(pngs.items())]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, blob in images:
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(blob), offset + len(data))
        data += blob
    path.write_bytes(header + entries + data)


def copy_resources(target: Path) -> None:
    """resources/ as the app reads it, with compiled translations in place of their sources."""
    shutil.copytree(ROOT / "resources", target, ignore=shutil.ignore_patterns("*.ts", "*.qm", "__pycache__"))
    (target / "i18n").mkdir(exist_ok=True)
    compile_translations(target / "i18n")


def prepare_staging(staging: Path) -> dict[int, Path]:
    fresh_dir(staging)
    copy_resources(staging / "resources")
    pngs = render_icons(fresh_dir(staging / "icons"))
    write_ico(staging / "orderdesk.ico", pngs)
    return pngs


# --- the bundle --------------------------------------------------------------------------------

def run_pyinstaller(dist: Path, work: Path, staging: Path, epoch: int) -> Path:
    env = {**os.environ, "ORDERDESK_BUILD_STAGING": str(staging), "PYTHONHASHSEED": "0",
           "SOURCE_DATE_EPOCH": str(epoch), "QT_QPA_PLATFORM": "offscreen"}
    # No --clean: the work folder is new for every build already, and PyInstaller's own cache
    # (stripped copies of libraries, keyed by their content) saves ~15 s per build.
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(INSTALLER / "orderdesk.spec")],
        "PyInstaller", env)
    bundle = dist / PACKAGE
    if not (bundle / EXE_NAME).is_file():
        raise BuildError(f"PyInstaller finished but {bundle / EXE_NAME} is missing")
    return bundle


def check_bundle(bundle: Path, version: str) -> None:
    """The built program must start and name its version before anything is packaged."""
    try:
        done = subprocess.run([str(bundle / EXE_NAME), "--version"], capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"the built program does not start: {exc}") from None
    if done.returncode != 0 or done.stdout.strip() != f"orderdesk {version}":
        raise BuildError(f"the built program answered --version with exit status {done.returncode}: "
                         f"{(done.stdout + done.stderr).strip()[-2000:]}")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# --- Linux: .deb -------------------------------------------------------------------------------

def package_installed(name: str) -> bool:
    for candidate in (name, f"{name}t64"):  # Ubuntu 24.04 renamed some libraries (libglib2.0-0t64)
        done = subprocess.run(["dpkg-query", "--show", "--showformat=${Status}", candidate],
                              capture_output=True, text=True, check=False)
        if done.stdout.strip() == "install ok installed":
            return True
    return False


def warn_about_missing_build_libraries() -> None:
    """PyInstaller copies the libraries Qt links from the build machine where they are installed
    (those the .deb depends on included); a machine without some builds a bundle without them,
    which then uses the system's copies. It works either way, but two such builds differ."""
    if shutil.which("dpkg-query") is None:
        return
    missing = [name for name in (*QT_PACKAGES, *X11_PACKAGES) if not package_installed(name)]
    if missing:
        print(f"build.py: warning: this machine lacks {', '.join(missing)}; the bundle will differ from a build "
              f"on a machine with them (apt-get install {' '.join(missing)})", file=sys.stderr, flush=True)


def deb_architecture() -> str:
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        machine = platform.machine().lower()
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def glibc_depends() -> list[str]:
    """The bundle carries its own Python and Qt but uses the system's C library: it needs at
    least the glibc it was built against."""
    name, _, glibc = (os.confstr("CS_GNU_LIBC_VERSION") or "").partition(" ")
    return [f"libc6 (>= {glibc})"] if name == "glibc" and glibc else []


def normalize_tree(root: Path, epoch: int) -> None:
    """Modes 0755/0644 (executable or not) and one time stamp, whatever umask and clock said."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        mode = path.stat().st_mode
        os.chmod(path, 0o755 if path.is_dir() or mode & 0o111 else 0o644)
        os.utime(path, (epoch, epoch))


def installed_size_kib(root: Path) -> int:
    """As dpkg-gencontrol counts it: KiB per file, rounded up, plus one per directory and link."""
    total = 0
    for path in root.rglob("*"):
        if path.is_symlink() or path.is_dir():
            total += 1
        else:
            total += (path.stat().st_size + 1023) // 1024
    return total


def stage_deb(bundle: Path, pngs: dict[int, Path], root: Path) -> None:
    """The installed layout: the bundle in /opt/orderdesk, the launcher on PATH, menu entry, icons."""
    fresh_dir(root)
    shutil.copytree(bundle, root / "opt" / PACKAGE, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Relative, so the launcher also works in a package unpacked below another root (dpkg --root).
    (bin_dir / PACKAGE).symlink_to(Path("..", "..", "opt", PACKAGE, PACKAGE))
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(INSTALLER / "linux" / "orderdesk.desktop", share / "applications" / "orderdesk.desktop")
    for size, png in pngs.items():
        icon_dir = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icon_dir.mkdir(parents=True)
        shutil.copy2(png, icon_dir / "orderdesk.png")
    (share / "doc" / PACKAGE).mkdir(parents=True)
    shutil.copy2(INSTALLER / "linux" / "copyright", share / "doc" / PACKAGE / "copyright")


def write_control(root: Path, version: str, arch: str) -> None:
    depends = [*glibc_depends(), *QT_PACKAGES, *X11_PACKAGES]
    template = Template((INSTALLER / "linux" / "control.in").read_text(encoding="utf-8"))
    control = template.substitute(
        version=version, arch=arch, installed_size=installed_size_kib(root), depends=", ".join(depends),
        maintainer=os.environ.get("ORDERDESK_DEB_MAINTAINER", "OrderDesk <orderdesk@localhost>"),
    )
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")


def build_deb(bundle: Path, pngs: dict[int, Path], dist: Path, work: Path, version: str, epoch: int,
              compression: str) -> Path:
    if shutil.which("dpkg-deb") is None:
        raise BuildError("dpkg-deb is needed for the .deb (Debian/Ubuntu: apt-get install dpkg)")
    root = work / "deb"
    stage_deb(bundle, pngs, root)
    arch = deb_architecture()
    write_control(root, version, arch)
    normalize_tree(root, epoch)
    out = dist / f"{PACKAGE}_{version}_{arch}.deb"
    out.unlink(missing_ok=True)
    # --root-owner-group: every file root:root without fakeroot or being root.
    run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(out)],
        "dpkg-deb", {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
    return out


# --- Windows: Inno Setup -----------------------------------------------------------------------

def find_iscc() -> Path:
    found = shutil.which("iscc")
    candidates = [Path(found)] if found else []
    for base in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        folder = os.environ.get(base)
        if folder:
            candidates += [Path(folder, "Inno Setup 6", "ISCC.exe"), Path(folder, "Programs", "Inno Setup 6", "ISCC.exe")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise BuildError("Inno Setup 6 (ISCC.exe) was not found: install it (choco install innosetup) or put it on PATH")


def build_inno(bundle: Path, staging: Path, dist: Path, version: str) -> Path:
    run([str(find_iscc()), "/Q", f"/DAppVersion={version}", f"/DBundleDir={bundle}", f"/DPackageDir={dist}",
         f"/DIconFile={staging / 'orderdesk.ico'}", str(INSTALLER / "windows" / "orderdesk.iss")], "Inno Setup")
    out = dist / f"OrderDesk-{version}-setup.exe"
    if not out.is_file():
        raise BuildError(f"Inno Setup finished but {out} is missing")
    return out


# --- main --------------------------------------------------------------------------------------

def build(dist: Path, work: Path, package: bool, compression: str) -> tuple[Path, Path | None]:
    version = app_version()
    epoch = source_date_epoch()
    dist.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if sys.platform.startswith("linux"):
        warn_about_missing_build_libraries()
    staging = work / "staging"
    pngs = prepare_staging(staging)
    bundle = run_pyinstaller(dist, fresh_dir(work / "pyinstaller"), staging, epoch)
    check_bundle(bundle, version)
    print(f"bundle: {bundle} ({folder_size(bundle) / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s", flush=True)
    if not package:
        return bundle, None
    started = time.monotonic()
    if sys.platform.startswith("linux"):
        out = build_deb(bundle, pngs, dist, work, version, epoch, compression)
    elif sys.platform == "win32":
        out = build_inno(bundle, staging, dist, version)
    else:
        raise BuildError(f"no installer package is defined for {sys.platform}")
    print(f"package: {out} ({out.stat().st_size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s", flush=True)
    return bundle, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the OrderDesk bundle and installer package.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="work folder (default: build/)")
    parser.add_argument("--package", action="store_true",
                        help="also build the installer: .deb on Linux, Inno Setup .exe on Windows")
    # zstd: packed in seconds, and every dpkg that can run this build (glibc >= 2.36: Debian 12,
    # Ubuntu 22.10 and newer) unpacks it. xz is a quarter smaller but takes ~50 times as long.
    parser.add_argument("--deb-compression", choices=DEB_COMPRESSIONS, default="zstd",
                        help="compression of the .deb (default: zstd; xz is smaller and much slower)")
    args = parser.parse_args(argv)
    try:
        build(args.dist.resolve(), args.work.resolve(), args.package, args.deb_compression)
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
