"""Background work on huey: e-mail delivery, expiry, retention purge.

`make_huey(runtime)` builds a huey instance with the tasks bound to that runtime: SQLite
storage under data_dir by default, Redis for a multi-process deployment, or immediate mode
(tasks run in the caller, for tests).
"""

from __future__ import annotations

from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from clearpost.workflows import expiry, privacy
from clearpost.workflows.context import SYSTEM
from clearpost.workflows.notify import service as notify
from clearpost.workflows.runtime import Runtime


def make_huey(runtime: Runtime) -> tuple[Huey, dict[str, Any]]:
    """The huey instance and its tasks by name (deliver_outbox, expire, purge)."""
    s = runtime.settings
    if s.huey == "immediate":
        huey: Huey = MemoryHuey("clearpost", immediate=True)
    elif s.huey.startswith("redis://"):
        huey = RedisHuey("clearpost", url=s.huey)
    else:
        s.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("clearpost", filename=str(s.data_dir / "huey.db"))

    @huey.task()
    def deliver_outbox() -> int:
        return notify.deliver(runtime.factory, runtime.settings)

    @huey.periodic_task(crontab(minute="*"))
    def deliver_outbox_periodic() -> int:
        return notify.deliver(runtime.factory, runtime.settings)

    @huey.periodic_task(crontab(minute="7"))
    def expire() -> int:
        with runtime.ctx(SYSTEM) as ctx:
            return expiry.expire_stale(ctx)

    @huey.periodic_task(crontab(hour="3", minute="17"))
    def purge() -> dict[str, int]:
        with runtime.ctx(SYSTEM) as ctx:
            return privacy.purge(ctx)

    return huey, {"deliver_outbox": deliver_outbox, "expire": expire, "purge": purge}
