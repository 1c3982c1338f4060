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

    def get_stale(self, key: str, grace_s: float) -> Any:
        """An entry up to `grace_s` past its expiry (for when the source cannot be asked)."""
        with self._lock:
            hit = self._data.get(key)
        if hit is None or hit[0] + grace_s < time.monotonic():
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


class SignInThrottle:
    """Sign-in lockout: after `max_failures` wrong passwords for one e-mail (or from one
    client address) within `window_s`, further attempts are refused for `lock_s`.

    In memory and per process, like the rate limiter; a shared store (Redis) is the
    production upgrade, noted in docs/security.md.
    """

    def __init__(self, max_failures: int = 5, window_s: int = 900, lock_s: int = 900,
                 max_failures_per_address: int = 30) -> None:
        self.max_failures, self.window_s, self.lock_s = max_failures, window_s, lock_s
        # One address is shared by many people behind a hospital's NAT: be more lenient.
        self.max_failures_per_address = max_failures_per_address
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    def retry_after(self, *keys: str) -> int | None:
        """Seconds until these keys may try again, or None when they may try now."""
        now = time.monotonic()
        with self._lock:
            waits = [self._locked_until.get(k, 0.0) - now for k in keys]
        wait = max(waits, default=0.0)
        return int(wait) + 1 if wait > 0 else None

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                recent = [t for t in self._failures.get(k, []) if now - t < self.window_s]
                recent.append(now)
                self._failures[k] = recent
                limit = self.max_failures_per_address if k.startswith("ip:") else self.max_failures
                if len(recent) >= limit:
                    self._locked_until[k] = now + self.lock_s
                    self._failures[k] = []

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


def sign_in_keys(email: str, client_host: str | None) -> tuple[str, ...]:
    return (f"email:{email.strip().lower()}", f"ip:{client_host or '-'}")


CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


class SecurityHeaders:
    """Adds the security headers to every response (pure ASGI middleware).

    HSTS only when the request came over TLS (directly, or through a proxy uvicorn trusts).
    The interactive API docs get no CSP: Swagger UI needs inline script. Nothing is cached
    (`Cache-Control: no-store`: results quote the post, items hold reports) except under
    `cacheable_prefix` (the pages' static files).
    """

    def __init__(self, app: Any, *, docs_prefix: str, hsts: bool = True,
                 cacheable_prefix: str = "/ui/static/") -> None:
        self.app = app
        self.docs_prefix = docs_prefix
        self.hsts = hsts
        self.cacheable_prefix = cacheable_prefix

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"same-origin"),
                         (b"cross-origin-opener-policy", b"same-origin"),
                         (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
                if not path.startswith(self.docs_prefix):
                    extra.append((b"content-security-policy", CSP.encode()))
                if not path.startswith(self.cacheable_prefix):
                    extra.append((b"cache-control", b"no-store"))
                if tls and self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
