"""Load and validate a policy pack directory; errors name the file, the line and the field."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clearpost.policy.schema import ALL_RULES, PackFile, Rule

MAX_PACK_FILE_BYTES = 2_000_000
MAX_LEXICON_LINES = 200_000


class PolicyError(ValueError):
    """A pack that cannot be used; the message names file, line and field."""

    def __init__(self, path: Path | str, message: str, line: int | None = None,
                 field: str | None = None) -> None:
        self.path, self.line, self.field = str(path), line, field
        where = f"{path}:{line}" if line else f"{path}"
        what = f" field '{field}':" if field else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass(frozen=True, eq=False)
class Policy:
    """A loaded pack: what the engine and the workflows read. Immutable; safe across threads."""

    root: Path
    pack: PackFile
    rules: dict[str, Rule]
    lexicons: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.pack.id

    @property
    def label(self) -> str:
        """What results carry in `policy`: "<id>@<version>"."""
        return f"{self.pack.id}@{self.pack.version}"

    @property
    def org(self) -> Any:
        return self.pack.organization

    def section(self, section_id: str) -> Any:
        for sec in self.pack.sections:
            if sec.id == section_id:
                return sec
        raise KeyError(section_id)

    def lexicon(self, name: str) -> tuple[str, ...]:
        return self.lexicons.get(name, ())

    @cached_property
    def cache(self) -> dict[str, Any]:
        """Per-policy memo for compiled matchers; detectors fill it through `memo`."""
        return {}

    @cached_property
    def _lock(self) -> threading.RLock:
        return threading.RLock()

    def memo(self, key: str, build: Any) -> Any:
        """Build a derived resource once per policy (thread-safe), then reuse it."""
        try:
            return self.cache[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self.cache:
                self.cache[key] = build()
            return self.cache[key]


def default_pack_dir() -> Path:
    return Path(str(resources.files("clearpost.policy") / "packs" / "msk"))


def builtin_lexicon_dir() -> Path:
    return Path(str(resources.files("clearpost.text") / "lexicons"))


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(path, f"cannot read: {exc.strerror or exc}") from None
    return parse_yaml_bytes(raw, path)


def parse_yaml_bytes(raw: bytes, path: Path | str) -> tuple[Any, yaml.Node | None]:
    """Decode and parse one pack file's bytes (no disk access; fuzzed in bench/fuzz.py)."""
    if len(raw) > MAX_PACK_FILE_BYTES:
        raise PolicyError(path, f"file too large ({len(raw)} bytes; limit {MAX_PACK_FILE_BYTES})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PolicyError(path, f"invalid YAML: {exc.problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise PolicyError(path, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise PolicyError(path, "invalid YAML: nested too deeply") from None
    return data, node


def parse_pack_file(raw: bytes, path: Path | str = "pack.yaml") -> PackFile:
    data, node = parse_yaml_bytes(raw, path)
    result: PackFile = _validate(PackFile, data, Path(path), node)
    return result


def parse_rule_file(raw: bytes, path: Path | str = "rule.yaml") -> Rule:
    data, node = parse_yaml_bytes(raw, path)
    result: Rule = _validate(Rule, data, Path(path), node)
    return result


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to its line."""
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    nxt = value
                    best = key.start_mark.line + 1
                    break
            if nxt is None:
                return best
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            return best
    return best


def _validate(model: type[Any], data: Any, path: Path, node: yaml.Node | None) -> Any:
    if not isinstance(data, dict):
        raise PolicyError(path, "expected a mapping at the top level", line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        field_name = ".".join(str(p) for p in loc) or None
        msg = err["msg"].removeprefix("Value error, ")
        raise PolicyError(path, msg, line=_line_of(node, loc), field=field_name) from None


def _read_lexicon(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise PolicyError(path, "not UTF-8 text") from None
    except OSError as exc:
        raise PolicyError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(lines) > MAX_LEXICON_LINES:
        raise PolicyError(path, f"too many lines ({len(lines)}; limit {MAX_LEXICON_LINES})")
    out = []
    for line in lines:
        # "# text" is a comment; "#tag" is an entry (hashtags are phrases too).
        stripped = line.strip()
        if not stripped or stripped == "#" or stripped.startswith("# "):
            continue
        entry = stripped.split(" # ", 1)[0].strip()
        if entry:
            out.append(entry)
    return out


def load_lexicons(*dirs: Path) -> dict[str, tuple[str, ...]]:
    merged: dict[str, list[str]] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.txt")):
            merged.setdefault(path.stem, []).extend(_read_lexicon(path))
    return {name: tuple(dict.fromkeys(items)) for name, items in merged.items()}


def load_policy(directory: Path | str | None = None) -> Policy:
    """Load the pack in `directory` (the built-in MSK pack when None)."""
    root = Path(directory) if directory is not None else default_pack_dir()
    if not root.exists():
        raise PolicyError(root, "no such policy directory")
    if not root.is_dir():
        raise PolicyError(root, "a policy pack is a directory (with pack.yaml, rules/, lexicons/)")
    pack_path = root / "pack.yaml"
    if not pack_path.is_file():
        raise PolicyError(pack_path, "missing: every pack needs a pack.yaml")
    data, node = _read_yaml(pack_path)
    pack: PackFile = _validate(PackFile, data, pack_path, node)  # same as parse_pack_file
    section_ids = {s.id for s in pack.sections}

    rules: dict[str, Rule] = {}
    rules_dir = root / "rules"
    for path in sorted(rules_dir.glob("*.yaml")) if rules_dir.is_dir() else []:
        rdata, rnode = _read_yaml(path)
        rule: Rule = _validate(Rule, rdata, path, rnode)
        if rule.id != path.stem:
            raise PolicyError(path, f"file name must match the rule id ({rule.id}.yaml)",
                              line=_line_of(rnode, ("id",)), field="id")
        if rule.section not in section_ids:
            raise PolicyError(path, f"unknown section {rule.section!r}; pack.yaml defines: "
                              f"{', '.join(sorted(section_ids))}",
                              line=_line_of(rnode, ("section",)), field="section")
        rules[rule.id] = rule
    missing = [r for r in ALL_RULES if r not in rules]
    if missing:
        raise PolicyError(rules_dir, f"no rule file for: {', '.join(missing)} "
                          "(every contract rule needs one; set enabled: false to turn one off)")
    rules = {r: rules[r] for r in ALL_RULES}  # the contract's order, whatever the file order
    lexicons = load_lexicons(builtin_lexicon_dir(), root / "lexicons")
    return Policy(root=root, pack=pack, rules=rules, lexicons=lexicons)


_DEFAULT: Policy | None = None
_DEFAULT_LOCK = threading.Lock()


def default_policy() -> Policy:
    """The built-in pack, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = load_policy(None)
    return _DEFAULT
