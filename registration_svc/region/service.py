"""The region registry: names and agencies of regions for reports and notices (T-REGION).

Divisions down to county come from the published list shipped with the project (shared/data); towns and
the agencies of each region are kept here by admins. A town not yet in the registry is shown by its code,
never refused: its county vouches for it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.region import repository
from registration_svc.region.errors import NoAgency, NotATown, UnknownDivision
from registration_svc.region.models import Agency
from registration_svc.region.schemas import AgencyPut, AgencyRead, RegionChildren, RegionRead, TownPut
from shared.auth import Principal, forbidden
from shared.codes import is_ascii_digits
from shared.regions import RegionLevel, divisions, known_division, region_level, region_prefix


def canonical_code(code: str) -> str:
    """Returns the code a region is kept under: 6 digits down to county (44 → 440000), 9 for a town."""
    prefix = region_prefix(code)
    return {2: prefix + "0000", 4: prefix + "00"}.get(len(prefix), prefix)


def _known(code: str) -> None:
    if known_division(code) is None:
        raise UnknownDivision(
            f"Region {code} names no division of GB/T 2260 (a town: its county does not exist) (T-REGION).",
            f"区划 {code} 不是有效的行政区划代码（乡镇：所属区县不存在）（T-REGION）。",
        )


def agency_read(agency: Agency) -> AgencyRead:
    """Returns the API view of an agency."""
    return AgencyRead(region_code=agency.region_code, name=agency.name, address=agency.address,
                      telephone=agency.telephone, items_handled=[str(i) for i in agency.items_handled],
                      updated_at=agency.updated_at)


async def views(session: AsyncSession, codes: list[str]) -> list[RegionRead]:
    """Returns the views of known regions (names from the list or the town registry, and agencies)."""
    canonical = [canonical_code(code) for code in codes]
    towns = await repository.towns(session, [c for c in canonical if len(c) == 9])
    agencies = await repository.agencies(session, canonical)
    out = []
    for code in canonical:
        level = region_level(code)
        if level is RegionLevel.TOWN:
            town = towns.get(code)
            name, named = (town.name, True) if town else (code, False)
        else:
            division = divisions()[code]
            name, named = division.name, True
        agency = agencies.get(code)
        out.append(RegionRead(code=code, level=level, name=name, named=named,
                              agency=agency_read(agency) if agency else None))
    return out


async def region(session: AsyncSession, code: str) -> RegionRead:
    """Gets a region by any form of its code; 422 if it names no division."""
    _known(code)
    return (await views(session, [code]))[0]


async def children(session: AsyncSession, code: str) -> RegionChildren:
    """Gets the regions one level below (province → cities → counties → the registry's towns)."""
    _known(code)
    level, prefix = region_level(code), region_prefix(code)
    if level is RegionLevel.COUNTY:
        codes = [town.code for town in await repository.towns_of_county(session, prefix)]
    elif level is RegionLevel.TOWN:
        codes = []
    else:
        below = RegionLevel.CITY if level is RegionLevel.PROVINCE else RegionLevel.COUNTY
        codes = sorted(c for c, d in divisions().items() if d.level is below and c.startswith(prefix))
    return RegionChildren(code=canonical_code(code), children=await views(session, codes))


async def agency_of(session: AsyncSession, code: str) -> Agency | None:
    """Returns the agency that answers for a region: its own, else the nearest recorded above it (town,
    county, city, province), for the contact a notice gives."""
    prefix = region_prefix(code)
    candidates = [canonical_code(prefix[:length]) for length in (9, 6, 4, 2) if len(prefix) >= length]
    found = await repository.agencies(session, candidates)
    return next((found[c] for c in candidates if c in found), None)


async def answering_agency(session: AsyncSession, code: str) -> AgencyRead:
    """Returns the agency that answers for a region (its own, else the nearest above), as the peers' decision
    letters name it; 404 when none is recorded up to the province."""
    _known(code)
    found = await agency_of(session, code)
    if found is None:
        raise NoAgency(
            f"No agency is recorded for region {code} nor for a region above it.",
            f"区划 {code} 及其上级区划均未登记公共就业服务机构。",
        )
    return agency_read(found)


async def put_town(session: AsyncSession, principal: Principal, code: str, body: TownPut, now: datetime) -> RegionRead:
    """Names a town of a county the caller's region covers; 422 if the code is no town of a real county."""
    if not is_ascii_digits(code, 9):
        raise NotATown(f"{code} is not a 9-digit town code.", f"{code} 不是9位乡镇（街道）代码。")
    _known(code)
    if not principal.covers_region(code):
        raise forbidden()
    await repository.put_town(session, {"code": code, "county_code": code[:6], "name": body.name,
                                        "updated_by": principal.sub, "updated_at": now})
    return await region(session, code)


async def put_agency(
    session: AsyncSession, principal: Principal, code: str, body: AgencyPut, now: datetime
) -> AgencyRead:
    """Records the agency of a region the caller's region covers."""
    _known(code)
    if not principal.covers_region(code):
        raise forbidden()
    agency = await repository.put_agency(session, {
        "region_code": canonical_code(code), "name": body.name, "address": body.address,
        "telephone": body.telephone, "items_handled": list(body.items_handled), "updated_by": principal.sub,
        "updated_at": now,
    })
    return agency_read(agency)
