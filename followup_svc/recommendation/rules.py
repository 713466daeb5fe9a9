"""Recommendation rules as pure functions (rules.md "Job services"): a recommendation is of a published
vacancy on a day not in the future (JOB-RECOMMEND); an outcome is dated from the recommendation to today and
follows the order interview, then hired / not hired / declined (JOB-OUTCOME); hired requests the
deregistration `hired`. How a decline counts toward FU-REFUSAL is the ledger's (ledger/rules.py).

Each result cites `source`: the recommendation clause of the policy pack of the person's region
(PolicyPack.citation("recommendation"): the Shaoguan plan's 岗位推荐 in Guangdong, the Gansu notice's 四(三)
in Gansu)."""

from __future__ import annotations

from datetime import date

from followup_svc.ledger.rules import DeregistrationRequest
from shared.explain import RuleResult
from shared.labels import enum_labels

RECOMMEND_RULE = "JOB-RECOMMEND"
OUTCOME_RULE = "JOB-OUTCOME"
# The outcomes after which nothing more is recorded; an interview leaves the recommendation open.
FINAL_RESULTS = frozenset({"hired", "not_hired", "declined"})


def check_vacancy_published(status: str, valid_until: date, recommended_on: date, source: str) -> RuleResult:
    """JOB-RECOMMEND: only a published vacancy, still valid on the day of the recommendation, is recommended."""
    if status != "published":
        return RuleResult(
            RECOMMEND_RULE, False, f"the vacancy is {status}, not published: only published vacancies are recommended",
            "该岗位未发布（或已关闭），只能推荐已发布的岗位", source, "vacancy_id",
        )
    if valid_until < recommended_on:
        return RuleResult(
            RECOMMEND_RULE, False, f"the vacancy was valid until {valid_until}, before the recommendation on "
            f"{recommended_on}", f"该岗位有效期至 {valid_until}，早于推荐日期 {recommended_on}", source, "vacancy_id",
        )
    return RuleResult(
        RECOMMEND_RULE, True, f"the vacancy is published and valid until {valid_until}",
        f"该岗位已发布，有效期至 {valid_until}", source, "vacancy_id",
    )


def check_recommended_on(recommended_on: date, today: date, source: str) -> RuleResult:
    """JOB-RECOMMEND: a recommendation is not dated after today."""
    met = recommended_on <= today
    return RuleResult(
        RECOMMEND_RULE, met,
        f"recommended_on {recommended_on} is {'not after' if met else 'after'} today {today}",
        f"推荐日期 {recommended_on} {'不晚于' if met else '晚于'}今天 {today}", source, "recommended_on",
    )


def check_outcome(result: str, on: date, recommended_on: date, interviewed_on: date | None, today: date,
                  declined_justified: bool, source: str) -> list[RuleResult]:
    """JOB-OUTCOME: the outcome's day lies between the recommendation (and interview) and today; a good
    reason goes only with a decline. Returns the failed checks only (an empty list: the outcome may be recorded)."""
    failed: list[RuleResult] = []
    if on > today:
        failed.append(RuleResult(OUTCOME_RULE, False, f"the outcome date {on} is after today {today}",
                                 f"结果日期 {on} 晚于今天 {today}", source, "on"))
    if on < recommended_on:
        failed.append(RuleResult(OUTCOME_RULE, False,
                                 f"the outcome date {on} is before the recommendation on {recommended_on}",
                                 f"结果日期 {on} 早于推荐日期 {recommended_on}", source, "on"))
    if interviewed_on is not None and on < interviewed_on:
        failed.append(RuleResult(OUTCOME_RULE, False,
                                 f"the outcome date {on} is before the interview on {interviewed_on}",
                                 f"结果日期 {on} 早于面试日期 {interviewed_on}", source, "on"))
    if declined_justified and result != "declined":
        failed.append(RuleResult(OUTCOME_RULE, False, "declined_justified goes only with the result declined",
                                 "只有拒绝推荐时才填写是否有正当理由", source, "declined_justified"))
    return failed


def transition_refused(current: str | None, result: str, source: str) -> RuleResult | None:
    """JOB-OUTCOME: returns why an outcome cannot follow the one recorded (None when it can): nothing follows
    hired, not hired or declined, and an interview is recorded once."""
    if current in FINAL_RESULTS:
        current_zh = enum_labels()["RecommendationResult"][current]
        return RuleResult(
            OUTCOME_RULE, False, f"the recommendation already ended as {current}; no further outcome is recorded",
            f"该推荐已有最终结果（{current_zh}），不能再登记结果", source, "result",
        )
    if current == "interviewed" and result == "interviewed":
        return RuleResult(OUTCOME_RULE, False, "the interview is already recorded", "面试结果已登记", source,
                          "result")
    return None


def hired_deregistration(on: date, source: str) -> DeregistrationRequest:
    """A recommendation that ended in hiring requests the deregistration `hired`, effective on the day hired."""
    return DeregistrationRequest(
        "hired", on, OUTCOME_RULE,
        f"{OUTCOME_RULE}: the person was hired on {on} through a job recommendation: deregistration hired "
        f"effective {on}",
        f"{OUTCOME_RULE}：本人经岗位推荐于 {on} 被录用，申请以“被用人单位录用或招聘”注销，{on} 生效",
        source,
    )
