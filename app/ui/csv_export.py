"""The one CSV writer behind "Export CSV…" in the log box and the payment receipts.

Format choice, on purpose: the clerks open these files in a German Excel by double-click.
* UTF-8 *with* BOM ("utf-8-sig"): without the BOM Excel guesses a Windows code page and
  umlauts (Müller, Größe) come out garbled.
* Semicolon as separator: German Excel uses ";" as list separator, because "," is the
  decimal comma there; a comma-separated file would land in one column.
* Amounts are plain decimal strings with a dot ("19.99", "-5.00"), exactly as
  ``app.domain.money.format_minor`` writes them, so the files stay machine-readable and
  identical whatever the desk's locale is (no float is ever involved).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

ENCODING = "utf-8-sig"
DELIMITER = ";"


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Writes ``header`` and then ``rows`` as they come (a generator streams); returns the row count."""
    count = 0
    with open(path, "w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def ask_csv_path(parent: QWidget | None, title: str, suggested_name: str) -> str | None:
    """The save dialog for a CSV file; None when the user cancelled. Adds ".csv" when missing."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, title, suggested_name,
        QCoreApplication.translate("CsvExport", "CSV files (*.csv);;All files (*)"))
    if not path:
        return None
    if not Path(path).suffix:
        path += ".csv"
    return path
