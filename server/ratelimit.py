"""Sliding-window request limits (per conversation, per client) kept in memory.

One app process: exact. Several app processes behind a proxy: each counts its own share, so
the proxy (nginx ``limit_req``) holds the global limit in that topology.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from threading import Lock


class RateLimiter:
    def __init__(self, per_minute: int, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle keys
                for idle in [k for k, v in self._hits.items() if not v][:50_000]:
                    del self._hits[idle]
            return True
