"""Login rate limiting: an in-process sliding window of failed attempts per key.

Why in-process: it needs no table write on every failed login (a credential-stuffing run
would otherwise turn into database load) and no extra service. The price: each replica
counts on its own, so with N pods an attacker gets up to N times the limit, and a restart
forgets the counts. Move it to a shared store (a table or Redis) if that matters to you.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(
        self, max_events: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_events = max_events
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        events = self._events[key]
        while events and events[0] <= now - self.window:
            events.popleft()
        if not events:
            del self._events[key]
        return events

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key is below its limit again; 0 when none is limited."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                events = self._prune(key, now)
                if len(events) >= self.max_events:
                    wait = max(wait, events[0] + self.window - now)
        return max(1, int(wait) + 1) if wait > 0 else 0

    def hit(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._events[key].append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)
