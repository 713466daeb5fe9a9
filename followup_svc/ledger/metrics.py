"""Prometheus gauges of the last closed month: entries per county and state, as its close recorded them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.ledger import repository
from followup_svc.ledger.rules import month_text


async def ledger_gauges(session: AsyncSession) -> str:
    """Returns the gauges of the last closed month (coverage and overdue by county, seed 002 §七(一))."""
    month, rows = await repository.latest_closed_counts(session)
    lines = ["# HELP jiuye_ledger_entries Entries of the last closed month by county and state\n",
             "# TYPE jiuye_ledger_entries gauge\n"]
    if month is None:
        return "".join(lines)
    label = month_text(month)
    lines += [f'jiuye_ledger_entries{{month="{label}",region="{region}",status="{status}"}} {n}\n'
              for region, status, n in rows]
    required: dict[str, int] = {}
    contacted: dict[str, int] = {}
    for region, status, n in rows:
        if status != "ended":
            required[region] = required.get(region, 0) + n
        if status == "contacted":
            contacted[region] = contacted.get(region, 0) + n
    lines += ["# HELP jiuye_ledger_coverage Contacted / required in the last closed month, by county\n",
              "# TYPE jiuye_ledger_coverage gauge\n"]
    lines += [f'jiuye_ledger_coverage{{month="{label}",region="{region}"}} '
              f"{(contacted.get(region, 0) / n if n else 0):.4f}\n" for region, n in sorted(required.items())]
    return "".join(lines)
