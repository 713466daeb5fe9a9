"""Ledger use cases: entries from registration events, the list and its views, contacts and their outcomes,
coverage, and the batch work of generation, close and data match (set-based, chunk by chunk)."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from followup_svc.ledger import repository
from followup_svc.ledger.errors import ContactRefused, EntryClosed, EntryEnded, InvalidMonth, MonthNotStarted, MonthOpen
from followup_svc.ledger.models import LedgerContact, LedgerEntry, LedgerRegistration
from followup_svc.ledger.repository import EntryCursor
from followup_svc.ledger.rules import (
    DeregistrationRequest,
    EntryStatus,
    ServiceEvent,
    ServiceResponse,
    add_months,
    at_risk,
    check_contact_date,
    check_income,
    check_outcome_recorded,
    contact_response,
    entry_status_after,
    entry_status_at_creation,
    last_workday,
    month_end,
    month_has_ended,
    month_text,
    months_from,
    outcome_deregistration,
    parse_month,
    recommendation_response,
    refusal_deregistration,
)
from followup_svc.ledger.schemas import (
    ContactCreate,
    ContactRead,
    CoverageCounts,
    CoverageRead,
    DeregistrationRequested,
    EmployerRead,
    EntryRead,
    RegistrationRequest,
)
from followup_svc.models import platform
from followup_svc.recommendation import repository as recommendations
from followup_svc.revisit.service import schedule_revisits
from followup_svc.service_record import repository as services
from shared import outbox
from shared.auth import Principal, forbidden, scope_region
from shared.calendar import WorkdayCalendar
from shared.errors import Violation
from shared.events import EventType, FollowupDeregistrationRequested, RegistrationCreated, RegistrationDeregistered
from shared.explain import RuleResult, failures
from shared.labels import code_zh, field_zh
from shared.pagination import Page
from shared.policy import PolicyPack, PolicyRegistry
from shared.regions import region_prefix
from shared.wording import date_zh, month_zh

logger = logging.getLogger(__name__)

GENERATION = "ledger.generation"
CLOSE = "ledger.close"
DATA_MATCH = "ledger.data_match"


def month_param(text: str, field: str = "month") -> date:
    """Reads a `YYYY-MM` month or raises the 422 naming the field."""
    month = parse_month(text)
    if month is None:
        raise InvalidMonth(
            f"{field} {text!r} is not a month (YYYY-MM).",
            f"{field_zh(field)}“{text}”不是有效月份（应为“年-月”，如2026-11）。",
            [Violation("SCHEMA-MONTH", field, "expected YYYY-MM", "应为“年-月”格式，如2026-11")],
        )
    return month


# ---------------------------------------------------------------- from registration events


async def record_registration(
    session: AsyncSession, event: RegistrationCreated, registered_on: date, calendar: WorkdayCalendar,
    today: date,
) -> int:
    """Keeps a new registration's facts and creates its entries from the month of its registration date
    through the current month (a back-dated registration gets its past months); returns entries created."""
    await repository.lock_registration(session, event.registration_id)
    seen = await repository.seen_deregistration(session, event.registration_id)
    await repository.insert_registration(session, {
        "registration_id": event.registration_id, "person_id": event.person_id,
        "agency_region_code": event.agency_region_code, "registered_on": registered_on,
        "deregistered_on": seen.effective_date if seen else None,
        "deregistration_reason": seen.reason if seen else None,
    })
    registration = await repository.get_registration(session, event.registration_id)
    assert registration is not None
    last = registration.deregistered_on if registration.deregistered_on and registration.deregistered_on < today \
        else today
    rows = [
        {"id": uuid.uuid4(), "registration_id": registration.registration_id, "person_id": registration.person_id,
         "agency_region_code": registration.agency_region_code, "month": month,
         "status": entry_status_at_creation(registration.deregistered_on, month).value,
         "due_on": last_workday(month, calendar)}
        for month in months_from(registration.registered_on, last)
    ]
    created = await repository.insert_entries(session, rows)
    logger.info("ledger entries created", extra={"registration_id": str(event.registration_id), "entries": created,
                                                 "rule": "FU-MONTHLY"})
    return created


async def record_deregistration(session: AsyncSession, event: RegistrationDeregistered, now: datetime) -> int:
    """Ends the registration's open entries from the month of its deregistration on; returns how many."""
    await repository.lock_registration(session, event.registration_id)
    await repository.record_deregistered(session, event.registration_id, event.reason, event.effective_date)
    ended = await repository.end_entries(session, event.registration_id, event.effective_date, now)
    logger.info("ledger entries ended", extra={"registration_id": str(event.registration_id), "entries": ended,
                                               "reason": event.reason})
    return ended


# ---------------------------------------------------------------- views


def request_source(pack: PolicyPack, rule: str) -> str:
    """Returns the clause a deregistration request of a rule cites in a pack's region: FU-DATA-MATCH its data
    match clause, FU-REFUSAL and FU-UNREACHABLE its deregistration clause, FU-OUTCOME its outcome clause."""
    if rule == "FU-DATA-MATCH":
        return pack.citation("followup_data_match")
    if rule in ("FU-REFUSAL", "FU-UNREACHABLE"):
        return pack.citation("deregistration")
    return pack.citation("followup_outcome")


def contact_read(contact: LedgerContact, pack: PolicyPack, explained: DeregistrationRequest | None = None
                 ) -> ContactRead:
    """Returns the API view of a contact; a deregistration it requested cites the clause of `pack`, the pack
    of the registration's region."""
    requested = None
    if contact.deregistration_reason and contact.deregistration_effective_date and contact.deregistration_rule:
        requested = DeregistrationRequested(
            reason=contact.deregistration_reason, effective_date=contact.deregistration_effective_date,
            rule=contact.deregistration_rule,
            reason_explained=explained.why if explained else f"{contact.deregistration_rule}: "
            f"deregistration {contact.deregistration_reason} effective {contact.deregistration_effective_date}",
            reason_explained_zh=explained.why_zh if explained else f"{contact.deregistration_rule}：申请以“"
            f"{code_zh('DeregistrationReason', contact.deregistration_reason)}”注销，"
            f"{date_zh(contact.deregistration_effective_date)}生效",
            source=explained.source if explained else request_source(pack, contact.deregistration_rule),
        )
    return ContactRead(
        id=contact.id, entry_id=contact.entry_id, registration_id=contact.registration_id, method=contact.method,
        contacted_on=contact.contacted_on, result=contact.result, refusal_justified=contact.refusal_justified,
        employment_status=contact.employment_status, monthly_income_fen=contact.monthly_income_fen,
        employer=EmployerRead(name=contact.employer_name, credit_code=contact.employer_credit_code)
        if contact.employer_name else None,
        note=contact.note, recorded_by=contact.recorded_by, recorded_at=contact.recorded_at,
        deregistration_requested=requested,
    )


async def entry_reads(
    session: AsyncSession, entries: Sequence[LedgerEntry], today: date, calendar: WorkdayCalendar,
    policy: PolicyRegistry,
) -> list[EntryRead]:
    """Returns the API views of entries, their contacts and registrations loaded in two queries."""
    contacts = await repository.contacts_of(session, [e.id for e in entries])
    registrations = await repository.registrations(session, list({e.registration_id for e in entries}))
    closes = await repository.month_closes(session, [e.month for e in entries])
    return [
        _entry_read(e, contacts[e.id], registrations.get(e.registration_id),
                    repository.is_closed(e.closed_at, e.created_at, closes.get(e.month)), today, calendar,
                    policy.for_region(e.agency_region_code))
        for e in entries
    ]


def _entry_read(entry: LedgerEntry, contacts: list[LedgerContact], registration: LedgerRegistration | None,
                closed: bool, today: date, calendar: WorkdayCalendar, pack: PolicyPack) -> EntryRead:
    requested = None
    if registration is not None and registration.requested_reason and registration.requested_effective_date:
        requested = RegistrationRequest(reason=registration.requested_reason,
                                        effective_date=registration.requested_effective_date,
                                        rule=registration.requested_rule or "")
    return EntryRead(
        id=entry.id, registration_id=entry.registration_id, person_id=entry.person_id, month=month_text(entry.month),
        agency_region_code=entry.agency_region_code, status=entry.status, due_on=entry.due_on,
        at_risk=at_risk(entry.status, closed, entry.due_on, today, calendar),
        closed=closed, first_contacted_on=entry.first_contacted_on, attempts=entry.attempts,
        contacts=[contact_read(c, pack) for c in contacts], deregistration_requested=requested,
        registration_ended_on=registration.deregistered_on if registration else None,
        registration_end_reason=registration.deregistration_reason if registration else None,
    )


async def list_entries(
    session: AsyncSession, principal: Principal, *, region: str | None, month: date | None, status: str | None,
    registration_id: uuid.UUID | None, limit: int, cursor: str | None, today: date, calendar: WorkdayCalendar,
    policy: PolicyRegistry,
) -> Page[EntryRead]:
    """Lists entries in the caller's region, oldest month and most urgent first, one keyset page at a time."""
    after = EntryCursor.decode(cursor) if cursor else None
    rows = await repository.list_page(session, principal, region=region, month=month, status=status,
                                      registration_id=registration_id, limit=limit, after=after)
    shown = list(rows[:limit])
    next_cursor = EntryCursor.after(shown[-1]).encode() if len(rows) > limit and shown else None
    return Page[EntryRead](items=await entry_reads(session, shown, today, calendar, policy), next_cursor=next_cursor)


async def get_entry(session: AsyncSession, principal: Principal, entry_id: uuid.UUID, *, for_update: bool = False
                    ) -> LedgerEntry:
    """Gets an entry in the caller's scope; a missing entry and one out of scope give the same 403."""
    entry = await repository.get_entry(session, principal, entry_id, for_update=for_update)
    if entry is None:
        raise forbidden()
    return entry


# ---------------------------------------------------------------- contacts


def check_open(entry_status: str, closed: bool, month: date) -> None:
    """Refuses a contact on an ended entry (409 ledger.entry_ended) or a closed one (409 ledger.entry_closed)."""
    if entry_status == EntryStatus.ENDED:
        raise EntryEnded(
            f"The registration ended during {month_text(month)}: this entry needs no contact.",
            f"该登记已于{month_zh(month)}内注销，本条台账无需再联系。",
            [Violation("FU-MONTHLY", "entry_id", "entry is ended", "台账已终止")],
        )
    if closed:
        raise EntryClosed(
            f"The month {month_text(month)} was closed; its entries take no more contacts.",
            f"{month_zh(month)}台账已关账，不能再登记联系。",
            [Violation("FU-MONTHLY", "entry_id", "entry's month is closed", "台账所属月份已关账")],
        )


def contact_checks(body: ContactCreate, month: date, registered_on: date, today: date, region: str,
                   policy: PolicyRegistry) -> list[RuleResult]:
    """Returns the rules a contact must meet: FU-CONTACT-DATE, FU-OUTCOME and, for stable_income,
    DEREG-INCOME against the region's minimum living standard on the contact date; each cites the clause of
    the region's pack."""
    pack = policy.for_region(region)
    employment = body.employment_status.value if body.employment_status else None
    results = [check_contact_date(body.contacted_on, month, registered_on, today, pack.citation("followup_monthly")),
               check_outcome_recorded(body.result.value, employment, pack.citation("followup_outcome"))]
    if body.result.value == "reached" and employment == "stable_income":
        minimum = pack.param("minimum_living_standard_fen", body.contacted_on)
        income = check_income(employment, body.monthly_income_fen, int(str(minimum.value)), minimum.source,
                              pack.citation("deregistration"))
        if income is not None:
            results.append(income)
    return results


def refused(results: list[RuleResult]) -> ContactRefused:
    """Returns the 422 of a contact that fails its rules, naming each."""
    failed = failures(results)
    rules = ", ".join(dict.fromkeys(r.rule for r in failed))
    return ContactRefused(
        f"The contact fails {len(failed)} check(s): {rules}; see violations.",
        f"联系记录未通过 {len(failed)} 项检查：{rules}，详见各项说明。",
        [Violation(r.rule, r.field, f"{r.reason} ({r.rule}, {r.source})", f"{r.reason_zh}（{r.rule}，{r.source}）")
         for r in failed],
    )


async def request_deregistration(
    session: AsyncSession, registration_id: uuid.UUID, request: DeregistrationRequest, requested_by: str,
    evidence: dict[str, Any], monthly_income_fen: int | None = None,
) -> bool:
    """Asks the registration service, through the outbox, to deregister, once per registration; returns
    whether this call asked (a retry, a replayed event or a second rule asks nothing more)."""
    if not await repository.mark_requested(session, registration_id, request.reason, request.effective_date,
                                           request.rule):
        return False
    await outbox.emit(session, platform.outbox, EventType.FOLLOWUP_DEREGISTRATION_REQUESTED,
                      FollowupDeregistrationRequested(
                          registration_id=registration_id, reason=request.reason,
                          effective_date=request.effective_date, requested_by=requested_by,
                          evidence={"rule": request.rule, "why": request.why, **evidence},
                          monthly_income_fen=monthly_income_fen, note=request.why[:500],
                      ))
    logger.info("deregistration requested", extra={"registration_id": str(registration_id), "rule": request.rule,
                                                   "reason": request.reason})
    return True


async def refusal_check(session: AsyncSession, registration_id: uuid.UUID, threshold: int, source: str
                        ) -> DeregistrationRequest | None:
    """Runs FU-REFUSAL, the one count of refusals of public employment services, over both of their sources in
    date order: the registration's monthly contacts, and the person's job-recommendation outcomes and other
    services from the registration date on (a recommendation taken up or a service given, like a reached
    contact, resets the count). The ledger's
    contacts, its import and the recommendation outcomes all ask here. `source`: the region's deregistration
    clause."""
    registration = await repository.get_registration(session, registration_id)
    if registration is None:
        return None
    timed: list[tuple[date, datetime, ServiceResponse]] = [
        (on, at, contact_response(result, justified))
        for on, result, justified, at in await repository.contact_history(session, registration_id)
    ]
    for interviewed_on, result, result_on, justified, at in await recommendations.responses_since(
        session, registration.person_id, registration.registered_on
    ):
        if interviewed_on is not None and result != "interviewed":
            timed.append((interviewed_on, at, ServiceResponse.ACCEPTED))
        if result is not None and result_on is not None:
            timed.append((result_on, at, recommendation_response(result, justified)))
    # Any other service given is a service accepted; a recommendation counts by its outcome, above.
    for record in await services.of_person(session, registration.person_id):
        if record.kind != "job_recommendation" and record.delivered_on >= registration.registered_on:
            timed.append((record.delivered_on, record.created_at, ServiceResponse.ACCEPTED))
    if registration.deregistered_on is not None:
        timed = [event for event in timed if event[0] <= registration.deregistered_on]
    timed.sort(key=lambda event: (event[0], event[1]))
    return refusal_deregistration([ServiceEvent(on, response) for on, _, response in timed], threshold, source)


# Situations a contact finds that mean the person started work: an assisted person's revisits start then
# (FU-REVISIT), as when a recommendation ends hired or a certification ends for employment.
WORK_STATUSES = frozenset({"hired", "self_employed", "stable_income"})


async def revisits_on_work(
    session: AsyncSession, person_id: uuid.UUID, employment: str | None, started_on: date, policy: PolicyRegistry,
    calendar: WorkdayCalendar,
) -> int:
    """Schedules the revisits of an assisted person a contact found at work (FU-REVISIT); returns how many are
    owed for that start (none for a person never assisted, or a contact that found no work)."""
    if employment not in WORK_STATUSES:
        return 0
    return len(await schedule_revisits(session, person_id, started_on, policy, calendar))


def refusal_threshold(policy: PolicyRegistry, region: str, on: date) -> int:
    """Returns how many unjustified refusals in a row request deregistration in a region on a day (FU-REFUSAL)."""
    return int(str(policy.for_region(region).param("refusals_to_deregister", on).value))


async def add_contact(
    session: AsyncSession, principal: Principal, entry_id: uuid.UUID, body: ContactCreate, policy: PolicyRegistry,
    calendar: WorkdayCalendar, today: date, now: datetime,
) -> ContactRead:
    """Records a contact of an open entry, moves the entry's state and requests the deregistration its outcome
    calls for (FU-OUTCOME) or three unjustified refusals call for (FU-REFUSAL); work found starts an assisted
    person's revisits (FU-REVISIT)."""
    entry = await get_entry(session, principal, entry_id, for_update=True)
    await repository.lock_registration(session, entry.registration_id)
    closes = await repository.month_closes(session, [entry.month])
    check_open(entry.status, repository.is_closed(entry.closed_at, entry.created_at, closes.get(entry.month)),
               entry.month)
    registration = await repository.get_registration(session, entry.registration_id)
    assert registration is not None
    results = contact_checks(body, entry.month, registration.registered_on, today, entry.agency_region_code, policy)
    if failures(results):
        raise refused(results)
    employment = body.employment_status.value if body.employment_status and body.result.value == "reached" \
        else None
    contact = LedgerContact(
        id=uuid.uuid4(), entry_id=entry.id, registration_id=entry.registration_id, method=body.method,
        contacted_on=body.contacted_on, result=body.result, refusal_justified=body.refusal_justified,
        employment_status=employment, monthly_income_fen=body.monthly_income_fen,
        employer_name=body.employer.name if body.employer else None,
        employer_credit_code=body.employer.credit_code if body.employer else None,
        note=body.note, recorded_by=principal.sub, recorded_at=now,
    )
    pack = policy.for_region(entry.agency_region_code)
    request = outcome_deregistration(employment, body.contacted_on, pack.citation("followup_outcome"))
    if request is None and body.result.value == "refused" and not body.refusal_justified:
        await repository.add_contact(session, contact)
        request = await refusal_check(
            session, entry.registration_id, refusal_threshold(policy, entry.agency_region_code, body.contacted_on),
            pack.citation("deregistration"),
        )
    if request is not None:
        contact.deregistration_reason, contact.deregistration_rule = request.reason, request.rule
        contact.deregistration_effective_date = request.effective_date
        await request_deregistration(
            session, entry.registration_id, request, principal.sub,
            {"contact_id": str(contact.id), "entry_id": str(entry.id), "month": month_text(entry.month)},
            body.monthly_income_fen,
        )
    entry.status = entry_status_after(entry.status, body.result.value)
    if body.result.value != "unreachable":
        entry.first_contacted_on = min(filter(None, (entry.first_contacted_on, body.contacted_on)))
    entry.attempts += 1
    entry.updated_at = now
    if contact not in session:
        session.add(contact)
    await session.flush()
    await revisits_on_work(session, entry.person_id, employment, body.contacted_on, policy, calendar)
    return contact_read(contact, pack, request)


# ---------------------------------------------------------------- coverage


def _counts(region: str, by_status: Counter[str]) -> CoverageCounts:
    required = sum(n for status, n in by_status.items() if status != EntryStatus.ENDED)
    contacted = by_status[EntryStatus.CONTACTED]
    return CoverageCounts(
        region=region, required=required, contacted=contacted, attempted=by_status[EntryStatus.ATTEMPTED],
        pending=by_status[EntryStatus.PENDING], missed=by_status[EntryStatus.MISSED],
        unreachable=by_status[EntryStatus.UNREACHABLE], ended=by_status[EntryStatus.ENDED],
        coverage=round(contacted / required, 4) if required else 0.0,
    )


_CHILD_LENGTH = {2: 4, 4: 6, 6: 9}


async def coverage(session: AsyncSession, principal: Principal, month: date, region: str | None) -> CoverageRead:
    """Counts a month's entries in a region by state, with coverage = contacted / required (required leaves
    ended entries out), and the same for each region one level down (T-REGION)."""
    prefix = scope_region(principal, region)
    child_length = _CHILD_LENGTH.get(len(prefix)) if prefix else 2
    rows = await repository.coverage_counts(session, month, prefix, child_length)
    total: Counter[str] = Counter()
    children: dict[str, Counter[str]] = {}
    for child, status, n in rows:
        total[status] += n
        if child and len(child) == child_length:
            children.setdefault(child, Counter())[status] += n
    whole = _counts(prefix or "", total)
    return CoverageRead(month=month_text(month), **whole.model_dump(),
                        by_region=[_counts(child, children[child]) for child in sorted(children)])


def region_label(region: str | None) -> str:
    """Returns a region's prefix for a job's scope ('' for everywhere)."""
    return region_prefix(region) if region else ""


# ---------------------------------------------------------------- batch jobs

CHUNK = 100_000
# One call to the registration service per chunk; its bulk endpoint takes up to 10,000 persons.
MATCH_CHUNK = 10_000


def check_closable(month: date, today: date, source: str) -> None:
    """Refuses to close a month that has not ended (409 ledger.month_open, FU-MONTHLY); `source`: the
    followup_monthly clause of the caller's region."""
    result = month_has_ended(month, today, source)
    if not result.met:
        raise MonthOpen(
            f"The month {month_text(month)} has not ended (it ends {month_end(month)}); it cannot be closed yet.",
            f"{month_zh(month)}尚未结束（月末为{date_zh(month_end(month))}），不能关账。",
            [Violation(result.rule, result.field, result.reason, result.reason_zh)],
        )


def data_match_day(month: date, today: date) -> date:
    """Returns the date a month's data-match contacts carry: today, or the month's last day for a month that
    has ended; a month not yet begun has none (409 ledger.month_not_started, FU-CONTACT-DATE)."""
    if today < month:
        raise MonthNotStarted(
            f"The month {month_text(month)} has not begun; a data match cannot be dated in it.",
            f"{month_zh(month)}尚未开始，无法进行该月信息比对。",
            [Violation("FU-CONTACT-DATE", "month", "month not begun", "月份尚未开始")],
        )
    return min(today, month_end(month))


def _after(resume: Any) -> uuid.UUID:
    return uuid.UUID(str(resume["after"])) if isinstance(resume, dict) and resume.get("after") else repository.NIL


def _tally(resume: Any, key: str) -> int:
    return int(resume.get(key, 0)) if isinstance(resume, dict) else 0


async def generation_chunk(session: AsyncSession, job: RowMapping, resume: Any, calendar: WorkdayCalendar
                           ) -> tuple[dict[str, Any] | None, int, dict[str, Any]]:
    """One chunk of FU-MONTHLY generation: entries for the next registrations valid in the month."""
    month = month_param(job["period"])
    last, seen, created = await repository.generate_chunk(session, month, last_workday(month, calendar),
                                                          _after(resume), CHUNK)
    made = _tally(resume, "created") + created
    if last is None or seen < CHUNK:
        return None, seen, {"month": job["period"], "created": made, "rule": "FU-MONTHLY"}
    return {"after": str(last), "created": made}, seen, {}


async def close_chunk(session: AsyncSession, job: RowMapping, resume: Any, policy: PolicyRegistry, now: datetime
                      ) -> tuple[dict[str, Any] | None, int, dict[str, Any]]:
    """One chunk of a month's close: FU-MONTHLY (pending → missed, attempted → unreachable), then
    FU-UNREACHABLE for the same registrations; the last chunk marks the month closed and reports counts."""
    month = month_param(job["period"])
    after = _after(resume)
    last, seen, missed, unreachable = await repository.close_chunk(session, month, after, CHUNK, now)
    requested = 0
    if last is not None:
        # FU-UNREACHABLE counts the months of each registration's own region (its pack), region by region.
        by_months: dict[int, list[str]] = {}
        for region in await repository.unreachable_regions(session, month, after, last):
            months = int(str(policy.for_region(region).param("unreachable_months_to_deregister",
                                                             month_end(month)).value))
            by_months.setdefault(months, []).append(region)
        for months, regions in sorted(by_months.items()):
            requested += await repository.request_unreachable(
                session, month, add_months(month, -(months - 1)), months, after, last, regions, f"job:{job['id']}",
                now, month_text(month),
            )
    tally = {"missed": _tally(resume, "missed") + missed, "unreachable": _tally(resume, "unreachable") + unreachable,
             "deregistrations_requested": _tally(resume, "deregistrations_requested") + requested}
    if last is not None and seen >= CHUNK:
        return {"after": str(last), **tally}, seen, {}
    await repository.finish_close(session, month, str(job["requested_by"]), now)
    by_city: dict[str, dict[str, int]] = {}
    for region, status, n in await repository.month_counts_by(session, month, 4):
        by_city.setdefault(region, {})[status] = n
    logger.warning("ledger month closed", extra={
        "rule": "FU-MONTHLY", "month": job["period"], **tally,
        "missed_by_city": {city: counts.get("missed", 0) for city, counts in sorted(by_city.items())},
    })
    return None, seen, {"month": job["period"], **tally, "by_city": {k: by_city[k] for k in sorted(by_city)},
                        "rules": ["FU-MONTHLY", "FU-UNREACHABLE"]}


async def data_match_rows(
    session: AsyncSession, job: RowMapping, resume: Any, today: date,
) -> tuple[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]], date]:
    """Returns the next chunk of open entries to compare, and the date their contacts carry."""
    month = month_param(job["period"])
    day = data_match_day(month, today)
    return _after(resume), await repository.open_entries_chunk(session, month, _after(resume), MATCH_CHUNK), day
