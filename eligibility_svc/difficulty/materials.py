"""Materials an employment-difficulty applicant must show (001 §六(三)), all listed at once (003 §三(二))."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Final

from shared.policy.documents import cite

MATERIALS_SOURCE: Final = cite("shaoguan-plan 六(三)")


@dataclass(frozen=True, slots=True)
class Material:
    """One document to show, named in English and Chinese, with the clause that asks for it."""

    code: str
    name: str
    name_zh: str
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", cite(self.source))  # the document table's citation, cached


class HouseholdSituation(StrEnum):
    """Where the applicant's household registration is, relative to the office and the province."""

    THIS_CITY = "this_city"
    OTHER_CITY_IN_PROVINCE = "other_city_in_province"
    OUTSIDE_PROVINCE = "outside_province"


def household_situation(hukou_region_code: str, agency_region_code: str | None, province: str) -> HouseholdSituation:
    """Returns the applicant's household situation from the hukou and the agency region codes.

    A city is the first 4 digits of a region code. Without an agency code precise to a city the
    applicant is taken to apply in the hukou city, which is where 001 §六(二)3 sends them.
    """
    if not hukou_region_code.startswith(province):
        return HouseholdSituation.OUTSIDE_PROVINCE
    if agency_region_code is None or len(agency_region_code) < 4 or len(hukou_region_code) < 4:
        return HouseholdSituation.THIS_CITY
    if hukou_region_code[:4] == agency_region_code[:4]:
        return HouseholdSituation.THIS_CITY
    return HouseholdSituation.OTHER_CITY_IN_PROVINCE


ID_CARD: Final = Material("id_card", "Resident identity card", "居民身份证", "001 §六(三)")
RESIDENCE_PERMIT: Final = Material(
    "residence_permit",
    "Residence permit issued by the place of habitual residence",
    "常住地核发的《居住证》",
    "001 §六(三)",
)
# Templates for documents several clauses ask for; each use carries its own clause.
_HOUSEHOLD_REGISTER: Final = Material("household_register", "Household register (hukou booklet)", "户口簿", "")
_FAMILY_UNEMPLOYMENT_COMMITMENT: Final = Material(
    "family_unemployment_commitment",
    "Written commitment that every household member of working age who is able and willing to work is unemployed",
    "家庭户口中法定劳动年龄内有劳动能力和就业意愿的人员均处于无业状态的承诺书",
    "",
)

_CATEGORY_MATERIALS: Final[Mapping[str, tuple[Material, ...]]] = MappingProxyType(
    {
        "disabled": (
            Material(
                "disability_certificate",
                "Disability certificate of the PRC or disabled-soldier certificate of the PRC",
                "《中华人民共和国残疾人证》或《中华人民共和国残疾军人证》",
                "001 §六(三)1",
            ),
        ),
        "subsistence_allowance": (
            Material(
                "subsistence_allowance_certificate",
                "Guangdong urban and rural minimum-living-allowance certificate",
                "《广东省城乡居民最低生活保障金领取证》",
                "001 §六(三)2",
            ),
        ),
        "urban_zero_employment_family": (
            replace(_HOUSEHOLD_REGISTER, source="001 §六(三)3"),
            replace(_FAMILY_UNEMPLOYMENT_COMMITMENT, source="001 §六(三)3"),
        ),
        "rural_zero_transfer_poor_family": (
            replace(_HOUSEHOLD_REGISTER, source="001 §六(三)4"),
            Material(
                "poor_family_documents",
                "Documents of the registered poor household",
                "贫困家庭材料",
                "001 §六(三)4",
            ),
            replace(_FAMILY_UNEMPLOYMENT_COMMITMENT, source="001 §六(三)4"),
        ),
        "landless_farmer": (
            Material(
                "land_expropriation_documents",
                "Land expropriation agreement or related documents issued by a township (or higher) "
                "government or the natural-resources department",
                "乡（镇）及以上人民政府或自然资源部门出具的土地被征用协议书或相关材料",
                "001 §六(三)5",
            ),
            Material(
                "personal_unemployment_commitment",
                "Written commitment that the applicant is unemployed",
                "本人处于无业状态的承诺书",
                "001 §六(三)5",
            ),
        ),
        "drug_rehabilitated": (
            Material(
                "drug_rehabilitation_documents",
                "Documents showing completed drug-addiction treatment and rehabilitation",
                "经过戒毒治疗并已康复相关材料",
                "001 §六(三)6",
            ),
        ),
        "released_prisoner": (
            Material(
                "release_documents",
                "Documents of release after serving a sentence",
                "刑满释放相关材料",
                "001 §六(三)7",
            ),
        ),
        "mental_disorder_rehabilitated": (
            Material(
                "mental_rehabilitation_documents",
                "Documents showing completed treatment and rehabilitation for a mental disorder",
                "经过精神障碍治疗并已康复相关材料",
                "001 §六(三)8",
            ),
        ),
        "retired_soldier": (
            Material(
                "discharge_documents",
                "Documents of discharge from active service",
                "退出现役相关材料",
                "001 §六(三)9",
            ),
        ),
        "supports_critically_ill_relative": (
            replace(_HOUSEHOLD_REGISTER, source="001 §六(三)10"),
            # The diagnosis window comes from the pack (critical_illness_diagnosis_months).
            Material(
                "critical_illness_diagnosis",
                "Diagnosis of the ill relative dated within {months} months before the application, made and "
                "signed by a specialist of a hospital at county level or above and stamped by the hospital",
                "申请之日前{months}个月内患病亲属由县级以上医院专科医生明确诊断和签名、医院盖章的相关材料",
                "001 §六(三)10",
            ),
        ),
    }
)

# older_unemployed (age, from the ID card) and long_term_unemployed (from the registration record)
# have no document of their own in 001 §六(三): asking for one would break 003 §三(二).
CATEGORIES_WITHOUT_MATERIALS: Final = frozenset({"older_unemployed", "long_term_unemployed"})


def material_categories() -> frozenset[str]:
    """Returns the category codes that have documents of their own."""
    return frozenset(_CATEGORY_MATERIALS)


# The list depends only on these values: at most 3 situations x 2**12 sets of categories per window.
# Without the cache bench_difficulty gave 19,417 and 19,520 evaluations/s, under its 20,000 bar.
@lru_cache(maxsize=1024)
def required_materials(
    situation: HouseholdSituation, categories: tuple[str, ...], *, diagnosis_months: int
) -> tuple[Material, ...]:
    """Returns every material to show, once each, for a household situation and the categories met.

    A document asked for by several clauses (the household register) is listed once with all of
    them in its source. ``diagnosis_months`` is the pack's critical_illness_diagnosis_months.
    """
    wanted: list[Material] = [ID_CARD]
    if situation is HouseholdSituation.OTHER_CITY_IN_PROVINCE:
        wanted.append(RESIDENCE_PERMIT)
    for category in categories:
        for material in _CATEGORY_MATERIALS.get(category, ()):
            if "{months}" in material.name:
                material = replace(
                    material,
                    name=material.name.format(months=diagnosis_months),
                    name_zh=material.name_zh.format(months=diagnosis_months),
                )
            wanted.append(material)
    merged: dict[str, Material] = {}
    for material in wanted:
        seen = merged.get(material.code)
        if seen is None:
            merged[material.code] = material
        elif material.source not in seen.source.split("; "):
            merged[material.code] = replace(seen, source=f"{seen.source}; {material.source}")
    return tuple(merged.values())
