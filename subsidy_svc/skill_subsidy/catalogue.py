"""The skill-subsidy catalogue: qualifying occupations and levels and their amounts, loaded from TOML."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final

from shared.codes import OCCUPATION_CODE, is_ascii_digits

CATALOGUE_PATH: Final = Path(__file__).with_name("catalogue.toml")
SUB_AMOUNT_RULE_ID: Final = "SUB-AMOUNT"
LEVELS: Final = (5, 4, 3, 2, 1)
LEVEL_NAMES_ZH: Final = MappingProxyType(
    {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
)
# 职业分类大典 codes (major-middle-minor-detail group, e.g. 4-03-02-01) are read by shared.codes.OCCUPATION_CODE.


class CatalogueError(ValueError):
    """The catalogue file is missing or malformed; the message names the entry and the field."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(f"skill-subsidy catalogue, {where}: {message}")


@dataclass(frozen=True, slots=True)
class Occupation:
    """One qualifying occupation: its levels and the amount of each, with the source of the entry."""

    code: str
    name: str
    name_zh: str
    amounts_fen: Mapping[int, int]
    source: str


@dataclass(frozen=True, slots=True)
class CatalogueHit:
    """A certificate found in the catalogue and the subsidy amount it carries."""

    occupation: Occupation
    level: int
    amount_fen: int
    source: str


@dataclass(frozen=True, slots=True)
class NotInCatalogue:
    """A certificate the catalogue does not list, with the reason in English and Chinese."""

    occupation_code: str
    level: int
    reason: str
    reason_zh: str
    source: str


@dataclass(frozen=True)
class SkillCatalogue:
    """The loaded catalogue."""

    name: str
    name_zh: str
    effective_from: date
    source: str
    occupations: Mapping[str, Occupation]

    def lookup(self, occupation_code: str, level: int) -> CatalogueHit | NotInCatalogue:
        """Returns the amount for an occupation and level, or why the certificate is not in the catalogue."""
        occupation = self.occupations.get(occupation_code)
        if occupation is None:
            return NotInCatalogue(
                occupation_code, level,
                f"occupation {occupation_code} is not in the subsidy catalogue",
                f"职业（工种）{occupation_code} 不在职业技能提升培训补贴目录内",
                self.source,
            )
        amount = occupation.amounts_fen.get(level)
        if amount is None:
            listed = ", ".join(str(lvl) for lvl in sorted(occupation.amounts_fen, reverse=True))
            return NotInCatalogue(
                occupation_code, level,
                f"level {level} of {occupation.name} ({occupation_code}) is not in the subsidy catalogue "
                f"(listed levels: {listed})",
                f"{occupation.name_zh}（{occupation_code}）的等级 {level} 不在补贴目录内"
                f"（目录所列等级：{listed}）",
                occupation.source,
            )
        return CatalogueHit(occupation, level, amount, occupation.source)


def _text(raw: Mapping[str, object], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(where, f"{key} must be a non-empty string")
    return value


def _amount(value: object, where: str) -> int:
    # type() rather than isinstance(): bool is an int subclass, and floats are never money.
    if type(value) is not int or value <= 0:
        raise CatalogueError(where, f"amount must be a positive integer number of fen, got {value!r}")
    return value


def _level_amounts(raw: object, where: str) -> dict[int, int]:
    if not isinstance(raw, dict):
        raise CatalogueError(where, "amounts must be a table of level = fen")
    amounts: dict[int, int] = {}
    for key, value in raw.items():
        if not (isinstance(key, str) and is_ascii_digits(key) and int(key) in LEVELS):
            raise CatalogueError(where, f"unknown level {key!r}; levels are 1 to 5")
        amounts[int(key)] = _amount(value, f"{where}, level {key}")
    return amounts


def parse_catalogue(text: str, label: str = "catalogue.toml") -> SkillCatalogue:
    """Parses and validates a catalogue document."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(label, f"not valid TOML: {exc}") from None
    unknown = set(document) - {"catalogue", "default_amounts", "occupations"}
    if unknown:
        raise CatalogueError(label, f"unknown sections {sorted(unknown)}")
    header = document.get("catalogue")
    if not isinstance(header, dict):
        raise CatalogueError(label, "missing [catalogue] table")
    effective_from = header.get("effective_from")
    if type(effective_from) is not date:
        raise CatalogueError("[catalogue]", "effective_from must be a TOML date")
    defaults = _level_amounts(document.get("default_amounts", {}), "[default_amounts]")
    raw_occupations = document.get("occupations", [])
    if not isinstance(raw_occupations, list):
        raise CatalogueError(label, "occupations must be an array of tables ([[occupations]])")
    occupations: dict[str, Occupation] = {}
    for index, raw in enumerate(raw_occupations):
        where = f"occupations[{index}]"
        if not isinstance(raw, dict):
            raise CatalogueError(where, "must be a table")
        extra = set(raw) - {"code", "name", "name_zh", "levels", "amounts", "source"}
        if extra:
            raise CatalogueError(where, f"unknown keys {sorted(extra)}")
        code = _text(raw, "code", where)
        where = f"occupation {code}"
        if not OCCUPATION_CODE.fullmatch(code):
            raise CatalogueError(where, "code must look like 4-03-02-01 (职业分类大典)")
        if code in occupations:
            raise CatalogueError(where, "listed twice")
        levels = raw.get("levels")
        if (
            not isinstance(levels, list)
            or not levels
            or not all(type(lvl) is int and lvl in LEVELS for lvl in levels)
        ):
            raise CatalogueError(where, "levels must be a non-empty list of levels 1 to 5")
        own = _level_amounts(raw.get("amounts", {}), f"{where} amounts")
        stray = set(own) - set(levels)
        if stray:
            raise CatalogueError(where, f"amounts given for levels not listed: {sorted(stray)}")
        amounts: dict[int, int] = {}
        for level in levels:
            if level in own:
                amounts[level] = own[level]
            elif level in defaults:
                amounts[level] = defaults[level]
            else:
                raise CatalogueError(where, f"no amount for level {level} and no default amount for it")
        occupations[code] = Occupation(
            code=code, name=_text(raw, "name", where), name_zh=_text(raw, "name_zh", where),
            amounts_fen=MappingProxyType(amounts), source=_text(raw, "source", where),
        )
    return SkillCatalogue(
        name=_text(header, "name", "[catalogue]"),
        name_zh=_text(header, "name_zh", "[catalogue]"),
        effective_from=effective_from,
        source=_text(header, "source", "[catalogue]"),
        occupations=MappingProxyType(occupations),
    )


def load_catalogue(path: Path | None = None) -> SkillCatalogue:
    """Loads and validates the catalogue file (the bundled one by default)."""
    target = path or CATALOGUE_PATH
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(str(target), f"cannot be read: {exc}") from None
    return parse_catalogue(text, target.name)


@functools.cache
def default_catalogue() -> SkillCatalogue:
    """Returns the bundled catalogue, loaded once per process."""
    return load_catalogue()
