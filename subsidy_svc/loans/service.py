"""Use cases of startup loans: record a granted loan after the eligibility evaluation and the rate cap, store its
interest-subsidy schedule (from the eligibility service's rounding rule), shorten it on early repayment."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, forbidden
from shared.clients.eligibility import SchedulePeriod
from shared.errors import Violation
from shared.policy import ParameterNotInForceError, PolicyRegistry
from shared.policy.documents import cite
from shared.wording import date_zh, percent, percentage_points
from subsidy_svc.loans import repository
from subsidy_svc.loans.errors import InvalidLoan, LoanConflict, LoanNotEligible, LoanNotFound, RateAboveCap
from subsidy_svc.loans.models import BorrowerType, LoanSubsidyPeriod, PeriodStatus, StartupLoan
from subsidy_svc.loans.schemas import EarlyRepayment, LoanCreate, LoanRead, PeriodRead
from subsidy_svc.peers import Peers
from subsidy_svc.skill_subsidy.errors import PolicyNotInForce

LOAN_RATE = "LOAN-RATE"
RATE_SOURCE = "shaoguan-plan 五(二)3"


def _invalid(field: str, message: str, message_zh: str) -> InvalidLoan:
    return InvalidLoan(message, message_zh, [Violation("LOAN-REQUEST", field, message, message_zh)])


def check_rate(annual_rate_bp: int, lpr_bp: int, cap_over_lpr_bp: int) -> None:
    """Refuses a rate above LPR + the cap at the grant date (LOAN-RATE); the cap itself passes."""
    cap = lpr_bp + cap_over_lpr_bp
    if annual_rate_bp > cap:
        message = (f"annual rate {annual_rate_bp} bp is above the cap of {cap} bp "
                   f"(LPR {lpr_bp} bp + {cap_over_lpr_bp} bp)")
        message_zh = (f"贷款年利率{percent(annual_rate_bp)}高于上限{percent(cap)}"
                      f"（LPR {percent(lpr_bp)} + {percentage_points(cap_over_lpr_bp)}）")
        raise RateAboveCap(f"{message} ({LOAN_RATE}, {cite(RATE_SOURCE)})",
                           f"{message_zh}（{LOAN_RATE}，{cite(RATE_SOURCE)}）",
                           [Violation(LOAN_RATE, "annual_rate_bp", message, message_zh)])


def _period(loan: StartupLoan, period: SchedulePeriod) -> LoanSubsidyPeriod:
    return LoanSubsidyPeriod(
        id=uuid.uuid4(), loan_id=loan.id, number=period.number, agency_region_code=loan.agency_region_code,
        period_start=period.period_start, due_on=period.period_end, days=period.days,
        principal_outstanding_fen=period.principal_outstanding_fen, interest_fen=period.interest_fen,
        subsidy_fen=period.subsidy_fen, status=PeriodStatus.SCHEDULED,
    )


def _schedule_body(loan: StartupLoan, repaid_on: date | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "principal_fen": loan.principal_fen, "annual_rate_bp": loan.annual_rate_bp, "lpr_bp": loan.lpr_bp,
        "term_months": loan.term_months, "start_date": loan.start_date.isoformat(),
        "frequency": loan.subsidy_period.value, "region_code": loan.agency_region_code,
    }
    if repaid_on is not None:
        body["repaid_on"] = repaid_on.isoformat()
    return body


async def record_loan(
    session: AsyncSession, principal: Principal, body: LoanCreate, *, peers: Peers, registry: PolicyRegistry,
) -> tuple[StartupLoan, list[LoanSubsidyPeriod]]:
    """Records a granted loan: borrower known, LOAN-RATE, the eligibility service's evaluation, then the schedule."""
    region = body.agency_region_code or principal.region
    if principal.role is not Role.SYSTEM and (principal.role is not Role.CASEWORKER
                                              or not principal.covers_region(region)):
        raise forbidden()
    individual = body.borrower_type is BorrowerType.INDIVIDUAL
    if individual and (body.person_id is None or body.credit_code is not None):
        raise _invalid("person_id", "an individual borrower is named by person_id (and no credit_code)",
                       "个人借款人须提供 person_id（不提供统一社会信用代码）")
    if not individual and (body.credit_code is None or body.person_id is not None):
        raise _invalid("credit_code", "an enterprise borrower is named by credit_code (and no person_id)",
                       "企业借款人须提供统一社会信用代码（不提供 person_id）")
    if await repository.by_contract(session, body.contract_number) is not None:
        raise LoanConflict(f"Contract {body.contract_number} is already recorded.",
                           f"借款合同“{body.contract_number}”已登记。",
                           [Violation("LOAN-CONTRACT", "contract_number", "recorded already", "合同已登记")])
    pack = registry.for_region(region)
    try:
        params = pack.params(body.start_date)
    except ParameterNotInForceError as exc:
        raise PolicyNotInForce(f"Policy pack {pack.id} has no parameters in force on {body.start_date}",
                               f"政策包“{pack.id}”在{date_zh(body.start_date)}没有有效的政策参数",
                               [Violation("POLICY-IN-FORCE", "start_date", exc.message, exc.message)]) from None
    check_rate(body.annual_rate_bp, body.lpr_bp, params.loan_rate_cap_over_lpr_bp)
    if body.person_id is not None and await peers.registration.get_person(body.person_id) is None:
        raise _invalid("person_id", f"person {body.person_id} is not in the person registry",
                       f"人员库中没有编号为“{body.person_id}”的人员")
    evaluation = await peers.eligibility.evaluate_startup_loan({
        "as_of": body.start_date.isoformat(), "applicant_type": body.borrower_type.value,
        body.borrower_type.value: body.borrower, "requested_amount_fen": body.principal_fen,
        "requested_term_months": body.term_months, "region_code": region,
    })
    if not evaluation.eligible:
        raise LoanNotEligible(
            "The eligibility service's evaluation fails; see violations.", "资格认定服务评估不通过，详见各项说明。",
            [Violation(v.rule, v.field, v.message, v.message_zh) for v in evaluation.violations],
        )
    loan = StartupLoan(
        id=uuid.uuid4(), borrower_type=body.borrower_type, person_id=body.person_id, credit_code=body.credit_code,
        borrower=body.borrower, lender_name=body.lender.name, lender_account=body.lender.account_number,
        contract_number=body.contract_number, agency_region_code=region, principal_fen=body.principal_fen,
        annual_rate_bp=body.annual_rate_bp, lpr_bp=body.lpr_bp, start_date=body.start_date,
        term_months=body.term_months, subsidy_period=body.subsidy_period, rounding="", policy_pack=pack.id,
        created_by=principal.sub,
    )
    schedule = await peers.eligibility.interest_schedule(_schedule_body(loan))
    loan.rounding, loan.policy_pack = schedule.rounding, schedule.policy_pack
    periods = [_period(loan, period) for period in schedule.periods]
    session.add(loan)
    await session.flush()
    session.add_all(periods)
    await session.flush()
    return loan, periods


async def get_loan(session: AsyncSession, principal: Principal, loan_id: uuid.UUID,
                   *, for_update: bool = False) -> StartupLoan:
    """Gets a loan in scope, or 404."""
    loan = await repository.get(session, principal, loan_id, for_update=for_update)
    if loan is None:
        raise LoanNotFound(f"No startup loan {loan_id} in your scope.",
                           f"您的权限范围内没有编号为“{loan_id}”的创业担保贷款。")
    return loan


async def early_repayment(
    session: AsyncSession, principal: Principal, loan_id: uuid.UUID, body: EarlyRepayment, *, peers: Peers,
    today: date,
) -> tuple[StartupLoan, Sequence[LoanSubsidyPeriod]]:
    """Shortens the schedule to the repayment date: the period it falls in ends there with the interest actually
    due, the later ones are cancelled; a period already paid or in a live batch cannot change (409)."""
    if principal.role not in (Role.CASEWORKER, Role.SYSTEM):
        raise forbidden()
    loan = await get_loan(session, principal, loan_id, for_update=True)
    if loan.repaid_on is not None:
        raise LoanConflict(f"The loan was already repaid on {loan.repaid_on}.",
                           f"该贷款已于{date_zh(loan.repaid_on)}还清。")
    if body.repaid_on > today:
        raise _invalid("repaid_on", f"repaid_on {body.repaid_on} is in the future",
                       f"还款日期{date_zh(body.repaid_on)}晚于今天")
    schedule = await peers.eligibility.interest_schedule(_schedule_body(loan, body.repaid_on))
    current = await repository.periods(session, loan.id, for_update=True)
    last = schedule.periods[-1]
    # The last period changes unless the repayment falls on its end; every later one is cancelled.
    changing = [p for p in current if p.number > last.number or (
        p.number == last.number and (p.due_on, p.interest_fen, p.subsidy_fen)
        != (last.period_end, last.interest_fen, last.subsidy_fen))]
    locked = await repository.batched_period_ids(session, [p.id for p in changing])
    settled = [p for p in changing if p.status is PeriodStatus.PAID or p.id in locked]
    if settled:
        raise LoanConflict(
            f"Period {settled[0].number} is already paid or in a payment batch; the schedule cannot be shortened "
            "before it (PAY-ONCE).",
            f"第{settled[0].number}期贴息已支付或已列入支付批次，不能在其之前缩短（PAY-ONCE）。",
            [Violation("PAY-ONCE", "repaid_on", "a paid or batched period would change",
                       "已支付或已列入批次的期次将被改变")],
        )
    for period in changing:
        if period.number == last.number:
            period.due_on, period.days = last.period_end, last.days
            period.interest_fen, period.subsidy_fen = last.interest_fen, last.subsidy_fen
        else:
            period.status = PeriodStatus.CANCELLED
    loan.repaid_on = body.repaid_on
    await session.flush()
    return loan, current


def to_read(loan: StartupLoan, periods: Sequence[LoanSubsidyPeriod]) -> LoanRead:
    """Maps a loan and its periods to the view; totals count the periods not cancelled."""
    live = [p for p in periods if p.status is not PeriodStatus.CANCELLED]
    return LoanRead(
        id=loan.id, borrower_type=loan.borrower_type, person_id=loan.person_id, credit_code=loan.credit_code,
        contract_number=loan.contract_number, agency_region_code=loan.agency_region_code,
        principal_fen=loan.principal_fen, annual_rate_bp=loan.annual_rate_bp, lpr_bp=loan.lpr_bp,
        start_date=loan.start_date, term_months=loan.term_months, subsidy_period=loan.subsidy_period,
        repaid_on=loan.repaid_on, rounding=loan.rounding, policy_pack=loan.policy_pack,
        periods=[PeriodRead.model_validate(p) for p in periods],
        total_interest_fen=sum(p.interest_fen for p in live), total_subsidy_fen=sum(p.subsidy_fen for p in live),
    )
