"""Run a page iterator one step ahead in a thread: the next page downloads and maps while
the current one is written. Order is kept, so the watermark still follows committed pages."""

from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


class Prefetcher(Iterator[T]):
    def __init__(self, source: Iterator[T], depth: int = 2) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="page-prefetch", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator[T]) -> None:
        try:
            for item in source:
                if not self._put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._put((_DONE, exc))
            return
        self._put((_DONE, None))

    def _put(self, entry: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __next__(self) -> T:
        item, error = self._queue.get()
        if error is not None:
            raise error
        if item is _DONE:
            raise StopIteration
        return item

    def close(self) -> None:
        """Stop the producer and wait for it, so its HTTP client can be closed safely."""
        self._stop.set()
        self._thread.join()
