"""The person table: one row per identity number, with the identity facts and contact details."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from registration_svc.orm import Base
from shared.db import EnumText
from shared.regions import AreaType


class Person(Base):
    """A worker known to the agency; identity fields are kept once recorded, contact fields follow updates."""

    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    id_type: Mapped[str] = mapped_column(String(32))
    # Normalized (upper-case check character) so that one number is one person.
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    # Known once a registration (or a service that knows them) reports them; the registry may hold a
    # person by identity alone.
    hukou_region_code: Mapped[str | None] = mapped_column(String(12))
    hukou_type: Mapped[AreaType | None] = mapped_column(EnumText(AreaType, 8))
    residence_region_code: Mapped[str | None] = mapped_column(String(12))
    residence_type: Mapped[AreaType | None] = mapped_column(EnumText(AreaType, 8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
