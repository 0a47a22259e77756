"""Safe YAML reading with a line number for every key, value and list item.

The policy loader never calls ``yaml.load``: it composes the document into nodes
with :class:`yaml.SafeLoader` (so no tag can build a Python object) and turns the
nodes into :class:`YMap` / :class:`YList` containers that remember where each key,
value and item was written.  Scalars are built by the safe constructor (ints,
floats, booleans, dates, strings); any other tag (``!!python/object`` ...) is an
error.  Duplicate keys — silently ignored by plain ``yaml.safe_load`` — are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: Refuse policy files larger than this (a policy is a few kilobytes).
MAX_BYTES = 1_000_000
#: Refuse documents that expand to more nodes than this (alias bombs).
MAX_NODES = 200_000

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class Loc:
    """A place in a policy file: ``file:line`` (1-based line)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class YamlTreeError(Exception):
    """A file that is not a readable YAML mapping; carries the :class:`Loc`."""

    def __init__(self, loc: Loc, message: str):
        super().__init__(f"{loc}: {message}")
        self.loc = loc
        self.message = message


class YMap(dict):
    """A mapping that remembers where it, each key and each value were written."""

    def __init__(self, loc: Loc):
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, Loc] = {}
        self.val_locs: dict[str, Loc] = {}

    def key_loc(self, key: str) -> Loc:
        """Where ``key`` was written (the mapping's own place if unknown)."""
        return self.key_locs.get(key, self.loc)

    def val_loc(self, key: str) -> Loc:
        """Where the value of ``key`` was written (the key's place if unknown)."""
        return self.val_locs.get(key, self.key_loc(key))


class YList(list):
    """A sequence that remembers where it and each item were written."""

    def __init__(self, loc: Loc):
        super().__init__()
        self.loc = loc
        self.item_locs: list[Loc] = []

    def item_loc(self, index: int) -> Loc:
        """Where item ``index`` was written."""
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


def _loc(file: str, node: yaml.Node) -> Loc:
    return Loc(file, node.start_mark.line + 1)


class _Builder:
    def __init__(self, file: str, loader: yaml.SafeLoader):
        self.file = file
        self.loader = loader
        self.nodes = 0

    def build(self, node: yaml.Node) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlTreeError(_loc(self.file, node), f"document expands to more than {MAX_NODES} nodes (alias bomb?)")
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise YamlTreeError(_loc(self.file, node), f"tag {node.tag.replace(_STD, '!!')} is not allowed in a policy")
            try:
                return self.loader.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:  # 2026-13-01 raises ValueError
                raise YamlTreeError(_loc(self.file, node), f"bad value: {getattr(exc, 'problem', None) or exc}") from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                raise YamlTreeError(_loc(self.file, node), f"tag {node.tag.replace(_STD, '!!')} is not allowed in a policy")
            out = YList(_loc(self.file, node))
            for item in node.value:
                out.append(self.build(item))
                out.item_locs.append(_loc(self.file, item))
            return out
        if isinstance(node, yaml.MappingNode):
            if node.tag != _STD + "map":
                raise YamlTreeError(_loc(self.file, node), f"tag {node.tag.replace(_STD, '!!')} is not allowed in a policy")
            return self._mapping(node)
        raise YamlTreeError(_loc(self.file, node), "unsupported YAML node")  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        seen: dict[str, Loc] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlTreeError(_loc(self.file, key_node), "a key must be a plain name, not a list or mapping")
            if key_node.tag == _STD + "merge":
                continue
            key = str(key_node.value)
            if key in seen:
                raise YamlTreeError(
                    _loc(self.file, key_node), f"duplicate key {key!r} (first written on line {seen[key].line})"
                )
            seen[key] = _loc(self.file, key_node)
        try:
            self.loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
        except yaml.MarkedYAMLError as exc:
            raise YamlTreeError(_loc(self.file, node), f"bad merge key: {exc.problem}") from None
        out = YMap(_loc(self.file, node))
        for key_node, value_node in node.value:
            key = str(key_node.value)
            value = self.build(value_node)
            if isinstance(value, YMap | YList):
                value.loc = _loc(self.file, key_node)  # "purpose 'care' ..." points at `care:`
            out[key] = value
            out.key_locs[key] = _loc(self.file, key_node)
            out.val_locs[key] = _loc(self.file, value_node)
        return out


def load_tree(path: str | Path, display: str | None = None) -> YMap:
    """Read one policy file into a :class:`YMap` (raises :class:`YamlTreeError`).

    ``display`` is the file name used in locations (default: ``str(path)``).
    """
    file = display if display is not None else str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise YamlTreeError(Loc(file, 1), f"file is larger than {MAX_BYTES} bytes; not a policy")
        data = p.read_bytes()
    except FileNotFoundError:
        raise YamlTreeError(Loc(file, 0), "no such file") from None
    except IsADirectoryError:
        raise YamlTreeError(Loc(file, 0), "is a directory, not a policy file") from None
    except OSError as exc:
        raise YamlTreeError(Loc(file, 0), f"cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlTreeError(Loc(file, line), "not UTF-8 text (save the policy as UTF-8)") from None
    return parse_tree(text, file)


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> tuple[Loc, str]:
    """A readable location and message for a YAML parser error."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "syntax error"
    if "<stream end>" in problem and exc.context_mark is not None:
        mark = exc.context_mark  # point at the unclosed bracket or quote, not the end of the file
    line = mark.line + 1 if mark is not None else 1
    if "found another document" in problem:
        return Loc(file, line), "a policy file holds one YAML document; remove the extra '---' and what follows"
    if "\\t" in problem or "\t" in problem:
        return Loc(file, line), "YAML syntax error: a tab character; indent with spaces, not tabs"
    if exc.context:
        problem += f" ({exc.context}"
        problem += f" started on line {exc.context_mark.line + 1})" if exc.context_mark is not None else ")"
    return Loc(file, line), f"YAML syntax error: {problem}"


def parse_tree(text: str, file: str = "<policy>") -> YMap:
    """Parse policy text into a :class:`YMap` (raises :class:`YamlTreeError`)."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise YamlTreeError(*_syntax_error(exc, file)) from None
        except yaml.YAMLError as exc:  # pragma: no cover - unmarked reader errors
            raise YamlTreeError(Loc(file, 1), f"YAML error: {exc}") from None
        if node is None:
            raise YamlTreeError(Loc(file, 1), "policy is empty")
        if not isinstance(node, yaml.MappingNode):
            raise YamlTreeError(_loc(file, node), "a policy must be a mapping of keys (name:, purposes: ...)")
        return _Builder(file, loader).build(node)
    finally:
        loader.dispose()
