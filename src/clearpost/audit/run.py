"""Audit whole histories: read archives, check every post in parallel, sum up, resume.

`run_audit()` is the one entry point, used by `clearpost audit` and by the service (as a
background job: it takes a progress callback and a cancel event). The post stream is
deterministic (archives in the order given, posts in export order), so a checkpoint only
needs how many posts were done, plus what was learnt about them, to resume exactly.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from clearpost.archives.base import ArchiveError, ArchivePost, is_video
from clearpost.archives.container import Container
from clearpost.archives.detect import Archive, discover, read_archive
from clearpost.model import LEVEL_RANK, MAX_MEDIA_FILES, Result
from clearpost.policy.loader import Policy

CHECKPOINT_VERSION = 1
FLUSH_EVERY = 500  # posts between two checkpoint writes


class AuditCancelled(Exception):
    """The run stopped on request (Ctrl-C, or the service's cancel); the checkpoint holds it."""


@dataclass(frozen=True)
class AuditOptions:
    since: datetime | None = None
    rules: tuple[str, ...] | None = None
    engine: Literal["local", "ray"] = "local"
    address: str | None = None
    workers: int = 0
    media: bool = True
    role: str = "employee"
    person: str | None = None  # one name for every archive given (else each archive's own)
    chunk_size: int = 250


@dataclass
class Progress:
    done: int
    total: int
    flagged: int
    archive: str = ""


@dataclass
class PersonSummary:
    person: str
    networks: set[str] = field(default_factory=set)
    archives: int = 0
    checked: int = 0
    invalid: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None

    def add_date(self, day: str | None) -> None:
        if day:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person, "networks": sorted(self.networks), "archives": self.archives,
            "checked": self.checked, "invalid": self.invalid,
            "flagged": sum(n for v, n in self.verdicts.items() if v != "pass"),
            "verdicts": {v: self.verdicts.get(v, 0) for v in ("block", "review", "warn", "pass")},
            "rules": dict(self.rules.most_common()), "first_post": self.first,
            "last_post": self.last,
        }


@dataclass
class ArchiveInfo:
    path: str
    network: str
    person: str
    posts: int = 0
    skipped_before_since: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class AuditReport:
    """Everything the HTML, JSON and CSV reports show."""

    policy: str
    options: AuditOptions
    archives: list[ArchiveInfo]
    people: dict[str, PersonSummary]
    flagged: list[dict[str, Any]]
    invalid: list[dict[str, Any]]
    by_month: dict[str, Counter[str]]
    generated: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def total(self) -> PersonSummary:
        t = PersonSummary("all")
        for p in self.people.values():
            t.networks |= p.networks
            t.archives += p.archives
            t.checked += p.checked
            t.invalid += p.invalid
            t.verdicts.update(p.verdicts)
            t.rules.update(p.rules)
            t.add_date(p.first)
            t.add_date(p.last)
        return t

    @property
    def worst(self) -> str:
        return max(self.total.verdicts, key=LEVEL_RANK.__getitem__, default="pass")

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy, "generated": self.generated,
            "options": {"since": self.options.since.date().isoformat() if self.options.since else None,
                        "rules": list(self.options.rules) if self.options.rules else None,
                        "engine": self.options.engine},
            "total": self.total.to_json(),
            "people": [p.to_json() for p in self.people.values()],
            "archives": [a.__dict__ for a in self.archives],
            "by_month": {m: dict(c) for m, c in sorted(self.by_month.items())},
            "flagged": self.flagged, "invalid": self.invalid,
        }


# --- the post stream ------------------------------------------------------------------------
@dataclass
class _Item:
    post: ArchivePost
    person: str
    network: str
    archive_index: int
    media_local: dict[str, str]


def _media_checker_installed() -> bool:
    try:
        return importlib.util.find_spec("clearpost.media.analyze") is not None
    except ModuleNotFoundError:
        return False


def _stream(archives: list[Archive], containers: list[Container], infos: list[ArchiveInfo],
            options: AuditOptions) -> Iterator[_Item]:
    with_media = options.media and _media_checker_installed()
    for i, (archive, c) in enumerate(zip(archives, containers, strict=True)):
        info = infos[i]
        info.posts = info.skipped_before_since = 0
        info.problems.clear()
        for post in read_archive(archive, c, info.problems):
            info.posts += 1
            info.person = info.person or options.person or post.person
            if options.since and post.date and post.date < options.since:
                info.skipped_before_since += 1
                continue
            local: dict[str, str] = {}
            if with_media:
                for name in post.media[:MAX_MEDIA_FILES]:
                    path = c.media_file(name)
                    if path:
                        local[path] = name
            yield _Item(post, options.person or post.person, archive.format.name, i, local)


def _contract_post(item: _Item, role: str) -> dict[str, Any]:
    images = tuple(p for p in item.media_local if not is_video(p))
    videos = tuple(p for p in item.media_local if is_video(p))
    return item.post.to_post(images=images, videos=videos, role=role)


# --- summing up -----------------------------------------------------------------------------
class _Tally:
    """Folds results into the report's numbers; every change is also an event to replay."""

    def __init__(self, people: dict[str, PersonSummary], infos: list[ArchiveInfo]) -> None:
        self.people = people
        self.infos = infos
        self.flagged: list[dict[str, Any]] = []
        self.invalid: list[dict[str, Any]] = []
        self.by_month: dict[str, Counter[str]] = {}
        self.pending: list[list[Any]] = []

    def add(self, item: _Item, outcome: Result | str) -> None:
        p = item.post
        day = p.date.date().isoformat() if p.date else None
        if isinstance(outcome, str):
            event: list[Any] = ["i", item.person, item.network, day,
                                {"id": p.id, "permalink": p.permalink, "error": outcome}]
        elif outcome.verdict == "pass":
            event = ["p", item.person, item.network, day]
        else:
            event = ["f", item.person, item.network, day, _flag_record(item, outcome)]
        self.apply(event)
        self.pending.append(event)

    def apply(self, event: list[Any]) -> None:
        kind, person, network, day = event[:4]
        s = self.people.setdefault(person, PersonSummary(person))
        s.networks.add(network)
        s.add_date(day)
        if kind == "i":
            s.invalid += 1
            self.invalid.append(event[4])
            return
        s.checked += 1
        if kind == "p":
            s.verdicts["pass"] += 1
            return
        rec = event[4]
        s.verdicts[rec["verdict"]] += 1
        s.rules.update({f["rule"] for f in rec["findings"]})
        self.flagged.append(rec)
        month = (day or "undated")[:7]
        self.by_month.setdefault(month, Counter())[rec["verdict"]] += 1

    @property
    def flagged_count(self) -> int:
        return len(self.flagged)


def _flag_record(item: _Item, result: Result) -> dict[str, Any]:
    p = item.post
    out = result.to_json_dict()
    for f in out["findings"]:
        f.pop("explain", None)
        for ev in f["evidence"]:  # image evidence names the file inside the archive
            src = ev.get("source") or ""
            if src.startswith("image:") and src[6:] in item.media_local:
                ev["source"] = "image:" + item.media_local[src[6:]]
    return {
        "id": p.id, "person": item.person, "network": item.network, "kind": p.kind,
        "date": p.date.isoformat() if p.date else None, "permalink": p.permalink,
        "text": p.text, "media": list(p.media), "source": p.source,
        "verdict": result.verdict, "findings": out["findings"],
    }


# --- checkpoint -----------------------------------------------------------------------------
def _fingerprint(archives: list[Archive], options: AuditOptions, policy: Policy) -> str:
    parts: list[Any] = [CHECKPOINT_VERSION, policy.label, options.since.isoformat() if options.since else None,
                        options.rules, options.person, options.role, options.media]
    for a in archives:
        st = a.path.stat()
        parts.append([str(a.path.resolve()), st.st_size, int(st.st_mtime)])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


class _Checkpoint:
    """An append-only JSON-lines file: a header, then one line per batch of events."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.done = 0

    def load(self, tally: _Tally) -> int:
        """Replay a matching checkpoint into the tally; the number of posts it covers."""
        if not self.path.exists():
            return 0
        with self.path.open("r", encoding="utf-8") as f:
            lines = f.read().splitlines()
        try:
            head = json.loads(lines[0]) if lines else {}
        except json.JSONDecodeError:
            head = {}
        if head.get("fingerprint") != self.fingerprint:
            return 0  # other archives, options or policy: start over
        done = 0
        for line in lines[1:]:
            try:
                batch = json.loads(line)
            except json.JSONDecodeError:
                break  # a line cut short by a crash: everything after it is redone
            for event in batch["events"]:
                tally.apply(event)
            done = batch["done"]
        self.done = done
        # Rewrite without any torn tail, so appends continue from a clean line.
        self._write_lines([lines[0], *lines[1:1 + self._complete(lines[1:])]])
        return done

    @staticmethod
    def _complete(lines: list[str]) -> int:
        n = 0
        for line in lines:
            try:
                json.loads(line)
            except json.JSONDecodeError:
                break
            n += 1
        return n

    def start(self) -> None:
        self._write_lines([json.dumps({"fingerprint": self.fingerprint,
                                       "version": CHECKPOINT_VERSION})])

    def _write_lines(self, lines: list[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        tmp.replace(self.path)

    def append(self, done: int, events: list[list[Any]]) -> None:
        line = json.dumps({"done": done, "events": events}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.done = done

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- the run --------------------------------------------------------------------------------
def count_posts(archives: list[Archive], options: AuditOptions) -> int:
    """A fast first pass for the progress bar's total (the readers stream, so it is cheap)."""
    n = 0
    for a in archives:
        with a.open() as c:
            for post in read_archive(a, c, []):
                if not (options.since and post.date and post.date < options.since):
                    n += 1
    return n


def run_audit(paths: list[Path], policy: Policy, options: AuditOptions | None = None, *,
              policy_dir: Path | None = None, checkpoint: Path | None = None,
              resume: bool = False,
              progress: Callable[[Progress], None] | None = None,
              cancel: threading.Event | None = None,
              archives: list[Archive] | None = None) -> AuditReport:
    """Audit the archives at `paths`; the service's background-job hook.

    `progress` is called with the running count (about every chunk); setting `cancel`
    stops the run at the next post, saving the checkpoint, and raises AuditCancelled, as
    Ctrl-C does (KeyboardInterrupt). With `checkpoint` and `resume`, a run that stopped
    picks up after the last saved post. Raises ArchiveError for an unreadable archive.
    """
    opts = options or AuditOptions()
    found = archives if archives is not None else discover(paths)
    infos = [ArchiveInfo(str(a.path), a.format.name, opts.person or "") for a in found]
    people: dict[str, PersonSummary] = {}
    tally = _Tally(people, infos)
    total = count_posts(found, opts)
    ckpt = _Checkpoint(checkpoint, _fingerprint(found, opts, policy)) if checkpoint else None
    skip = ckpt.load(tally) if (ckpt and resume) else 0
    if ckpt and skip == 0:
        ckpt.start()
    done = skip
    if progress:
        progress(Progress(done, total, tally.flagged_count))

    with ExitStack() as stack:
        containers = [stack.enter_context(a.open()) for a in found]
        items = _stream(found, containers, infos, opts)
        in_flight: deque[_Item] = deque()

        def feed() -> Iterator[dict[str, Any]]:
            for n, item in enumerate(items):
                if n < skip:
                    continue
                if cancel is not None and cancel.is_set():
                    return
                in_flight.append(item)
                yield _contract_post(item, opts.role)

        results = _engine(feed(), policy, opts, policy_dir)
        try:
            for outcome in results:
                item = in_flight.popleft()
                tally.add(item, outcome)
                done += 1
                if len(tally.pending) >= FLUSH_EVERY:
                    _flush(ckpt, tally, done)
                    if progress:
                        progress(Progress(done, total, tally.flagged_count, item.post.source))
        except BaseException:
            _flush(ckpt, tally, done)  # every result already received is kept
            raise
        _flush(ckpt, tally, done)
        if cancel is not None and cancel.is_set():
            raise AuditCancelled(f"stopped after {done:,} of {total:,} posts")
    if progress:
        progress(Progress(done, total, tally.flagged_count))
    for s in people.values():
        s.archives = sum(1 for info in infos if info.person == s.person)
    return AuditReport(policy.label, opts, infos, people, tally.flagged, tally.invalid,
                       tally.by_month)


def _flush(ckpt: _Checkpoint | None, tally: _Tally, done: int) -> None:
    """Write the pending events once. They leave the tally before the write: a Ctrl-C that
    lands just after the line is written must not make the handler write it a second time
    (a resumed run would count those posts twice); one that lands before the line is
    complete leaves a torn or missing line, and a resumed run redoes those posts."""
    pending, tally.pending = tally.pending, []
    if ckpt is not None and pending:
        ckpt.append(done, pending)


def _engine(posts: Iterator[dict[str, Any]], policy: Policy, opts: AuditOptions,
            policy_dir: Path | None) -> Iterator[Result | str]:
    rules: Collection[str] | None = opts.rules
    if opts.engine == "ray":
        from clearpost.batch import check_dicts_ray

        return check_dicts_ray(posts, policy_dir=policy_dir, address=opts.address,
                               workers=opts.workers, rules=rules, chunk_size=opts.chunk_size)
    from clearpost.batch import check_dicts

    return check_dicts(posts, policy, policy_dir=policy_dir, workers=opts.workers, rules=rules,
                       chunk_size=opts.chunk_size)


__all__ = ["ArchiveError", "AuditCancelled", "AuditOptions", "AuditReport", "Progress",
           "count_posts", "run_audit"]
