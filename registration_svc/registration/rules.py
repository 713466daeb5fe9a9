"""Unemployment registration rules (REG-*): plain functions over dates, declarations and region codes.

Each rule cites `source`, the clause of the policy pack of the agency's region (PolicyPack.citation):
"registration" for the conditions (REG-PENSION, REG-UNEMPLOYED, REG-ABLE, REG-WILLING),
"registration_commitment" for REG-COMMITMENT, "registration_place" for REG-PLACE, "hmt_registration" for
REG-ID-HMT; REG-AGE and REG-DEADLINE cite their parameter's source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from registration_svc.registration.models import Channel
from shared.calendar import WorkdayCalendar
from shared.deadlines import Deadline, count_deadline
from shared.explain import RuleResult
from shared.policy.documents import cite
from shared.timerules import age_on
from shared.wording import date_zh

DUPLICATE_SOURCE: Final = cite("system-rule REG-DUPLICATE")
DEADLINE_RULE: Final = "REG-DEADLINE"


def check_age(birth_date: date, application_date: date, minimum_age: int, source: str) -> RuleResult:
    """Checks REG-AGE: at least `minimum_age` full years (T-AGE) on the application date."""
    if application_date < birth_date:
        return RuleResult(
            "REG-AGE",
            False,
            f"the application date {application_date} is before the birth date {birth_date}",
            f"申请日期 {application_date} 早于出生日期 {birth_date}",
            source,
            "person.birth_date",
        )
    age = age_on(birth_date, application_date)
    met = age >= minimum_age
    relation, relation_zh = ("at least", "达到") if met else ("under", "未满")
    return RuleResult(
        "REG-AGE",
        met,
        f"age {age} on the application date {application_date} is {relation} the minimum age "
        f"{minimum_age} (T-AGE)",
        f"申请日 {application_date} 年龄 {age} 周岁，{relation_zh}最低登记年龄 {minimum_age} 周岁（T-AGE）",
        source,
        "person.birth_date",
    )


def check_declaration(
    *, unemployed: bool, able_to_work: bool, wants_work: bool, receiving_pension: bool, source: str
) -> list[RuleResult]:
    """Checks REG-PENSION, REG-UNEMPLOYED, REG-ABLE and REG-WILLING against the applicant's declaration."""
    return [
        RuleResult(
            "REG-PENSION",
            not receiving_pension,
            "declared receiving a basic pension: registration is for those not yet receiving it"
            if receiving_pension
            else "declared not receiving a basic pension",
            "申报已依法享受基本养老保险待遇，不能办理失业登记"
            if receiving_pension
            else "申报未享受基本养老保险待遇",
            source,
            "declaration.receiving_pension",
        ),
        RuleResult(
            "REG-UNEMPLOYED",
            unemployed,
            "declared unemployed"
            if unemployed
            else "declared not unemployed: registration requires being without work",
            "申报处于无业状态" if unemployed else "申报不处于无业状态，不能办理失业登记",
            source,
            "declaration.unemployed",
        ),
        RuleResult(
            "REG-ABLE",
            able_to_work,
            "declared able to work"
            if able_to_work
            else "declared unable to work: registration requires working ability",
            "申报有劳动能力" if able_to_work else "申报无劳动能力，不能办理失业登记",
            source,
            "declaration.able_to_work",
        ),
        RuleResult(
            "REG-WILLING",
            wants_work,
            "declared wanting work"
            if wants_work
            else "declared not wanting work: registration requires a wish to work",
            "申报有就业要求" if wants_work else "申报无就业要求，不能办理失业登记",
            source,
            "declaration.wants_work",
        ),
    ]


def check_commitment(commitment_signed: bool, source: str) -> RuleResult:
    """Checks REG-COMMITMENT: the applicant's written commitment that the information is true."""
    return RuleResult(
        "REG-COMMITMENT",
        commitment_signed,
        "the written commitment (书面承诺) is signed"
        if commitment_signed
        else "the written commitment that the information is true (书面承诺) is not signed",
        "已作出书面承诺" if commitment_signed else "未对填写信息真实性作出书面承诺",
        source,
        "commitment_signed",
    )


def city_of(region_code: str) -> str:
    """Returns the city (prefecture) part of an administrative-division code: its first 4 digits."""
    return region_code[:4]


def check_place(agency_region_code: str, hukou_region_code: str, residence_region_code: str, source: str
                ) -> RuleResult:
    """Checks REG-PLACE: the agency lies in the city of the hukou or of the residence (全城通办)."""
    agency_city = city_of(agency_region_code)
    met = agency_city in (city_of(hukou_region_code), city_of(residence_region_code))
    if met:
        return RuleResult(
            "REG-PLACE",
            True,
            f"agency city {agency_city} is the city of the household registration ({hukou_region_code}) "
            f"or of the habitual residence ({residence_region_code}); any office in the city may accept "
            "(全城通办)",
            f"受理机构所在市 {agency_city} 为户籍地（{hukou_region_code}）或常住地（{residence_region_code}）"
            "所在市，全城通办",
            source,
            "agency_region_code",
        )
    return RuleResult(
        "REG-PLACE",
        False,
        f"agency city {agency_city} is neither the city of the household registration ({hukou_region_code}) "
        f"nor of the habitual residence ({residence_region_code})",
        f"受理机构所在市 {agency_city} 既不是户籍地（{hukou_region_code}）也不是常住地"
        f"（{residence_region_code}）所在市",
        source,
        "agency_region_code",
    )


@dataclass(frozen=True, slots=True)
class MainlandEmployment:
    """The job in the mainland a Hong Kong, Macao or Taiwan resident says they lost."""

    employer: str
    region_code: str
    started_on: date
    ended_on: date


_HOLDERS_ZH: Final = {"hong_kong": "香港居民", "macao": "澳门居民", "taiwan": "台湾居民"}
# Province codes that are not the mainland (内地/大陆): Taiwan 71, Hong Kong 81, Macao 82.
_OUTSIDE_MAINLAND: Final = ("71", "81", "82")


def check_hmt_employment(
    holder: str, employment: MainlandEmployment | None, application_date: date, source: str
) -> RuleResult | None:
    """Checks REG-ID-HMT: a Hong Kong, Macao or Taiwan resident registers after losing a job held in the
    mainland (在内地（大陆）就业后失业的港澳台居民可参照执行): the job is recorded, in a mainland region,
    and ended on or before the application date. None for a mainland resident."""
    if holder == "mainland":
        return None
    who, who_zh = holder.replace("_", " ").title() + " resident", _HOLDERS_ZH.get(holder, "港澳台居民")
    field = "mainland_employment"
    if employment is None:
        return RuleResult(
            "REG-ID-HMT", False,
            f"a {who} may register only after losing a job held in the mainland: mainland_employment is required",
            f"{who_zh}须在内地（大陆）就业后失业方可办理失业登记，请填写在内地（大陆）的就业情况",
            source, field,
        )
    if employment.region_code.startswith(_OUTSIDE_MAINLAND):
        return RuleResult(
            "REG-ID-HMT", False,
            f"the job's region {employment.region_code} is not in the mainland",
            f"就业地区{employment.region_code}不在内地（大陆）",
            source, f"{field}.region_code",
        )
    if employment.started_on > employment.ended_on or employment.ended_on > application_date:
        return RuleResult(
            "REG-ID-HMT", False,
            f"the job must have started ({employment.started_on}) before it ended ({employment.ended_on}) and "
            f"have ended by the application date {application_date}",
            f"入职日期（{date_zh(employment.started_on)}）应早于离职日期（{date_zh(employment.ended_on)}），"
            f"且离职日期不晚于申请日期{date_zh(application_date)}",
            source, f"{field}.ended_on",
        )
    return RuleResult(
        "REG-ID-HMT", True,
        f"a {who} who lost a job in the mainland ({employment.employer}, {employment.region_code}, "
        f"ended {employment.ended_on})",
        f"{who_zh}，在内地（大陆）就业后失业（{employment.employer}，{employment.region_code}，"
        f"{date_zh(employment.ended_on)}离职）",
        source, field,
    )


def decision_deadline(
    channel: Channel,
    application_date: date,
    online: tuple[int, str],
    window: tuple[int, str],
    calendar: WorkdayCalendar,
) -> Deadline:
    """Returns REG-DEADLINE: T-WORKDAY(date, workdays) with the pack's window or online workdays and the
    clause giving them (Shaoguan: at once at the window, 2 online; Gansu: 7 for every registration)."""
    workdays, source = window if channel is Channel.WINDOW else online
    return count_deadline(DEADLINE_RULE, application_date, workdays, source, calendar)


def decision_deadline_reason(deadline: Deadline) -> tuple[str, str]:
    """Returns the English and Chinese explanation of a REG-DEADLINE date."""
    if deadline.workdays == 0:
        return (
            f"window applications are decided at once: due on the application date {deadline.start}",
            f"现场办理即时办结：办结期限为申请当日{date_zh(deadline.start)}",
        )
    return (
        f"the application is decided within {deadline.workdays} working days after "
        f"{deadline.start}: due {deadline.due_on} (T-WORKDAY)"
        + (" (estimated: the calendar has no data for a year involved)" if deadline.estimated else ""),
        f"申请于{deadline.workdays}个工作日内办结：自{date_zh(deadline.start)}次日起算，"
        f"截止{date_zh(deadline.due_on)}"
        + ("（估算：所涉年份暂无国务院节假日安排，调休可能不同）" if deadline.estimated else ""),
    )
