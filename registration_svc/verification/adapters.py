"""Verification sources behind one interface; the defaults read the reference tables an administrator loads.

Outcomes are about a rule's condition, whatever was declared: CONFIRMED means the data shows the
condition is met (e.g. REG-PENSION: no pension is paid), CONTRADICTED that it is not met (a pension
is paid), UNKNOWN that this source cannot tell. Seed 002 §三: 与公安、民政、工商等部门数据及社会保障卡持卡
人员基础信息库、社会保险参保登记、劳动用工备案等相关数据信息比对核实. Every finding cites `clause`: the
verification clause of the policy pack of the registration's region (PolicyPack.citation("verification")).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.verification import repository
from registration_svc.verification.findings import Declaration, VerificationFinding, VerificationOutcome
from registration_svc.verification.models import RecordStatus, ReferenceRecord, SourceName

SOURCE_ZH = {
    SourceName.IDENTITY: "公安及社会保障卡基础信息",
    SourceName.SOCIAL_INSURANCE: "社会保险参保及劳动用工备案",
    SourceName.BUSINESS_REGISTRATION: "市场监管登记",
    SourceName.CIVIL_AFFAIRS: "民政",
}
KIND_ZH = {
    "resident_identity": "居民身份信息",
    "social_security_card": "社会保障卡",
    "employment_contribution": "参保缴费",
    "employment_filing": "劳动用工备案",
    "pension": "基本养老金领取",
    "business_owner": "经营主体登记",
    "death": "死亡登记",
    "subsistence_allowance": "最低生活保障",
}


class VerificationSource(Protocol):
    """A source that compares a declaration with its data.

    An adapter for a remote system must not raise when the system is unreachable: it returns
    UNKNOWN findings saying so, because a missing source sends the case to a home visit, it does
    not stop the registration.
    """

    name: str

    async def check(
        self, session: AsyncSession, id_number: str, declaration: Declaration, *, on: date, clause: str,
        screening: str = "",
    ) -> list[VerificationFinding]:
        """Returns this source's findings about the identity number on the given day, citing `clause`
        (`screening`, the pack's difficulty-screening clause, for a person who may qualify as one)."""
        ...


def in_force(record: ReferenceRecord, on: date) -> bool:
    """Tells whether a record is active on a day: status active and the day inside valid_from..valid_to."""
    return (
        record.status == RecordStatus.ACTIVE.value
        and (record.valid_from is None or record.valid_from <= on)
        and (record.valid_to is None or record.valid_to >= on)
    )


def _since(record: ReferenceRecord) -> str:
    return record.valid_from.isoformat() if record.valid_from else "an unknown date"


def _since_zh(record: ReferenceRecord) -> str:
    return record.valid_from.isoformat() if record.valid_from else "日期不详"


def _ended_on(records: Sequence[ReferenceRecord]) -> str:
    ends = [r.valid_to for r in records if r.valid_to is not None]
    return max(ends).isoformat() if ends else "an unknown date"


def _ended_on_zh(records: Sequence[ReferenceRecord]) -> str:
    ends = [r.valid_to for r in records if r.valid_to is not None]
    return max(ends).isoformat() if ends else "日期不详"


class _TableSource:
    """Common reading of one source's reference records: each source judges the records of the number;
    with none, the rules it covers stay UNKNOWN."""

    name: str
    source: SourceName
    # The rules this source speaks to, reported UNKNOWN when it holds no record of the number.
    rules: tuple[str, ...]

    async def check(
        self, session: AsyncSession, id_number: str, declaration: Declaration, *, on: date, clause: str,
        screening: str = "",
    ) -> list[VerificationFinding]:
        """Returns this source's findings about the identity number on the given day, citing `clause`."""
        records = await repository.records_of(session, self.source.value, id_number)
        if not records:
            return await self._unknown(session, self.rules, clause)
        return self.judge(records, declaration, on, clause, screening)

    def judge(
        self, records: Sequence[ReferenceRecord], declaration: Declaration, on: date, clause: str, screening: str = ""
    ) -> list[VerificationFinding]:
        """Returns the findings of the number's records (at least one) on the day."""
        raise NotImplementedError

    def _finding(
        self, clause: str, rule: str, outcome: VerificationOutcome, detail: str, detail_zh: str
    ) -> VerificationFinding:
        return VerificationFinding(
            self.name, rule, outcome,
            f"{detail} ({self.name} data, {rule}, {clause})",
            f"{detail_zh}（{SOURCE_ZH[self.source]}数据，{rule}，{clause}）",
        )

    async def _unknown(self, session: AsyncSession, rules: Sequence[str], clause: str) -> list[VerificationFinding]:
        if await repository.source_loaded(session, self.source.value):
            detail, detail_zh = "no record of this identity number", "未查到该证件号码的记录"
        else:
            detail, detail_zh = "no data of this source is loaded", "该数据源尚未导入数据"
        return [self._finding(clause, rule, VerificationOutcome.UNKNOWN, detail, detail_zh) for rule in rules]


class IdentitySource(_TableSource):
    """公安 identity data and the social security card holder base: confirms REG-ID."""

    name = SourceName.IDENTITY.value
    source = SourceName.IDENTITY
    rules = ("REG-ID",)

    def judge(
        self, records: Sequence[ReferenceRecord], declaration: Declaration, on: date, clause: str, screening: str = ""
    ) -> list[VerificationFinding]:
        """Confirms REG-ID when a record of the number is in force; a lapsed card alone proves nothing."""
        current = [r for r in records if in_force(r, on)]
        if current:
            kinds = sorted({r.kind for r in current})
            return [self._finding(clause,
                "REG-ID", VerificationOutcome.CONFIRMED,
                f"identity number found in force on {on.isoformat()} ({', '.join(kinds)})",
                f"{on.isoformat()}查到有效的证件信息（{'、'.join(KIND_ZH[k] for k in kinds)}）",
            )]
        return [self._finding(clause,
            "REG-ID", VerificationOutcome.UNKNOWN,
            f"identity number found, but no record is in force on {on.isoformat()} "
            f"(latest end {_ended_on(records)})",
            f"查到该证件号码，但{on.isoformat()}无有效记录",
        )]


class SocialInsuranceSource(_TableSource):
    """Insurance contributions, employment filings and pension receipt: REG-UNEMPLOYED and REG-PENSION."""

    name = SourceName.SOCIAL_INSURANCE.value
    source = SourceName.SOCIAL_INSURANCE
    rules = ("REG-UNEMPLOYED", "REG-PENSION")

    def judge(
        self, records: Sequence[ReferenceRecord], declaration: Declaration, on: date, clause: str, screening: str = ""
    ) -> list[VerificationFinding]:
        """Contradicts REG-UNEMPLOYED on an active contribution and REG-PENSION on a pension paid."""
        findings: list[VerificationFinding] = []
        work = [r for r in records if r.kind in ("employment_contribution", "employment_filing")]
        active_work = [r for r in work if in_force(r, on)]
        declared = "declared unemployed" if declaration.unemployed else "declared employed"
        declared_zh = "申报无业" if declaration.unemployed else "申报有业"
        if active_work:
            record = active_work[0]
            findings.append(self._finding(clause,
                "REG-UNEMPLOYED", VerificationOutcome.CONTRADICTED,
                f"{declared}, but {record.kind} is active since {_since(record)} on {on.isoformat()}",
                f"{declared_zh}，但{KIND_ZH[record.kind]}自{_since_zh(record)}起至{on.isoformat()}仍有效",
            ))
        elif work:
            findings.append(self._finding(clause,
                "REG-UNEMPLOYED", VerificationOutcome.CONFIRMED,
                f"{declared}; every contribution and employment filing ended (latest end {_ended_on(work)}) "
                f"before {on.isoformat()}",
                f"{declared_zh}；参保缴费及用工备案均已于{on.isoformat()}前终止（最近终止于{_ended_on_zh(work)}）",
            ))
        else:
            findings.append(self._finding(clause,
                "REG-UNEMPLOYED", VerificationOutcome.UNKNOWN,
                "no contribution or employment filing on record", "无参保缴费或用工备案记录",
            ))
        pensions = [r for r in records if r.kind == "pension" and in_force(r, on)]
        if pensions:
            record = pensions[0]
            findings.append(self._finding(clause,
                "REG-PENSION", VerificationOutcome.CONTRADICTED,
                f"basic pension paid since {_since(record)}, in force on {on.isoformat()}"
                + ("" if declaration.receiving_pension else ", though declared not receiving one"),
                f"自{_since_zh(record)}起领取基本养老金，{on.isoformat()}仍在领取"
                + ("" if declaration.receiving_pension else "，与申报不符"),
            ))
        else:
            findings.append(self._finding(clause,
                "REG-PENSION", VerificationOutcome.CONFIRMED,
                f"insured, and no basic pension is paid on {on.isoformat()}",
                f"有参保记录，{on.isoformat()}未领取基本养老金",
            ))
        return findings


class BusinessRegistrationSource(_TableSource):
    """市场监管 business registration: an active business owned contradicts REG-UNEMPLOYED."""

    name = SourceName.BUSINESS_REGISTRATION.value
    source = SourceName.BUSINESS_REGISTRATION
    rules = ("REG-UNEMPLOYED",)

    def judge(
        self, records: Sequence[ReferenceRecord], declaration: Declaration, on: date, clause: str, screening: str = ""
    ) -> list[VerificationFinding]:
        """Contradicts REG-UNEMPLOYED when the person owns a business in operation (个体经营/创办企业)."""
        active = [r for r in records if in_force(r, on)]
        if active:
            record = active[0]
            name = record.detail.get("business_name")
            named = f" ({name})" if name else ""
            return [self._finding(clause,
                "REG-UNEMPLOYED", VerificationOutcome.CONTRADICTED,
                f"owns a business{named} registered since {_since(record)} and in operation on "
                f"{on.isoformat()}",
                f"名下经营主体{named}自{_since_zh(record)}起登记，{on.isoformat()}仍在经营",
            )]
        # A closed business says nothing about other work, so it confirms nothing.
        return [self._finding(clause,
            "REG-UNEMPLOYED", VerificationOutcome.UNKNOWN,
            f"every business owned was closed by {on.isoformat()} (latest end {_ended_on(records)})",
            f"名下经营主体均已于{on.isoformat()}前注销",
        )]


class CivilAffairsSource(_TableSource):
    """民政 data: a death record contradicts REG-ID; a minimum living allowance is noted for screening."""

    name = SourceName.CIVIL_AFFAIRS.value
    source = SourceName.CIVIL_AFFAIRS
    rules = ("REG-ID",)

    def judge(
        self, records: Sequence[ReferenceRecord], declaration: Declaration, on: date, clause: str, screening: str = ""
    ) -> list[VerificationFinding]:
        """Contradicts REG-ID on a death record; notes an allowance in force (difficulty screening)."""
        findings: list[VerificationFinding] = []
        deaths = [r for r in records if r.kind == "death" and r.status == RecordStatus.ACTIVE.value
                  and (r.valid_from is None or r.valid_from <= on)]
        if deaths:
            findings.append(self._finding(clause,
                "REG-ID", VerificationOutcome.CONTRADICTED,
                f"a death is recorded on {_since(deaths[0])}",
                f"民政记录该人员已于{_since_zh(deaths[0])}死亡",
            ))
        else:
            findings.append(self._finding(clause,
                "REG-ID", VerificationOutcome.UNKNOWN, "no death record", "无死亡记录",
            ))
        allowances = [r for r in records if r.kind == "subsistence_allowance" and in_force(r, on)]
        if allowances:
            # Registered persons who appear to qualify as persons with employment difficulty (category
            # subsistence_allowance) are noted for their town, citing the pack's difficulty_screening clause.
            cited, cited_zh = (f" ({screening})", f"（{screening}）") if screening else ("", "")
            findings.append(VerificationFinding(
                self.name, "ELIG-CATEGORY", VerificationOutcome.CONFIRMED,
                f"receives the minimum living allowance since {_since(allowances[0])}: may qualify for "
                f"difficulty category subsistence_allowance{cited}",
                f"自{_since_zh(allowances[0])}起享受最低生活保障，可能符合就业困难人员认定条件{cited_zh}",
            ))
        return findings


def default_sources() -> list[VerificationSource]:
    """Returns the configured sources: local reference tables for all four; HTTP adapters may replace them."""
    return [IdentitySource(), SocialInsuranceSource(), BusinessRegistrationSource(), CivilAffairsSource()]
