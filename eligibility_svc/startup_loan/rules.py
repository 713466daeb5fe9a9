"""Startup guaranteed loan rules (001 §五(二)): LOAN-* for individuals and small/micro enterprises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from shared.calendar import WorkdayCalendar, default_calendar
from shared.explain import RuleResult, all_met, failures
from shared.identity import Gender
from shared.labels import label_zh
from shared.policy import PolicyPack, PolicyParameters
from shared.policy.documents import cite
from shared.timerules import add_months, age_on, nth_birthday, period_end
from shared.wording import ordinal

SOURCE_INDIVIDUAL: Final = cite("shaoguan-plan 五(二)1(1)")
SOURCE_ENTERPRISE: Final = cite("shaoguan-plan 五(二) 小微企业借款人1")


class KeyGroup(StrEnum):
    """重点扶持对象 (001 §五(二)1(1)): groups that may borrow without the 3-year business-age limit."""

    REGISTERED_UNEMPLOYED = "registered_unemployed"  # 登记失业人员
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"  # 就业困难人员
    DISABLED = "disabled"  # （含残疾人）
    VETERAN = "veteran"  # 退役军人
    RELEASED_PRISONER = "released_prisoner"  # 刑满释放人员
    UNIVERSITY_GRADUATE = "university_graduate"  # 高校毕业生
    VOCATIONAL_GRADUATE = "vocational_graduate"  # 职业院校毕业生
    TECHNICAL_SCHOOL_GRADUATE = "technical_school_graduate"  # 技工院校毕业生
    CAPACITY_REDUCTION_WORKER = "capacity_reduction_worker"  # 化解过剩产能企业职工和失业人员
    RETURNING_MIGRANT_WORKER = "returning_migrant_worker"  # 返乡创业农民工
    ONLINE_MERCHANT = "online_merchant"  # 网络商户
    LIFTED_OUT_OF_POVERTY = "lifted_out_of_poverty"  # 脱贫人口
    FARMER = "farmer"  # 农民


class DebtKind(StrEnum):
    """Kinds of loan the applicant or spouse holds (LOAN-OTHER-DEBT)."""

    STUDENT = "student"
    POVERTY_ALLEVIATION = "poverty_alleviation"
    HOUSING = "housing"
    CAR = "car"
    CONSUMER = "consumer"  # credit cards included
    BUSINESS = "business"
    OTHER = "other"


DEBT_KIND_ZH: Final = {
    "student": "助学贷款",
    "poverty_alleviation": "扶贫贷款",
    "housing": "住房贷款",
    "car": "购车贷款",
    "consumer": "消费贷款",
    "business": "经营性贷款",
    "other": "其他贷款",
}

# 001 §五(二)1(1)④: 助学贷款、扶贫贷款、住房贷款、购车贷款 are allowed whatever their amount.
EXEMPT_DEBTS: Final = frozenset({DebtKind.STUDENT, DebtKind.POVERTY_ALLEVIATION, DebtKind.HOUSING, DebtKind.CAR})


class ApplicantType(StrEnum):
    """Who borrows."""

    INDIVIDUAL = "individual"
    ENTERPRISE = "enterprise"


# ---- input -----------------------------------------------------------------------------------------
# Plain values: the API's request models (schemas.py) are checked and mapped to these by the service.


@dataclass(frozen=True, slots=True)
class Debt:
    """One outstanding loan of the applicant or the spouse."""

    kind: DebtKind
    amount_fen: int


@dataclass(frozen=True, slots=True)
class IndividualBorrower:
    """An individual borrower (个人借款人)."""

    gender: Gender
    birth_date: date
    key_groups: tuple[KeyGroup, ...]
    has_project: bool
    business_registered_in_city: bool
    business_registered_on: date | None
    jobs_created: int  # people employed besides the borrower
    previous_loans: int
    other_debts: tuple[Debt, ...]


@dataclass(frozen=True, slots=True)
class EnterpriseBorrower:
    """A small or micro enterprise borrower (小微企业借款人)."""

    registered_in_city: bool
    staff_count: int
    # Key-group persons hired in the 12 months before applying with contracts of 1 year or more.
    new_key_group_hires_12m: int
    serious_violation_record: bool
    previous_loans: int


@dataclass(frozen=True, slots=True)
class LoanApplication:
    """One borrower asking for an amount and a term on a date; birth and registration are not after as_of."""

    as_of: date
    borrower: IndividualBorrower | EnterpriseBorrower
    requested_amount_fen: int
    requested_term_months: int


@dataclass(frozen=True, slots=True)
class LoanEvaluation:
    """The answer of POST /api/v1/startup-loan/evaluate: every rule checked and the limits that apply.

    ``max_amount_fen`` and ``max_term_months`` are the limits for this applicant's profile whether
    or not other rules fail, so the applicant sees what they could borrow once those are resolved.
    """

    eligible: bool
    max_amount_fen: int
    max_term_months: int
    rules: tuple[RuleResult, ...]
    rate_cap_bp_over_lpr: int
    interest_subsidy_share_bp: int
    pack_id: str

    @property
    def violations(self) -> tuple[RuleResult, ...]:
        """Returns every failing rule, in the order checked."""
        return tuple(failures(self.rules))

    @property
    def interest_subsidy_share(self) -> Decimal:
        """Returns the interest subsidy share as an exact fraction (0.5 for 5000 bp)."""
        return Decimal(self.interest_subsidy_share_bp) / Decimal(10_000)


def yuan(fen: int) -> str:
    """Returns an amount in fen as yuan with thousands separators, e.g. 10000000 -> "100,000.00"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def _result(rule: str, met: bool, texts: tuple[str, str], source: str, field: str) -> RuleResult:
    return RuleResult(rule, met, texts[0], texts[1], source, field)


# ---- individual rules ------------------------------------------------------------------------------


def loan_age_rule(person: IndividualBorrower, on: date, params: PolicyParameters, source: str) -> RuleResult:
    """LOAN-AGE: women at most 55, men at most 60 on the application date.

    "不超过N周岁" holds up to the day before the (N+1)-th birthday (T-AGE).
    """
    female = person.gender is Gender.FEMALE
    limit = params.loan_age_max_female if female else params.loan_age_max_male
    age = age_on(person.birth_date, on)
    last_day = nth_birthday(person.birth_date, limit + 1) - timedelta(days=1)
    born, day, last = person.birth_date.isoformat(), on.isoformat(), last_day.isoformat()
    who, who_zh = ("women", "女性") if female else ("men", "男性")
    return _result(
        "LOAN-AGE",
        on <= last_day,
        (
            f"born {born}: {age} on {day}; {who} may be at most {limit}, i.e. apply up to {last} "
            f"(the day before the {ordinal(limit + 1)} birthday)",
            f"{born}出生，{day}年满{age}周岁；{who_zh}不超过{limit}周岁，即最迟{last}（{limit + 1}周岁生日前一日）申请",
        ),
        source,
        "individual.birth_date",
    )


def loan_project_rule(person: IndividualBorrower) -> RuleResult:
    """LOAN-PROJECT: the applicant has a concrete business project."""
    texts = (
        ("has a concrete business project", "有具体经营项目")
        if person.has_project
        else ("no concrete business project: one is required", "无具体经营项目，需有具体经营项目")
    )
    return _result("LOAN-PROJECT", person.has_project, texts, "001 §五(二)1(1)②", "individual.has_project")


def loan_registered_rule(person: IndividualBorrower) -> RuleResult:
    """LOAN-REGISTERED: the business is legally registered in the city."""
    texts = (
        ("business legally registered in the city", "已在本市行政区域内办理法定登记注册手续")
        if person.business_registered_in_city
        else (
            "business not registered in the city: needs registration as a micro-enterprise, individual "
            "business, social organisation, farmers' cooperative or family farm",
            "未在本市行政区域内办理法定登记注册手续（小微企业、个体工商户、社会组织、农民专业合作社、家庭农场等）",
        )
    )
    return _result(
        "LOAN-REGISTERED",
        person.business_registered_in_city,
        texts,
        "001 §五(二)1(1)③",
        "individual.business_registered_in_city",
    )


def loan_other_debt_rule(person: IndividualBorrower, params: PolicyParameters, source: str) -> RuleResult:
    """LOAN-OTHER-DEBT: no loans of applicant or spouse but exempt kinds and consumer loans up to the limit.

    "10万元以下" includes 100,000 yuan itself: in Chinese legal usage 以下 counts the number
    (Civil Code art. 1259: 以上、以下、以内、届满，包括本数), so consumer loans totalling exactly
    the limit pass and one fen more fails.
    """
    limit = params.loan_consumer_debt_limit_fen
    consumer = sum(debt.amount_fen for debt in person.other_debts if debt.kind is DebtKind.CONSUMER)
    blocking = [
        debt for debt in person.other_debts if debt.kind is not DebtKind.CONSUMER and debt.kind not in EXEMPT_DEBTS
    ]
    problems: list[tuple[str, str]] = []
    for debt in blocking:
        problems.append(
            (
                f"a {debt.kind} loan of {yuan(debt.amount_fen)} yuan",
                f"{DEBT_KIND_ZH[str(debt.kind)]}{yuan(debt.amount_fen)}元",
            )
        )
    if consumer > limit:
        problems.append(
            (
                f"consumer loans of {yuan(consumer)} yuan in total, above the {yuan(limit)} yuan limit",
                f"消费贷款合计{yuan(consumer)}元，超过{yuan(limit)}元上限",
            )
        )
    if problems:
        return _result(
            "LOAN-OTHER-DEBT",
            False,
            (
                "applicant or spouse holds "
                + "; ".join(english for english, _ in problems)
                + ": only student, poverty-alleviation, housing and car loans and consumer loans up to "
                f"{yuan(limit)} yuan in total are allowed",
                "本人或配偶有"
                + "；".join(chinese for _, chinese in problems)
                + f"，除助学、扶贫、住房、购车贷款及合计{yuan(limit)}元以下（含）的消费贷款外不得有其他贷款",
            ),
            source,
            "individual.other_debts",
        )
    return _result(
        "LOAN-OTHER-DEBT",
        True,
        (
            f"consumer loans {yuan(consumer)} yuan in total (limit {yuan(limit)} yuan, inclusive); "
            "no other loans besides exempt kinds",
            f"消费贷款合计{yuan(consumer)}元（上限{yuan(limit)}元，含本数）；无助学、扶贫、住房、购车贷款以外的其他贷款",
        ),
        source,
        "individual.other_debts",
    )


def loan_non_key_rule(
    person: IndividualBorrower, on: date, params: PolicyParameters, source: str, calendar: WorkdayCalendar
) -> RuleResult:
    """LOAN-NON-KEY: applicants outside the key groups need the business registered within 3 years.

    The 3 years run from the registration day by T-PERIOD, including the move of a last day that
    is not a working day to the next working day (Civil Code art. 203).
    """
    field = "individual.business_registered_on"
    if person.key_groups:
        groups = ", ".join(str(group) for group in person.key_groups)
        groups_zh = "、".join(label_zh(group) for group in person.key_groups)
        return _result(
            "LOAN-NON-KEY",
            True,
            (
                f"key group ({groups}): the {params.loan_nonkey_business_age_years}-year business-age limit "
                "does not apply",
                f"属重点扶持对象（{groups_zh}），不受创业主体登记注册{params.loan_nonkey_business_age_years}年内的限制",
            ),
            source,
            "individual.key_groups",
        )
    years = params.loan_nonkey_business_age_years
    registered = person.business_registered_on
    if registered is None:
        return _result(
            "LOAN-NON-KEY",
            False,
            (
                f"not in a key group and no business registration date given: needs the business registered "
                f"within {years} years",
                f"非重点扶持对象且未提供创业主体登记注册日期，需登记注册时间在{years}年内",
            ),
            source,
            field,
        )
    due = period_end(registered, years * 12, calendar)
    registered_on, last, day = registered.isoformat(), due.due.isoformat(), on.isoformat()
    note, note_zh = "", ""
    plain_end = add_months(registered, years * 12)
    if due.due != plain_end:
        note, note_zh = (
            f", moved from {plain_end.isoformat()} (a rest day)",
            f"（{plain_end.isoformat()}为休息日，顺延）",
        )
    if due.estimated:
        note, note_zh = note + ", estimated calendar", note_zh + "（工作日历为估算）"
    return _result(
        "LOAN-NON-KEY",
        on <= due.due,
        (
            f"not in a key group: business registered {registered_on}, {years} years run to {last}{note}; "
            f"applied {day}",
            f"非重点扶持对象：创业主体{registered_on}登记注册，{years}年期限至{last}{note_zh}；申请日{day}",
        ),
        source,
        field,
    )


def loan_count_rule(
    previous_loans: int, key_group: bool, params: PolicyParameters, source: str, field: str
) -> RuleResult:
    """LOAN-COUNT: key-group individuals and enterprises borrow at most 3 times in total.

    001 §五(二)2 limits 重点扶持对象个人贷款、小微企业贷款; it sets no count for other individuals.
    """
    limit = params.loan_max_count
    if not key_group:
        return _result(
            "LOAN-COUNT",
            True,
            (
                f"{previous_loans} previous loans; the limit of {limit} loans applies to key groups and "
                "enterprises only",
                f"此前贷款{previous_loans}次；累计不超过{limit}次的限制仅适用于重点扶持对象个人贷款和小微企业贷款",
            ),
            source,
            field,
        )
    return _result(
        "LOAN-COUNT",
        previous_loans < limit,
        (
            f"{previous_loans} previous loans: this would be loan {previous_loans + 1}, at most {limit} in total",
            f"此前贷款{previous_loans}次，本次为第{previous_loans + 1}次，累计不超过{limit}次",
        ),
        source,
        field,
    )


def _amount_rule(requested: int, maximum: int, why: tuple[str, str], source: str) -> RuleResult:
    """LOAN-AMOUNT: the amount asked for is within the maximum."""
    return _result(
        "LOAN-AMOUNT",
        requested <= maximum,
        (
            f"requested {yuan(requested)} yuan, maximum {yuan(maximum)} yuan ({why[0]})",
            f"申请{yuan(requested)}元，最高{yuan(maximum)}元（{why[1]}）",
        ),
        source,
        "requested_amount_fen",
    )


def _term_rule(requested: int, maximum: int, who: tuple[str, str], source: str) -> RuleResult:
    """LOAN-TERM: the term asked for is within the maximum."""
    return _result(
        "LOAN-TERM",
        requested <= maximum,
        (
            f"requested {requested} months, at most {maximum} months per {who[0]} loan",
            f"申请期限{requested}个月，{who[1]}每次贷款期限最长{maximum}个月",
        ),
        source,
        "requested_term_months",
    )


def individual_max_amount_fen(person: IndividualBorrower, params: PolicyParameters) -> int:
    """Returns the individual maximum: higher when the business employs 5 or more besides the borrower."""
    if person.jobs_created >= params.loan_jobs_for_higher_max:
        return params.loan_individual_max_with_jobs_fen
    return params.loan_individual_max_fen


def _individual_rules(
    application: LoanApplication, person: IndividualBorrower, pack: PolicyPack, calendar: WorkdayCalendar
) -> tuple[tuple[RuleResult, ...], int, int]:
    on = application.as_of
    params, sources = pack.params(on), pack.sources(on)
    female = person.gender is Gender.FEMALE
    maximum = individual_max_amount_fen(person, params)
    higher = person.jobs_created >= params.loan_jobs_for_higher_max
    jobs_need = params.loan_jobs_for_higher_max
    why = (
        (
            f"{person.jobs_created} jobs created besides the borrower, {jobs_need} or more raise the maximum",
            f"带动就业{person.jobs_created}人（不含借款人），{jobs_need}人以上（含）提高额度",
        )
        if higher
        else (
            f"{person.jobs_created} jobs created besides the borrower, {jobs_need} needed for the higher maximum",
            f"带动就业{person.jobs_created}人（不含借款人），需{jobs_need}人以上（含）方可提高额度",
        )
    )
    term_max = params.loan_term_months_individual
    rules = (
        loan_age_rule(person, on, params, sources["loan_age_max_female" if female else "loan_age_max_male"]),
        loan_project_rule(person),
        loan_registered_rule(person),
        loan_other_debt_rule(person, params, sources["loan_consumer_debt_limit_fen"]),
        loan_non_key_rule(person, on, params, sources["loan_nonkey_business_age_years"], calendar),
        loan_count_rule(
            person.previous_loans,
            bool(person.key_groups),
            params,
            sources["loan_max_count"],
            "individual.previous_loans",
        ),
        _amount_rule(
            application.requested_amount_fen,
            maximum,
            why,
            sources["loan_individual_max_with_jobs_fen" if higher else "loan_individual_max_fen"],
        ),
        _term_rule(
            application.requested_term_months,
            term_max,
            ("individual", "个人"),
            sources["loan_term_months_individual"],
        ),
    )
    return rules, maximum, term_max


# ---- enterprise rules ------------------------------------------------------------------------------


def enterprise_hires_rule(company: EnterpriseBorrower, params: PolicyParameters, source: str) -> RuleResult:
    """LOAN-ENT-HIRES: key-group hires of the last 12 months reach 10% of staff (5% above 100 staff).

    "达到...10%" means hires / staff >= 10%, compared in integers (hires * 10000 >= staff * ratio_bp),
    so 100 staff need 10 hires and 101 staff (5%) need 6.
    """
    staff, hires = company.staff_count, company.new_key_group_hires_12m
    large = staff > params.loan_enterprise_large_staff_over
    ratio_bp = params.loan_enterprise_hire_ratio_large_bp if large else params.loan_enterprise_hire_ratio_small_bp
    needed = -(-staff * ratio_bp // 10_000)  # ceiling: the fewest hires that reach the ratio
    percent = f"{ratio_bp // 100}.{ratio_bp % 100:02d}".rstrip("0").rstrip(".")
    over = params.loan_enterprise_large_staff_over
    band, band_zh = (
        (f"more than {over} staff", f"超过{over}人") if large else (f"{over} staff or fewer", f"{over}人及以下")
    )
    return _result(
        "LOAN-ENT-HIRES",
        hires * 10_000 >= staff * ratio_bp,
        (
            f"{hires} key-group persons hired in the last 12 months with contracts of 1 year or more, "
            f"{staff} staff ({band}): needs {percent}% of staff, i.e. at least {needed}",
            f"申请之日前12个月内新招用重点扶持对象并签订1年以上劳动合同{hires}人，现有在职职工{staff}人（{band_zh}）："
            f"需达到{percent}%，即至少{needed}人",
        ),
        source,
        "enterprise.new_key_group_hires_12m",
    )


def _enterprise_rules(
    application: LoanApplication, company: EnterpriseBorrower, pack: PolicyPack
) -> tuple[tuple[RuleResult, ...], int, int]:
    on = application.as_of
    params, sources = pack.params(on), pack.sources(on)
    large = company.staff_count > params.loan_enterprise_large_staff_over
    registered = (
        ("enterprise registered in the city", "在本市行政区域内登记注册")
        if company.registered_in_city
        else ("enterprise not registered in the city: needs registration there", "未在本市行政区域内登记注册")
    )
    record = (
        (
            "no serious wage-arrears or social-insurance-arrears record",
            "无拖欠职工工资、欠缴社会保险费等严重违法违规信用记录",
        )
        if not company.serious_violation_record
        else (
            "has a serious wage-arrears or social-insurance-arrears record: none is allowed",
            "有拖欠职工工资、欠缴社会保险费等严重违法违规信用记录",
        )
    )
    maximum, term_max = params.loan_enterprise_max_fen, params.loan_term_months_enterprise
    rules = (
        _result(
            "LOAN-ENT-REGISTERED",
            company.registered_in_city,
            registered,
            SOURCE_ENTERPRISE,
            "enterprise.registered_in_city",
        ),
        enterprise_hires_rule(
            company,
            params,
            sources["loan_enterprise_hire_ratio_large_bp" if large else "loan_enterprise_hire_ratio_small_bp"],
        ),
        _result(
            "LOAN-ENT-RECORD",
            not company.serious_violation_record,
            record,
            SOURCE_ENTERPRISE,
            "enterprise.serious_violation_record",
        ),
        loan_count_rule(company.previous_loans, True, params, sources["loan_max_count"], "enterprise.previous_loans"),
        _amount_rule(
            application.requested_amount_fen,
            maximum,
            ("small/micro enterprise", "小微企业"),
            sources["loan_enterprise_max_fen"],
        ),
        _term_rule(
            application.requested_term_months,
            term_max,
            ("enterprise", "小微企业"),
            sources["loan_term_months_enterprise"],
        ),
    )
    return rules, maximum, term_max


def evaluate_startup_loan(
    application: LoanApplication, pack: PolicyPack, calendar: WorkdayCalendar | None = None
) -> LoanEvaluation:
    """Evaluates every LOAN-* rule for the borrower and reports all that fail, with the limits."""
    params = pack.params(application.as_of)
    borrower = application.borrower
    if isinstance(borrower, IndividualBorrower):
        rules, maximum, term_max = _individual_rules(
            application, borrower, pack, calendar if calendar is not None else default_calendar()
        )
    else:
        rules, maximum, term_max = _enterprise_rules(application, borrower, pack)
    return LoanEvaluation(
        eligible=all_met(rules),
        max_amount_fen=maximum,
        max_term_months=term_max,
        rules=rules,
        rate_cap_bp_over_lpr=params.loan_rate_cap_over_lpr_bp,
        interest_subsidy_share_bp=params.loan_interest_subsidy_share_bp,
        pack_id=pack.id,
    )
