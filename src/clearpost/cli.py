"""The `clearpost` command.

Exit status (the contract): 0 pass or warn, 1 review, 2 block, 3 and above for usage and
input errors, always with a one-line message on stderr and never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click.exceptions import ClickException  # typer vendors click

from clearpost.model import LEVEL_RANK, MAX_TEXT_CHARS, PostInputError, Result

EXIT_FOR_VERDICT = {"pass": 0, "warn": 0, "review": 1, "block": 2}
EXIT_USAGE = 3
EXIT_INPUT = 4
EXIT_INTERNAL = 5
MAX_INPUT_BYTES = 4 * MAX_TEXT_CHARS + 64_000  # a post file: the longest text, UTF-8, plus fields

app = typer.Typer(
    name="clearpost",
    help="Check social media posts against your organization's guidelines before you post.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="The rules: list them, or explain one.", no_args_is_help=False,
                        invoke_without_command=True)
policy_app = typer.Typer(help="Policy packs: write a starter pack, validate one, show one.",
                         no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(policy_app, name="policy")

PolicyOpt = Annotated[Path | None, typer.Option(
    "--policy", help="Policy pack directory (default: the built-in MSK pack).",
    envvar="CLEARPOST_POLICY", show_default=False)]


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = EXIT_INPUT) -> NoReturn:
    raise CliError(message, code)


def _load_policy(path: Path | None) -> Any:
    from clearpost.policy.loader import PolicyError, default_policy, load_policy

    try:
        return load_policy(path) if path is not None else default_policy()
    except PolicyError as exc:
        fail(f"policy error: {exc}")


def _read_text_file(path: Path, what: str) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        fail(f"{what} not found: {path}")
    except OSError as exc:
        fail(f"cannot read {what} {path}: {exc.strerror}")
    if path.is_dir():
        fail(f"{what} is a directory, not a file: {path}")
    if size > MAX_INPUT_BYTES:
        fail(f"{what} too large: {size:,} bytes (limit {MAX_INPUT_BYTES:,})")
    raw = path.read_bytes()
    return _decode(raw, str(path))


def _decode(raw: bytes, where: str) -> str:
    if b"\x00" in raw:
        fail(f"{where}: binary data, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{where}: not UTF-8 text (invalid byte at offset {exc.start})")


def _parse_json_post(text: str, where: str) -> Any:
    from clearpost.model import parse_post

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
    try:
        return parse_post(data, where=where)
    except PostInputError as exc:
        fail(str(exc))


# --- check ----------------------------------------------------------------------------------
@app.command()
def check(
    text: Annotated[str | None, typer.Argument(help="The draft text ('-' reads standard input).",
                                               show_default=False)] = None,
    post: Annotated[Path | None, typer.Option("--post", help="A post as a JSON file.")] = None,
    jsonl: Annotated[Path | None, typer.Option(
        "--jsonl", help="Many posts, one JSON object per line ('-' for stdin); prints one "
                        "result per line, in input order.")] = None,
    role: Annotated[str, typer.Option(help="Author role: employee, physician, nurse, "
                                           "researcher, manager, marcomm.")] = "employee",
    account_kind: Annotated[str, typer.Option(help="personal, department or official.")] = "personal",
    platform: Annotated[str, typer.Option(help="x, facebook, instagram, linkedin, ...")] = "other",
    venue: Annotated[str, typer.Option(help="own, or org-channel.")] = "own",
    approval_id: Annotated[str | None, typer.Option(help="Approval id for this account/media.")] = None,
    pseudonymous: Annotated[bool, typer.Option(help="The account hides the real name.")] = False,
    image: Annotated[list[Path] | None, typer.Option("--image", help="Photo to check (repeatable).")] = None,
    video: Annotated[list[Path] | None, typer.Option("--video", help="Video to check (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON result.")] = False,
    workers: Annotated[int, typer.Option(help="Processes for --jsonl (0: all cores).")] = 0,
    policy: PolicyOpt = None,
) -> None:
    """Check a draft post. Exit status: 0 pass/warn, 1 review, 2 block, 3+ errors."""
    forms = sum(x is not None for x in (text, post, jsonl))
    if forms != 1:
        fail("give exactly one of: TEXT, --post FILE, --jsonl FILE", EXIT_USAGE)
    pol = _load_policy(policy)
    if jsonl is not None:
        raise typer.Exit(_check_jsonl(jsonl, pol, policy, workers))
    from clearpost.engine import check as run_check
    from clearpost.model import parse_post

    if post is not None:
        p = _parse_json_post(_read_text_file(post, "post file"), str(post))
    else:
        assert text is not None
        if text == "-":
            raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            if len(raw) > MAX_INPUT_BYTES:
                fail(f"standard input too large (limit {MAX_INPUT_BYTES:,} bytes)")
            text = _decode(raw, "standard input")
        data: dict[str, Any] = {
            "text": text, "author": {"role": role},
            "account": {"kind": account_kind, "platform": platform, "approval_id": approval_id,
                        "pseudonymous": pseudonymous},
            "venue": venue, "images": [str(i) for i in image or []],
            "videos": [str(v) for v in video or []],
        }
        try:
            p = parse_post(data, where="options")
        except PostInputError as exc:
            fail(str(exc).replace("field 'author.role'", "--role")
                 .replace("field 'account.kind'", "--account-kind")
                 .replace("field 'account.platform'", "--platform")
                 .replace("field 'venue'", "--venue"), EXIT_USAGE)
    _check_media_paths(p)
    try:
        with media_progress(p):
            result = run_check(p, pol)
    except PostInputError as exc:
        fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
    else:
        from clearpost.render import print_result

        print_result(p, result, pol)
    raise typer.Exit(EXIT_FOR_VERDICT[result.verdict])


def _check_media_paths(p: Any) -> None:
    for f in [*p.images, *p.videos]:
        path = Path(f)
        if not path.is_file():
            fail(f"media file not found: {f}")


def _check_jsonl(path: Path, pol: Any, policy_dir: Path | None, workers: int) -> int:
    from clearpost.batch import WorkerDied, check_jsonl_stream

    if str(path) == "-":
        stream = sys.stdin.buffer
    else:
        if not path.exists():
            fail(f"file not found: {path}")
        if path.is_dir():
            fail(f"{path} is a directory, not a JSONL file")
        stream = path.open("rb")
    worst = "pass"
    out = sys.stdout
    try:
        for result in check_jsonl_stream(stream, pol, policy_dir=policy_dir, workers=workers,
                                         where=str(path)):
            out.write(json.dumps(result.to_json_dict(), ensure_ascii=False) + "\n")
            if LEVEL_RANK[result.verdict] > LEVEL_RANK[worst]:
                worst = result.verdict
    except (PostInputError, WorkerDied) as exc:
        out.flush()
        fail(str(exc))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    return EXIT_FOR_VERDICT[worst]


# --- eval -----------------------------------------------------------------------------------
@app.command("eval")
def eval_cmd(
    file: Annotated[Path, typer.Argument(help="Labelled posts (JSONL with 'expect').")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """Per-rule precision, recall and F1, false alarms on clean posts, and the misses."""
    from clearpost.evaluate import evaluate

    if not file.is_file():
        fail(f"file not found: {file}")
    pol = _load_policy(policy)
    try:
        report = evaluate(file, pol)
    except PostInputError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    from clearpost.render import print_eval

    print_eval(report)


# --- rules ----------------------------------------------------------------------------------
@rules_app.callback()
def rules_list(ctx: typer.Context, policy: PolicyOpt = None) -> None:
    """List every rule with its level and guideline section."""
    if ctx.invoked_subcommand is not None:
        return
    from clearpost.render import print_rules

    print_rules(_load_policy(policy))


@rules_app.command("explain")
def rules_explain(rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. phi.")],
                  policy: PolicyOpt = None) -> None:
    """Why a rule exists, what fires it, what does not, and the fix."""
    pol = _load_policy(policy)
    if rule_id not in pol.rules:
        fail(f"unknown rule {rule_id!r}; see `clearpost rules`", EXIT_USAGE)
    from clearpost.render import print_rule

    print_rule(pol, pol.rules[rule_id])


@rules_app.command("docs")
def rules_docs(out: Annotated[Path | None, typer.Option("-o", "--out", help="Write to this file.")] = None,
               policy: PolicyOpt = None) -> None:
    """Write the rules reference (Markdown) generated from the pack's rule files."""
    from clearpost.docs import rules_markdown

    text = rules_markdown(_load_policy(policy))
    if out is None:
        sys.stdout.write(text)
    else:
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)


# --- policy ---------------------------------------------------------------------------------
@policy_app.command("init")
def policy_init(directory: Annotated[Path, typer.Argument(help="Where to write the new pack.")],
                org_id: Annotated[str, typer.Option("--id", help="Short id of the pack.")] = "myorg",
                name: Annotated[str, typer.Option(help="Organization name.")] = "Example Health") -> None:
    """Write a starter pack (a copy of the default, renamed) to edit for your organization."""
    from clearpost.policy.scaffold import init_pack

    try:
        init_pack(directory, org_id=org_id, name=name)
    except FileExistsError:
        fail(f"{directory} exists and is not empty; choose a new directory")
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    print(f"Wrote a starter pack to {directory}. Edit pack.yaml and rules/*.yaml, then run:\n"
          f"  clearpost policy validate {directory}")


@policy_app.command("validate")
def policy_validate(directory: Annotated[Path, typer.Argument(help="The pack directory.")]) -> None:
    """Load the pack and run every rule's examples against it."""
    from clearpost.evaluate import run_examples

    pol = _load_policy(directory)
    failures = run_examples(pol)
    total = sum(len(r.fires) + len(r.passes) for r in pol.rules.values())
    if failures:
        for f in failures:
            print(f"{f}", file=sys.stderr)
        fail(f"{directory}: {len(failures)} of {total} rule examples do not behave as labelled")
    print(f"{directory}: valid ({pol.label}; {len(pol.rules)} rules, "
          f"{len(pol.pack.sections)} sections, {total} examples all behave as labelled)")


@policy_app.command("show")
def policy_show(policy: PolicyOpt = None) -> None:
    """Show the pack: organization, sections, rules, contacts."""
    from clearpost.render import print_policy

    print_policy(_load_policy(policy))


# --- media ---------------------------------------------------------------------------------
@contextmanager
def media_progress(post: Any) -> Iterator[None]:
    """A Rich progress bar on stderr while videos are checked (only on a terminal)."""
    if not (post.images or post.videos):
        yield
        return
    try:
        import clearpost.media.analyze  # noqa: F401  (fails when the media extra is absent)
        from clearpost.media import video as media_video
    except ImportError:
        print("clearpost: note: photos and videos are not checked (install the 'media' extra: "
              "pip install 'clearpost[media]'); the caption was checked", file=sys.stderr)
        yield
        return
    if not post.videos or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(path: str, done: float, total: float) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(f"checking {Path(path).name}", total=max(total, 1.0))
            bar.update(tasks[path], completed=min(done, max(total, 1.0)))

        token = media_video.PROGRESS.set(report)
        try:
            yield
        finally:
            media_video.PROGRESS.reset(token)


@app.command()
def redact(
    image: Annotated[Path, typer.Argument(help="The photo (JPEG, PNG, WebP, HEIC).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the safe copy "
                                                         "(.jpg, .png or .webp).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was redacted as JSON.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """Write a safe copy of a photo: faces blurred, patient text blacked out, metadata removed."""
    try:
        from clearpost.media.redact import redact_image
    except ImportError:
        fail("photo redaction needs the 'media' extra: pip install 'clearpost[media]'", EXIT_USAGE)
    pol = _load_policy(policy)
    try:
        rep = redact_image(image, out, pol)
    except PostInputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    if as_json:
        print(json.dumps({"output": str(out), "faces_blurred": rep.faces,
                          "text_boxes_blacked_out": rep.text_boxes,
                          "metadata_removed": True}))
    else:
        print(f"Wrote {out}: {rep.faces} face(s) blurred, {rep.text_boxes} line(s) of patient "
              "text blacked out, all metadata removed (EXIF, GPS, XMP, ICC, comments).")
# --- audit ----------------------------------------------------------------------------------
@app.command()
def audit(
    archives: Annotated[list[Path], typer.Argument(
        help="Exports to audit: zips, folders, data files, or a folder of exports.",
        show_default=False)],
    out: Annotated[list[Path] | None, typer.Option(
        "--out", "-o", help="Report file: .html (one self-contained page), .json or .csv "
                            "(repeatable).")] = None,
    since: Annotated[str | None, typer.Option(help="Only posts from this date on (YYYY-MM-DD).")] = None,
    rules: Annotated[str | None, typer.Option(help="Only these rules (comma-separated ids).")] = None,
    engine: Annotated[str, typer.Option(help="local (a process pool) or ray.")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address (default: start a "
                                                     "local one).")] = None,
    workers: Annotated[int, typer.Option(help="Processes (0: all cores).")] = 0,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run.")] = False,
    checkpoint: Annotated[Path | None, typer.Option(
        help="Checkpoint file (default: beside the first --out, else in this folder).")] = None,
    media: Annotated[bool, typer.Option(help="Check photos and videos found in the exports.")] = True,
    person: Annotated[str | None, typer.Option(help="One name for every archive given (default: "
                                                    "each archive's own handle).")] = None,
    role: Annotated[str, typer.Option(help="Author role for every post.")] = "employee",
    policy: PolicyOpt = None,
) -> None:
    """Audit a whole social media history. Exit status: 0 nothing to act on, 1 review, 2 block, 3+ errors."""
    import importlib.util
    from datetime import UTC, datetime

    missing = [m for m in ("ijson", "selectolax", "libipld") if importlib.util.find_spec(m) is None]
    if missing:
        fail(f"audit needs the archive readers ({', '.join(missing)} missing): "
             "pip install 'clearpost[archives]'", EXIT_USAGE)
    from clearpost.archives.base import ArchiveError
    from clearpost.audit.report import FORMATS
    from clearpost.audit.run import AuditCancelled, AuditOptions, run_audit
    from clearpost.batch import WorkerDied

    outs = list(out or [])
    for o in outs:
        if o.suffix.lower() not in FORMATS:
            fail(f"--out {o}: use a .html, .json or .csv file name", EXIT_USAGE)
        if o.is_dir():
            fail(f"--out {o} is a directory", EXIT_USAGE)
    if workers < 0:
        fail("--workers must be 0 (all cores) or more", EXIT_USAGE)
    if engine not in ("local", "ray"):
        fail(f"--engine must be local or ray, not {engine!r}", EXIT_USAGE)
    if role not in ("employee", "physician", "nurse", "researcher", "manager", "marcomm"):
        fail(f"--role: unknown role {role!r}", EXIT_USAGE)
    since_dt = None
    if since:
        try:
            since_dt = datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:
            fail(f"--since {since!r}: expected a date like 2020-01-31", EXIT_USAGE)
    pol = _load_policy(policy)
    rule_ids = None
    if rules:
        rule_ids = tuple(r.strip() for r in rules.split(",") if r.strip())
        unknown = [r for r in rule_ids if r not in pol.rules]
        if unknown:
            fail(f"unknown rule {unknown[0]!r}; see `clearpost rules`", EXIT_USAGE)
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        fail("--engine ray needs Ray: pip install 'clearpost[ray]'", EXIT_USAGE)
    ckpt = checkpoint or (outs[0].with_name(outs[0].name + ".checkpoint") if outs
                          else Path("clearpost-audit.checkpoint"))
    options = AuditOptions(since=since_dt, rules=rule_ids, engine=engine,  # type: ignore[arg-type]
                           address=address, workers=workers, media=media, role=role,
                           person=person)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from clearpost.render import console

    bar = Progress(TextColumn("[bold]auditing"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]} posts/s · {task.fields[flagged]} flagged"),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   console=console(stderr=True), transient=False)
    task = bar.add_task("audit", total=None, rate="-", flagged=0)
    started: list[float] = []

    def on_progress(p: Any) -> None:
        import time

        now = time.monotonic()
        if not started:
            started.extend([now, p.done])
        rate = (p.done - started[1]) / (now - started[0]) if now > started[0] else 0
        bar.update(task, total=p.total, completed=p.done, flagged=p.flagged,
                   rate=f"{rate:,.0f}" if rate else "-")

    try:
        with bar:
            report = run_audit(archives, pol, options, policy_dir=policy, checkpoint=ckpt,
                               resume=resume, progress=on_progress)
    except ArchiveError as exc:
        if not resume:  # the same archive would fail at the same place: nothing to resume
            ckpt.unlink(missing_ok=True)
        fail(str(exc))
    except (KeyboardInterrupt, AuditCancelled):
        fail(f"interrupted; nothing was written. Run the same command with --resume to "
             f"continue from {ckpt}", 130)
    except WorkerDied as exc:
        fail(f"{exc}; nothing was written. Run the same command with --resume to continue "
             f"from {ckpt}")
    from clearpost.audit.report import write_report

    for o in outs:
        write_report(report, o)
    ckpt.unlink(missing_ok=True)
    _print_audit_summary(report, outs)
    raise typer.Exit(EXIT_FOR_VERDICT[report.worst])


def _print_audit_summary(report: Any, outs: list[Path]) -> None:
    from rich.table import Table

    from clearpost.render import console

    t = Table(title="audit", title_justify="left")
    for col in ("person", "networks", "checked", "block", "review", "warn"):
        t.add_column(col, justify="right" if col not in ("person", "networks") else "left")
    rows = sorted(report.people.values(), key=lambda s: s.person)
    if len(rows) > 1:
        rows.append(report.total)
    for s in rows:
        t.add_row(s.person, ", ".join(sorted(s.networks)), f"{s.checked:,}",
                  *(f"{s.verdicts.get(v, 0):,}" for v in ("block", "review", "warn")))
    c = console(stderr=True)
    c.print(t)
    for a in report.archives:
        if a.problems:
            c.print(f"{a.path}: {len(a.problems)} records could not be read (see the report)")
    if report.invalid:
        c.print(f"{len(report.invalid)} posts could not be checked (see the report)")
    for o in outs:
        c.print(f"wrote {o}")
# --- corpus ---------------------------------------------------------------------------------
corpus_app = typer.Typer(help="The organization's published posts and press releases "
                              "(already public: not-yet-public does not flag them).",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("add")
def corpus_add(
    files: Annotated[list[Path], typer.Argument(help="Published items (.txt or .md); an optional "
                                                     "first line 'source: URL' names where.")],
    index: Annotated[Path | None, typer.Option(
        "--index", help="Directory to add them to (default: $CLEARPOST_CORPUS_DIR, else the "
                        "pack's corpus directory).", show_default=False)] = None,
    policy: PolicyOpt = None,
) -> None:
    """Add published items to the corpus that not-yet-public checks claims against."""
    from clearpost.policy.corpus import ENV_DIR, CorpusError, add_files, corpus_dirs, read_items

    pol = _load_policy(policy)
    if index is not None:
        target = index
    elif os.environ.get(ENV_DIR):
        target = Path(os.environ[ENV_DIR])
    else:
        dirs = corpus_dirs(pol)
        if not dirs:
            fail("the pack has no published_corpus directory; pass --index DIR", EXIT_USAGE)
        target = dirs[0]
    if target.exists() and not target.is_dir():
        fail(f"--index is not a directory: {target}", EXIT_USAGE)
    try:
        written = add_files(files, target)
    except CorpusError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {target}: {exc.strerror or exc}")
    total = len(read_items(target))
    print(f"Added {len(written)} item(s) to {target} ({total} published item(s) there).")


@corpus_app.command("match")
def corpus_match(text: Annotated[str, typer.Argument(help="A claim to look up.")],
                 index: Annotated[Path | None, typer.Option(
                     "--index", help="Also search this directory.", show_default=False)] = None,
                 policy: PolicyOpt = None) -> None:
    """Show the published item closest to a claim (BM25), and whether it counts as a match."""
    from clearpost.detectors.confidential import MIN_COVERAGE
    from clearpost.policy.corpus import corpus_dirs, load_items, org_name_words, read_items
    from clearpost.text.bm25 import BM25Index

    pol = _load_policy(policy)
    items = load_items(pol) + (read_items(index) if index is not None else [])
    found = BM25Index(((i.source, i.text) for i in items), extra_stop=org_name_words(pol)).best(text)
    if found is None:
        where = ", ".join(str(d) for d in corpus_dirs(pol)) or "no corpus directory"
        print(f"No published item shares words with this claim ({len(items)} items in {where}).")
        return
    verdict = "already public" if found.coverage >= MIN_COVERAGE else "no match"
    print(f"{verdict}: {found.source} (coverage {found.coverage:.2f}, needed {MIN_COVERAGE}; "
          f"bm25 {found.score:.2f})")
# --- service ------------------------------------------------------------------------------
db_app = typer.Typer(help="The service database: migrations.", no_args_is_help=True)
users_app = typer.Typer(help="People of the service: add them.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail: verify the hash chain, export it.",
                        no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit-log")


def _settings(policy: Path | None = None, **overrides: Any) -> Any:
    from pydantic import ValidationError

    from clearpost.settings import Settings

    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        fail(f"setting CLEARPOST_{str(err['loc'][0]).upper()}: {err['msg']}", EXIT_USAGE)
    if policy is not None:
        settings.policy_dir = policy
    return settings


def _runtime(settings: Any, *, migrate: bool = True) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from clearpost.policy.loader import PolicyError
    from clearpost.workflows.runtime import Runtime

    try:
        return Runtime.build(settings, migrate=migrate)
    except SQLAlchemyError as exc:
        fail(f"database {settings.sqlalchemy_url().split('@')[-1]}: "
             f"{str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}")
    except PolicyError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)


def _workflow_call(fn: Any) -> Any:
    from clearpost.workflows.errors import WorkflowError

    try:
        return fn()
    except WorkflowError as exc:
        fail(exc.detail)


def _write_atomic(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


@app.command()
def serve(
    demo: Annotated[bool, typer.Option("--demo", help="Start on a fresh demo organization "
                                       "(one user per role, registry, sample requests).")] = False,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    policy: PolicyOpt = None,
) -> None:
    """Run the web service (SQLite under ./var unless CLEARPOST_DATABASE_URL is set)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("fastapi") is None or importlib.util.find_spec("uvicorn") is None:
        fail("the service needs its extra: pip install 'clearpost[service]' "
             "(or scripts/bootstrap.sh service)", EXIT_USAGE)

    settings = _settings(policy)
    if host:
        settings.host = host
    if port:
        settings.port = port
    if demo:
        # A fresh organization every start, so the printed sign-ins are the valid ones.
        demo_dir = settings.data_dir / "demo"
        shutil.rmtree(demo_dir, ignore_errors=True)
        settings.data_dir = demo_dir
        settings.database_url = None
        settings.cookie_secure = settings.host not in ("127.0.0.1", "localhost", "::1")
    rt = _runtime(settings)
    address = f"http://{settings.host}:{settings.port}"
    if demo:
        from clearpost.workflows.demo import seed

        logins = _workflow_call(lambda: seed(rt))
        print(f"clearpost demo organization on SQLite ({settings.data_dir}/clearpost.db)")
        print("Demo sign-ins (POST /api/v1/auth/login with e-mail and password):")
        for login in logins:
            print(f"  {login.role:<11} {login.email:<36} {login.password}")
    print(f"clearpost service at {address}  (API docs: {address}/api/v1/docs)", flush=True)
    import uvicorn

    from clearpost.web.app import create_app

    uvicorn.run(create_app(settings, runtime=rt, start_tasks=True), host=settings.host,
                port=settings.port, log_level=settings.log_level)


@app.command()
def worker() -> None:
    """Run the background worker (e-mail, expiry, purge) for a multi-process deployment."""
    from clearpost.workflows.tasks import make_huey

    rt = _runtime(_settings())
    huey, _tasks = make_huey(rt)
    print(f"clearpost worker on {rt.settings.huey}", file=sys.stderr)
    huey.create_consumer(workers=2, worker_type="thread", periodic=True).run()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations to the configured database."""
    from clearpost.store.db import current_revision

    settings = _settings()
    rt = _runtime(settings)
    print(f"database at revision {current_revision(rt.engine)}")


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="E-mail address (the sign-in name).")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    role: Annotated[list[str] | None, typer.Option("--role", help="employee, physician, manager, "
                                                   "marcomm, strategist, admin (repeatable).")] = None,
    department: Annotated[str | None, typer.Option(help="Department.")] = None,
    manager: Annotated[str | None, typer.Option(help="The manager's e-mail.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read a password from standard input.")] = False,
) -> None:
    """Add a person (with a local password, or for single sign-on only)."""
    from clearpost.workflows.context import SYSTEM
    from clearpost.workflows.users import service as users

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    rt = _runtime(_settings())

    def run() -> Any:
        with rt.ctx(SYSTEM) as ctx:
            return users.public(users.create_user(
                ctx, email=email, name=name or email, roles=role or [], department=department,
                manager_email=manager, password=password))

    user = _workflow_call(run)
    print(f"added user #{user['id']} {user['email']} ({', '.join(user['roles'])})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 and name each problem if anything was changed."""
    from clearpost.workflows.audit import service as audit
    from clearpost.workflows.context import SYSTEM

    rt = _runtime(_settings())
    with rt.ctx(SYSTEM) as ctx:
        report = audit.verify(ctx.session)
    if report.ok:
        print(f"audit trail intact: {report.events} events, hash chain verified")
        return
    for problem in report.problems:
        print(f"audit trail: {problem}")
    print(f"audit trail TAMPERED: {len(report.problems)} problem(s) in {report.events} events",
          file=sys.stderr)
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "json",
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Write to this file.")] = None,
) -> None:
    """Export every audit event for compliance (CSV or JSON)."""
    from clearpost.workflows.audit import service as audit
    from clearpost.workflows.context import SYSTEM

    if fmt not in ("csv", "json"):
        fail(f"unknown format {fmt!r}; formats are: csv, json", EXIT_USAGE)
    rt = _runtime(_settings())
    with rt.ctx(SYSTEM) as ctx:
        text = audit.export_csv(ctx.session) if fmt == "csv" else audit.export_json(ctx.session)
    if out is None:
        sys.stdout.write(text)
    else:
        _write_atomic(out, text)
        print(f"wrote {out}", file=sys.stderr)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in your own words.")],
    k: Annotated[int, typer.Option(min=1, max=10, help="How many answers.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """The guidelines' sections (and published FAQ answers) that fit a question, with contacts."""
    from clearpost.workflows.guidance import retrieval

    pol = _load_policy(policy)
    faq = _published_faq()
    found = retrieval.ask(pol, question, faq, k=k)
    if as_json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return
    if not found["answers"]:
        print(found["note"])
    for hit in found["answers"]:
        cite = hit["ref"] if hit["kind"] == "section" else f"{hit['ref']} (FAQ)"
        print(f"[{cite}] {hit['title']}\n  {hit['text']}")
        if hit["contact"]:
            print(f"  Contact: {hit['contact']['name']}")
    if found["contact"] and not found["answers"]:
        print(f"Contact: {found['contact']['name']}")


def _published_faq() -> list[dict[str, Any]]:
    """The FAQ from the service database, when one is configured and exists; else none."""
    settings = _settings()
    if settings.database_url is None and not (settings.data_dir / "clearpost.db").exists():
        return []
    from sqlalchemy.exc import SQLAlchemyError

    from clearpost.workflows.context import SYSTEM
    from clearpost.workflows.questions import service as questions
    from clearpost.workflows.runtime import Runtime

    try:
        rt = Runtime.build(settings, migrate=False)
        with rt.ctx(SYSTEM) as ctx:
            return questions.faq(ctx)
    except (SQLAlchemyError, ValueError, OSError):
        return []


@app.command()
def profile(
    file: Annotated[Path | None, typer.Option("--file", help="A JSON file: {profile, author?, "
                                              "account?} or just the profile.")] = None,
    about: Annotated[str, typer.Option(help="The profile's About / bio text.")] = "",
    email: Annotated[str | None, typer.Option(help="The e-mail the account uses.")] = None,
    display_name: Annotated[str | None, typer.Option(help="The name shown.")] = None,
    role: Annotated[str, typer.Option(help="Author role (physician adds the notice rule).")] = "employee",
    platform: Annotated[str, typer.Option(help="x, facebook, instagram, linkedin, ...")] = "other",
    pseudonymous: Annotated[bool, typer.Option(help="The account hides the real name.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON result.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """Check a social media profile: disclaimer, physician notice, work e-mail, real name."""
    from clearpost.workflows.guidance.profile import profile_check

    pol = _load_policy(policy)
    if file is not None:
        data = _parse_json_post(_read_text_file(file, "profile file"), str(file))
        if not isinstance(data, dict):
            fail(f"{file}: expected a JSON object")
        if "profile" not in data:
            data = {"profile": data}
    else:
        data = {"profile": {"about": about, "email": email, "display_name": display_name},
                "author": {"role": role},
                "account": {"platform": platform, "pseudonymous": pseudonymous}}
    try:
        result = profile_check(pol, data)
    except PostInputError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"profile: {result.verdict}")
        for f in result.findings:
            print(f"  {f.level:<6} {f.rule} [{f.section}]: {f.message}\n         fix: {f.fix}")
    raise typer.Exit(EXIT_FOR_VERDICT[result.verdict])


@app.command()
def connect(
    relation: Annotated[str, typer.Argument(help="physician-patient, clinician-patient, "
                                            "supervisor-report, report-supervisor, colleague.")],
    knew_before_care: Annotated[bool, typer.Option(help="You knew the patient before their care.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policy: PolicyOpt = None,
) -> None:
    """Connection guidance: may I connect with this person online?"""
    from clearpost.workflows.guidance.connection import guidance

    pol = _load_policy(policy)
    try:
        found = guidance(pol, relation, knew_before_care=knew_before_care)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    if as_json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return
    print(f"{found['advice'].upper()}: {found['answer']}")
    if found["section"]:
        print(f"  Guidelines: [{found['section']['id']}] {found['section']['title']}")
    if found["contact"]:
        print(f"  Contact: {found['contact']['name']}")


# --- backup ---------------------------------------------------------------------------------
@app.command()
def backup(out: Annotated[Path, typer.Argument(help="Backup file to write.")]) -> None:
    """Back up the service's database (SQLite online backup; pg_dump for PostgreSQL)."""
    from clearpost.workflows.backup.service import BackupError
    from clearpost.workflows.backup.service import backup as run_backup

    settings = _settings()
    try:
        result = run_backup(settings.sqlalchemy_url(), out)
    except BackupError as exc:
        fail(str(exc))
    print(f"backed up to {result.path} ({result.audit_events} audit events, chain verified). "
          "Keep the encryption keys separately.")


@app.command()
def restore(backup_file: Annotated[Path, typer.Argument(help="A file made by `clearpost backup`.")],
            yes: Annotated[bool, typer.Option("--yes", help="Replace the current database.")] = False) -> None:
    """Restore the database from a backup (stop the service first)."""
    from clearpost.workflows.backup.service import BackupError
    from clearpost.workflows.backup.service import restore as run_restore

    if not yes:
        fail("restore replaces the current database: stop the service, then run again with --yes",
             EXIT_USAGE)
    settings = _settings()
    try:
        result = run_restore(settings.sqlalchemy_url(), backup_file)
    except BackupError as exc:
        fail(str(exc))
    print(f"restored {result.path} ({result.audit_events} audit events, chain verified)")


# --- demo -----------------------------------------------------------------------------------
@app.command()
def demo(policy: PolicyOpt = None) -> None:
    """Check a handful of sample drafts and show what clearpost says about each."""
    from clearpost.engine import check as run_check
    from clearpost.render import DEMO_POSTS, print_result

    pol = _load_policy(policy)
    from clearpost.model import parse_post

    for data in DEMO_POSTS:
        p = parse_post(data)
        print_result(p, run_check(p, pol), pol)


def main(argv: list[str] | None = None) -> None:
    """Entry point: map every failure to a one-line message and the contract's exit codes."""
    args = sys.argv[1:] if argv is None else argv
    try:
        code = app(args=args, prog_name="clearpost", standalone_mode=False)
    except CliError as exc:
        print(f"clearpost: error: {exc}", file=sys.stderr)
        sys.exit(exc.code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("clearpost: interrupted", file=sys.stderr)
        sys.exit(130)
    except ClickException as exc:
        print(f"clearpost: error: {exc.format_message()}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        print("clearpost: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        os._exit(0)
    except MemoryError:
        print("clearpost: error: out of memory", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:  # a bug: say so in one line; details only when asked
        if os.environ.get("CLEARPOST_DEBUG"):
            raise
        # Only the type: an exception message may quote the post, which must never leak.
        print(f"clearpost: internal error ({type(exc).__name__}); "
              "set CLEARPOST_DEBUG=1 for details", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


def result_exit_code(result: Result) -> int:
    return EXIT_FOR_VERDICT[result.verdict]


if __name__ == "__main__":
    main()
