# Sourced by run-demo.sh and run-tests.sh: creates .venv when missing, installs the project
# into it when pyproject.toml changed, and checks that Qt can load its system libraries.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
EXTRAS="${1:-}"

if ! command -v python3 >/dev/null; then
  echo "OrderDesk needs python3 (3.11 or newer): sudo apt-get install python3 python3-venv" >&2; exit 1
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "OrderDesk needs Python 3.11 or newer; this is $(python3 --version)." >&2; exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating the virtual environment in $VENV ..."
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    echo "python3 cannot create virtual environments here. Install it with:" >&2
    echo "  sudo apt-get install python3-venv" >&2
    exit 1
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
# Reinstall only when pyproject.toml changed; an install with the test extras also serves the app.
HASH="$(sha1sum "$ROOT/pyproject.toml" | cut -c1-12)"
STAMP="$VENV/.installed-$HASH$EXTRAS"
if [ ! -f "$STAMP" ] && ! { [ -z "$EXTRAS" ] && compgen -G "$VENV/.installed-$HASH*" >/dev/null; }; then
  echo "Installing OrderDesk and its dependencies ..."
  if ! "$VENV/bin/python" -m pip install --quiet -e "$ROOT$EXTRAS" >"$VENV/install.log" 2>&1; then
    cat "$VENV/install.log" >&2
    echo "Installing the dependencies failed (see above; the log is in $VENV/install.log)." >&2
    exit 1
  fi
  find "$VENV" -maxdepth 1 -name '.installed-*' ! -name ".installed-$HASH*" -delete
  touch "$STAMP"
fi

# Qt needs a few system libraries; name the missing Debian/Ubuntu packages plainly.
qt_missing() {
  local libdir; libdir="$("$VENV/bin/python" -c 'import PySide6, os; print(os.path.dirname(PySide6.__file__))')"
  local -A pkg=([libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libxkbcommon.so.0]=libxkbcommon0
    [libfontconfig.so.1]=libfontconfig1 [libglib-2.0.so.0]=libglib2.0-0 [libdbus-1.so.3]=libdbus-1-3)
  local missing=()
  for lib in "${!pkg[@]}"; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${pkg[$lib]}")
  done
  if [ -n "${DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
    local -A xpkg=([libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-image.so.0]=libxcb-image0
      [libxcb-keysyms.so.1]=libxcb-keysyms1 [libxcb-render-util.so.0]=libxcb-render-util0 [libxcb-shape.so.0]=libxcb-shape0
      [libxkbcommon-x11.so.0]=libxkbcommon-x11-0)
    for lib in "${!xpkg[@]}"; do
      ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("${xpkg[$lib]}")
    done
  fi
  echo "${missing[@]}"
}
QT_MISSING="$(qt_missing)"
if [ -n "$QT_MISSING" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing the system libraries Qt needs: $QT_MISSING"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $QT_MISSING >/dev/null
  else
    echo "Qt cannot start: these system libraries are missing. Install them with:" >&2
    echo "  sudo apt-get install $QT_MISSING" >&2
    exit 1
  fi
fi
