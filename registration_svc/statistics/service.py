"""Registration statistics as of a date: registrations by county, residence type and status (002 §六)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.registration.models import RegistrationStatus
from registration_svc.statistics import repository
from registration_svc.statistics.schemas import (
    RegistrationStatistics,
    StatisticsExplanation,
    StatisticsGroup,
    StatisticsTotals,
)
from shared.auth import Principal, scope_region
from shared.policy import PolicyRegistry
from shared.regions import AreaType


async def statistics(
    session: AsyncSession, principal: Principal, as_of: date, region: str | None, timezone: str,
    policy: PolicyRegistry,
) -> RegistrationStatistics:
    """Counts registrations as of a date: registered (registered_on ≤ as_of, not deregistered) and pending.
    The explanation cites the statistics clause of the pack of the region counted (the default pack's, the
    national notice, for the whole country)."""
    prefix = scope_region(principal, region)
    rows = await repository.statistics_rows(session, as_of, prefix, timezone)
    groups = [StatisticsGroup(region_code=c, residence_type=t, status=s, count=n) for c, t, s, n in rows]
    registered = sum(g.count for g in groups if g.status == RegistrationStatus.REGISTERED)
    return RegistrationStatistics(
        as_of=as_of,
        region=prefix,
        groups=groups,
        totals=StatisticsTotals(
            registered=registered,
            pending_verification=sum(
                g.count for g in groups if g.status == RegistrationStatus.PENDING_VERIFICATION
            ),
            urban_registered_unemployed=sum(
                g.count
                for g in groups
                if g.status == RegistrationStatus.REGISTERED and g.residence_type == AreaType.URBAN
            ),
        ),
        explanation=StatisticsExplanation(
            reason=(
                f"registered: registered on or before {as_of} and not deregistered with effect on or "
                "before it; pending: applied by then and not yet decided. Persons whose habitual residence "
                "is urban count as "
                "urban registered unemployed (城镇登记失业人员) whatever their household registration"
            ),
            reason_zh=(
                f"已登记：{as_of} 及以前登记且截至当日未注销；待核实：截至当日已申请尚未办结。"
                "常住地为城镇的登记失业人员（含农村进城务工人员和其他非本地户籍人员）计入城镇登记失业人员"
            ),
            source=policy.for_region(prefix).citation("statistics"),
        ),
    )
