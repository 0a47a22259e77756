"""Load and validate policy files: ``extends`` resolution, merging, every error with file:line.

Loading is two steps.  First each file is read safely into a located tree
(:mod:`privaudit.policy.yamltree`) and the chain of ``extends`` is merged, parent
first: mappings merge key by key (recursively), anything else — lists included —
is replaced by the child's value, and ``key: null`` in a child deletes an
inherited entry.  ``name``, ``version`` and ``description`` are never inherited.
Then the merged tree is validated once, so every message points at the file and
line where the offending key or value was written, whichever file that is.

``extends`` names resolve like this: a value containing ``/`` or ending in
``.yaml``/``.yml`` is a path relative to the extending file; a bare name such as
``pipl-baseline`` is looked up as ``<name>.yaml`` next to the extending file,
then among the policies shipped inside the package (``privaudit/policy/builtin``);
``builtin:<name>`` always means the shipped one.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from privaudit.entities import ALL_ENTITIES, IDENTIFIER_ENTITIES
from privaudit.errors import PolicyError
from privaudit.policy.model import (
    ENCRYPTION_ALGORITHMS,
    GENERALISE_NUMERIC,
    GENERALISE_REGION_LEVELS,
    GENERALISE_TO,
    GRANULARITY,
    LEGAL_BASES,
    OPERATOR_PARAMS,
    OPERATORS,
    PROTECT_OPERATORS,
    PSEUDONYM_ALGORITHMS,
    REQUIREMENTS,
    RULES,
    SEVERITIES,
    SIGNALS,
    DatasetRule,
    Period,
    Policy,
    PolicyException,
    Purpose,
    Retention,
    RuleSetting,
    Safeguards,
    SensitiveCategory,
    Tier,
    known_rule,
)
from privaudit.policy.yamltree import Loc, YamlTreeError, YList, YMap, load_tree
from privaudit.transform.spec import OperatorSpec

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"

TOP_KEYS = (
    "name", "version", "description", "extends", "sensitive_categories", "purposes", "datasets",
    "default_purpose", "protect", "free_text", "rules", "exceptions", "tiers",
)
CATEGORY_KEYS = ("label", "description", "article", "entities", "columns", "granularity", "signal", "requires")
PURPOSE_KEYS = (
    "description", "legal_basis", "entities", "columns", "granularity", "protect", "safeguards",
    "retention", "free_text",
)
RETENTION_KEYS = ("period", "column", "description")
DATASET_KEYS = ("match", "purpose", "sheet", "columns", "description")
EXCEPTION_KEYS = (
    "id", "rule", "reason", "approved_by", "approved_on", "expires", "dataset", "sheet", "column",
    "entity", "purpose",
)
TIER_KEYS = (
    "description", "purpose", "entities", "columns", "default", "quasi_identifiers", "sensitive",
    "k", "l", "suppress", "algorithm", "encryption",
)
#: Pseudonym token length bounds (bytes of the keyed digest kept).
TOKEN_BYTES = (8, 32)
RULE_SETTING_KEYS = ("severity", "enabled")
FREE_TEXT_KEYS = ("allow",)
_NOT_INHERITED = ("name", "version", "description", "extends")

_RULES_HINT = f" (rules are {min(RULES)[:5]} to {max(RULES)[:5]}; see policies/README.md)"
_PERIOD_RE = re.compile(
    r"^\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?|天|日|周|个月|月|年)\s*$", re.IGNORECASE
)
_ISO_PERIOD_RE = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def _display(path: Path) -> str:
    """A path for messages: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # other drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _typename(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, YMap | dict):
        return "a mapping"
    if isinstance(value, YList | list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, _dt.date):
        return "a date"
    return "text"


def _suggest(word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    upper = {c.upper(): c for c in choices}
    if word.upper() in upper and upper[word.upper()] != word:
        return f" (did you mean {upper[word.upper()]!r}?)"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- reading and merging ----------------------------------------------------------


def merge_trees(base: YMap | None, over: YMap) -> YMap:
    """Merge ``over`` onto ``base``: mappings recursively, other values replaced, null deletes."""
    if base is None:
        return over
    out = YMap(over.loc)
    for key, value in base.items():
        out[key] = value
        out.key_locs[key] = base.key_loc(key)
        out.val_locs[key] = base.val_loc(key)
    for key, value in over.items():
        if value is None and key in out:
            del out[key]
            continue
        if isinstance(value, YMap) and isinstance(out.get(key), YMap):
            out[key] = merge_trees(out[key], value)
        else:
            out[key] = value
        out.key_locs[key] = over.key_loc(key)
        out.val_locs[key] = over.val_loc(key)
    return out


def _resolve_extends(name: str, base_dir: Path) -> Path | None:
    if name.startswith("builtin:"):
        p = BUILTIN_DIR / f"{name.split(':', 1)[1]}.yaml"
        return p if p.is_file() else None
    if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        p = Path(name)
        p = p if p.is_absolute() else base_dir / p
        return p if p.is_file() else None
    for p in (base_dir / f"{name}.yaml", base_dir / f"{name}.yml", BUILTIN_DIR / f"{name}.yaml"):
        if p.is_file():
            return p
    return None


class _Reader:
    """Reads a policy file and its ``extends`` chain into one merged tree."""

    def __init__(self) -> None:
        self.errors: list[tuple[Loc, str]] = []
        self.files: list[str] = []
        #: An ``extends`` target is missing, cyclic or unreadable: validating the rest
        #: would only report the consequences (unknown categories ...), so it is skipped.
        self.broken = False

    def read(self, path: Path, display: str, chain: tuple[Path, ...]) -> YMap | None:
        try:
            tree = load_tree(path, display)
        except YamlTreeError as exc:
            self.errors.append((exc.loc, exc.message))
            return None
        self.files.append(display)
        merged: YMap | None = None
        if "extends" in tree and tree["extends"] is not None:
            for name, loc in self._extends_names(tree):
                target = _resolve_extends(name, path.parent)
                if target is None:
                    self.errors.append(
                        (loc, f"cannot find policy {name!r} to extend (looked next to this file and in the shipped policies)")
                    )
                    self.broken = True
                    continue
                real = target.resolve()
                if real in chain:
                    cycle = " -> ".join(p.name for p in (*chain[chain.index(real):], real))
                    self.errors.append((loc, f"extends cycle: {cycle}"))
                    self.broken = True
                    continue
                parent = self.read(target, _display(target), (*chain, real))
                if parent is None:
                    self.broken = True
                    continue
                for key in _NOT_INHERITED:
                    parent.pop(key, None)
                merged = merge_trees(merged, parent)
        tree.pop("extends", None)
        return merge_trees(merged, tree)  # the file itself last: it overrides its parents

    def _extends_names(self, tree: YMap) -> list[tuple[str, Loc]]:
        value = tree["extends"]
        if isinstance(value, str):
            return [(value, tree.val_loc("extends"))]
        if isinstance(value, YList) and all(isinstance(v, str) for v in value):
            return [(v, value.item_loc(i)) for i, v in enumerate(value)]
        self.errors.append(
            (tree.val_loc("extends"), f"extends must be a policy name or a list of names, got {_typename(value)}")
        )
        self.broken = True
        return []


# --- validation -------------------------------------------------------------------


class _Validator:
    """Turns a merged tree into a :class:`Policy`, collecting every error."""

    def __init__(self, errors: list[tuple[Loc, str]]):
        self.errors = errors

    def err(self, loc: Loc, message: str) -> None:
        self.errors.append((loc, message))

    # -- generic checks ---------------------------------------------------------
    def keys(self, m: YMap, allowed: tuple[str, ...], what: str, required: tuple[str, ...] = ()) -> None:
        for key in m:
            if key not in allowed:
                hint = _suggest(key, allowed) or f"; allowed: {', '.join(allowed)}"
                self.err(m.key_loc(key), f"unknown key {key!r} in {what}{hint}")
        for key in required:
            if key not in m or m[key] is None:
                self.err(m.loc, f"{what} is missing required key {key!r}")

    def mapping(self, m: YMap, key: str, what: str) -> YMap | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, YMap):
            self.err(m.val_loc(key), f"{what} must be a mapping, got {_typename(value)}")
            return None
        return value

    def text(self, m: YMap, key: str, what: str, numbers_ok: bool = False) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            if not value.strip():
                self.err(m.val_loc(key), f"{what} must not be empty")
                return None
            return value.strip()
        if numbers_ok and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.err(m.val_loc(key), f"{what} must be text, got {_typename(value)}")
        return None

    def boolean(self, m: YMap, key: str, what: str) -> bool | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.err(m.val_loc(key), f"{what} must be true or false, got {_typename(value)}")
            return None
        return value

    def date(self, m: YMap, key: str, what: str) -> _dt.date | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.err(m.val_loc(key), f"{what} must be a date like 2026-06-30, got {_typename(value)}")
        return None

    def enum(self, m: YMap, key: str, choices: Iterable[str], what: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        return self.choice(value, m.val_loc(key), choices, what)

    def choice(self, value: Any, loc: Loc, choices: Iterable[str], what: str, suggest: bool = True) -> str | None:
        """``value`` if it is one of ``choices``, else an error at ``loc`` (with a did-you-mean hint)."""
        choices = tuple(choices)
        if not isinstance(value, str) or value not in choices:
            shown = repr(value) if isinstance(value, str) else _typename(value)
            hint = _suggest(value, choices) if isinstance(value, str) and suggest else ""
            self.err(loc, f"{what} {shown} is not one of: {', '.join(choices)}{hint}")
            return None
        return value

    def str_list(self, m: YMap, key: str, what: str, scalar_ok: bool = False) -> list[tuple[str, Loc]] | None:
        value = m.get(key)
        if value is None:
            return None
        if scalar_ok and isinstance(value, str):
            return [(value, m.val_loc(key))]
        if not isinstance(value, YList):
            self.err(m.val_loc(key), f"{what} must be a list, got {_typename(value)}")
            return None
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.err(value.item_loc(i), f"{what}: every item must be text, got {_typename(item)}")
                continue
            out.append((item.strip(), value.item_loc(i)))
        return out

    def entity_list(
        self, m: YMap, key: str, what: str, allowed: tuple[str, ...] = ALL_ENTITIES
    ) -> list[tuple[str, Loc]] | None:
        items = self.str_list(m, key, what)
        if items is None:
            return None
        out = []
        for name, loc in items:
            if self.entity_name(name, loc, what, allowed):
                out.append((name, loc))
        return out

    def entity_name(self, name: Any, loc: Loc, what: str, allowed: tuple[str, ...] = ALL_ENTITIES) -> bool:
        if not isinstance(name, str):
            self.err(loc, f"{what}: entity must be text, got {_typename(name)}")
            return False
        if name in allowed:
            return True
        if name in ALL_ENTITIES:
            self.err(loc, f"{what}: {name} is not allowed here (only {', '.join(allowed)})")
        else:
            self.err(loc, f"{what}: unknown entity {name!r}{_suggest(name, ALL_ENTITIES)}")
        return False

    def entries(self, m: YMap, key: str, what: str, section_what: str | None = None) -> list[tuple[str, YMap]]:
        """The ``name: {mapping}`` entries of a mapping-of-mappings."""
        section = self.mapping(m, key, section_what or key)
        if section is None:
            return []
        out = []
        for name, value in section.items():
            if not isinstance(value, YMap):
                self.err(section.val_loc(name), f"{what} {name!r} must be a mapping, got {_typename(value)}")
                continue
            out.append((name, value))
        return out

    def operator_map(self, m: YMap, key: str, what: str, entities: bool, operators: tuple[str, ...]) -> dict[str, str]:
        section = self.mapping(m, key, what)
        out: dict[str, str] = {}
        if section is None:
            return out
        for name, op in section.items():
            loc = section.key_loc(name)
            if entities:
                if name in ALL_ENTITIES and name not in IDENTIFIER_ENTITIES and operators is PROTECT_OPERATORS:
                    self.err(
                        loc,
                        f"{what}: {name} is an attribute entity; protect applies to identifier entities "
                        "(leave the attribute out of entities:, or limit it with granularity:)",
                    )
                    continue
                if not self.entity_name(name, loc, what):
                    continue
            vloc = section.val_loc(name)
            if not isinstance(op, str):
                self.err(vloc, f"{what}: operator for {name} must be text, got {_typename(op)}")
                continue
            if op not in operators:
                if op == "generalise" and operators is PROTECT_OPERATORS:
                    self.err(vloc, f"{what}: use granularity: to require {name} generalised, not protect:")
                elif op == "keep" and operators is PROTECT_OPERATORS:
                    self.err(vloc, f"{what}: 'keep' means no protection; list {name} under entities: instead")
                else:
                    self.err(vloc, f"{what}: unknown operator {op!r} for {name}; use one of: {', '.join(operators)}{_suggest(op, operators)}")
                continue
            out[name] = op
        return out

    # -- sections ------------------------------------------------------------------
    def policy(self, tree: YMap, source: str, files: tuple[str, ...]) -> Policy:
        self.keys(tree, TOP_KEYS, "the policy", required=("name",))
        policy = Policy(
            name=self.text(tree, "name", "name", numbers_ok=True) or "",
            version=self.text(tree, "version", "version", numbers_ok=True) or "",
            description=self.text(tree, "description", "description") or "",
            source=source,
            files=files,
        )
        for name, m in self.entries(tree, "sensitive_categories", "sensitive category"):
            policy.sensitive_categories[name] = self.category(name, m)
        policy.protect = self.operator_map(tree, "protect", "protect", True, PROTECT_OPERATORS)
        policy.free_text_allow = self.free_text(tree, "free_text") or frozenset()
        for name, m in self.entries(tree, "purposes", "purpose"):
            policy.purposes[name] = self.purpose(name, m, policy)
        policy.default_purpose = self.text(tree, "default_purpose", "default_purpose")
        if policy.default_purpose and policy.default_purpose not in policy.purposes:
            self.err(
                tree.val_loc("default_purpose"),
                f"default_purpose {policy.default_purpose!r} is not a purpose of this policy"
                f"{_suggest(policy.default_purpose, policy.purposes)}",
            )
        policy.datasets = self.datasets(tree, policy)
        policy.rules = self.rules(tree)
        policy.exceptions = self.exceptions(tree, policy)
        for name, m in self.entries(tree, "tiers", "tier"):
            policy.tiers[name] = self.tier(name, m, policy)
        return policy

    def category(self, name: str, m: YMap) -> SensitiveCategory:
        what = f"sensitive category {name!r}"
        self.keys(m, CATEGORY_KEYS, what)
        cat = SensitiveCategory(name=name, loc=m.loc)
        n_errors = len(self.errors)
        cat.label = self.text(m, "label", f"{what} label") or ""
        cat.article = self.text(m, "article", f"{what} article") or "PIPL Art. 28"
        cat.entities = tuple(e for e, _ in self.entity_list(m, "entities", f"{what} entities") or [])
        cat.columns = tuple(c for c, _ in self.str_list(m, "columns", f"{what} columns") or [])
        cat.signal = self.enum(m, "signal", SIGNALS, f"{what} signal")
        reqs = self.str_list(m, "requires", f"{what} requires") or []
        for req, loc in reqs:
            if req not in REQUIREMENTS:
                self.err(loc, f"{what} requires: unknown safeguard {req!r}; use one of: {', '.join(REQUIREMENTS)}{_suggest(req, REQUIREMENTS)}")
        cat.requires = tuple(r for r, _ in reqs if r in REQUIREMENTS)
        gran = self.mapping(m, "granularity", f"{what} granularity")
        if gran is not None:
            for entity in gran:
                loc = gran.key_loc(entity)
                if entity not in GRANULARITY:
                    self.err(loc, f"{what} granularity: only {', '.join(GRANULARITY)} have a granularity, not {entity!r}")
                    continue
                if entity not in cat.entities:
                    self.err(loc, f"{what} granularity is set for {entity}, which is not among its entities")
                items = self.str_list(gran, entity, f"{what} granularity of {entity}") or []
                good = []
                for level, lloc in items:
                    if level not in GRANULARITY[entity]:
                        self.err(lloc, f"{what}: {level!r} is not a granularity of {entity} ({', '.join(GRANULARITY[entity])})")
                    else:
                        good.append(level)
                cat.granularity[entity] = tuple(good)
        if not cat.entities and not cat.columns and not cat.signal and len(self.errors) == n_errors:
            self.err(m.loc, f"{what} matches nothing: give entities:, columns: or signal:")
        return cat

    def free_text(self, m: YMap, key: str) -> frozenset[str] | None:
        section = self.mapping(m, key, "free_text")
        if section is None:
            return None
        self.keys(section, FREE_TEXT_KEYS, "free_text")
        allowed = self.entity_list(section, "allow", "free_text allow", IDENTIFIER_ENTITIES) or []
        return frozenset(e for e, _ in allowed)

    def purpose(self, name: str, m: YMap, policy: Policy) -> Purpose:
        what = f"purpose {name!r}"
        self.keys(m, PURPOSE_KEYS, what, required=("legal_basis", "entities"))
        basis = self.enum(m, "legal_basis", LEGAL_BASES, f"{what} legal_basis")
        ents = self.entity_list(m, "entities", f"{what} entities") or []
        p = Purpose(name=name, legal_basis=basis or "", loc=m.loc)
        p.description = self.text(m, "description", f"{what} description") or ""
        p.entities = frozenset(e for e, _ in ents)
        cols = self.str_list(m, "columns", f"{what} columns")
        p.columns = tuple(c for c, _ in cols) if cols is not None else None
        p.protect = self.operator_map(m, "protect", f"{what} protect", True, PROTECT_OPERATORS)
        for entity, loc in ents:
            if entity in p.protect:
                self.err(
                    loc,
                    f"{what}: {entity} is both in entities (kept raw) and in protect (must be transformed); "
                    "list it in one of them",
                )
            elif entity in policy.protect:
                self.err(
                    loc,
                    f"{what}: {entity} is kept raw here but the policy-wide protect: requires it "
                    f"{policy.protect[entity]}; remove one of them",
                )
        gran = self.mapping(m, "granularity", f"{what} granularity")
        if gran is not None:
            for entity in gran:
                loc = gran.key_loc(entity)
                if entity not in GRANULARITY:
                    hint = "unknown entity" if entity not in ALL_ENTITIES else "no granularity scale for"
                    self.err(loc, f"{what} granularity: {hint} {entity!r}; only {', '.join(GRANULARITY)}")
                    continue
                lvl = self.enum(gran, entity, GRANULARITY[entity], f"{what} granularity of {entity}")
                if lvl is None:
                    continue
                if entity not in p.entities:
                    self.err(loc, f"{what}: granularity is set for {entity}, which the purpose does not collect (add it to entities:)")
                    continue
                p.granularity[entity] = lvl
        for cat_name, sg in self.entries(m, "safeguards", f"{what} safeguards", f"{what} safeguards"):
            sg_what = f"{what} safeguards for {cat_name!r}"
            if cat_name not in policy.sensitive_categories:
                self.err(
                    m["safeguards"].key_loc(cat_name),
                    f"{what} safeguards: unknown sensitive category {cat_name!r}"
                    f"{_suggest(cat_name, policy.sensitive_categories)}",
                )
                continue
            self.keys(sg, tuple(REQUIREMENTS), sg_what)
            p.safeguards[cat_name] = Safeguards(
                separate_consent=bool(self.boolean(sg, "separate_consent", f"{sg_what} separate_consent")),
                written_consent=bool(self.boolean(sg, "written_consent", f"{sg_what} written_consent")),
                guardian_consent=bool(self.boolean(sg, "guardian_consent", f"{sg_what} guardian_consent")),
                necessity=self.text(sg, "necessity", f"{sg_what} necessity"),
                impact_assessment=self.text(sg, "impact_assessment", f"{sg_what} impact_assessment"),
                special_rules=self.text(sg, "special_rules", f"{sg_what} special_rules"),
            )
        ret = self.mapping(m, "retention", f"{what} retention")
        if ret is not None:
            p.retention = self.retention(ret, f"{what} retention")
        p.free_text_allow = self.free_text(m, "free_text")
        if p.free_text_allow:
            section = m["free_text"]
            allow = section.get("allow") if isinstance(section, YMap) else None
            for i, entity in enumerate(allow if isinstance(allow, YList) else []):
                if entity in p.free_text_allow and entity not in p.entities and entity not in p.protect:
                    self.err(
                        allow.item_loc(i),
                        f"{what}: free_text allows {entity}, which the purpose does not collect (add it to entities:)",
                    )
        return p

    def retention(self, m: YMap, what: str) -> Retention | None:
        self.keys(m, RETENTION_KEYS, what, required=("period", "column"))
        period = None
        raw = m.get("period")
        if raw is not None:
            period = parse_period(raw)
            if period is None:
                self.err(
                    m.val_loc("period"),
                    f"{what} period {raw!r} is not a period like 3y, 18 months, 90d or P3Y"
                    if isinstance(raw, str)
                    else f"{what} period must be text like 3y or 18 months (with a unit), got {_typename(raw)}",
                )
        cols = self.str_list(m, "column", f"{what} column", scalar_ok=True)
        if cols is not None and not cols:
            self.err(m.val_loc("column"), f"{what} column: name at least one date column")
        if period is None or not cols:
            return None
        return Retention(period=period, columns=tuple(c for c, _ in cols), loc=m.loc)

    def datasets(self, tree: YMap, policy: Policy) -> list[DatasetRule]:
        value = tree.get("datasets")
        if value is None:
            return []
        if not isinstance(value, YList):
            self.err(tree.val_loc("datasets"), f"datasets must be a list of {{match:, purpose:}} entries, got {_typename(value)}")
            return []
        out: list[DatasetRule] = []
        seen: dict[tuple[str, str | None], DatasetRule] = {}
        for i, item in enumerate(value):
            if not isinstance(item, YMap):
                self.err(value.item_loc(i), f"datasets entry must be a mapping with match: and purpose:, got {_typename(item)}")
                continue
            self.keys(item, DATASET_KEYS, "datasets entry", required=("match", "purpose"))
            match = self.text(item, "match", "datasets match")
            purpose = self.text(item, "purpose", "datasets purpose")
            sheet = self.text(item, "sheet", "datasets sheet", numbers_ok=True)
            if purpose and purpose not in policy.purposes:
                self.err(
                    item.val_loc("purpose"),
                    f"datasets entry names purpose {purpose!r}, which this policy does not define"
                    f"{_suggest(purpose, policy.purposes)}",
                )
                continue
            if not match or not purpose:
                continue
            cols = self.str_list(item, "columns", "datasets columns")
            rule = DatasetRule(
                match=match, purpose=purpose, sheet=sheet,
                columns=tuple(c for c, _ in cols) if cols is not None else None, loc=item.loc,
            )
            earlier = seen.get((match, sheet))
            if earlier is not None and earlier.purpose != purpose:
                self.err(
                    item.loc,
                    f"datasets entry {match!r} is mapped to purpose {earlier.purpose!r} on line "
                    f"{earlier.loc.line if earlier.loc else '?'} and to {purpose!r} here",
                )
                continue
            seen[(match, sheet)] = rule
            out.append(rule)
        return out

    def rules(self, tree: YMap) -> dict[str, RuleSetting]:
        out: dict[str, RuleSetting] = {}
        for rule_id, m in self.entries(tree, "rules", "rule setting"):
            if not known_rule(rule_id):
                self.err(tree["rules"].key_loc(rule_id), f"rules: unknown rule {rule_id!r}{_suggest(rule_id, RULES) or _RULES_HINT}")
                continue
            self.keys(m, RULE_SETTING_KEYS, f"rules {rule_id!r}")
            sev = self.enum(m, "severity", SEVERITIES, f"rules {rule_id!r} severity")
            enabled = self.boolean(m, "enabled", f"rules {rule_id!r} enabled")
            out[rule_id] = RuleSetting(severity=sev, enabled=True if enabled is None else enabled)
        return out

    def exceptions(self, tree: YMap, policy: Policy) -> list[PolicyException]:
        value = tree.get("exceptions")
        if value is None:
            return []
        if not isinstance(value, YList):
            self.err(tree.val_loc("exceptions"), f"exceptions must be a list, got {_typename(value)}")
            return []
        out: list[PolicyException] = []
        ids: dict[str, Loc] = {}
        for i, item in enumerate(value):
            if not isinstance(item, YMap):
                self.err(value.item_loc(i), f"exceptions entry must be a mapping, got {_typename(item)}")
                continue
            ex_id = self.text(item, "id", "exception id", numbers_ok=True)
            what = f"exception {ex_id!r}" if ex_id else "exception"
            self.keys(item, EXCEPTION_KEYS, what, required=("id", "rule", "reason", "approved_by", "expires"))
            rule = self.text(item, "rule", f"{what} rule")
            if rule and not known_rule(rule):
                self.err(item.val_loc("rule"), f"{what}: unknown rule {rule!r}{_suggest(rule, RULES) or _RULES_HINT}")
                rule = None
            reason = self.text(item, "reason", f"{what} reason")
            approver = self.text(item, "approved_by", f"{what} approved_by")
            expires = self.date(item, "expires", f"{what} expires")
            approved_on = self.date(item, "approved_on", f"{what} approved_on")
            entity = item.get("entity")
            if entity is not None and not self.entity_name(entity, item.val_loc("entity"), f"{what} entity"):
                entity = None
            purpose = self.text(item, "purpose", f"{what} purpose")
            if purpose and purpose not in policy.purposes:
                self.err(item.val_loc("purpose"), f"{what}: unknown purpose {purpose!r}{_suggest(purpose, policy.purposes)}")
            dataset = self.text(item, "dataset", f"{what} dataset")
            sheet = self.text(item, "sheet", f"{what} sheet", numbers_ok=True)
            column = self.text(item, "column", f"{what} column", numbers_ok=True)
            if approved_on and expires and approved_on > expires:
                self.err(item.val_loc("expires"), f"{what} expires ({expires}) before it was approved ({approved_on})")
                continue
            if ex_id:
                if ex_id in ids:
                    self.err(item.key_loc("id"), f"duplicate exception id {ex_id!r} (first on line {ids[ex_id].line})")
                    continue
                ids[ex_id] = item.key_loc("id")
            if not (ex_id and rule and reason and approver and expires):
                continue
            out.append(
                PolicyException(
                    id=ex_id, rule=rule, reason=reason, approved_by=approver, expires=expires,
                    approved_on=approved_on, dataset=dataset, sheet=sheet, column=column,
                    entity=entity, purpose=purpose, loc=item.loc,
                )
            )
        return out

    def integer(self, m: YMap, key: str, what: str, minimum: int) -> int | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(m.val_loc(key), f"{what} must be a whole number, got {_typename(value)}")
            return None
        if value < minimum:
            self.err(m.val_loc(key), f"{what} must be at least {minimum}, got {value}")
            return None
        return value

    def tier(self, name: str, m: YMap, policy: Policy) -> Tier:
        what = f"tier {name!r}"
        self.keys(m, TIER_KEYS, what)
        tier = Tier(name=name, description=self.text(m, "description", f"{what} description") or "", loc=m.loc)
        tier.algorithm = self.enum(m, "algorithm", PSEUDONYM_ALGORITHMS, f"{what} algorithm") or tier.algorithm
        tier.encryption = self.enum(m, "encryption", ENCRYPTION_ALGORITHMS, f"{what} encryption") or tier.encryption
        tier.entity_specs = self.operator_specs(m, "entities", f"{what} entities", True, tier)
        tier.column_specs = self.operator_specs(m, "columns", f"{what} columns", False, tier)
        tier.entities = {k: v.name for k, v in tier.entity_specs.items()}
        tier.columns = {k: v.name for k, v in tier.column_specs.items()}
        if m.get("default") is not None:
            spec = self.operator_spec(m["default"], m.val_loc("default"), f"{what} default", None, tier)
            if spec is not None:
                tier.default = spec
        tier.purpose = self.text(m, "purpose", f"{what} purpose")
        if tier.purpose and tier.purpose not in policy.purposes:
            self.err(
                m.val_loc("purpose"),
                f"{what}: unknown purpose {tier.purpose!r}{_suggest(tier.purpose, policy.purposes)}",
            )
        tier.quasi_identifiers = tuple(c for c, _ in self.str_list(m, "quasi_identifiers", f"{what} quasi_identifiers") or [])
        tier.sensitive = tuple(c for c, _ in self.str_list(m, "sensitive", f"{what} sensitive") or [])
        tier.k = self.integer(m, "k", f"{what} k", 2)
        tier.l = self.integer(m, "l", f"{what} l", 2)
        tier.suppress = bool(self.boolean(m, "suppress", f"{what} suppress"))
        for key in ("k", "l"):
            if m.get(key) is not None and not tier.quasi_identifiers:
                self.err(m.key_loc(key), f"{what}: {key} needs quasi_identifiers: (the columns or entities a record could be singled out by)")
        if m.get("l") is not None and not tier.sensitive:
            self.err(m.key_loc("l"), f"{what}: l needs sensitive: (the columns whose values must vary within each group)")
        if tier.suppress and tier.k is None:
            self.err(m.key_loc("suppress"), f"{what}: suppress needs k (records of groups smaller than k are suppressed)")
        return tier

    def operator_specs(self, m: YMap, key: str, what: str, entities: bool, tier: Tier) -> dict[str, OperatorSpec]:
        """A tier's ``entities:`` or ``columns:`` section: name -> operator (name or mapping)."""
        section = self.mapping(m, key, what)
        out: dict[str, OperatorSpec] = {}
        if section is None:
            return out
        for name, value in section.items():
            entity = None
            if entities:
                if not self.entity_name(name, section.key_loc(name), what):
                    continue
                entity = name
            spec = self.operator_spec(value, section.val_loc(name), f"{what}: {name}", entity, tier, name)
            if spec is not None:
                out[name] = spec
        return out

    def operator_spec(
        self, value: Any, loc: Loc, what: str, entity: str | None, tier: Tier, label: str | None = None
    ) -> OperatorSpec | None:
        """One operator: ``mask`` or ``{op: mask, keep_first: 3, ...}``, validated per operator."""
        params: dict[str, Any] = {}
        if isinstance(value, str):
            op, oloc = value, loc
        elif isinstance(value, YMap):
            op, oloc = value.get("op"), value.val_loc("op")
            if op is None:
                self.err(value.loc, f"{what} is missing required key 'op' (the operator: {', '.join(OPERATORS)})")
                return None
            if not isinstance(op, str):
                self.err(oloc, f"{what}: op must be an operator name, got {_typename(op)}")
                return None
        else:
            self.err(loc, f"{what}: the operator must be a name or a mapping with op:, got {_typename(value)}")
            return None
        if op not in OPERATORS:
            subject = f" for {label}" if label else ""
            head = what.rsplit(": ", 1)[0] if label else what
            self.err(oloc, f"{head}: unknown operator {op!r}{subject}; use one of: {', '.join(OPERATORS)}{_suggest(op, OPERATORS)}")
            return None
        if isinstance(value, YMap):
            allowed = ("op", *OPERATOR_PARAMS[op])
            for key in value:
                if key not in allowed:
                    takes = ", ".join(OPERATOR_PARAMS[op]) or "no parameters"
                    self.err(value.key_loc(key), f"{what}: {op} does not take {key!r}{_suggest(key, allowed)} ({op} takes: {takes})")
            for key in OPERATOR_PARAMS[op]:
                if key in value and value[key] is not None:
                    checked = self.operator_param(op, key, value[key], value.val_loc(key), what, entity)
                    if checked is not None:
                        params[key] = checked
        if op == "generalise" and entity is not None and entity not in GENERALISE_TO:
            self.err(oloc, f"{what}: generalise has no levels for {entity}; it applies to {', '.join(GENERALISE_TO)}")
            return None
        if op == "pseudonymise":
            params.setdefault("algorithm", tier.algorithm)
        elif op == "encrypt":
            params.setdefault("algorithm", tier.encryption)
        return OperatorSpec(op, params)

    def operator_param(self, op: str, key: str, value: Any, loc: Loc, what: str, entity: str | None) -> Any:
        """A validated operator parameter (None after reporting an error)."""
        where = f"{what}: {op} {key}"
        if key in ("keep_first", "keep_last"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                shown = value if isinstance(value, int) and not isinstance(value, bool) else _typename(value)
                self.err(loc, f"{where} must be a whole number of characters (0 or more), got {shown}")
                return None
            return value
        if key == "char":
            if not isinstance(value, str) or len(value) != 1:
                shown = repr(value) if isinstance(value, str) else _typename(value)
                self.err(loc, f"{where} must be a single character, got {shown}")
                return None
            return value
        if key in ("text", "locale"):
            if not isinstance(value, str):
                self.err(loc, f"{where} must be text, got {_typename(value)}")
                return None
            return value
        if key == "algorithm":
            choices = PSEUDONYM_ALGORITHMS if op == "pseudonymise" else ENCRYPTION_ALGORITHMS
            return self.choice(value, loc, choices, where)
        if key == "length":
            lo, hi = TOKEN_BYTES
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                self.err(loc, f"{where} must be a whole number of bytes from {lo} to {hi}")
                return None
            return value
        if key == "band":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.err(loc, f"{where} must be a whole number of years (1 or more)")
                return None
            return value
        if key == "grid":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                self.err(loc, f"{where} must be a grid size in degrees (a positive number)")
                return None
            return value
        if key == "level":
            return self.choice(value, loc, GENERALISE_REGION_LEVELS, where, suggest=False)
        # generalise to:
        entities = (entity,) if entity in GENERALISE_TO else tuple(GENERALISE_TO)
        numeric_ok = any(e in GENERALISE_NUMERIC for e in entities)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if numeric_ok and value > 0:
                return value
            self.err(loc, f"{where}: {value} is not a level of {'/'.join(entities)}")
            return None
        levels = tuple(dict.fromkeys(level for e in entities for level in GENERALISE_TO[e]))
        return self.choice(value, loc, levels, where)


def parse_period(value: Any) -> Period | None:
    """Parse ``3y``, ``18 months``, ``90d``, ``2 weeks``, ``3年``, ``6个月`` or ISO ``P3Y6M`` (None if invalid)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _ISO_PERIOD_RE.match(text.upper())
    if m and any(m.groups()):
        y, mo, w, d = (int(g) if g else 0 for g in m.groups())
        period = Period(years=y, months=mo, days=d + 7 * w, text=text)
    else:
        m = _PERIOD_RE.match(text)
        if not m:
            return None
        n, unit = int(m.group(1)), m.group(2).lower()
        if unit in ("d", "day", "days", "天", "日"):
            period = Period(days=n, text=text)
        elif unit in ("w", "week", "weeks", "周"):
            period = Period(days=7 * n, text=text)
        elif unit in ("m", "month", "months", "个月", "月"):
            period = Period(months=n, text=text)
        else:
            period = Period(years=n, text=text)
    if not (period.years or period.months or period.days):
        return None
    return period


# --- public entry points ----------------------------------------------------------------


def _load(path: str | os.PathLike) -> tuple[Policy | None, list[str]]:
    display = str(path)
    reader = _Reader()
    p = Path(path)
    tree = reader.read(p, display, (p.resolve(),))
    policy = None
    errors = reader.errors
    if tree is not None and not reader.broken:
        policy = _Validator(errors).policy(tree, display, tuple(dict.fromkeys(reader.files)))
    ordered = sorted(dict.fromkeys(errors), key=lambda e: (e[0].file != display, e[0].file, e[0].line))
    messages = list(dict.fromkeys(f"{loc}: {msg}" for loc, msg in ordered))
    return policy, messages


def check_policy(path: str | os.PathLike) -> list[str]:
    """Validate a policy file; return every error as ``"<file>:<line>: <message>"`` (empty: valid)."""
    return _load(path)[1]


def load_policy(path: str | os.PathLike) -> Policy:
    """Load and validate a policy file (and what it extends).

    Raises :class:`privaudit.errors.PolicyError` with ``"<file>:<line>: <message>"``
    for the first error found.
    """
    policy, errors = _load(path)
    if errors or policy is None:
        raise PolicyError(errors[0] if errors else f"{path}: policy could not be read")
    return policy
