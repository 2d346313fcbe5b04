"""A bounded in-memory cache of response bodies, for answers fixed until the next build."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class BoundedCache:
    """Least recently used entries go first once either bound is passed. The newest entry
    always stays, so a value just stored can be read back."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 128 * 2**20) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def __getitem__(self, key: Hashable) -> bytes:
        with self._lock:
            self._items.move_to_end(key)
            return self._items[key]

    def get(self, key: Hashable, default: bytes | None = None) -> bytes | None:
        with self._lock:
            return self._items.get(key, default)

    def __setitem__(self, key: Hashable, value: bytes) -> None:
        with self._lock:
            if key in self._items:
                self._bytes -= len(self._items.pop(key))
            self._items[key] = value
            self._bytes += len(value)
            while len(self._items) > 1 and (len(self._items) > self.max_entries
                                            or self._bytes > self.max_bytes):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= len(evicted)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
