"""ORM table of the region lists (政策清单, 服务清单, 机构清单): every PUT is a new version, none is rewritten."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from followup_svc.orm import Base
from shared.db import EnumText


class ListKind(StrEnum):
    """Which list (seed 002 §四(二)): policy list, service list or public employment agency list."""

    POLICIES = "policies"
    SERVICES = "services"
    AGENCIES = "agencies"


class ServiceList(Base):
    """One version of a region's list of one kind, with its items as the admin gave them."""

    __tablename__ = "service_list"
    __table_args__ = (
        CheckConstraint("kind IN ('policies', 'services', 'agencies')", name="kind"),
        CheckConstraint("version >= 1", name="version_positive"),
        UniqueConstraint("region_code", "kind", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(String(9))
    kind: Mapped[ListKind] = mapped_column(EnumText(ListKind, 16))
    version: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
