"""Policy packs: per-jurisdiction parameters with effective dates and sources, loaded from TOML."""

from __future__ import annotations

import itertools
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.codes import ProvinceCode, is_ascii_digits
from shared.policy.documents import cite, cited_documents, document
from shared.timerules import RetirementCategory

PACKS_DIRECTORY = Path(__file__).with_name("packs")

ParamScalar = int | str | RetirementCategory


class PolicyPackError(ValueError):
    """A policy pack is missing, malformed or asked for something it does not hold."""

    def __init__(self, pack: str | None, parameter: str | None, message: str) -> None:
        self.pack = pack
        self.parameter = parameter
        self.message = message
        where = f"policy pack {pack!r}" if pack else "policy packs"
        if parameter:
            where += f", parameter {parameter!r}"
        super().__init__(f"{where}: {message}")


class ParameterNotInForceError(PolicyPackError):
    """A pack holds no value of a parameter in force on the date asked for."""


class PolicyParameters(BaseModel):
    """Every policy parameter of one pack as in force on one date (rules.md, parameter table)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Unemployment registration, follow-up, deregistration.
    registration_window_workdays: int = Field(ge=0)
    registration_online_workdays: int = Field(ge=0)
    first_contact_workdays: int = Field(ge=0)
    followups_per_month: int = Field(ge=1)
    unreachable_months_to_deregister: int = Field(ge=1)
    refusals_to_deregister: int = Field(ge=1)
    minimum_living_standard_fen: int = Field(ge=0)
    working_age_min: int = Field(ge=0)
    retirement_category_default_female: RetirementCategory
    # Employment-difficulty certification.
    difficulty_hukou_province: ProvinceCode
    difficulty_preliminary_workdays: int = Field(ge=0)
    difficulty_review_workdays: int = Field(ge=0)
    difficulty_notice_workdays: int = Field(ge=0)
    difficulty_rereview_days: int = Field(ge=0)
    older_unemployed_age_female: int = Field(ge=0)
    older_unemployed_age_male: int = Field(ge=0)
    long_term_unemployed_months: int = Field(ge=1)
    veteran_registered_months: int = Field(ge=0)
    critical_illness_diagnosis_months: int = Field(ge=1)
    # Three-tier assistance and revisits (FU-TIER, FU-REVISIT).
    tier2_due_months: int = Field(ge=1)
    tier3_plan_workdays: int = Field(ge=1)
    revisit_first_months: int = Field(ge=1)
    revisit_interval_months: int = Field(ge=1)
    revisit_until_months: int = Field(ge=1)
    # Startup guaranteed loan.
    loan_age_max_female: int = Field(ge=0)
    loan_age_max_male: int = Field(ge=0)
    loan_individual_max_fen: int = Field(ge=0)
    loan_individual_max_with_jobs_fen: int = Field(ge=0)
    loan_jobs_for_higher_max: int = Field(ge=1)
    loan_enterprise_max_fen: int = Field(ge=0)
    loan_term_months_individual: int = Field(ge=1)
    loan_term_months_enterprise: int = Field(ge=1)
    loan_max_count: int = Field(ge=1)
    loan_consumer_debt_limit_fen: int = Field(ge=0)
    loan_nonkey_business_age_years: int = Field(ge=1)
    loan_enterprise_large_staff_over: int = Field(ge=1)
    loan_enterprise_hire_ratio_small_bp: int = Field(ge=0, le=10_000)
    loan_enterprise_hire_ratio_large_bp: int = Field(ge=0, le=10_000)
    loan_rate_cap_over_lpr_bp: int = Field(ge=0)
    loan_interest_subsidy_share_bp: int = Field(ge=0, le=10_000)
    # Skills-upgrade training subsidy.
    skill_subsidy_window_months: int = Field(ge=1)
    skill_review_workdays: int = Field(ge=0)
    skill_notice_workdays: int = Field(ge=1)
    skill_payment_workdays: int = Field(ge=0)
    living_allowance_fen: int = Field(ge=0)
    # Job services.
    job_seeker_review_workdays: int = Field(ge=0)
    vacancy_review_workdays: int = Field(ge=0)

    @field_validator("retirement_category_default_female")
    @classmethod
    def _female_category(cls, value: RetirementCategory) -> RetirementCategory:
        if value is RetirementCategory.MALE:
            raise ValueError("must be female_55 or female_50")
        return value


PARAMETER_NAMES: frozenset[str] = frozenset(PolicyParameters.model_fields)


def _expected_type(name: str) -> type[int] | type[str] | type[RetirementCategory]:
    annotation = PolicyParameters.model_fields[name].annotation
    if annotation is int:
        return int
    if annotation is str:
        return str
    if annotation is RetirementCategory:
        return RetirementCategory
    raise AssertionError(f"unsupported parameter type for {name}: {annotation!r}")  # pragma: no cover


_EXPECTED_TYPES = {name: _expected_type(name) for name in PARAMETER_NAMES}


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One value of a parameter, the date from which it applies and the clause it comes from.

    source is the citation as people read it (the document's number or title and the clause, from the
    table of documents); documents are the keys of the documents it cites.
    """

    value: ParamScalar
    effective_from: date
    source: str
    documents: tuple[str, ...] = ()


# Clauses a rule cites that are not parameter values: each pack names its own region's document, so that a
# person is shown the documents of their own region's pack (rules.md, "Sources"), never another province's.
CITATION_NAMES: frozenset[str] = frozenset({
    # Unemployment registration (REG-*), data comparison and statistics.
    "registration",  # REG-AGE's conditions, REG-PENSION, REG-UNEMPLOYED, REG-ABLE, REG-WILLING; 不予登记告知
    "hmt_registration",  # REG-ID-HMT
    "identity",  # REG-ID: the documents accepted (the number's checks add GB 11643)
    "identity_permit",  # REG-ID: the residence and travel permits of Hong Kong, Macao and Taiwan residents
    "registration_commitment",  # REG-COMMITMENT
    "registration_place",  # REG-PLACE
    "verification",  # data comparison and home visits of a declaration
    "statistics",  # who counts as urban registered unemployed
    "difficulty_screening",  # ELIG-CATEGORY noted by the data comparison: a registered person who may qualify
    "deregistration",  # DEREG-*, and the deregistrations the follow-up asks for (FU-REFUSAL, FU-UNREACHABLE)
    # Follow-up (FU-*).
    "followup_monthly",  # FU-MONTHLY, FU-CONTACT-DATE
    "followup_outcome",  # FU-OUTCOME
    "followup_data_match",  # FU-DATA-MATCH
    "classification",  # FU-CLASSIFY, with the clause of the class:
    "classification_not_seeking_now",
    "classification_difficulty_candidate",
    "classification_entrepreneur",
    "classification_needs_training",
    "classification_job_ready",
    "assistance_tier1",  # FU-TIER
    "assistance_tier2",
    "assistance_tier3",
    "revisit",  # FU-REVISIT
    "recommendation",  # JOB-RECOMMEND, JOB-OUTCOME, JOB-MATCH
})


class PolicyPack:
    """The parameters of one jurisdiction, resolved (with the pack it extends) and validated."""

    id: str
    name: str
    name_zh: str
    region_prefixes: tuple[str, ...]
    extends: str | None
    is_default: bool

    def __init__(
        self,
        *,
        id: str,
        name: str,
        name_zh: str,
        region_prefixes: tuple[str, ...],
        extends: str | None,
        is_default: bool,
        values: Mapping[str, tuple[ParameterValue, ...]],
        citations: Mapping[str, str] | None = None,
    ) -> None:
        self.id = id
        self._citations = dict(citations or {})
        self.name = name
        self.name_zh = name_zh
        self.region_prefixes = region_prefixes
        self.extends = extends
        self.is_default = is_default
        self._values = dict(values)
        # Each segment [breaks[i], breaks[i+1]) has one set of values in force; resolving them once
        # here keeps params(on) to a bisection on the hot path.
        self._breaks: tuple[date, ...] = tuple(
            sorted({v.effective_from for entries in self._values.values() for v in entries})
        )
        self._segments: list[PolicyParameters | str] = []
        self._sources: list[Mapping[str, str]] = []
        for start in self._breaks:
            segment = self._resolve(start)
            self._segments.append(segment)
            self._sources.append(
                MappingProxyType({})
                if isinstance(segment, str)
                else MappingProxyType({name: self._entry(name, start).source for name in self._values})
            )

    def __repr__(self) -> str:
        return f"PolicyPack({self.id!r})"

    def _entry(self, name: str, on: date) -> ParameterValue:
        entries = self._values[name]
        index = bisect_right([entry.effective_from for entry in entries], on) - 1
        if index < 0:
            raise ParameterNotInForceError(
                self.id,
                name,
                f"no value in force on {on} (earliest applies from {entries[0].effective_from})",
            )
        return entries[index]

    def _resolve(self, start: date) -> PolicyParameters | str:
        values: dict[str, ParamScalar] = {}
        for name, entries in self._values.items():
            if entries[0].effective_from > start:
                return name  # incomplete segment: reported when someone asks for it
            values[name] = self._entry(name, start).value
        try:
            return PolicyParameters.model_validate(values)
        except ValidationError as exc:
            error = exc.errors()[0]
            parameter = str(error["loc"][0]) if error["loc"] else None
            raise PolicyPackError(self.id, parameter, f"invalid value in force from {start}: {error['msg']}") from None

    def _segment_index(self, on: date) -> int:
        index = bisect_right(self._breaks, on) - 1
        if index < 0:
            raise ParameterNotInForceError(
                self.id, None, f"no parameters in force on {on}; the earliest apply from {self._breaks[0]}"
            )
        segment = self._segments[index]
        if isinstance(segment, str):
            self._entry(segment, on)  # raises, naming the parameter not yet in force
            raise ParameterNotInForceError(self.id, segment, f"no value in force on {on}")  # pragma: no cover
        return index

    def params(self, on: date) -> PolicyParameters:
        """Returns the typed parameters in force on the given date."""
        return cast(PolicyParameters, self._segments[self._segment_index(on)])

    def sources(self, on: date) -> Mapping[str, str]:
        """Returns the source clause of each parameter value in force on the given date."""
        return self._sources[self._segment_index(on)]

    def param(self, name: str, on: date) -> ParameterValue:
        """Returns one parameter's value in force on the given date, with its date and source."""
        if name not in self._values:
            raise PolicyPackError(self.id, name, "unknown parameter")
        return self._entry(name, on)

    def citation(self, name: str) -> str:
        """Returns the clause this pack's region cites for a rule that is not a parameter (CITATION_NAMES)."""
        if name not in self._citations:
            raise PolicyPackError(self.id, name, "no citation of that name")
        return self._citations[name]

    def history(self, name: str) -> tuple[ParameterValue, ...]:
        """Returns every value a parameter has had in this pack, oldest first."""
        if name not in self._values:
            raise PolicyPackError(self.id, name, "unknown parameter")
        return self._values[name]


@dataclass(frozen=True, slots=True)
class _RawPack:
    id: str
    name: str
    name_zh: str
    region_prefixes: tuple[str, ...]
    extends: str | None
    is_default: bool
    values: dict[str, tuple[ParameterValue, ...]]
    citations: dict[str, str]
    citation_documents: tuple[str, ...]


_PACK_KEYS = frozenset({"id", "name", "name_zh", "region_prefixes", "extends", "default"})


def _parse_entry(pack: str, name: str, raw: object) -> ParameterValue:
    if not isinstance(raw, dict):
        raise PolicyPackError(pack, name, "each value must be a table with value, effective_from and source")
    unknown = set(raw) - {"value", "effective_from", "source"}
    if unknown:
        raise PolicyPackError(pack, name, f"unknown keys {sorted(unknown)}")
    for key in ("value", "effective_from", "source"):
        if key not in raw:
            raise PolicyPackError(pack, name, f"missing {key}")
    effective_from = raw["effective_from"]
    if type(effective_from) is not date:
        raise PolicyPackError(pack, name, f"effective_from must be a TOML date, got {effective_from!r}")
    source = raw["source"]
    if not isinstance(source, str) or not source.strip():
        raise PolicyPackError(pack, name, "source must be a non-empty string naming the clause")
    documents = tuple(doc.key for doc in cited_documents(source) if doc is not None)
    value = raw["value"]
    expected = _EXPECTED_TYPES[name]
    if expected is RetirementCategory:
        if type(value) is not str or value not in {c.value for c in RetirementCategory}:
            raise PolicyPackError(
                pack,
                name,
                f"wrong type: expected one of {[c.value for c in RetirementCategory]}, got {value!r}",
            )
        return ParameterValue(RetirementCategory(value), effective_from, cite(source), documents)
    # type() rather than isinstance(): bool is an int subclass and floats are not allowed at all.
    if type(value) is not expected:
        raise PolicyPackError(
            pack, name, f"wrong type: expected {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return ParameterValue(value, effective_from, cite(source), documents)


def _parse_pack(path: Path) -> _RawPack:
    label = path.stem
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyPackError(label, None, f"not valid TOML: {exc}") from None
    unknown_sections = set(document) - {"pack", "params", "citations"}
    if unknown_sections:
        raise PolicyPackError(label, None, f"unknown sections {sorted(unknown_sections)}")
    header = document.get("pack")
    if not isinstance(header, dict):
        raise PolicyPackError(label, None, "missing [pack] table")
    unknown_keys = set(header) - _PACK_KEYS
    if unknown_keys:
        raise PolicyPackError(label, None, f"unknown [pack] keys {sorted(unknown_keys)}")
    pack_id = header.get("id")
    if not isinstance(pack_id, str) or pack_id != label:
        raise PolicyPackError(label, None, f"[pack] id must equal the file name {label!r}, got {pack_id!r}")
    name, name_zh = header.get("name"), header.get("name_zh")
    if not isinstance(name, str) or not isinstance(name_zh, str):
        raise PolicyPackError(pack_id, None, "[pack] needs name and name_zh strings")
    prefixes = header.get("region_prefixes")
    if (
        not isinstance(prefixes, list)
        or not prefixes
        or not all(isinstance(p, str) and is_ascii_digits(p) and len(p) in (2, 4, 6, 9, 12) for p in prefixes)
    ):
        raise PolicyPackError(pack_id, None, "region_prefixes must be a non-empty list of region codes")
    extends = header.get("extends")
    if extends is not None and not isinstance(extends, str):
        raise PolicyPackError(pack_id, None, "extends must name a pack id")
    is_default = header.get("default", False)
    if not isinstance(is_default, bool):
        raise PolicyPackError(pack_id, None, "default must be true or false")

    params = document.get("params", {})
    if not isinstance(params, dict):
        raise PolicyPackError(pack_id, None, "[params] must be a table")
    values: dict[str, tuple[ParameterValue, ...]] = {}
    for param_name, raw in params.items():
        if param_name not in PARAMETER_NAMES:
            raise PolicyPackError(pack_id, param_name, "unknown parameter")
        raw_entries = raw if isinstance(raw, list) else [raw]
        if not raw_entries:
            raise PolicyPackError(pack_id, param_name, "no values")
        entries = sorted(
            (_parse_entry(pack_id, param_name, entry) for entry in raw_entries),
            key=lambda entry: entry.effective_from,
        )
        for earlier, later in itertools.pairwise(entries):
            if earlier.effective_from == later.effective_from:
                raise PolicyPackError(pack_id, param_name, f"duplicate effective_from {later.effective_from}")
        values[param_name] = tuple(entries)
    raw_citations = document.get("citations", {})
    if not isinstance(raw_citations, dict):
        raise PolicyPackError(pack_id, None, "[citations] must be a table")
    citations: dict[str, str] = {}
    citation_documents: list[str] = []
    for citation_name, reference in raw_citations.items():
        if citation_name not in CITATION_NAMES:
            raise PolicyPackError(pack_id, citation_name, f"unknown citation (known: {sorted(CITATION_NAMES)})")
        if not isinstance(reference, str) or not reference.strip():
            raise PolicyPackError(pack_id, citation_name, "a citation is a non-empty string")
        citations[citation_name] = cite(reference)
        citation_documents.extend(doc.key for doc in cited_documents(reference) if doc is not None)
    return _RawPack(
        pack_id, name, name_zh, tuple(prefixes), extends, is_default, values, citations, tuple(citation_documents)
    )


def _check_documents_bind(pack: _RawPack) -> None:
    # A pack cites, for what it sets itself, only documents of its own region or national ones: a
    # Gansu value resting on a Shaoguan plan would be a value the Gansu bureau never set.
    cited = [(name, key) for name, entries in pack.values.items() for entry in entries for key in entry.documents]
    cited += [("citations", key) for key in pack.citation_documents]
    for name, key in cited:
        if not any(document(key).binds(prefix) for prefix in pack.region_prefixes):
            raise PolicyPackError(
                pack.id, None if name == "citations" else name,
                f"cites {key!r}, a document of region {document(key).region!r}, outside the pack's regions",
            )


def _merged_citations(raw: Mapping[str, _RawPack], pack_id: str) -> dict[str, str]:
    chain: list[_RawPack] = []
    current: str | None = pack_id
    while current is not None and current in raw and raw[current] not in chain:
        chain.append(raw[current])
        current = raw[current].extends
    merged: dict[str, str] = {}
    for pack in reversed(chain):
        merged.update(pack.citations)
    return merged


def _merged_values(raw: Mapping[str, _RawPack], pack_id: str) -> dict[str, tuple[ParameterValue, ...]]:
    # A pack that sets a parameter replaces the parent's whole history of it; everything it does not
    # set is inherited, including later changes made in the parent.
    chain: list[_RawPack] = []
    current: str | None = pack_id
    while current is not None:
        if current in (p.id for p in chain):
            raise PolicyPackError(pack_id, None, f"extends cycle through {current!r}")
        if current not in raw:
            child = chain[-1].id if chain else pack_id
            raise PolicyPackError(child, None, f"extends unknown pack {current!r}")
        chain.append(raw[current])
        current = raw[current].extends
    merged: dict[str, tuple[ParameterValue, ...]] = {}
    for pack in reversed(chain):
        merged.update(pack.values)
    return merged


class PolicyRegistry:
    """All policy packs, with region-to-pack lookup and a default pack for unknown regions."""

    PARAMETER_NAMES: ClassVar[frozenset[str]] = PARAMETER_NAMES

    def __init__(self, packs: Mapping[str, PolicyPack]) -> None:
        defaults = [pack for pack in packs.values() if pack.is_default]
        if len(defaults) != 1:
            raise PolicyPackError(
                None, None, f"exactly one pack must be the default, found {sorted(p.id for p in defaults)}"
            )
        self._packs = dict(packs)
        self.default = defaults[0]
        owner: dict[str, str] = {}
        for pack in packs.values():
            for prefix in pack.region_prefixes:
                if prefix in owner:
                    raise PolicyPackError(pack.id, None, f"region prefix {prefix!r} also used by {owner[prefix]!r}")
                owner[prefix] = pack.id
        # Longest prefix first, so for_region takes the most specific pack.
        self._by_prefix = sorted(owner.items(), key=lambda item: -len(item[0]))

    @classmethod
    def load(cls, directory: Path | None = None) -> PolicyRegistry:
        """Loads and validates every *.toml pack of a directory (default: the bundled packs)."""
        folder = directory if directory is not None else PACKS_DIRECTORY
        paths = sorted(folder.glob("*.toml"))
        if not paths:
            raise PolicyPackError(None, None, f"no *.toml policy packs in {folder}")
        raw = {}
        for path in paths:
            parsed = _parse_pack(path)
            _check_documents_bind(parsed)
            raw[parsed.id] = parsed
        packs: dict[str, PolicyPack] = {}
        for pack_id, pack in raw.items():
            values = _merged_values(raw, pack_id)
            missing = sorted(PARAMETER_NAMES - set(values))
            if missing:
                raise PolicyPackError(pack_id, missing[0], f"missing parameter (all missing: {', '.join(missing)})")
            citations = _merged_citations(raw, pack_id)
            missing = sorted(CITATION_NAMES - set(citations))
            if missing:
                raise PolicyPackError(pack_id, missing[0], f"missing citation (all missing: {', '.join(missing)})")
            packs[pack_id] = PolicyPack(
                id=pack.id,
                name=pack.name,
                name_zh=pack.name_zh,
                region_prefixes=pack.region_prefixes,
                extends=pack.extends,
                is_default=pack.is_default,
                values=values,
                citations=citations,
            )
        return cls(packs)

    @property
    def packs(self) -> Mapping[str, PolicyPack]:
        """Returns every pack by id."""
        return MappingProxyType(self._packs)

    def get(self, pack_id: str) -> PolicyPack:
        """Gets a pack by its id."""
        try:
            return self._packs[pack_id]
        except KeyError:
            raise PolicyPackError(pack_id, None, "no such pack") from None

    def for_region(self, region_code: str) -> PolicyPack:
        """Returns the pack with the longest region prefix matching the code, else the default pack."""
        for prefix, pack_id in self._by_prefix:
            if region_code.startswith(prefix):
                return self._packs[pack_id]
        return self.default


@cache
def default_registry() -> PolicyRegistry:
    """Returns the registry of the bundled packs, loaded once."""
    return PolicyRegistry.load()
