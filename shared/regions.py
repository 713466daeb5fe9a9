"""Administrative-division codes as a hierarchy (T-REGION) and the one way to scope by them.

GB/T 2260 codes name a province (`44`, written `440000`), a prefecture city (`4402`, `440200`), a county
or district (`440203`) and, below it, a town or street (`440203001`). A region's *prefix* is its shortest
form; a record lies in a region when its code starts with the region's prefix, so the city bureau `440200`
sees every county and town of `4402`, and the county `440203` sees neither its neighbour `440204` nor the
city-level agency `440200`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import InstrumentedAttribute

from shared.codes import REGION_PATTERN as REGION_PATTERN
from shared.codes import RecordRegionCode as RecordRegionCode
from shared.codes import RegionCode as RegionCode
from shared.errors import Violation
from shared.labels import field_zh

# The code types live in shared/codes.py (ASCII digits only); re-exported here where callers look for them.
_REGION = re.compile(REGION_PATTERN, re.ASCII)


class AreaType(StrEnum):
    """Urban or rural: the type of a household registration (户口性质) or of a habitual residence."""

    URBAN = "urban"
    RURAL = "rural"


class RegionLevel(StrEnum):
    """The levels of the hierarchy, from the top."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


_LEVEL_OF_LENGTH = {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.COUNTY, 9: RegionLevel.TOWN}
_CHILD_LENGTH = {2: 4, 4: 6, 6: 9}


def is_region_code(code: str) -> bool:
    """Tells whether a string has the shape of a region code (2, 4, 6 or 9 digits)."""
    return bool(_REGION.match(code))


def region_prefix(code: str) -> str:
    """Returns the shortest form of a region code: `440000` → `44`, `440200` → `4402`, `440203` stays."""
    if not is_region_code(code):
        raise ValueError(f"{code!r} is not a region code (2, 4, 6 or 9 digits)")
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def region_level(code: str) -> RegionLevel:
    """Returns the level a region code names."""
    return _LEVEL_OF_LENGTH[len(region_prefix(code))]


def region_contains(region: str, code: str) -> bool:
    """Tells whether the record code `code` lies inside `region` (a region contains itself)."""
    return region_prefix(code).startswith(region_prefix(region))


def child_prefix(region: str, code: str) -> str | None:
    """Returns the prefix of the region one level below `region` that holds `code`, for breakdowns
    (province → city → county → town); None when `code` lies at `region`'s own level or outside it."""
    parent = region_prefix(region)
    child_length = _CHILD_LENGTH.get(len(parent))
    inner = region_prefix(code)
    if child_length is None or not inner.startswith(parent) or len(inner) < child_length:
        return None
    return inner[:child_length]


@dataclass(frozen=True, slots=True)
class Division:
    """One division of the GB/T 2260 list (province, city or county)."""

    code: str
    name: str
    level: RegionLevel


@cache
def divisions() -> dict[str, Division]:
    """Returns the division codes down to county shipped in shared/data/divisions.csv, by 6-digit code
    (updated as data by scripts/update_divisions.py)."""
    text = resources.files("shared.data").joinpath("divisions.csv").read_text(encoding="utf-8")
    return {
        row["code"]: Division(row["code"], row["name"], RegionLevel(row["level"]))
        for row in csv.DictReader(text.splitlines())
    }


def known_division(code: str) -> Division | None:
    """Returns the division a region code names, or None if it names none (T-REGION).

    A 2- or 4-digit code is read as its province (`xx0000`) or city (`xxxx00`); a town code (9 digits)
    is known when its county is, since towns are not in the published list: the county's own registry of
    towns says their names.
    """
    if not is_region_code(code):
        return None
    prefix = region_prefix(code)
    county_or_above = {2: prefix + "0000", 4: prefix + "00"}.get(len(prefix), prefix[:6])
    return divisions().get(county_or_above)


def unknown_region_violation(field: str, code: str | None) -> Violation | None:
    """Returns the T-REGION violation of a region code that names no real division, else None."""
    if code is None or known_division(code) is not None:
        return None
    return Violation(
        "T-REGION", field,
        f"{field} {code} names no division of GB/T 2260 (T-REGION)",
        f"{field_zh(field)}{code}不是有效的行政区划代码（T-REGION）",
    )


def in_region(column: ColumnElement[str] | InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    """Returns the SQL condition that a region-code column lies in the region of `prefix` ("" is
    everywhere). Indexes on region columns use varchar_pattern_ops so this prefix match can use them."""
    if not prefix:
        return true()
    return column.startswith(prefix, autoescape=True)
