"""A table model over row ids: one SQL query for the sorted, filtered id list, rows on demand.

Why ids: 100 000 orders are 100 000 integers in memory, not 100 000 rows of text. The view
only asks for the rows it paints; those are read in blocks of ``BLOCK`` by primary key and
cached. Filtering and sorting happen in SQL, so the database's indexes do the work.

A refresh diffs the new id list against the shown one and emits row removals, insertions
and a layout change, so the selection and scroll position survive a background refresh. The
diff is worked out on the worker thread next to the query: over a million ids it takes
hundreds of milliseconds, which the GUI thread must not spend (bench/ui_responsiveness.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from sqlalchemy import Engine, Select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from app.ui.db_worker import DbWorker

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # source text, translated by the model
    sort: ColumnElement[Any] | None = None  # None: not sortable
    align_right: bool = False


@dataclass(frozen=True)
class IdDiff:
    """From the shown id list (as of model generation ``base``) to a new one."""

    base: int
    same: bool
    removed: list[tuple[int, int]]  # runs of shown rows that are gone, ascending
    added: list[int]  # new ids, appended after the removals
    reorder: bool  # after removals and additions the order still differs


@dataclass(frozen=True)
class IdList:
    ids: list[int]
    version: object  # changes when any shown row may have changed
    diff: IdDiff | None = None


class LazySqlModel(QAbstractTableModel):
    """Subclasses name their columns and write three queries; paging and diffing live here."""

    BLOCK = 200
    CACHE_LIMIT = 20_000
    MAX_DIFF_RUNS = 200  # beyond this many separate removals a reset is cheaper for the view

    refreshed = Signal(bool)  # after each applied id list (sync or async); True if anything changed
    failed = Signal(str)

    columns: Sequence[Column] = ()
    id_column: ColumnElement[Any]

    def __init__(self, engine: Engine, worker: DbWorker | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.worker = worker
        self._ids: list[int] = []
        self._generation = 0  # counts changes of _ids; a diff made against another one is stale
        self._version: object = None
        self._cache: dict[int, Any] = {}
        self._sort_column = self.default_sort()[0]
        self._sort_order = self.default_sort()[1]
        self.block_loads = 0  # read by tests and the status bar; counts SQL block reads

    # --- to override -------------------------------------------------------------------
    def default_sort(self) -> tuple[int, Qt.SortOrder]:
        return 0, Qt.SortOrder.AscendingOrder

    def id_query(self) -> Select[Any]:
        """SELECT <id> FROM ... WHERE <filters>, without ORDER BY."""
        raise NotImplementedError

    def rows_query(self, ids: list[int]) -> Select[Any]:
        """The full rows for ``ids``; each result row must have an ``id`` attribute."""
        raise NotImplementedError

    def version_query(self) -> Select[Any] | None:
        """A cheap aggregate that changes when rows change (e.g. max(updated_at))."""
        return None

    def cell(self, row: Any, key: str, role: int) -> Any:
        raise NotImplementedError

    # --- id list -----------------------------------------------------------------------
    def _ordered(self) -> Select[Any]:
        stmt = self.id_query()
        column = self.columns[self._sort_column] if 0 <= self._sort_column < len(self.columns) else None
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        keys = []
        if column is not None and column.sort is not None:
            keys.append((column.sort.desc() if descending else column.sort.asc()).nulls_last())
        keys.append(self.id_column.desc() if descending else self.id_column.asc())
        return stmt.order_by(*keys)

    def _job(self, *, diff: bool = True):  # type: ignore[no-untyped-def]
        """The query as a closure built on the GUI thread, safe to run on the worker."""
        stmt, version_stmt, engine = self._ordered(), self.version_query(), self.engine
        # A copy (a few ms for a million ids): the GUI thread may change _ids meanwhile.
        shown, base = (list(self._ids), self._generation) if diff else (None, 0)
        max_runs = self.MAX_DIFF_RUNS

        def run() -> IdList:
            with engine.connect() as conn:
                result = conn.execute(stmt)  # SQLAlchemy binds the parameters ...
                # ... the ids come straight from the driver's cursor: a Row object per id costs
                # about half a second per million ids (bench/ui_responsiveness.py).
                ids = [row[0] for row in result.cursor]
                result.close()
                version = tuple(conn.execute(version_stmt).one()) if version_stmt is not None else None
            return IdList(ids, version, _diff(shown, ids, base, max_runs) if shown is not None else None)

        return run

    def reload(self) -> None:
        """Synchronous full reload; used at start and by tests."""
        self._apply(self._job(diff=False)(), reset=True)

    def refresh(self, *, reset: bool = False) -> None:
        """Re-read the id list in the background (synchronously without a worker)."""
        job = self._job(diff=not reset)
        if self.worker is None:
            self._apply(job(), reset=reset)
            return
        self.worker.submit(job, lambda result: self._apply(result, reset=reset), self.failed.emit,
                           key=f"model-{id(self)}")

    def _apply(self, result: IdList, *, reset: bool) -> None:
        ids = result.ids
        if reset:
            self.beginResetModel()
            self._ids = list(ids)
            self._generation += 1
            self._cache.clear()
            self._version = result.version
            self.endResetModel()
            self.refreshed.emit(True)
            return
        diff = result.diff
        if diff is None or diff.base != self._generation:  # stale or none: work it out here
            diff = _diff(self._ids, ids, self._generation, self.MAX_DIFF_RUNS)
        if diff.same:
            changed = result.version != self._version
            if changed:
                self._version = result.version
                self._invalidate_rows()
            self.refreshed.emit(changed)
            return
        if len(diff.removed) > self.MAX_DIFF_RUNS:
            self._apply(result, reset=True)
            return
        self._generation += 1
        for first, last in reversed(diff.removed):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first:last + 1]
            self.endRemoveRows()
        if diff.added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(diff.added) - 1)
            self._ids.extend(diff.added)
            self.endInsertRows()
        if diff.reorder:
            self._move_to(ids)
        self._version = result.version
        self._invalidate_rows()
        self.refreshed.emit(True)

    def _move_to(self, ids: list[int]) -> None:
        """Same ids, new order: a layout change that carries selections along."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        # Only the few rows with persistent indexes (selection, current) need their new row;
        # list.index scans in C, far cheaper than a dict over a million ids.
        new_row = {oid: ids.index(oid) for oid in {self._ids[ix.row()] for ix in old if ix.isValid()}}
        moved = [self.index(new_row[self._ids[ix.row()]], ix.column()) if ix.isValid() else QModelIndex() for ix in old]
        self._ids = list(ids)
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def _invalidate_rows(self) -> None:
        self._cache.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))

    def invalidate_column(self, key: str) -> None:
        """Repaint one column, e.g. an age that grows with the clock; no SQL involved."""
        col = next((i for i, c in enumerate(self.columns) if c.key == key), -1)
        if col >= 0 and self._ids:
            last = self.index(len(self._ids) - 1, col)
            self.dataChanged.emit(self.index(0, col), last, [Qt.ItemDataRole.DisplayRole])

    # --- rows --------------------------------------------------------------------------
    def _row(self, row: int) -> Any:
        oid = self._ids[row]
        if oid not in self._cache:
            self._load_block(row)
        return self._cache.get(oid)

    def _load_block(self, row: int) -> None:
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
        start = row - row % self.BLOCK
        wanted = [oid for oid in self._ids[start:start + self.BLOCK] if oid not in self._cache]
        try:
            with self.engine.connect() as conn:
                found = {r.id: r for r in conn.execute(self.rows_query(wanted))}
        except SQLAlchemyError as exc:
            # Painting must not raise (it would raise again on every repaint): show the rows
            # empty, say why once, and let the next refresh try again.
            log.warning("could not read rows: %s", exc)
            found = {}
            self.failed.emit(f"{type(exc).__name__}: {str(exc)[:200]}")
        self.block_loads += 1
        for oid in wanted:
            self._cache[oid] = found.get(oid)  # None: deleted meanwhile; the next refresh drops it

    def cached_rows(self) -> int:
        return len(self._cache)

    def row_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, oid: int) -> int:
        try:
            return self._ids.index(oid)
        except ValueError:
            return -1

    def ids(self) -> list[int]:
        return list(self._ids)

    # --- Qt model interface ------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.tr(self.columns[section].title)
            if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (index.isValid() and 0 <= index.row() < len(self._ids) and 0 <= index.column() < len(self.columns)):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        return self.cell(row, column.key, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)) or self.columns[column].sort is None:
            return
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self.refresh()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order


def _diff(shown: list[int], ids: list[int], base: int, max_runs: int) -> IdDiff:
    """Removals, then additions at the end, then a reorder if still needed; runs anywhere."""
    if ids == shown:
        return IdDiff(base, True, [], [], False)
    keep = set(ids)
    runs = _runs([row for row, oid in enumerate(shown) if oid not in keep])
    if len(runs) > max_runs:  # the model resets instead
        return IdDiff(base, False, runs, [], False)
    remaining = [oid for oid in shown if oid in keep] if runs else shown
    have = set(remaining)
    added = [oid for oid in ids if oid not in have]
    reorder = (remaining + added if added else remaining) != ids
    return IdDiff(base, False, runs, added, reorder)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 8] -> [(1, 3), (7, 8)]"""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
