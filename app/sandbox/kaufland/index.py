"""A sorted list of (key, item) for the list endpoints: bisect for a lower bound, slice the tail.

Keys and items live in two parallel lists, so a tail is two C-level slices and 200,000
units cost two pointer arrays plus small int keys, not a tuple per entry.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class SortedIndex(Generic[T]):
    def __init__(self, pairs: Iterable[tuple[object, T]] = ()) -> None:
        keys, items = [], []
        for key, item in pairs:
            keys.append(key)
            items.append(item)
        order = sorted(range(len(keys)), key=keys.__getitem__)  # a C-level key: seeding 100k stays quick
        self._keys: list = [keys[i] for i in order]
        self._items: list[T] = [items[i] for i in order]

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: object, item: T) -> None:
        at = bisect_right(self._keys, key)
        self._keys.insert(at, key)
        self._items.insert(at, item)

    def remove(self, key: object) -> None:
        at = bisect_left(self._keys, key)
        if at == len(self._keys) or self._keys[at] != key:
            raise KeyError(key)
        del self._keys[at]
        del self._items[at]

    def move(self, old: object, new: object, item: T) -> None:
        if old != new:
            self.remove(old)
            self.add(new, item)

    def tail(self, lowest: object | None = None) -> list[T]:
        """Items with key >= lowest, ascending (all items when lowest is None)."""
        if lowest is None:
            return self._items[:]
        return self._items[bisect_left(self._keys, lowest):]
