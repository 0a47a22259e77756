"""The typed policy model, the rule catalogue and the policy vocabulary.

A :class:`Policy` is what a YAML policy file (plus everything it ``extends``)
means once validated; :func:`privaudit.policy.audit` reads nothing else.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from privaudit.policy.yamltree import Loc
from privaudit.transform.spec import OperatorSpec

# --- vocabulary --------------------------------------------------------------

#: PIPL Art. 13 legal bases a purpose may rest on.
LEGAL_BASES: dict[str, str] = {
    "consent": "PIPL Art. 13(1): the individual's consent",
    "contract": "PIPL Art. 13(2): necessary for a contract with the individual",
    "hr_management": "PIPL Art. 13(2): human-resources management under lawful labour rules",
    "statutory_duty": "PIPL Art. 13(3): necessary to perform a statutory duty or obligation",
    "emergency": "PIPL Art. 13(4): public-health emergency, or protecting life, health and property",
    "news_reporting": "PIPL Art. 13(5): news reporting and public-opinion supervision in the public interest",
    "disclosed_information": "PIPL Art. 13(6): information the individual disclosed or lawfully made public",
    "other_law": "PIPL Art. 13(7): another circumstance provided by law",
}

#: Granularity scales, finest first, for the entities the scanner rates.
GRANULARITY: dict[str, tuple[str, ...]] = {
    "ADDRESS": ("precise", "street", "district", "city", "province"),
    "GEO_COORDINATE": ("precise", "street", "district", "city", "province"),
    "DATE_OF_BIRTH": ("day", "month", "year"),
}

#: Transform operators (shared with access tiers and the transform stage).
OPERATORS: tuple[str, ...] = ("mask", "redact", "drop", "pseudonymise", "encrypt", "generalise", "surrogate", "keep")
#: Parameters each operator accepts in a tier (``{op: mask, keep_first: 3, keep_last: 4}``);
#: see :class:`privaudit.transform.spec.OperatorSpec`.
OPERATOR_PARAMS: dict[str, tuple[str, ...]] = {
    "mask": ("keep_first", "keep_last", "char"),
    "redact": ("text",),
    "drop": (),
    "pseudonymise": ("algorithm", "length"),
    "encrypt": ("algorithm",),
    "generalise": ("to", "band", "level", "grid"),
    "surrogate": ("locale",),
    "keep": (),
}
#: Keyed-pseudonym algorithms (HMAC-SHA256, HMAC-SM3) and encryption algorithms
#: (AES-256-GCM, SM4-GCM) a tier may choose.
PSEUDONYM_ALGORITHMS: tuple[str, ...] = ("sha256", "sm3")
ENCRYPTION_ALGORITHMS: tuple[str, ...] = ("aes-gcm", "sm4")
#: ``generalise`` targets (``to:``) per entity.  Coordinates take a grid size in degrees
#: and ages a band width in years (numbers) as well as the named levels.
GENERALISE_TO: dict[str, tuple[str, ...]] = {
    "ADDRESS": ("province", "city", "district", "street"),
    "GEO_COORDINATE": ("province", "city", "district", "grid"),
    "DATE_OF_BIRTH": ("year", "month", "age_band"),
    "CN_RESIDENT_ID": ("region_year", "region", "year"),
    "AGE": ("band",),
}
#: ``generalise`` ``level:`` (how much of a resident ID's region is kept).
GENERALISE_REGION_LEVELS: tuple[str, ...] = ("province", "city", "district")
#: Entities whose ``generalise`` target may be a number (grid degrees, band width in years).
GENERALISE_NUMERIC: frozenset[str] = frozenset({"GEO_COORDINATE", "AGE", "DATE_OF_BIRTH"})

#: Operators a ``protect:`` entry may require (``keep`` means no protection;
#: generalising is expressed with ``granularity:``).
PROTECT_OPERATORS: tuple[str, ...] = ("mask", "redact", "drop", "pseudonymise", "encrypt", "surrogate")

#: Safeguards a sensitive category may require, and the PIPL article each rests on.
REQUIREMENTS: dict[str, str] = {
    "necessity": "28",  # specific purpose and sufficient necessity
    "separate_consent": "29",
    "written_consent": "29",
    "guardian_consent": "31",
    "special_rules": "31",  # dedicated processing rules for minors' data
    "impact_assessment": "55",  # personal-information protection impact assessment
}
#: Requirements that are forms of consent: not needed when the purpose rests on a
#: non-consent legal basis (PIPL Art. 13, second paragraph).
CONSENT_REQUIREMENTS: frozenset[str] = frozenset({"separate_consent", "written_consent", "guardian_consent"})
#: Dataset-level signals the scanner provides that a category can be triggered by.
SIGNALS: tuple[str, ...] = ("minors_under_14",)

SEVERITIES: tuple[str, ...] = ("info", "warning", "error")


# --- the rule catalogue ----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One audit rule: stable id, default severity, the PIPL article it rests on.

    ``title`` says when it fires; ``remedy`` is the generic fix (each violation also
    carries a remedy naming its column); both feed reports' rule metadata (SARIF).
    """

    id: str
    severity: str
    article: str
    title: str
    remedy: str = ""


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("PA001-purpose-entity", "error", "PIPL Art. 6",
             "a column holds an entity its purpose does not collect (minimisation)",
             "Drop or redact the entity, or add it to the purpose's entities: if the purpose truly needs it."),
        Rule("PA002-purpose-column", "error", "PIPL Art. 6",
             "a column with personal information is not among the purpose's declared columns",
             "Drop the column, or declare it under the purpose's columns: if it is necessary."),
        Rule("PA003-granularity", "error", "PIPL Art. 6",
             "an address, coordinate or birth date is finer than the purpose allows",
             "Generalise the column to the purpose's granularity (privaudit transform) before storing or sharing."),
        Rule("PA004-sensitive-safeguards", "error", "PIPL Art. 28",
             "sensitive personal information without the safeguards its category requires",
             "Record the missing safeguards under the purpose's safeguards:, or drop the column."),
        Rule("PA005-minors", "error", "PIPL Art. 31",
             "records of children under 14 without guardian consent / special rules declared",
             "Record guardian consent / special rules under the purpose's safeguards:, or remove the records."),
        Rule("PA006-retention", "error", "PIPL Art. 19",
             "records kept longer than the retention period",
             "Delete or anonymise the records older than the retention period (PIPL Art. 47)."),
        Rule("PA007-free-text-identifier", "error", "PIPL Art. 51",
             "identifiers typed into a free-text column",
             "Redact identifiers inside the free text (privaudit transform); keep them in their own columns."),
        Rule("PA008-unprotected-identifier", "error", "PIPL Art. 51",
             "raw identifiers where the policy requires them masked, pseudonymised or dropped",
             "Apply the operator the policy's protect: names (privaudit transform) before storing or sharing."),
        Rule("PA009-no-purpose", "error", "PIPL Art. 6",
             "the dataset is mapped to no purpose, so collection cannot be justified",
             "Map the dataset to a purpose under datasets: (or set default_purpose:), or pass --purpose."),
        Rule("PA010-retention-unverifiable", "warning", "PIPL Art. 19",
             "the retention date column is missing or holds no recognisable dates",
             "Name the dataset's date column under the purpose's retention.column, with dates as YYYY-MM-DD."),
        Rule("PA011-exception-expired", "warning", "PIPL Art. 51",
             "an exception has expired and no longer applies",
             "Renew the exception with a new approval and expires: date, or fix what it covered."),
        Rule("PA012-undeclared-column", "error", "PIPL Art. 6",
             "a column with personal information is not among the columns declared for its dataset (schema drift)",
             "Drop the column, or declare it under the dataset's columns: in the policy if it is meant to be there."),
    )
}


def rule_matches(pattern: str, rule_id: str) -> bool:
    """True if ``pattern`` (a full rule id or its ``PA001`` prefix) names ``rule_id``."""
    return pattern == rule_id or rule_id.split("-", 1)[0] == pattern


def known_rule(pattern: str) -> bool:
    """True if ``pattern`` names a rule of :data:`RULES` (full id or ``PAnnn`` prefix)."""
    return any(rule_matches(pattern, r) for r in RULES)


# --- the policy ------------------------------------------------------------------------


@dataclass
class SensitiveCategory:
    """A sensitive-information category (PIPL Art. 28 or the organisation's rulebook)."""

    name: str
    label: str = ""
    article: str = "PIPL Art. 28"
    entities: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # column-name globs that hold this category
    #: Per entity, the granularities that count (absent: every granularity counts).
    granularity: dict[str, tuple[str, ...]] = field(default_factory=dict)
    signal: str | None = None  # dataset-level trigger (minors_under_14)
    requires: tuple[str, ...] = ()
    loc: Loc | None = None


@dataclass
class Safeguards:
    """What a purpose declares for one sensitive category."""

    separate_consent: bool = False
    written_consent: bool = False
    guardian_consent: bool = False
    necessity: str | None = None
    impact_assessment: str | None = None
    special_rules: str | None = None

    def provides(self, requirement: str) -> bool:
        """True if this declaration satisfies ``requirement``."""
        return bool(getattr(self, requirement, None))


@dataclass
class Period:
    """A retention period in calendar units."""

    years: int = 0
    months: int = 0
    days: int = 0
    text: str = ""

    def cutoff(self, today: _dt.date) -> _dt.date:
        """The oldest date still inside the period, counted back from ``today``."""
        months = today.year * 12 + (today.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        month += 1
        day = today.day
        while True:
            try:
                d = _dt.date(year, month, day)
                break
            except ValueError:  # 31 April, 29 February ...
                day -= 1
        return d - _dt.timedelta(days=self.days)


@dataclass
class Retention:
    """How long a purpose may keep records, and which column dates them."""

    period: Period
    columns: tuple[str, ...]  # candidate date columns, first present one is used
    loc: Loc | None = None


@dataclass
class Purpose:
    """A processing purpose: what it may collect and how."""

    name: str
    legal_basis: str
    description: str = ""
    entities: frozenset[str] = frozenset()
    columns: tuple[str, ...] | None = None  # column-name globs; None = any column
    granularity: dict[str, str] = field(default_factory=dict)  # entity -> finest allowed level
    protect: dict[str, str] = field(default_factory=dict)  # identifier entity -> operator
    safeguards: dict[str, Safeguards] = field(default_factory=dict)
    retention: Retention | None = None
    free_text_allow: frozenset[str] | None = None  # None: the policy-wide setting
    loc: Loc | None = None


@dataclass
class DatasetRule:
    """Maps datasets (path glob, optional sheet glob) to a purpose."""

    match: str
    purpose: str
    sheet: str | None = None
    #: Column-name globs: the columns of these datasets that may hold personal
    #: information (their declared schema); None = not declared (PA012 inactive).
    columns: tuple[str, ...] | None = None
    loc: Loc | None = None


@dataclass
class PolicyException:
    """An approved, time-limited waiver of a rule."""

    id: str
    rule: str  # full rule id or its PAnnn prefix
    reason: str
    approved_by: str
    expires: _dt.date
    approved_on: _dt.date | None = None
    dataset: str | None = None  # path glob
    sheet: str | None = None
    column: str | None = None  # column glob
    entity: str | None = None
    purpose: str | None = None
    loc: Loc | None = None

    def expired(self, today: _dt.date) -> bool:
        """True once ``today`` is after the expiry date (the expiry day itself still counts)."""
        return today > self.expires

    def to_dict(self) -> dict[str, Any]:
        """The exception as plain data (for reports)."""
        return {
            "id": self.id,
            "rule": self.rule,
            "reason": self.reason,
            "approved_by": self.approved_by,
            "approved_on": self.approved_on.isoformat() if self.approved_on else None,
            "expires": self.expires.isoformat(),
            "dataset": self.dataset,
            "column": self.column,
            "entity": self.entity,
            "purpose": self.purpose,
        }


@dataclass
class Tier:
    """An access tier: which operator each entity / column gets in the view, and the
    re-identification risk the view must stay under (see policies/README.md "tiers").

    ``entities`` / ``columns`` map to operator *names* (as before); ``entity_specs`` /
    ``column_specs`` hold the same operators with their parameters, with the tier's
    ``algorithm`` / ``encryption`` filled in for ``pseudonymise`` / ``encrypt``.
    ``default`` is the operator for identifier entities the tier does not name (``redact``
    unless the policy says otherwise: an identifier never passes raw unless a tier says
    ``keep``).  ``quasi_identifiers`` and ``sensitive`` are column names/globs or entity
    names.
    """

    name: str
    description: str = ""
    entities: dict[str, str] = field(default_factory=dict)  # entity -> operator
    columns: dict[str, str] = field(default_factory=dict)  # column name or glob -> operator
    entity_specs: dict[str, OperatorSpec] = field(default_factory=dict)
    column_specs: dict[str, OperatorSpec] = field(default_factory=dict)
    default: OperatorSpec = field(default_factory=lambda: OperatorSpec("redact"))
    purpose: str | None = None  # the purpose the view serves (its output is audited against it)
    quasi_identifiers: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    k: int | None = None  # minimum group size over the quasi-identifiers
    l: int | None = None  # noqa: E741 - minimum distinct sensitive values per group (l-diversity)
    suppress: bool = False  # suppress the records of groups smaller than k instead of failing
    algorithm: str = "sha256"  # keyed pseudonyms: HMAC-SHA256 | HMAC-SM3
    encryption: str = "aes-gcm"  # reversible encryption: AES-GCM | SM4
    loc: Loc | None = None


@dataclass
class RuleSetting:
    """A policy's override of one rule: severity, or switched off."""

    severity: str | None = None
    enabled: bool = True


@dataclass
class Policy:
    """A validated policy (the file merged with everything it extends)."""

    name: str
    version: str = ""
    description: str = ""
    source: str = ""
    files: tuple[str, ...] = ()  # this file, then the files it extends
    sensitive_categories: dict[str, SensitiveCategory] = field(default_factory=dict)
    purposes: dict[str, Purpose] = field(default_factory=dict)
    datasets: list[DatasetRule] = field(default_factory=list)
    default_purpose: str | None = None
    protect: dict[str, str] = field(default_factory=dict)  # policy-wide, identifier -> operator
    free_text_allow: frozenset[str] = frozenset()
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    exceptions: list[PolicyException] = field(default_factory=list)
    tiers: dict[str, Tier] = field(default_factory=dict)

    def rule_setting(self, rule_id: str) -> RuleSetting:
        """The policy's setting for ``rule_id`` (defaults if none)."""
        for pattern, setting in self.rules.items():
            if rule_matches(pattern, rule_id):
                return setting
        return RuleSetting()
