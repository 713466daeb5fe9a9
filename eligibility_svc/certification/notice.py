"""The rejection notice (不予认定就业困难人员告知书) as printable HTML or PDF (api.md "Documents"), in the one layout of
decision letters (shared/letters.py)."""

from __future__ import annotations

from eligibility_svc.certification.schemas import RejectionNoticeRead
from shared.letters import DecisionLetter, agency_of, appeal_remedy_zh, letter_html
from shared.policy.documents import cite
from shared.wording import date_zh


def rejection_letter(notice: RejectionNoticeRead) -> DecisionLetter:
    """Returns the notice as a decision letter: who decided and how to reach them, why, on what basis, and until
    when a re-review may be asked for."""
    issued, by = notice.issued_on, notice.rereview_by
    agency = agency_of(notice.agency_region_code, notice.agency)
    return DecisionLetter(
        title_zh="不予认定就业困难人员告知书", addressee=notice.applicant_name,
        decision_zh="您提出的就业困难人员认定申请，经审核，不予认定。",
        reason_zh=notice.reason_zh, legal_basis=cite(notice.source),
        remedy_zh=f"如对本决定有异议，可于{date_zh(by)}前（含当日）向本机构申请复核；" + appeal_remedy_zh(issued),
        agency=agency, issued_on=issued,
        title_en="Notice of refusal of employment-difficulty certification",
        summary_en=f"Reason: {notice.reason}. You may ask for re-review until {by.isoformat()} (inclusive).",
        rule=notice.rule,
    )


def rejection_html(notice: RejectionNoticeRead) -> str:
    """Returns the printable notice."""
    return letter_html(rejection_letter(notice))
