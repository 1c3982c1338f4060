"""Sign-in state: signed session cookies with a CSRF token, bearer API tokens, rate limits."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "clearpost_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class SessionData:
    user_id: int
    csrf: str


class SessionSigner:
    """The cookie holds {user id, CSRF token}, signed and timestamped; no server-side state."""

    def __init__(self, secret: str, max_age_s: int) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="clearpost.session")
        self.max_age_s = max_age_s

    def issue(self, user_id: int) -> tuple[str, str]:
        csrf = secrets.token_urlsafe(24)
        return self._s.dumps({"uid": user_id, "csrf": csrf}), csrf

    def read(self, value: str) -> SessionData | None:
        try:
            data: Any = self._s.loads(value, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        return SessionData(user_id=data["uid"], csrf=str(data.get("csrf", "")))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected, given)


class RateLimiter:
    """A fixed one-minute window per key (user id); in memory, per process."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._windows: dict[Any, tuple[int, int]] = {}

    def hit(self, key: Any) -> int | None:
        """None when allowed; else the seconds until the window resets."""
        if self.per_minute <= 0:
            return None
        now = time.monotonic()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._windows[key] = (start, count)
            if len(self._windows) > 100_000:  # forget old windows
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        if count > self.per_minute:
            return max(1, int(60 - now % 60))
        return None


class TTLCache:
    """A few seconds of memory for token -> user lookups, which every API call makes."""

    def __init__(self, ttl_s: float = 30.0, size: int = 10_000) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._lock = threading.Lock()
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        with self._lock:
            hit = self._data.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic() + self.ttl_s, value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
