"""Message templates in Chinese and English; the deregistration notice is keyed by reason (DEREG-NOTIFY)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shared.wording import date_zh

DEREGISTERED = "registration.deregistered"
REJECTED = "registration.rejected"
# Decisions of the eligibility and subsidy services, told by this service, which keeps the phone and address.
DIFFICULTY_DECIDED = "difficulty.decided"
CLAIM_REJECTED = "skill_subsidy.claim_rejected"

# 002 §五: 注销其失业登记，并以适当方式予以告知（移居境外、被判刑收监执行、死亡及无法取得联系的除外）.
NOT_NOTIFIED_REASONS = frozenset({"moved_abroad", "imprisoned", "deceased", "unreachable"})

# Reason wording of 002 §五, as the notice states it; counts (3 refusals) stay out of the text because
# they are policy parameters.
DEREGISTRATION_REASONS: dict[str, tuple[str, str]] = {
    "pension": ("已依法享受基本养老保险待遇", "you now receive a basic pension"),
    "hired": ("已被用人单位录用", "you have been hired by an employer"),
    "self_employed": ("已从事个体经营、创办企业或民办非企业",
                      "you run a business or a private non-enterprise unit"),
    "stable_income": ("已从事有稳定收入的劳动，且月收入不低于当地最低生活保障标准",
                      "you have stable work paying at least the local minimum living standard"),
    "enrolled_in_school": ("已入学", "you have enrolled in school"),
    "military_service": ("已应征服兵役", "you have joined the military service"),
    "lost_work_ability": ("已完全丧失劳动能力", "you have completely lost the ability to work"),
    "refused_services": ("无正当理由连续多次拒绝接受公共就业服务",
                         "you refused public employment services repeatedly without good reason"),
    "other_provincial": ("属于省级人力资源和社会保障部门确定的其他情形",
                         "a case set by the provincial human resources department applies"),
}


class TemplateError(ValueError):
    """A notification asked for an unknown template, lacks parameters, or must not be sent."""


@dataclass(frozen=True)
class Message:
    """A rendered notification."""

    text_zh: str
    text_en: str


def _deregistered(params: Mapping[str, str]) -> Message:
    reason = params["reason"]
    if reason in NOT_NOTIFIED_REASONS:
        raise TemplateError(f"DEREG-NOTIFY: reason {reason!r} is not notified")
    if reason not in DEREGISTRATION_REASONS:
        raise TemplateError(f"unknown deregistration reason {reason!r}")
    zh, en = DEREGISTRATION_REASONS[reason]
    name, effective = params["name"], params["effective_date"]
    effective_zh = date_zh(date.fromisoformat(effective))
    # The deregistration clause of the person's policy pack (the registration's region), as stored with
    # the notice; a notice stored before it was kept cites nothing rather than another province's text.
    source = params.get("source")
    cited_zh, cited_en = (f"（依据{source}）", f" ({source})") if source else ("", "")
    # The agency's contact, from the region registry, when the agency of the region is recorded there.
    agency, telephone = params.get("agency_name"), params.get("agency_telephone")
    contact_zh = f"{agency}（电话 {telephone}）" if agency and telephone else "办理登记的公共就业服务机构"
    contact_en = f"{agency} (telephone {telephone})" if agency and telephone else (
        "the public employment service office that registered you"
    )
    return Message(
        f"{name}：因您{zh}，您的失业登记已于{effective_zh}注销{cited_zh}。如有疑问，请联系{contact_zh}。",
        f"Dear {name}, your unemployment registration was ended on {effective} because {en}{cited_en}. "
        f"For questions, contact {contact_en}.",
    )


def _contact(params: Mapping[str, str], office_zh: str = "办理登记的公共就业服务机构") -> tuple[str, str]:
    agency, telephone = params.get("agency_name"), params.get("agency_telephone")
    if agency and telephone:
        return f"{agency}（电话 {telephone}）", f"{agency} (telephone {telephone})"
    return office_zh, "the public employment service office that received your application"


def _rejected(params: Mapping[str, str]) -> Message:
    # 不予登记告知: the decision, its reason as the caseworker wrote it, the legal basis and whom to ask.
    name, applied = params["name"], params["applied_on"]
    source = params.get("source")
    cited_zh, cited_en = (f"（依据{source}）", f" ({source})") if source else ("", "")
    contact_zh, contact_en = _contact(params)
    return Message(
        f"{name}：您于{date_zh(date.fromisoformat(applied))}提交的失业登记申请经审核不予登记，"
        f"原因：“{params['reason']}”{cited_zh}。如有异议，请联系{contact_zh}。",
        f"Dear {name}, your application for unemployment registration of {applied} was not accepted: "
        f"{params['reason']}{cited_en}. If you disagree, contact {contact_en}.",
    )


APPLICATION_OFFICE_ZH = "受理申请的公共就业服务机构"


def _zh_date(value: str) -> str:
    return date_zh(date.fromisoformat(value))


def _difficulty_decided(params: Mapping[str, str]) -> Message:
    # The result of a certification (就业困难人员认定): the certificate's number, or the 不予认定告知 with its reason
    # and re-review deadline; the printable notice itself is the eligibility service's.
    name, decided = params["name"], params["decided_on"]
    contact_zh, contact_en = _contact(params, APPLICATION_OFFICE_ZH)
    if params["certified"] == "true":
        number = params.get("certificate_number", "")
        number_zh, number_en = (f"，证明编号“{number}”", f" (certificate {number})") if number else ("", "")
        return Message(
            f"{name}：您的就业困难人员认定申请已于{_zh_date(decided)}经审核予以认定{number_zh}。"
            f"如有疑问，请联系{contact_zh}。",
            f"Dear {name}, you were certified as a person with employment difficulty on {decided}{number_en}. "
            f"For questions, contact {contact_en}.",
        )
    reason = params.get("reason", "")
    by = params.get("rereview_by")
    reason_zh, reason_en = (f"，原因：“{reason}”", f": {reason}") if reason else ("", "")
    rereview_zh = f"如有异议，可于{_zh_date(by)}前（含当日）申请复核，" if by else "如有异议，"
    rereview_en = f"You may ask for a re-review until {by} (inclusive); " if by else ""
    return Message(
        f"{name}：您的就业困难人员认定申请经审核于{_zh_date(decided)}不予认定{reason_zh}。"
        f"{rereview_zh}并可依法申请行政复议或提起行政诉讼；请联系{contact_zh}领取不予认定告知书。",
        f"Dear {name}, your application for certification of employment difficulty was refused on {decided}"
        f"{reason_en}. {rereview_en}contact {contact_en} for the written notice.",
    )


def _claim_rejected(params: Mapping[str, str]) -> Message:
    # 不予发放职业技能提升培训补贴: the reason and until when an administrative review may be asked for.
    name, applied, number = params["name"], params["applied_on"], params["certificate_number"]
    contact_zh, contact_en = _contact(params, APPLICATION_OFFICE_ZH)
    return Message(
        f"{name}：您于{_zh_date(applied)}申请的职业技能提升培训补贴（证书编号“{number}”）经审核不予发放，"
        f"原因：“{params['reason']}”。如对本决定不服，可于{_zh_date(params['appeal_by'])}前（含当日）依法申请"
        f"行政复议；请联系{contact_zh}。",
        f"Dear {name}, your skills-upgrade training subsidy claim of {applied} (certificate {number}) is not paid: "
        f"{params['reason']}. An administrative review may be asked for until {params['appeal_by']}. "
        f"Contact {contact_en}.",
    )


_REQUIRED: dict[str, frozenset[str]] = {
    DEREGISTERED: frozenset({"name", "reason", "effective_date"}),
    REJECTED: frozenset({"name", "reason", "applied_on"}),
    DIFFICULTY_DECIDED: frozenset({"name", "certified", "decided_on"}),
    CLAIM_REJECTED: frozenset({"name", "applied_on", "certificate_number", "reason", "appeal_by"}),
}
_RENDERERS = {
    DEREGISTERED: _deregistered, REJECTED: _rejected, DIFFICULTY_DECIDED: _difficulty_decided,
    CLAIM_REJECTED: _claim_rejected,
}
TEMPLATES = frozenset(_REQUIRED)


def render(template: str, params: Mapping[str, str]) -> Message:
    """Renders a template with its parameters, or raises TemplateError naming what is wrong."""
    if template not in _REQUIRED:
        known = ", ".join(sorted(TEMPLATES))
        raise TemplateError(f"unknown notification template {template!r} (known: {known})")
    missing = sorted(_REQUIRED[template] - params.keys())
    if missing:
        raise TemplateError(f"template {template!r} lacks parameter(s) {', '.join(missing)}")
    return _RENDERERS[template](params)


def notifies(reason: str) -> bool:
    """Tells whether a deregistration for this reason is notified to the person (DEREG-NOTIFY)."""
    return reason not in NOT_NOTIFIED_REASONS
