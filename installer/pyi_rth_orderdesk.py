# PyInstaller run-time hook (runs before the app): on Linux the bootloader puts the bundle's
# library folder first on LD_LIBRARY_PATH. This process has already resolved its libraries with
# it (the dynamic loader reads the variable once, at start), but programs the app starts (a file
# manager or browser through xdg-open) would load the bundle's copies instead of their own.
# Give them the environment the user started OrderDesk with.
import os
import sys

if sys.platform.startswith("linux"):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)
