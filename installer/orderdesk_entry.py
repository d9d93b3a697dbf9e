"""Entry script of the frozen build: the same `orderdesk` command that `pip install` creates.

PyInstaller needs a script to start from; the console-script entry point of pyproject.toml
(`orderdesk = "app.cli.main:main"`) is not one.
"""

import sys

from app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
