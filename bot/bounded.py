"""A thread-safe mapping of bounded size that forgets the least recently used key first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """What a process keeps per person or browser: bounded, so memory does not grow with
    the number of people served; only what can be read again from the database goes here."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._guard = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), if any."""
        with self._guard:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value``; past the size, the least recently used key is forgotten."""
        with self._guard:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)

    def forget(self, key: K) -> None:
        """Forget ``key`` (something changed elsewhere: read it again next time)."""
        with self._guard:
            self._values.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._guard:
            self._values.clear()
