"""Bulk INSERT straight through the database driver's executemany.

The import path writes hundreds of thousands of rows; SQLAlchemy's per-row parameter
processing costs more than the inserts themselves (measured: ~2 s per 20k orders). Rows
arrive here as tuples in column order, with datetimes rendered exactly as SQLAlchemy would
store them, so everything read back through SQLAlchemy compares and sorts correctly.

On SQLite the rows go in as multi-row `INSERT ... VALUES (...), (...)` statements, a few hundred
rows each: `executemany` steps the statement once per row, and every step gives up the GIL and
takes it back, which costs more than the insert itself while the fetch maps the next page in
another thread (measured: ~40 % of SQLite's time for a page's lines and addresses).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Connection, Table

from app.store.schema import UTCDateTime

# SQLite's default limit of bound variables per statement since 3.32 (999 before; the project
# needs a newer one anyway for the RETURNING clause, 3.35).
MAX_VARIABLES = 32_766


def _sqlite_datetime(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format: "YYYY-MM-DD HH:MM:SS.ffffff", naive UTC.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # drops the "+00:00"


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


class BulkInsert:
    def __init__(self, table: Table, columns: Sequence[str], *, on_conflict_do_nothing: Sequence[str] = ()) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.conflict = tuple(on_conflict_do_nothing)
        self._datetime_positions = [i for i, c in enumerate(self.columns) if isinstance(table.c[c].type, UTCDateTime)]

    def _sql(self, conn: Connection) -> tuple[str, Callable[[datetime | None], Any]]:
        sqlite = conn.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"
        sql = (f"INSERT INTO {self.table.name} ({', '.join(self.columns)}) "
               f"VALUES ({', '.join([mark] * len(self.columns))})")
        if self.conflict:
            sql += f" ON CONFLICT ({', '.join(self.conflict)}) DO NOTHING"
        return sql, _sqlite_datetime if sqlite else _naive_utc

    def _convert(self, conn: Connection, rows: list[tuple]) -> list:
        if not self._datetime_positions:
            return rows
        convert = _sqlite_datetime if conn.dialect.name == "sqlite" else _naive_utc
        positions = self._datetime_positions
        # The rows of a page share most of their stamps (fetched_at, updated_at: the same "now"
        # object), so each distinct object is converted once. Keyed by identity: the rows keep
        # every value alive, and equal datetimes are not always the same instant (fold).
        done: dict[int, Any] = {}
        out = []
        for row in rows:
            values = list(row)
            for i in positions:
                value = values[i]
                if value is not None:
                    key = id(value)
                    text = done.get(key)
                    if text is None:
                        text = done[key] = convert(value)
                    values[i] = text
            out.append(tuple(values))
        return out

    def _multi_row(self, conn: Connection, rows: list, chunk: int, returning: Sequence[str] = ()) -> Iterator[Any]:
        """Multi-row INSERTs of at most `chunk` rows (and SQLite's variable limit) each; yields
        each statement's cursor result."""
        sql_base, _ = self._sql(conn)
        head, values = sql_base.split(" VALUES ", 1)
        tail = ""
        if self.conflict:
            values, tail = values.split(" ON CONFLICT ", 1)
            tail = " ON CONFLICT " + tail
        if returning:
            tail += f" RETURNING {', '.join(returning)}"
        chunk = max(1, min(chunk, MAX_VARIABLES // len(self.columns)))
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            sql = f"{head} VALUES {', '.join([values] * len(part))}{tail}"
            yield conn.exec_driver_sql(sql, tuple([v for row in part for v in row]))

    def returning(self, conn: Connection, rows: list[tuple], columns: Sequence[str], chunk: int = 500) -> list[Any]:
        """Multi-row INSERT ... RETURNING: only the rows the database inserted come back
        (with ON CONFLICT DO NOTHING, a row another writer inserted first is skipped)."""
        out: list[Any] = []
        for result in self._multi_row(conn, self._convert(conn, rows), chunk, columns):
            out.extend(result.all())
        return out

    def run(self, conn: Connection, rows: list[tuple], chunk: int = 500) -> int:
        """Insert; returns how many rows the database actually inserted."""
        if not rows:
            return 0
        if conn.dialect.name == "sqlite":
            return sum(max(0, result.rowcount) for result in self._multi_row(conn, self._convert(conn, rows), chunk))
        sql, _ = self._sql(conn)
        result = conn.exec_driver_sql(sql, self._convert(conn, rows))
        return max(0, result.rowcount)
