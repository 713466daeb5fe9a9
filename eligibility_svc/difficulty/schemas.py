"""Request and response models and strict input handling of POST /api/v1/difficulty/evaluate (api.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Final, Self, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from eligibility_svc.difficulty.rules import DifficultyCategory, HukouType
from eligibility_svc.errors import InvalidEvaluationRequest, PolicyNotInForce
from shared.calendar import MAX_DATE
from shared.codes import AnyLevelRegionCode
from shared.errors import Violation
from shared.explain import RuleResultRead as BaseRuleRead
from shared.identity import (
    EIGHTEEN_CHARACTERS,
    MAINLAND_PROVINCES,
    Gender,
    check_character,
    encoded_birth_date,
    encoded_gender,
)
from shared.inputs import BoundedDate, Flag
from shared.labels import field_zh, label_zh
from shared.policy import ParameterNotInForceError, PolicyPack
from shared.timerules import RetirementCategory
from shared.wording import date_zh

_OUT: Final = ConfigDict(frozen=True, from_attributes=True)

M = TypeVar("M", bound=BaseModel)

ID_RULE: Final = "REG-ID"
ID_SOURCE: Final = "GB 11643-1999"
RANGE_RULE: Final = "SCHEMA-RANGE"
REGION_RULE: Final = "SCHEMA-REGION-CODE"
POLICY_RULE: Final = "POLICY-IN-FORCE"
# No one alive was born earlier; an earlier date is a typing error, not a person beyond working age.
EARLIEST_BIRTH_DATE: Final = date(1900, 1, 1)
# GB/T 2260 province-level codes: the 31 mainland provinces, Taiwan, Hong Kong and Macao.
PROVINCE_CODES: Final = MAINLAND_PROVINCES | {"71", "81", "82"}

# GB/T 2260 administrative-division code: province (2), city (4), county (6), town (9), village (12).
# 2 to 12 digits (a village too), ASCII only (shared/codes.py).
RegionCode = AnyLevelRegionCode


# ---- requests --------------------------------------------------------------------------------------

# extra="forbid": a misspelt fact name would otherwise be read as "false" and give a wrong answer.
_INPUT = ConfigDict(frozen=True, extra="forbid")


def field_error(loc: tuple[str, ...], kind: str, message: str, value: object) -> InitErrorDetails:
    """Returns one input error at a field path, for raise_field_errors."""
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)


def raise_field_errors(title: str, errors: Sequence[InitErrorDetails]) -> None:
    """Raises a ValidationError carrying each error at its own field path, if there are any."""
    if errors:
        raise ValidationError.from_exception_data(title, list(errors))


class DifficultyPerson(BaseModel):
    """The applicant as the rules see them."""

    model_config = _INPUT

    id_number: str | None = Field(default=None, max_length=32)
    gender: Gender
    birth_date: BoundedDate
    retirement_category: RetirementCategory | None = None
    hukou_region_code: RegionCode
    hukou_type: HukouType

    @model_validator(mode="after")
    def _category_matches_gender(self) -> Self:
        category = self.retirement_category
        if category is not None and (category is RetirementCategory.MALE) != (self.gender is Gender.MALE):
            raise_field_errors(
                "DifficultyPerson",
                [
                    field_error(
                        ("retirement_category",),
                        "retirement_category_gender",
                        f"retirement_category {category.value} does not fit gender {self.gender.value}: "
                        "men use male, women female_55 or female_50 / "
                        f"退休类别“{label_zh(category)}”与性别“{label_zh(self.gender)}”不符：男性为男职工，"
                        "女性为原法定退休年龄55周岁或50周岁的女职工",
                        category.value,
                    )
                ],
            )
        return self


class EmploymentStatus(BaseModel):
    """The applicant's declared status (ELIG-UNEMPLOYED, ELIG-ABLE, ELIG-WILLING)."""

    model_config = _INPUT

    unemployed: Flag
    able_to_work: Flag
    wants_work: Flag


class DifficultyFacts(BaseModel):
    """Facts behind the categories; omitted facts are false or unknown."""

    model_config = _INPUT

    disability_certificate: Flag = False
    subsistence_allowance: Flag = False
    urban_zero_employment_family: Flag = False
    rural_zero_transfer_poor_family: Flag = False
    landless_farmer: Flag = False
    latest_registration_date: BoundedDate | None = None
    employed_since_latest_registration: Flag = False
    drug_rehabilitated: Flag = False
    released_prisoner: Flag = False
    mental_disorder_rehabilitated: Flag = False
    retired_soldier: Flag = False
    supports_critically_ill_relative: Flag = False
    critical_illness_diagnosed_on: BoundedDate | None = None


class DifficultyRequest(BaseModel):
    """One difficulty evaluation request (api.md POST /api/v1/difficulty/evaluate)."""

    model_config = _INPUT

    as_of: BoundedDate
    person: DifficultyPerson
    status: Annotated[EmploymentStatus, Field(description="就业状态")]
    facts: DifficultyFacts = Field(default_factory=DifficultyFacts)
    agency_region_code: RegionCode | None = Field(
        default=None,
        description=(
            "受理机构所在地区 Region code of the office receiving the application (GB/T 2260, 4 digits or more "
            "for a city). It decides whether the household registration is in this city (another Guangdong "
            "city adds the 居住证 to the materials) and which policy pack applies. When not given, a staff "
            "caller's own region is taken (reported in assumptions); a citizen's request is judged as made "
            "in the hukou city."
        ),
        examples=["440203"],
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        errors = []
        as_of = self.as_of.isoformat()
        birth = self.person.birth_date
        if birth > self.as_of:
            errors.append(
                field_error(
                    ("person", "birth_date"),
                    "date_after_as_of",
                    f"birth_date {birth.isoformat()} is after as_of {as_of} / "
                    f"出生日期{date_zh(birth)}晚于评估日期{date_zh(self.as_of)}",
                    birth.isoformat(),
                )
            )
        registered = self.facts.latest_registration_date
        if registered is not None and registered > self.as_of:
            errors.append(
                field_error(
                    ("facts", "latest_registration_date"),
                    "date_after_as_of",
                    f"latest_registration_date {registered.isoformat()} is after as_of {as_of} / "
                    f"最近一次失业登记日期{date_zh(registered)}晚于评估日期{date_zh(self.as_of)}",
                    registered.isoformat(),
                )
            )
        elif registered is not None and registered < birth:
            errors.append(
                field_error(
                    ("facts", "latest_registration_date"),
                    "date_before_birth",
                    f"latest_registration_date {registered.isoformat()} is before birth_date {birth.isoformat()} / "
                    f"最近一次失业登记日期{date_zh(registered)}早于出生日期{date_zh(birth)}",
                    registered.isoformat(),
                )
            )
        diagnosed = self.facts.critical_illness_diagnosed_on
        if diagnosed is not None and diagnosed > self.as_of:
            errors.append(
                field_error(
                    ("facts", "critical_illness_diagnosed_on"),
                    "date_after_as_of",
                    f"critical_illness_diagnosed_on {diagnosed.isoformat()} is after as_of {as_of} / "
                    f"亲属重大疾病诊断日期{date_zh(diagnosed)}晚于评估日期{date_zh(self.as_of)}",
                    diagnosed.isoformat(),
                )
            )
        raise_field_errors("DifficultyRequest", errors)
        return self


# ---- responses -------------------------------------------------------------------------------------



class CategoryRead(BaseModel):
    """One of the 12 categories, judged on its own, with the figures compared and its clause."""

    model_config = _OUT

    category: DifficultyCategory
    met: bool
    reason: str
    reason_zh: str
    source: str
    field: str | None = None


class MaterialRead(BaseModel):
    """One document the applicant must show, with the clause asking for it."""

    model_config = _OUT

    code: str
    name: Annotated[str, Field(description="材料名称（英文）")]
    name_zh: str
    source: str


class AssumptionRead(BaseModel):
    """A value the evaluation assumed because the request did not give it, and what follows from it."""

    model_config = _OUT

    field: str
    value: str
    explanation: str
    explanation_zh: str


class DifficultyEvaluationRead(BaseModel):
    """The api.md answer, plus the retirement category applied, the policy pack used and what was assumed."""

    model_config = _OUT

    eligible: bool
    categories_met: list[DifficultyCategory]
    base_rules: list[BaseRuleRead]
    categories: list[CategoryRead]
    retirement_date: date
    required_materials: list[MaterialRead]
    retirement_category: RetirementCategory
    policy_pack: str
    agency_region_code: str | None = Field(
        default=None, description="受理机构所在地区 The office region the materials were judged for, given or assumed"
    )
    assumptions: list[AssumptionRead] = Field(
        default_factory=list, description="采用的默认值 Defaults assumed for values the request left out"
    )


# ---- strict JSON bodies ----------------------------------------------------------------------------


def parse_json_body(model: type[M], raw: bytes) -> M:
    """Returns the body parsed as the model in strict JSON mode, or raises a 422 naming each field.

    Strict mode takes dates only as YYYY-MM-DD strings (a number is not read as a Unix timestamp),
    booleans only as true/false and integers only as integers, so no input is read as something else.
    Errors raised by the model's own validators keep their field paths.
    """
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


def inline_schema(model: type[BaseModel]) -> dict[str, object]:
    """Returns the model's JSON schema with its $defs inlined, for an OpenAPI requestBody."""
    schema = model.model_json_schema()
    definitions: Mapping[str, object] = schema.pop("$defs", {})

    def resolve(node: object) -> object:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved = resolve(schema)
    assert isinstance(resolved, dict)
    return resolved


def json_body_openapi(model: type[BaseModel]) -> dict[str, object]:
    """Returns the openapi_extra that documents a body the endpoint parses itself."""
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": inline_schema(model)}}}
    }


def invalid_request(violations: Sequence[Violation]) -> InvalidEvaluationRequest:
    """Returns the 422 error for a body that parses but cannot be evaluated as given."""
    return InvalidEvaluationRequest(
        "The request's values are out of range or contradict each other; see violations.",
        "请求中的取值超出范围或相互矛盾，详见各项说明。",
        violations,
    )


def range_violation(field: str, message: str, message_zh: str) -> Violation:
    """Returns a violation for a value outside what can be a real input."""
    return Violation(RANGE_RULE, field, message, message_zh)


def region_violations(field: str, code: str | None) -> list[Violation]:
    """Returns a violation when a region code starts with no known province code (GB/T 2260)."""
    if code is None or code[:2] in PROVINCE_CODES:
        return []
    return [Violation(
        REGION_RULE, field,
        f"{field} {code}: province code {code[:2]} is not a GB/T 2260 province code",
        f"{field_zh(field)}{code}：省级代码{code[:2]}不是GB/T 2260省级行政区划代码",
    )]


def date_range_violations(field: str, value: date | None, earliest: date | None) -> list[Violation]:
    """Returns a violation when a date is before ``earliest`` or after the last date the rules count to."""
    if value is None:
        return []
    if earliest is not None and value < earliest:
        return [range_violation(
            field, f"{field} {value.isoformat()} is before {earliest.isoformat()}",
            f"{field_zh(field)}{date_zh(value)}早于{date_zh(earliest)}",
        )]
    if value > MAX_DATE:
        return [range_violation(
            field, f"{field} {value.isoformat()} is after {MAX_DATE.isoformat()}, the last date the rules count to",
            f"{field_zh(field)}{date_zh(value)}晚于规则可计算的最后日期{date_zh(MAX_DATE)}",
        )]
    return []


def policy_not_in_force(
    pack: PolicyPack, on: date, field: str, exc: ParameterNotInForceError
) -> PolicyNotInForce:
    """Returns the 422 error for a date before the pack's parameters are in force."""
    day = on.isoformat()
    return PolicyNotInForce(
        f"Policy pack {pack.id} has no parameters in force on {day}: {exc.message}",
        f"{pack.name_zh}政策参数在{date_zh(on)}尚未生效",
        [Violation(
            POLICY_RULE, field, f"{field} {day}: {exc.message}",
            f"{field_zh(field)}{date_zh(on)}：{pack.name_zh}政策参数在该日尚未生效",
        )],
    )


# ---- identity number -------------------------------------------------------------------------------


def _id_violation(field: str, message: str, message_zh: str) -> Violation:
    return Violation(ID_RULE, field, f"{message} ({ID_RULE}, {ID_SOURCE})", f"{message_zh}（{ID_RULE}，{ID_SOURCE}）")


def identity_violations(id_number: str | None, birth_date: date, gender: Gender) -> list[Violation]:
    """Returns what is wrong with a resident identity number, or where it contradicts birth date or gender.

    The number is the 18-character citizen identity number of GB 11643-1999: region code, birth date
    YYYYMMDD, a sequence whose last digit is odd for men, and the ISO 7064 MOD 11-2 check character.
    """
    if id_number is None:
        return []
    number = id_number.strip().upper()
    field = "person.id_number"
    if not EIGHTEEN_CHARACTERS.fullmatch(number):
        return [_id_violation(
            field,
            f"the number has {len(number)} characters; an 18-character resident identity number "
            "(17 digits and a digit or X) is required",
            f"证件号码为{len(number)}位，应为18位居民身份号码（17位数字加1位数字或X）",
        )]
    expected = check_character(number[:17])
    if number[17] != expected:
        return [_id_violation(
            field,
            f"check character {number[17]} does not match the computed {expected} (ISO 7064 MOD 11-2)",
            f"校验码{number[17]}与计算所得的{expected}不符（ISO 7064 MOD 11-2）",
        )]
    if number[:2] not in PROVINCE_CODES:
        return [_id_violation(
            field, f"province code {number[:2]} is not a GB/T 2260 province code",
            f"省级代码{number[:2]}不是GB/T 2260省级行政区划代码",
        )]
    encoded = encoded_birth_date(number)
    if encoded is None:
        digits = number[6:14]
        return [_id_violation(
            field, f"positions 7-14 ({digits}) are not a real date", f"第7至14位（{digits}）不是有效日期",
        )]
    found: list[Violation] = []
    if encoded != birth_date:
        found.append(_id_violation(
            "person.birth_date",
            f"birth_date {birth_date.isoformat()} differs from {encoded.isoformat()} in the identity number",
            f"出生日期{birth_date.isoformat()}与证件号码中的{encoded.isoformat()}不一致",
        ))
    number_gender = encoded_gender(number)
    if number_gender is not gender:
        found.append(_id_violation(
            "person.gender",
            f"gender {gender.value} differs from {number_gender.value} encoded by digit 17 of the identity number",
            f"性别（{_GENDER_ZH[gender]}）与证件号码第17位表示的性别（{_GENDER_ZH[number_gender]}）不一致",
        ))
    return found


_GENDER_ZH: Final = {Gender.MALE: "男", Gender.FEMALE: "女"}


def difficulty_input_violations(body: DifficultyRequest) -> list[Violation]:
    """Returns every value of a parsed request that is out of range, unknown or contradicts the identity number."""
    person = body.person
    return [
        *date_range_violations("as_of", body.as_of, None),
        *date_range_violations("person.birth_date", person.birth_date, EARLIEST_BIRTH_DATE),
        *region_violations("person.hukou_region_code", person.hukou_region_code),
        *region_violations("agency_region_code", body.agency_region_code),
        *identity_violations(person.id_number, person.birth_date, person.gender),
    ]
