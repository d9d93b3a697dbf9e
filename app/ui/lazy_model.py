"""A table model over row ids: rows are read from SQL on demand, in blocks, and cached.

Filtering and sorting happen in SQL, so the database's indexes do the work. The model has two
ways to know which id is in which row:

- **list mode** (results up to ``LIST_LIMIT`` rows, or a sort key without an index): the whole
  sorted, filtered id list is read once (100 000 ids are 100 000 integers, not 100 000 rows of
  text); a refresh diffs the new list against the shown one and emits row removals, insertions
  and a layout change, so the selection and scroll position survive a background refresh.
- **window mode** (larger results sorted by a column that has an index ending in the id, see
  ``Column.indexed``): only the row count is read, and the ids of a block of ``BLOCK`` rows
  come with the block, by ``ORDER BY key, id LIMIT … OFFSET …`` through that index (from the
  nearer end, so the last rows are as cheap as the first). Sorting or searching a million
  orders then costs a count and one block instead of a million ids (bench/ui_responsiveness.py).
  The count's snapshot bound (the largest id then) keeps blocks read later consistent with it
  while new orders arrive. A refresh or a sort is a layout change whose persistent indexes (the
  selection, the current row) are moved to their rows' new positions, which the worker thread
  looks up in SQL (``COUNT(*)`` of the rows before it in the index order).

All queries that can take long (the id list, the count, positions) run on the DB worker; only
block reads (a few ms each) run on the GUI thread while painting. A refresh also reads, on the
worker, the rows of the blocks painted last (the ones on screen), so repainting the same place
after a background refresh costs the GUI thread no SQL: during a fetch two busy threads compete
for the GIL and the CPU, and that block read was where the GUI thread sat in most stalls after
a refresh (bench/ui_responsiveness.py --diagnose).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from sqlalchemy import Connection, Engine, Select, func, literal, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from app.ui.db_worker import DbWorker

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

# Qt's enum members are looked up through Python attributes (about 1 µs each); data() runs some
# thousand times per paint, so it compares against these plain ints instead.
_R = Qt.ItemDataRole
DISPLAY, TOOLTIP, DECORATION, FOREGROUND, BACKGROUND, FONT, ALIGNMENT, USER = (
    _R.DisplayRole.value, _R.ToolTipRole.value, _R.DecorationRole.value, _R.ForegroundRole.value,
    _R.BackgroundRole.value, _R.FontRole.value, _R.TextAlignmentRole.value, _R.UserRole.value)
_CELL_ROLES = frozenset((DISPLAY, TOOLTIP, DECORATION, FOREGROUND, BACKGROUND, FONT))
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # source text, translated by the model
    sort: ColumnElement[Any] | None = None  # None: not sortable
    align_right: bool = False
    # The id query's table has an index on (sort, id) and the sort column is NOT NULL: a big
    # result sorted by it is read block by block through the index (window mode).
    indexed: bool = False


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
    """What the worker read: the whole id list (list mode) or a count and the first block."""

    ids: list[int] | None  # None: window mode
    version: object  # changes when any shown row may have changed
    diff: IdDiff | None = None
    count: int = 0  # window mode: rows in the result
    bound: int | None = None  # window mode: the largest id when counted; later rows are not shown
    first: list[int] = field(default_factory=list)  # window mode: the ids of the first block
    positions: dict[int, int] = field(default_factory=dict)  # id -> row for the persistent indexes' ids
    plan: _Plan | None = None  # window mode: the statements the rows were counted with
    blocks: dict[int, list[int]] = field(default_factory=dict)  # window mode: ids of the hot blocks
    rows: dict[int, Any] = field(default_factory=dict)  # id -> row, of the hot blocks, read with the ids


@dataclass(frozen=True, eq=False)
class _Plan:
    """The statements of one filter and sort, built on the GUI thread, used on either thread."""

    query: Select[Any]  # SELECT id ... WHERE filters, unordered
    id_column: ColumnElement[Any]
    sort: ColumnElement[Any] | None
    descending: bool
    block: int

    def ordered(self, stmt: Select[Any] | None = None, *, reverse: bool = False) -> Select[Any]:
        stmt = self.query if stmt is None else stmt
        descending = self.descending != reverse
        keys = []
        if self.sort is not None:
            key = self.sort.desc() if descending else self.sort.asc()
            # NULLS LAST only where NULLs can occur: on a NOT NULL column it would keep SQLite
            # (NULLs first in its indexes) and PostgreSQL from reading the order off the index.
            if getattr(self.sort, "nullable", True):
                key = key.nulls_first() if reverse else key.nulls_last()
            keys.append(key)
        keys.append(self.id_column.desc() if descending else self.id_column.asc())
        return stmt.order_by(*keys)

    def bounded(self, bound: int | None) -> Select[Any]:
        return self.query if bound is None else self.query.where(self.id_column <= bound)

    def block_ids(self, conn: Connection, window: "_Window", number: int) -> list[int]:
        """The ids of one block, through the sort index from whichever end is nearer."""
        start = number * self.block
        end = min(start + self.block, window.count)
        if start >= end:
            return []
        stmt = self.bounded(window.bound)
        if start > window.count - end:  # nearer the end: read backwards
            rows = conn.execute(self.ordered(stmt, reverse=True).limit(end - start).offset(window.count - end))
            ids = [r[0] for r in rows]
            ids.reverse()
            return ids
        return [r[0] for r in conn.execute(self.ordered(stmt).limit(end - start).offset(start))]

    def locate(self, conn: Connection, window: "_Window", oid: int) -> int:
        """Row of ``oid`` in window mode: how many rows precede it in the index order; -1: not shown."""
        assert self.sort is not None
        if window.bound is not None and oid > window.bound:
            return -1
        stmt = self.bounded(window.bound)
        value = conn.execute(stmt.with_only_columns(self.sort, maintain_column_froms=True)
                             .where(self.id_column == oid)).first()
        if value is None:
            return -1
        key = tuple_(self.sort, self.id_column)
        mark = tuple_(literal(value[0], self.sort.type), literal(oid, self.id_column.type))
        before = key > mark if self.descending else key < mark
        return int(conn.execute(stmt.where(before).with_only_columns(func.count(), maintain_column_froms=True))
                   .scalar_one())

    def contains(self, conn: Connection, window: "_Window", oid: int) -> bool:
        if window.bound is not None and oid > window.bound:
            return False
        return conn.execute(self.bounded(window.bound).where(self.id_column == oid)).first() is not None


@dataclass
class _Window:
    plan: _Plan
    count: int
    bound: int | None
    blocks: dict[int, list[int]]  # block number -> ids of its rows


class LazySqlModel(QAbstractTableModel):
    """Subclasses name their columns and write three queries; paging and diffing live here."""

    BLOCK = 200
    CACHE_LIMIT = 20_000
    MAX_DIFF_RUNS = 200  # beyond this many separate removals a reset is cheaper for the view
    LIST_LIMIT = 50_000  # larger results sorted by an indexed column are windowed
    HOT_BLOCKS = 2  # blocks painted last whose rows a refresh reads on the worker (a screenful)

    refreshed = Signal(bool)  # after each applied id list (sync or async); True if anything changed
    failed = Signal(str)

    columns: Sequence[Column] = ()
    id_column: ColumnElement[Any]

    def __init__(self, engine: Engine, worker: DbWorker | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.worker = worker
        self._ids: list[int] | None = []
        self._window: _Window | None = None
        self._generation = 0  # counts changes of the rows; a diff made against another one is stale
        self._version: object = None
        self._cache: dict[int, Any] = {}
        self._sort_column = self.default_sort()[0]
        self._sort_order = self.default_sort()[1]
        self._hot: list[int] = []  # numbers of the blocks read last for painting, newest last
        self.block_loads = 0  # read by tests and the status bar; counts SQL block reads on the GUI thread

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

    def list_query(self, stmt: Select[Any]) -> Select[Any]:
        """The statement that reads the whole id list (list mode); a place for planner hints."""
        return stmt

    def cell(self, row: Any, key: str, role: int) -> Any:
        raise NotImplementedError

    # --- queries -----------------------------------------------------------------------
    def _sort_key(self) -> Column | None:
        column = self.columns[self._sort_column] if 0 <= self._sort_column < len(self.columns) else None
        return column if column is not None and column.sort is not None else None

    def _plan(self) -> _Plan:
        column = self._sort_key()
        return _Plan(self.id_query(), self.id_column, column.sort if column is not None else None,
                     self._sort_order == Qt.SortOrder.DescendingOrder, self.BLOCK)

    def _ordered(self) -> Select[Any]:
        return self._plan().ordered()

    def _windowable(self) -> bool:
        column = self._sort_key()
        return column is not None and column.indexed

    def _job(self, *, diff: bool = True, prefetch: bool = False):  # type: ignore[no-untyped-def]
        """The query as a closure built on the GUI thread, safe to run on the worker.

        With ``prefetch`` (the job runs on the worker) it also reads the rows the view will
        paint next: after a reset (``diff=False``: a new filter, the view starts at the top)
        the first block's, otherwise those of the blocks painted last.
        """
        plan = self._plan()
        list_stmt, version_stmt, engine = self.list_query(plan.ordered()), self.version_query(), self.engine
        windowable, limit, block = self._windowable(), self.LIST_LIMIT, self.BLOCK
        count_stmt = plan.query.with_only_columns(func.count(), maintain_column_froms=True)
        max_stmt = plan.query.with_only_columns(func.max(self.id_column), maintain_column_froms=True)
        # The rows that persistent indexes (selection, current row) point at: their new rows
        # are looked up next to the query, not on the GUI thread.
        wanted = self._persistent_ids() if diff else []
        shown = list(self._ids) if diff and self._ids is not None else None  # a copy: _ids may change meanwhile
        base, max_runs = self._generation, self.MAX_DIFF_RUNS
        hot = (sorted(set(self._hot)) if diff else [0]) if prefetch else []
        rows_query = self.rows_query

        def read_rows(conn: Connection, ids: list[int]) -> dict[int, Any]:
            return {r.id: r for r in conn.execute(rows_query(ids))} if ids else {}

        def run() -> IdList:
            with engine.connect() as conn:
                version = tuple(conn.execute(version_stmt).one()) if version_stmt is not None else None
                if windowable:
                    count = conn.execute(count_stmt).scalar_one()
                    if count > limit:
                        bound = conn.execute(max_stmt).scalar()
                        window = _Window(plan, count, bound, {})
                        first = plan.block_ids(conn, window, 0)
                        positions = {oid: plan.locate(conn, window, oid) for oid in wanted}
                        blocks = {n: first if n == 0 else plan.block_ids(conn, window, n) for n in hot}
                        rows = read_rows(conn, [oid for ids in blocks.values() for oid in ids])
                        return IdList(None, version, None, count, bound, first, positions, plan, blocks, rows)
                result = conn.execute(list_stmt)  # SQLAlchemy binds the parameters ...
                # ... the ids come straight from the driver's cursor: a Row object per id costs
                # about half a second per million ids (bench/ui_responsiveness.py).
                ids = [row[0] for row in result.cursor]
                result.close()
                # After the result is applied, block n holds ids[n * block:(n + 1) * block].
                rows = read_rows(conn, [oid for n in hot for oid in ids[n * block:(n + 1) * block]])
            if shown is not None:
                return IdList(ids, version, _diff(shown, ids, base, max_runs), rows=rows)
            positions: dict[int, int] = {}
            if wanted:
                look = set(wanted)
                where = {oid: row for row, oid in enumerate(ids) if oid in look}
                positions = {oid: where.get(oid, -1) for oid in wanted}
            return IdList(ids, version, None, positions=positions, rows=rows)

        return run

    def reload(self) -> None:
        """Synchronous full reload; used at start and by tests."""
        self._apply(self._job(diff=False)(), reset=True)

    def refresh(self, *, reset: bool = False) -> None:
        """Re-read the id list in the background (synchronously without a worker)."""
        job = self._job(diff=not reset, prefetch=self.worker is not None)
        if self.worker is None:
            self._apply(job(), reset=reset)
            return
        self.worker.submit(job, lambda result: self._apply(result, reset=reset), self.failed.emit,
                           key=f"model-{id(self)}")

    # --- applying a result -------------------------------------------------------------
    def _install(self, result: IdList) -> None:
        self._generation += 1
        self._cache.clear()
        self._version = result.version
        if result.ids is not None:
            self._ids, self._window = list(result.ids), None
        else:
            assert result.plan is not None
            blocks = {n: list(ids) for n, ids in result.blocks.items()}
            blocks[0] = list(result.first)
            self._ids, self._window = None, _Window(result.plan, result.count, result.bound, blocks)
        self._cache.update(result.rows)

    def _apply(self, result: IdList, *, reset: bool) -> None:
        if reset:
            self.beginResetModel()
            self._install(result)
            self._hot = [0]  # a view shows a reset model from the top
            self.endResetModel()
            self.refreshed.emit(True)
            return
        if result.ids is None or self._ids is None:
            self._apply_window(result)
            return
        ids = result.ids
        diff = result.diff
        if diff is None or diff.base != self._generation:  # stale or none: work it out here
            diff = _diff(self._ids, ids, self._generation, self.MAX_DIFF_RUNS)
        if diff.same:
            changed = result.version != self._version
            if changed:
                self._version = result.version
                self._invalidate_rows(result.rows)
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
        self._invalidate_rows(result.rows)
        self.refreshed.emit(True)

    def _apply_window(self, result: IdList) -> None:
        """A refresh or sort where the old or the new rows are windowed: one layout change."""
        old, new = self._window, result
        if (old is not None and new.ids is None and (old.count, old.bound) == (new.count, new.bound)
                and old.blocks.get(0) == new.first and result.version == self._version
                and self._sort_positions_unchanged(new)):
            assert new.plan is not None
            old.plan = new.plan  # e.g. sorted the other way round on a column of equal values
            self.refreshed.emit(False)
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._cached_id(ix.row()) if ix.isValid() else None for ix in persistent]
        self._install(result)
        count = self.rowCount()
        moved = []
        for ix, oid in zip(persistent, ids):
            if not ix.isValid():
                moved.append(QModelIndex())
                continue
            row = result.positions.get(oid) if oid is not None else None
            if row is None:
                # Made while the signal was delivered (the header keeps row 0 of its resized
                # columns, the selection model copies its own) or after the job was built: no
                # COUNT query on the GUI thread for them; they keep their row number.
                row = min(ix.row(), count - 1)
            moved.append(self.index(row, ix.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        self.refreshed.emit(True)

    def _sort_positions_unchanged(self, result: IdList) -> bool:
        return all(self._row_of_cached(oid) == row for oid, row in result.positions.items())

    def _row_of_cached(self, oid: int) -> int:
        if self._window is None:
            return self.row_of(oid)
        for number, ids in self._window.blocks.items():
            if oid in ids:
                return number * self.BLOCK + ids.index(oid)
        return -2  # unknown: treat as moved

    def _move_to(self, ids: list[int]) -> None:
        """Same ids, new order: a layout change that carries selections along."""
        assert self._ids is not None
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        # Only the few rows with persistent indexes (selection, current) need their new row;
        # list.index scans in C, far cheaper than a dict over a million ids.
        new_row = {oid: ids.index(oid) for oid in {self._ids[ix.row()] for ix in old if ix.isValid()}}
        moved = [self.index(new_row[self._ids[ix.row()]], ix.column()) if ix.isValid() else QModelIndex() for ix in old]
        self._ids = list(ids)
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def _invalidate_rows(self, fresh: dict[int, Any] | None = None) -> None:
        """Forget the cached rows (``fresh``: rows read with the new id list, kept) and repaint."""
        self._cache.clear()
        if fresh:
            self._cache.update(fresh)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))

    def invalidate_column(self, key: str) -> None:
        """Repaint one column, e.g. an age that grows with the clock; no SQL involved."""
        col = next((i for i, c in enumerate(self.columns) if c.key == key), -1)
        if col >= 0 and self.rowCount():
            last = self.index(self.rowCount() - 1, col)
            self.dataChanged.emit(self.index(0, col), last, [Qt.ItemDataRole.DisplayRole])

    # --- window mode -------------------------------------------------------------------
    def _persistent_ids(self) -> list[int]:
        rows = {ix.row() for ix in self.persistentIndexList() if ix.isValid()}
        ids = {self._id_at(row) for row in rows}  # a block read if one was evicted (rare)
        return [oid for oid in ids if oid is not None]

    def _cached_id(self, row: int) -> int | None:
        """The id in ``row`` if known without SQL."""
        if self._ids is not None:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        assert self._window is not None
        ids = self._window.blocks.get(row // self.BLOCK)
        offset = row % self.BLOCK
        return ids[offset] if ids is not None and offset < len(ids) else None

    def _id_at(self, row: int) -> int | None:
        if self._ids is not None:
            return self._ids[row] if 0 <= row < len(self._ids) else None
        window = self._window
        assert window is not None
        if not 0 <= row < window.count:
            return None
        number = row // self.BLOCK
        if number not in window.blocks:
            self._load_block(row)
        ids = window.blocks.get(number, [])
        offset = row % self.BLOCK
        return ids[offset] if offset < len(ids) else None

    def _locate(self, oid: int) -> int:
        if self._ids is not None:
            return self.row_of(oid)
        assert self._window is not None
        try:
            with self.engine.connect() as conn:
                return self._window.plan.locate(conn, self._window, oid)
        except SQLAlchemyError as exc:
            log.warning("could not locate a row: %s", exc)
            return -1

    # --- rows --------------------------------------------------------------------------
    def _row(self, row: int) -> Any:
        oid = self._id_at(row)
        if oid is None:
            return None
        if oid not in self._cache:
            self._load_block(row)
        return self._cache.get(oid)

    def _load_block(self, row: int) -> None:
        if len(self._cache) >= self.CACHE_LIMIT:
            self._cache.clear()
            if self._window is not None:
                self._window.blocks = {n: ids for n, ids in self._window.blocks.items() if n == 0}
        number = row // self.BLOCK
        if number in self._hot:
            self._hot.remove(number)
        self._hot.append(number)
        del self._hot[:-self.HOT_BLOCKS]
        window = self._window
        try:
            with self.engine.connect() as conn:
                if window is not None:
                    if number not in window.blocks:
                        window.blocks[number] = window.plan.block_ids(conn, window, number)
                    block = window.blocks[number]
                else:
                    assert self._ids is not None
                    block = self._ids[number * self.BLOCK:(number + 1) * self.BLOCK]
                wanted = [oid for oid in block if oid not in self._cache]
                found = {r.id: r for r in conn.execute(self.rows_query(wanted))} if wanted else {}
        except SQLAlchemyError as exc:
            # Painting must not raise (it would raise again on every repaint): show the rows
            # empty, say why once, and let the next refresh try again.
            log.warning("could not read rows: %s", exc)
            self.failed.emit(f"{type(exc).__name__}: {str(exc)[:200]}")
            if window is not None:
                window.blocks.setdefault(number, [])
                wanted = []
            else:
                wanted = [oid for oid in block if oid not in self._cache]  # type: ignore[possibly-undefined]
            found = {}
        self.block_loads += 1
        for oid in wanted:
            self._cache[oid] = found.get(oid)  # None: deleted meanwhile; the next refresh drops it

    def cached_rows(self) -> int:
        return len(self._cache)

    def is_loaded(self, row: int) -> bool:
        """True if the row's data is in memory (painting it costs no SQL)."""
        oid = self._cached_id(row)
        return oid is not None and oid in self._cache

    def windowed(self) -> bool:
        return self._window is not None

    def row_id(self, row: int) -> int | None:
        return self._id_at(row)

    def row_of(self, oid: int) -> int:
        """The row of an id, -1 if not shown; in window mode a COUNT query (tens of ms)."""
        if self._ids is None:
            return self._locate(oid)
        try:
            return self._ids.index(oid)
        except ValueError:
            return -1

    def contains(self, oid: int) -> bool:
        if self._ids is not None:
            return oid in self._ids
        assert self._window is not None
        try:
            with self.engine.connect() as conn:
                return self._window.plan.contains(conn, self._window, oid)
        except SQLAlchemyError:
            return False

    def ids(self) -> list[int]:
        """Every id in row order; in window mode this reads the whole list (expensive)."""
        if self._ids is not None:
            return list(self._ids)
        assert self._window is not None
        with self.engine.connect() as conn:
            plan = self._window.plan
            return [r[0] for r in conn.execute(plan.ordered(plan.bounded(self._window.bound)))]

    # --- Qt model interface ------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self._ids) if self._ids is not None else self._window.count  # type: ignore[union-attr]

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

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        r, c = index.row(), index.column()  # -1 for an invalid index
        columns = self.columns
        if r < 0 or c < 0 or c >= len(columns) or r >= self.rowCount():
            return None
        if role in _CELL_ROLES:
            row = self._row(r)
            return None if row is None else self.cell(row, columns[c].key, role)
        if role == ALIGNMENT:
            return _RIGHT if columns[c].align_right else _LEFT
        if role == USER:
            return self._id_at(r)
        return None

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
