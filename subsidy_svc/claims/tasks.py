"""Worker side of claims: the daily job that marks claims payable and flags overdue steps, reported upward."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from shared.app import ServiceState
from shared.db import Database
from subsidy_svc.claims import repository
from subsidy_svc.claims.schemas import OverdueReport

logger = logging.getLogger(__name__)

# Upward reports and gauges are by city (4 digits): counties roll up to the city that supervises them.
REPORT_REGION_DIGITS = 4


async def flag_overdue_claims(database: Database, today: date) -> OverdueReport:
    """Marks payable the claims whose notice ended (SUB-PAYMENT), records the first day each overdue review or
    payment was flagged (SUB-REVIEW, SUB-PAYMENT) and logs the counts by city for upward reporting."""
    async with database.transaction() as session:
        made_payable = await repository.mark_payable(session, today)
        newly = await repository.flag_overdue(session, today)
        by_region = await repository.overdue_counts(session, today, REPORT_REGION_DIGITS)
    total = sum(r["review"] + r["payment"] for r in by_region.values())
    for region, counts in by_region.items():
        logger.warning("skill-subsidy claims overdue", extra={"rules": "SUB-REVIEW SUB-PAYMENT", "region": region,
                                                              "on": today.isoformat(), **counts})
    logger.info("skill-subsidy overdue job done", extra={"on": today.isoformat(), "total": total,
                                                         "newly_flagged": newly, "made_payable": made_payable})
    return OverdueReport(on=today, by_region=by_region, total=total, newly_flagged=newly, made_payable=made_payable)


async def overdue_metrics(state: ServiceState, session: AsyncSession) -> str:
    """Prometheus gauges of claims overdue today by step and city (jiuye_skill_claims_overdue)."""
    counts = await repository.overdue_counts(session, state.clock.today(), REPORT_REGION_DIGITS)
    lines = [
        "# HELP jiuye_skill_claims_overdue Skill-subsidy claims with a step overdue today (SUB-REVIEW, SUB-PAYMENT).",
        "# TYPE jiuye_skill_claims_overdue gauge",
    ]
    for region, by_step in counts.items():
        for step, count in by_step.items():
            lines.append(f'jiuye_skill_claims_overdue{{step="{step}",region="{region}"}} {count}')
    return "\n".join(lines) + "\n"
