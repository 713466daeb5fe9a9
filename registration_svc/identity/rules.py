"""REG-ID: validates identity document numbers and reads the birth date, gender and region they encode.

Accepted documents (seed 002 §三; rules.md REG-ID):
- resident ID card and social security card: the 18-character citizen identity number of
  GB 11643-1999 (6-digit region code, 8-digit birth date, 3-digit sequence whose last digit is odd
  for men, ISO 7064 MOD 11-2 check character 0-9 or X). A social security card carries the
  holder's identity number, so for Hong Kong / Macao / Taiwan residents it carries the residence
  permit number and is accepted with those prefixes too.
- residence permit for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, State Council
  General Office 国办发〔2018〕81号): the same 18-character layout with region code 810000 (Hong
  Kong), 820000 (Macao) or 830000 (Taiwan) and the same checksum.
- Mainland travel permit for Hong Kong and Macao residents (港澳居民来往内地通行证): H (Hong Kong) or
  M (Macao) followed by 8 digits (the card number since the 2013 card version), optionally followed
  by the 2-digit issue count that older booklets and some printouts append (10 digits).
- Mainland travel permit for Taiwan residents (台湾居民来往大陆通行证): 8 digits (card version since
  2015, a number kept for life), or the older booklet's 10 digits with an optional letter (written
  with or without brackets, e.g. "1234567890(B)"). rules.md and api.md accept it as "the travel
  permit"; seed 002 §三 names only the Hong Kong/Macao one, so this is the team's decision.
A travel permit encodes neither birth date nor gender, so both must be given with it.

Violations cite the clauses of the policy pack of the registration's region (IdentityClauses.of(pack.citation)):
the documents accepted ("identity", with GB 11643-1999 for the number) and the permits of Hong Kong, Macao and
Taiwan residents ("identity_permit").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.errors import Violation
from shared.identity import (
    EIGHTEEN_CHARACTERS,
    MAINLAND_PROVINCES,
    Gender,
    check_character,
    encoded_birth_date,
    encoded_gender,
    normalize_id_number,
)
from shared.policy.documents import cite

RULE = "REG-ID"
SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Region codes of residence permits (国办发〔2018〕81号): the whole 6 digits are fixed.
PERMIT_PREFIXES = {"810000": "hong_kong", "820000": "macao", "830000": "taiwan"}

_HK_MACAO_PERMIT = re.compile(r"([HM])([0-9]{8})([0-9]{2})?")
_TAIWAN_PERMIT = re.compile(r"[0-9]{8}|[0-9]{10}[A-Z]?")


class IdType(StrEnum):
    """Identity documents accepted for registration (api.md person.id_type)."""

    RESIDENT_ID = "resident_id"
    SOCIAL_SECURITY_CARD = "social_security_card"
    RESIDENCE_PERMIT = "residence_permit"
    HK_MACAO_TRAVEL_PERMIT = "hk_macao_travel_permit"
    TAIWAN_TRAVEL_PERMIT = "taiwan_travel_permit"


@dataclass(frozen=True)
class IdentityFacts:
    """What a valid document number says (or, for travel permits, what was given with it)."""

    id_number: str
    birth_date: date | None
    gender: Gender | None
    region_code: str | None
    holder: str  # "mainland" | "hong_kong" | "macao" | "taiwan"


@dataclass(frozen=True, slots=True)
class IdentityClauses:
    """What REG-ID's violations cite in a region: the clause of the documents accepted, with GB 11643-1999
    for the number's form, and the clause of the permits of Hong Kong, Macao and Taiwan residents."""

    number: str
    permits: str

    @classmethod
    def of(cls, citation: Callable[[str], str]) -> IdentityClauses:
        """Returns the clauses of a region's pack (PolicyPack.citation)."""
        return cls(cite(f"{citation('identity')}; gb-11643"), citation("identity_permit"))


# is_known_number reads only whether a number is usable; its violations are never shown.
_UNSHOWN = IdentityClauses("", "")


def _violation(field: str, message: str, message_zh: str, source: str) -> Violation:
    return Violation(RULE, field, f"{message} (REG-ID, {source})", f"{message_zh}（REG-ID，{source}）")


def _number_violation(message: str, message_zh: str, source: str) -> Violation:
    return _violation("person.id_number", message, message_zh, source)


def _check_birth_date(birth_date: date, today: date, field: str, what: str, what_zh: str, source: str
                      ) -> list[Violation]:
    if birth_date > today:
        return [_violation(
            field, f"{what} {birth_date.isoformat()} is after today ({today.isoformat()})",
            f"{what_zh}{birth_date.isoformat()}晚于今天（{today.isoformat()}）", source,
        )]
    if birth_date < EARLIEST_BIRTH_DATE:
        return [_violation(
            field, f"{what} {birth_date.isoformat()} is before {EARLIEST_BIRTH_DATE.isoformat()}",
            f"{what_zh}{birth_date.isoformat()}早于{EARLIEST_BIRTH_DATE.isoformat()}", source,
        )]
    return []


def _eighteen_digit(
    id_type: IdType, number: str, today: date, clauses: IdentityClauses
) -> tuple[IdentityFacts | None, list[Violation]]:
    if not EIGHTEEN_CHARACTERS.fullmatch(number):
        return None, [_number_violation(
            f"the number has {len(number)} characters; an 18-character number (17 digits and a digit "
            "or X) is required",
            f"证件号码为{len(number)}位，应为18位（17位数字加1位数字或X）",
            clauses.number,
        )]
    expected = check_character(number[:17])
    if number[17] != expected:
        return None, [_number_violation(
            f"check character {number[17]} does not match the computed {expected} (ISO 7064 MOD 11-2)",
            f"校验码{number[17]}与计算所得的{expected}不符（ISO 7064 MOD 11-2）",
            clauses.number,
        )]
    region_code = number[:6]
    holder = PERMIT_PREFIXES.get(region_code)
    if id_type is IdType.RESIDENCE_PERMIT and holder is None:
        return None, [_number_violation(
            f"a residence permit number starts with 810000, 820000 or 830000, not {region_code}",
            f"港澳台居民居住证号码应以810000、820000或830000开头，而非{region_code}",
            clauses.number,
        )]
    if id_type is IdType.RESIDENT_ID and holder is not None:
        return None, [_number_violation(
            f"region code {region_code} belongs to a residence permit, not a resident ID card",
            f"地址码{region_code}属于港澳台居民居住证，而非居民身份证",
            clauses.number,
        )]
    if holder is None and region_code[:2] not in MAINLAND_PROVINCES:
        return None, [_number_violation(
            f"province code {region_code[:2]} is not a mainland province code (GB/T 2260)",
            f"省级代码{region_code[:2]}不是内地省级行政区划代码（GB/T 2260）",
            clauses.number,
        )]
    encoded_birth = encoded_birth_date(number)
    if encoded_birth is None:
        digits = number[6:14]
        return None, [_number_violation(
            f"positions 7-14 ({digits}) are not a real date", f"第7至14位（{digits}）不是有效日期",
            clauses.number,
        )]
    problems = _check_birth_date(encoded_birth, today, "person.id_number",
                                 "the birth date in the number", "号码中的出生日期", clauses.number)
    if problems:
        return None, problems
    return IdentityFacts(number, encoded_birth, encoded_gender(number), region_code, holder or "mainland"), []


def _travel_permit(id_type: IdType, number: str, clauses: IdentityClauses
                   ) -> tuple[IdentityFacts | None, list[Violation]]:
    if id_type is IdType.HK_MACAO_TRAVEL_PERMIT:
        match = _HK_MACAO_PERMIT.fullmatch(number)
        if match is None:
            return None, [_number_violation(
                f"a Hong Kong/Macao travel permit number is H or M followed by 8 or 10 digits, not "
                f"{len(number)} characters in that form",
                f"港澳居民来往内地通行证号码应为H或M加8位或10位数字，当前{len(number)}位格式不符",
                clauses.permits,
            )]
        holder = "hong_kong" if match.group(1) == "H" else "macao"
        return IdentityFacts(number, None, None, None, holder), []
    if not _TAIWAN_PERMIT.fullmatch(number):
        return None, [_number_violation(
            f"a Taiwan travel permit number is 8 digits, or 10 digits with an optional letter, not "
            f"{len(number)} characters in that form",
            f"台湾居民来往大陆通行证号码应为8位数字，或10位数字加可选的1位字母，当前{len(number)}位格式不符",
            clauses.permits,
        )]
    return IdentityFacts(number, None, None, None, "taiwan"), []


def validate_identity(
    id_type: IdType,
    id_number: str,
    *,
    birth_date: date | None = None,
    gender: Gender | None = None,
    today: date,
    clauses: IdentityClauses,
) -> tuple[IdentityFacts | None, list[Violation]]:
    """Validates a document number against REG-ID and the given birth date and gender.

    Returns no facts when the number itself is unusable. Otherwise returns the facts, with the
    number's birth date and gender where it encodes them, and any violations about the given
    fields (contradicting the number, or missing for a travel permit): any violation fails REG-ID. Each
    violation cites `clauses`, those of the pack of the registration's region.
    """
    number = normalize_id_number(id_number)
    if not number:
        return None, [_number_violation("the identity number is empty", "证件号码为空", clauses.number)]
    if id_type in (IdType.HK_MACAO_TRAVEL_PERMIT, IdType.TAIWAN_TRAVEL_PERMIT):
        facts, violations = _travel_permit(id_type, number, clauses)
        if facts is None:
            return None, violations
        if birth_date is None:
            violations.append(_violation(
                "person.birth_date", "a travel permit does not show the birth date; it must be given",
                "来往内地（大陆）通行证号码不含出生日期，须填写出生日期",
                clauses.permits,
            ))
        else:
            violations.extend(_check_birth_date(birth_date, today, "person.birth_date",
                                                "the birth date", "出生日期", clauses.permits))
        if gender is None:
            violations.append(_violation(
                "person.gender", "a travel permit does not show the gender; it must be given",
                "来往内地（大陆）通行证号码不含性别，须填写性别",
                clauses.permits,
            ))
        return IdentityFacts(number, birth_date, gender, None, facts.holder), violations
    facts, violations = _eighteen_digit(id_type, number, today, clauses)
    if facts is None:
        return None, violations
    if birth_date is not None and birth_date != facts.birth_date:
        assert facts.birth_date is not None
        violations.append(_violation(
            "person.birth_date",
            f"the given birth date {birth_date.isoformat()} differs from {facts.birth_date.isoformat()} "
            "in the identity number",
            f"填写的出生日期{birth_date.isoformat()}与证件号码中的{facts.birth_date.isoformat()}不一致",
            clauses.number,
        ))
    if gender is not None and gender is not facts.gender:
        assert facts.gender is not None
        violations.append(_violation(
            "person.gender",
            f"the given gender {gender.value} differs from {facts.gender.value} encoded by digit 17 of "
            "the identity number",
            f"填写的性别（{_GENDER_ZH[gender]}）与证件号码第17位表示的性别（{_GENDER_ZH[facts.gender]}）不一致",
            clauses.number,
        ))
    return facts, violations


_GENDER_ZH = {Gender.MALE: "男", Gender.FEMALE: "女"}


def is_known_number(id_number: str) -> bool:
    """Tells whether a number is valid for at least one accepted document type (format and checksum only)."""
    number = normalize_id_number(id_number)
    far_future = date(9999, 12, 31)
    for id_type in (IdType.SOCIAL_SECURITY_CARD, IdType.HK_MACAO_TRAVEL_PERMIT, IdType.TAIWAN_TRAVEL_PERMIT):
        facts, _ = (
            _eighteen_digit(id_type, number, far_future, _UNSHOWN) if id_type is IdType.SOCIAL_SECURITY_CARD
            else _travel_permit(id_type, number, _UNSHOWN)
        )
        if facts is not None:
            return True
    return False
