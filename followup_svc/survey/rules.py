"""FU-CLASSIFY: the class a baseline survey gives a person, why, and the service package that class is due.

The clauses are the policy pack's of the person's region: `classification` for the rule and
`classification_<class>` for the service each class is due (PolicyPack.citation); classify takes them as
`citations`, a mapping from those names to the cited clause."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from shared.policy.documents import cite

RULE_ID: Final = "FU-CLASSIFY"

# The lists every registered person gets (002 §四(二)).
LISTS: Final = ("policy_list", "service_list", "agency_list")

# What each class is due, by the item of seed 002 §四 that names it (the Gansu notice; each pack cites its
# own region's clause for the class).
PACKAGES: Final[dict[str, tuple[str, ...]]] = {
    # §四(六) 暂无就业愿望: 职业指导、职业介绍、推荐职业培训和宣传落实相应帮扶政策.
    "not_seeking_now": ("career_guidance", "job_recommendation", "training_referral", "policy_consultation", *LISTS),
    # §四(五) 就业困难人员: priority help, starting with the application for certification.
    "difficulty_candidate": (
        "policy_consultation", "policy_application", "career_guidance", "job_recommendation", *LISTS,
    ),
    # §四(四) 创业意愿: 创业培训、开业指导、融资服务、政策落实.
    "entrepreneur": ("entrepreneurship_service", "training_referral", "policy_consultation", "policy_application",
                     *LISTS),
    # §四(三) 培训就业意愿: 推介政策和职业培训项目、求职技巧指导、匹配岗位.
    "needs_training": ("training_referral", "career_guidance", "job_recommendation", "policy_consultation", *LISTS),
    # §四(二) the basic public employment services.
    "job_ready": ("job_recommendation", "career_guidance", "policy_consultation", *LISTS),
}
# A region's clause of a citation name (PolicyPack.citation of the person's pack).
Citations = Callable[[str], str]


def class_clause(citations: Citations, classification: str) -> str:
    """Returns the clause of the service a class is due, as the region's pack cites it."""
    return citations(f"classification_{classification}")


def classification_source(citations: Citations, classification: str) -> str:
    """Returns FU-CLASSIFY's source for a class: the region's classification clause and the class's clause."""
    return cite(f"{citations('classification')}; {class_clause(citations, classification)}")


@dataclass(frozen=True, slots=True)
class SurveyFacts:
    """The survey answers the rule reads (摸底调查: wishes, health, skills)."""

    wants_work_now: bool
    health: str  # healthy | chronic_illness | disabled
    wants_entrepreneurship: bool
    wants_training: bool
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassifyResult:
    """The class, why (English and Chinese), the service package due and the clause it rests on."""

    rule: str
    classification: str
    reason: str
    reason_zh: str
    package: tuple[str, ...]
    source: str


def classify(facts: SurveyFacts, citations: Citations) -> ClassifyResult:
    """Classifies a person from the survey (FU-CLASSIFY). The first matching class wins, in this order: no wish
    to work now; a health condition that makes finding work hard; a wish to start a business; a wish for
    training or no skills named; otherwise ready for job placement. `citations` gives the region's clauses
    (PolicyPack.citation of the person's pack)."""
    if not facts.wants_work_now:
        cls = "not_seeking_now"
        reason = "does not want to work now: find out why and guide back to work"
        reason_zh = "暂无就业愿望：了解分析原因，引导其重新就业"
    elif facts.health in ("disabled", "chronic_illness"):
        cls = "difficulty_candidate"
        condition, condition_zh = ("a disability", "残疾") if facts.health == "disabled" else (
            "a chronic illness", "慢性病")
        reason = f"wants work and has {condition}: may qualify as a person with employment difficulty"
        reason_zh = f"有就业愿望且有{condition_zh}：可能符合就业困难人员条件，优先扶持"
    elif facts.wants_entrepreneurship:
        cls = "entrepreneur"
        reason = "wants to start a business"
        reason_zh = "有创业意愿"
    elif facts.wants_training or not facts.skills:
        cls = "needs_training"
        reason = "wants training" if facts.wants_training else "names no skill"
        reason_zh = "有培训意愿" if facts.wants_training else "未掌握职业技能"
    else:
        cls = "job_ready"
        reason = f"wants work now and has skills ({', '.join(facts.skills)})"
        reason_zh = f"有就业愿望且具备技能（{'、'.join(f'“{s}”' for s in facts.skills)}）"
    clause = class_clause(citations, cls)
    return ClassifyResult(
        RULE_ID, cls, f"{RULE_ID}: {cls}: {reason}; source {clause}.",
        f"{RULE_ID}：{reason_zh}；依据{clause}。", PACKAGES[cls], classification_source(citations, cls),
    )
