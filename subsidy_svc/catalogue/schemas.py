"""Request and response models of the catalogue (api.md GET /api/v1/skill-subsidy/catalogue)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.codes import OccupationCode as OccupationCode

_IN: Final = ConfigDict(frozen=True, extra="forbid")
_OUT: Final = ConfigDict(frozen=True, from_attributes=True)

Level = Annotated[int, Field(ge=1, le=5)]


class CatalogueItemRead(BaseModel):
    """One occupation and level of the catalogue in force, and its amount."""

    model_config = _OUT

    occupation_code: str
    occupation_name: str
    occupation_name_zh: str
    level: int
    amount_fen: int
    effective_from: date
    source: str


class CatalogueRead(BaseModel):
    """The catalogue in force on a date (api.md `items`), and the version it comes from."""

    model_config = _OUT

    on: date
    version_effective_from: date | None
    version_name: str | None
    items: list[CatalogueItemRead]


class CatalogueEntryUpdate(BaseModel):
    """An entry to set in a version (created from the version in force the day before, if new)."""

    model_config = _IN

    occupation_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    occupation_name_zh: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    amount_fen: Annotated[int, Field(strict=True, gt=0, le=100_000_000)]
    source: Annotated[str, StringConstraints(min_length=1, max_length=500)]
