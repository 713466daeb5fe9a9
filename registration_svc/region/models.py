"""Towns (below the published county list) and the agencies of each region, kept by admins."""

from __future__ import annotations

from datetime import datetime

from pydantic import JsonValue
from sqlalchemy import DateTime, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base


class Town(Base):
    """A town or street (乡镇、街道) of a county: the published division list stops at counties."""

    __tablename__ = "town"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Agency(Base):
    """The public employment service agency (公共就业服务机构) of a region: what notices give as contact."""

    __tablename__ = "agency"

    region_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    telephone: Mapped[str] = mapped_column(String(32))
    # 经办事项: what the agency handles (registration, certification, subsidies …), as given.
    items_handled: Mapped[list[JsonValue]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
