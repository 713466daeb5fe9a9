"""ORM tables of the skill-subsidy catalogue: one version per effective date, its entries by occupation and level."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from subsidy_svc.orm import Base


class CatalogueVersion(Base):
    """The catalogue as published from one effective date; it is in force until the next version's date."""

    __tablename__ = "catalogue_version"

    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    loaded_by: Mapped[str] = mapped_column(String(128))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogueEntry(Base):
    """One qualifying occupation and level of a version, and the subsidy it carries."""

    __tablename__ = "catalogue_entry"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    effective_from: Mapped[date] = mapped_column(
        Date, ForeignKey("catalogue_version.effective_from", ondelete="CASCADE"), primary_key=True
    )
    occupation_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    occupation_name: Mapped[str] = mapped_column(Text)
    occupation_name_zh: Mapped[str] = mapped_column(Text)
    amount_fen: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
