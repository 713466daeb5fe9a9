"""API models of the region registry."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.clock import LocalDateTime
from shared.regions import RegionLevel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TownPut(BaseModel):
    """A town's name, as the county's admin keeps it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Name, Field(description="镇（街道）名称")]


class AgencyPut(BaseModel):
    """A region's public employment service agency (seed 002 §四(二) agency list: name, address, phone,
    items handled)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Name, Field(description="机构名称")]
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    telephone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32)]
    items_handled: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]] = (
        Field(default_factory=list, max_length=50)
    )


class AgencyRead(BaseModel):
    """An agency as notices give it."""

    region_code: str
    name: Annotated[str, Field(description="机构名称")]
    address: str
    telephone: str
    items_handled: list[str]
    updated_at: LocalDateTime


class RegionRead(BaseModel):
    """A region: its level and name (a town not in the registry yet is shown by its code), and its agency."""

    code: str
    level: RegionLevel
    name: Annotated[str, Field(description="区划名称")]
    named: bool
    agency: AgencyRead | None


class RegionChildren(BaseModel):
    """The regions one level below (T-REGION breakdown): counties of a city, towns of a county."""

    code: str
    children: list[RegionRead]
