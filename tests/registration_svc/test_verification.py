"""Data comparison (REG-ID, REG-UNEMPLOYED, REG-PENSION；甘人社通〔2020〕111号 三), reference data and home visits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registration_svc.models import platform
from registration_svc.verification.models import HomeVisitTask, ReferenceRecord, SourceName
from registration_svc.verification.reference_csv import CsvFileError, parse_reference_csv
from registration_svc.verification.service import (
    Declaration,
    VerificationFinding,
    VerificationOutcome,
    create_home_visit_task,
    replace_reference_data,
    summarize,
    verify_declaration,
)
from shared.db import Database
from shared.errors import DomainError
from shared.policy import default_registry
from tests.support import bearer

ON = date(2026, 11, 20)
# The verification clause of each region's pack: findings cite the one of the registration's region.
GANSU = default_registry().for_region("620102").citation("verification")
SHAOGUAN = default_registry().for_region("440203").citation("verification")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
DECLARED = Declaration(unemployed=True, able_to_work=True, wants_work=True, receiving_pension=False)


def id_number(sequence: int, region: str = "440203", born: date = date(1985, 3, 4)) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


PERSON = id_number(101)
OTHER = id_number(202)


def csv_of(*rows: str, header: str = "id_number,kind,status,valid_from,valid_to") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def by_rule(findings: list[VerificationFinding], rule: str) -> list[VerificationFinding]:
    return [f for f in findings if f.rule == rule]


def outcomes(findings: list[VerificationFinding], source: str) -> dict[str, VerificationOutcome]:
    return {f.rule: f.outcome for f in findings if f.source == source}


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.transaction() as session:
        yield session


async def load(session: AsyncSession, source: SourceName, *rows: str, header: str | None = None) -> None:
    content = csv_of(*rows) if header is None else csv_of(*rows, header=header)
    await replace_reference_data(session, source, content, "admin-test")


# ---------------------------------------------------------------------------------------------
# CSV files (pure)


class TestReferenceCsv:
    def test_valid_rows_with_bom_extra_columns_and_blank_lines(self) -> None:
        content = (
            "\ufeffid_number,kind,status,valid_from,valid_to,employer\n".encode()
            + (
                f"{PERSON.lower()},employment_contribution,active,2024-01-01,,韶关某公司\n\n"
                f"{OTHER},pension,ended,2020-01-01,2021-06-30,\n"
            ).encode()
        )
        rows, problems = parse_reference_csv(SourceName.SOCIAL_INSURANCE, content)
        assert problems == []
        assert [(r.line, r.id_number, r.kind, r.status.value) for r in rows] == [
            (2, PERSON.upper(), "employment_contribution", "active"),
            (4, OTHER, "pension", "ended"),
        ]
        assert rows[0].detail == {"employer": "韶关某公司"} and rows[1].detail == {}
        assert rows[0].valid_from == date(2024, 1, 1) and rows[0].valid_to is None
        assert rows[1].valid_to == date(2021, 6, 30)

    def test_date_columns_are_optional(self) -> None:
        rows, problems = parse_reference_csv(
            SourceName.CIVIL_AFFAIRS, csv_of(f"{PERSON},death,active", header="id_number,kind,status")
        )
        assert problems == [] and rows[0].valid_from is None

    def test_every_bad_line_is_reported_with_line_and_column(self) -> None:
        content = csv_of(
            f"{PERSON},employment_contribution,active,2024-01-01,",
            "110105194912310021,pension,active,,",
            f"{PERSON},business_owner,active,,",
            f"{PERSON},pension,open,,",
            f"{PERSON},pension,active,2024-02-30,",
            f"{PERSON},pension,active,20240101,",
            f"{PERSON},pension,active,2024-03-02,2024-03-01",
            f"{PERSON},pension,active",
        )
        rows, problems = parse_reference_csv(SourceName.SOCIAL_INSURANCE, content)
        assert [(p.line, p.column) for p in problems] == [
            (3, "id_number"),
            (4, "kind"),
            (5, "status"),
            (6, "valid_from"),
            (7, "valid_from"),
            (8, "valid_to"),
            (9, None),
        ]
        assert len(rows) == 1
        for problem in problems:
            assert problem.message and any("\u4e00" <= ch <= "\u9fff" for ch in problem.message_zh)

    def test_a_day_long_validity_is_accepted(self) -> None:
        _, problems = parse_reference_csv(
            SourceName.SOCIAL_INSURANCE, csv_of(f"{PERSON},pension,active,2024-03-01,2024-03-01")
        )
        assert problems == []

    def test_kinds_belong_to_their_source(self) -> None:
        _, problems = parse_reference_csv(
            SourceName.BUSINESS_REGISTRATION, csv_of(f"{PERSON},death,active,,")
        )
        assert problems[0].column == "kind" and "business_owner" in problems[0].message

    def test_travel_permit_numbers_are_accepted(self) -> None:
        rows, problems = parse_reference_csv(
            SourceName.IDENTITY, csv_of("h12345678,resident_identity,active,,")
        )
        assert problems == [] and rows[0].id_number == "H12345678"

    def test_quoted_fields_with_commas_and_newlines(self) -> None:
        content = csv_of(
            f'{PERSON},business_owner,active,2020-01-01,,"某公司, 有限\n责任"',
            header="id_number,kind,status,valid_from,valid_to,business_name",
        )
        rows, problems = parse_reference_csv(SourceName.BUSINESS_REGISTRATION, content)
        assert problems == [] and rows[0].detail["business_name"] == "某公司, 有限\n责任"

    @pytest.mark.parametrize(
        ("content", "fragment"),
        [
            (b"", "empty"),
            (b"id_number,kind\n", "status"),
            (b"id_number,kind,status,kind\n", "repeats"),
            ("id_number,kind,status\n韶关".encode("gb18030"), "UTF-8"),
            (b"id_number,kind,status\n", "no data rows"),
            (b'id_number,kind,status\n"abc"x,y,z\n', "not valid CSV"),
            (b"id_number,kind,status\n\x00,a,b\n", "NUL"),
        ],
    )
    def test_unreadable_files(self, content: bytes, fragment: str) -> None:
        with pytest.raises(CsvFileError) as error:
            parse_reference_csv(SourceName.IDENTITY, content)
        assert fragment in error.value.message and error.value.message_zh


# ---------------------------------------------------------------------------------------------
# Summary of findings (pure)


def finding(rule: str, outcome: VerificationOutcome, source: str = "test") -> VerificationFinding:
    return VerificationFinding(source, rule, outcome, "detail", "详情")


class TestSummarize:
    C, X, U = VerificationOutcome.CONFIRMED, VerificationOutcome.CONTRADICTED, VerificationOutcome.UNKNOWN

    def test_identity_and_unemployment_confirmed(self) -> None:
        report = summarize([finding("REG-ID", self.C), finding("REG-UNEMPLOYED", self.C)], GANSU)
        assert report.confirmed and not report.needs_home_visit and report.contradicted == []

    @pytest.mark.parametrize("missing", ["REG-ID", "REG-UNEMPLOYED"])
    def test_one_unconfirmed_needs_a_visit(self, missing: str) -> None:
        present = {"REG-ID", "REG-UNEMPLOYED"} - {missing}
        report = summarize([finding(rule, self.C) for rule in present] + [finding(missing, self.U)], GANSU)
        assert not report.confirmed and report.needs_home_visit

    def test_any_contradiction_wins(self) -> None:
        report = summarize(
            [finding("REG-ID", self.C), finding("REG-UNEMPLOYED", self.C), finding("REG-PENSION", self.X)], GANSU)
        assert not report.confirmed and not report.needs_home_visit
        assert [f.rule for f in report.contradicted] == ["REG-PENSION"]

    def test_a_confirmation_does_not_outweigh_a_contradiction_of_the_same_rule(self) -> None:
        report = summarize(
            [
                finding("REG-ID", self.C),
                finding("REG-UNEMPLOYED", self.C, "a"),
                finding("REG-UNEMPLOYED", self.X, "b"),
            ], GANSU)
        assert not report.confirmed and [f.source for f in report.contradicted] == ["b"]

    def test_uncovered_rules_become_declaration_unknowns(self) -> None:
        report = summarize([], GANSU)
        assert [(f.source, f.rule, f.outcome) for f in report.findings] == [
            ("declaration", rule, self.U)
            for rule in ("REG-ID", "REG-UNEMPLOYED", "REG-ABLE", "REG-WILLING", "REG-PENSION")
        ]
        assert report.needs_home_visit and "上门调查" in report.findings[0].detail_zh
        assert "甘人社通〔2020〕111号 三" in report.findings[0].detail


# ---------------------------------------------------------------------------------------------
# Sources on real reference tables


class TestNothingLoaded:
    async def test_everything_unknown_and_a_visit_is_needed(self, session: AsyncSession) -> None:
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert not report.confirmed and report.needs_home_visit and report.contradicted == []
        sources = {f.source for f in report.findings}
        assert sources == {
            "identity",
            "social_insurance",
            "business_registration",
            "civil_affairs",
            "declaration",
        }
        assert all(f.outcome is VerificationOutcome.UNKNOWN for f in report.findings)
        assert "no data of this source is loaded" in by_rule(report.findings, "REG-ID")[0].detail
        assert {f.rule for f in report.findings if f.source == "declaration"} == {"REG-ABLE", "REG-WILLING"}


class TestCitesTheRegionsPack:
    async def test_findings_cite_the_verification_clause_they_are_given(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,2010-01-01,")
        assert (GANSU, SHAOGUAN) == ("甘人社通〔2020〕111号 三", "人社厅发〔2020〕3号")
        for clause, other in ((SHAOGUAN, "甘人社通"), (GANSU, "人社厅发")):
            report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=clause)
            for found in report.findings:
                if found.rule.startswith("REG-"):
                    assert clause in found.detail and clause in found.detail_zh, found
                    assert other not in found.detail_zh, found


class TestIdentitySource:
    async def test_record_in_force_confirms(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,2010-01-01,")
        report = await verify_declaration(session, PERSON.lower(), DECLARED, on=ON, clause=GANSU)
        assert outcomes(report.findings, "identity") == {"REG-ID": VerificationOutcome.CONFIRMED}
        confirmed = by_rule(report.findings, "REG-ID")[0]
        assert (
            "REG-ID" in confirmed.detail
            and "甘人社通〔2020〕111号 三" in confirmed.detail
            and "居民身份信息" in confirmed.detail_zh
        )

    async def test_other_person_is_not_found(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{OTHER},resident_identity,active,,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        unknown = [f for f in report.findings if f.source == "identity"]
        assert unknown[0].outcome is VerificationOutcome.UNKNOWN
        assert "no record of this identity number" in unknown[0].detail

    @pytest.mark.parametrize(
        ("valid_to", "outcome"),
        [
            (ON - timedelta(days=1), VerificationOutcome.UNKNOWN),
            (ON, VerificationOutcome.CONFIRMED),
            (ON + timedelta(days=1), VerificationOutcome.CONFIRMED),
        ],
    )
    async def test_card_validity_boundary(
        self, session: AsyncSession, valid_to: date, outcome: VerificationOutcome
    ) -> None:
        await load(
            session, SourceName.IDENTITY, f"{PERSON},social_security_card,active,2015-01-01,{valid_to}"
        )
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert outcomes(report.findings, "identity")["REG-ID"] is outcome

    async def test_ended_status_does_not_confirm(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},social_security_card,ended,2015-01-01,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert outcomes(report.findings, "identity")["REG-ID"] is VerificationOutcome.UNKNOWN


class TestSocialInsuranceSource:
    @pytest.mark.parametrize(
        ("valid_to", "outcome"),
        [
            (ON - timedelta(days=1), VerificationOutcome.CONFIRMED),
            (ON, VerificationOutcome.CONTRADICTED),
            (ON + timedelta(days=1), VerificationOutcome.CONTRADICTED),
            (None, VerificationOutcome.CONTRADICTED),
        ],
    )
    async def test_contribution_end_boundary(
        self, session: AsyncSession, valid_to: date | None, outcome: VerificationOutcome
    ) -> None:
        await load(
            session,
            SourceName.SOCIAL_INSURANCE,
            f"{PERSON},employment_contribution,active,2023-05-01,{valid_to or ''}",
        )
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        unemployed = [
            f for f in report.findings if f.source == "social_insurance" and f.rule == "REG-UNEMPLOYED"
        ]
        assert unemployed[0].outcome is outcome
        if outcome is VerificationOutcome.CONTRADICTED:
            assert "2023-05-01" in unemployed[0].detail and "declared unemployed" in unemployed[0].detail
            assert "申报无业" in unemployed[0].detail_zh and "REG-UNEMPLOYED" in unemployed[0].detail_zh

    async def test_an_ended_status_row_is_not_in_force(self, session: AsyncSession) -> None:
        await load(session, SourceName.SOCIAL_INSURANCE, f"{PERSON},employment_filing,ended,2023-05-01,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert (
            outcomes(report.findings, "social_insurance")["REG-UNEMPLOYED"] is VerificationOutcome.CONFIRMED
        )

    async def test_an_active_filing_contradicts_even_after_contributions_ended(
        self, session: AsyncSession
    ) -> None:
        await load(
            session,
            SourceName.SOCIAL_INSURANCE,
            f"{PERSON},employment_contribution,ended,2020-01-01,2022-01-01",
            f"{PERSON},employment_filing,active,2026-10-01,",
        )
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert (
            outcomes(report.findings, "social_insurance")["REG-UNEMPLOYED"]
            is VerificationOutcome.CONTRADICTED
        )

    @pytest.mark.parametrize(
        ("valid_from", "outcome"),
        [
            (ON - timedelta(days=1), VerificationOutcome.CONTRADICTED),
            (ON, VerificationOutcome.CONTRADICTED),
            (ON + timedelta(days=1), VerificationOutcome.CONFIRMED),
        ],
    )
    async def test_pension_start_boundary(
        self, session: AsyncSession, valid_from: date, outcome: VerificationOutcome
    ) -> None:
        await load(session, SourceName.SOCIAL_INSURANCE, f"{PERSON},pension,active,{valid_from},")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        [pension] = [f for f in report.findings if f.source == "social_insurance" and f.rule == "REG-PENSION"]
        assert pension.outcome is outcome
        if outcome is VerificationOutcome.CONTRADICTED:
            assert report.contradicted == [pension] and not report.needs_home_visit
            assert "declared not receiving" in pension.detail and "与申报不符" in pension.detail_zh

    async def test_pension_declared_is_still_contradicted(self, session: AsyncSession) -> None:
        await load(session, SourceName.SOCIAL_INSURANCE, f"{PERSON},pension,active,2020-01-01,")
        declared = Declaration(unemployed=True, able_to_work=True, wants_work=True, receiving_pension=True)
        report = await verify_declaration(session, PERSON, declared, on=ON, clause=GANSU)
        assert [f.rule for f in report.contradicted] == ["REG-PENSION"]

    async def test_insured_without_work_records_leaves_unemployment_unknown(
        self, session: AsyncSession
    ) -> None:
        await load(session, SourceName.SOCIAL_INSURANCE, f"{PERSON},pension,ended,2020-01-01,2021-01-01")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert outcomes(report.findings, "social_insurance") == {
            "REG-UNEMPLOYED": VerificationOutcome.UNKNOWN,
            "REG-PENSION": VerificationOutcome.CONFIRMED,
        }


class TestBusinessRegistrationSource:
    async def test_an_operating_business_contradicts(self, session: AsyncSession) -> None:
        await load(
            session,
            SourceName.BUSINESS_REGISTRATION,
            f"{PERSON},business_owner,active,2025-06-01,,韶关小吃店",
            header="id_number,kind,status,valid_from,valid_to,business_name",
        )
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        [contradiction] = report.contradicted
        assert (contradiction.source, contradiction.rule) == ("business_registration", "REG-UNEMPLOYED")
        assert "韶关小吃店" in contradiction.detail and "2025-06-01" in contradiction.detail_zh

    @pytest.mark.parametrize(
        ("valid_to", "outcome"),
        [
            (ON - timedelta(days=1), VerificationOutcome.UNKNOWN),
            (ON, VerificationOutcome.CONTRADICTED),
        ],
    )
    async def test_closing_day_boundary(
        self, session: AsyncSession, valid_to: date, outcome: VerificationOutcome
    ) -> None:
        await load(
            session, SourceName.BUSINESS_REGISTRATION, f"{PERSON},business_owner,active,2025-06-01,{valid_to}"
        )
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert outcomes(report.findings, "business_registration")["REG-UNEMPLOYED"] is outcome


class TestCivilAffairsSource:
    async def test_death_contradicts_identity(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,,")
        await load(
            session,
            SourceName.SOCIAL_INSURANCE,
            f"{PERSON},employment_contribution,ended,2019-01-01,2020-01-01",
        )
        await load(session, SourceName.CIVIL_AFFAIRS, f"{PERSON},death,active,2026-03-01,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert [(f.source, f.rule) for f in report.contradicted] == [("civil_affairs", "REG-ID")]
        assert not report.confirmed and not report.needs_home_visit
        assert "2026-03-01" in report.contradicted[0].detail and "死亡" in report.contradicted[0].detail_zh

    async def test_a_death_dated_after_the_day_does_not_count_yet(self, session: AsyncSession) -> None:
        await load(session, SourceName.CIVIL_AFFAIRS, f"{PERSON},death,active,{ON + timedelta(days=1)},")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert report.contradicted == []

    @pytest.mark.parametrize(("region", "cited", "not_cited"), [
        ("440203", "《清远市清新区就业困难人员认定和服务工作实施方案》三(一)", "甘人社通"),
        ("620102", "甘人社通〔2020〕111号 四(五)", "韶关"),
    ])
    async def test_subsistence_allowance_is_noted_for_screening_citing_the_region_s_pack(
        self, session: AsyncSession, region: str, cited: str, not_cited: str
    ) -> None:
        await load(session, SourceName.CIVIL_AFFAIRS, f"{PERSON},subsistence_allowance,active,2025-01-01,")
        pack = default_registry().for_region(region)
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=pack.citation("verification"),
                                          screening=pack.citation("difficulty_screening"))
        [note] = by_rule(report.findings, "ELIG-CATEGORY")
        assert note.outcome is VerificationOutcome.CONFIRMED and "subsistence_allowance" in note.detail
        assert cited in note.detail_zh and not_cited not in note.detail_zh
        assert outcomes(report.findings, "civil_affairs")["REG-ID"] is VerificationOutcome.UNKNOWN


class TestReport:
    async def test_confirmed_by_identity_and_ended_contributions(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,,")
        await load(
            session,
            SourceName.SOCIAL_INSURANCE,
            f"{PERSON},employment_contribution,active,2018-01-01,{ON - timedelta(days=1)}",
        )
        await load(session, SourceName.BUSINESS_REGISTRATION, f"{OTHER},business_owner,active,,")
        await load(session, SourceName.CIVIL_AFFAIRS, f"{OTHER},death,active,,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert report.confirmed and not report.needs_home_visit and report.contradicted == []
        assert outcomes(report.findings, "declaration") == {
            "REG-ABLE": VerificationOutcome.UNKNOWN,
            "REG-WILLING": VerificationOutcome.UNKNOWN,
        }

    async def test_identity_alone_needs_a_visit(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,,")
        report = await verify_declaration(session, PERSON, DECLARED, on=ON, clause=GANSU)
        assert not report.confirmed and report.needs_home_visit

    async def test_sources_are_configurable(self, session: AsyncSession) -> None:
        class RemoteSource:
            """Stands in for an HTTP adapter of another agency's system."""

            name = "remote"

            async def check(
                self,
                session: AsyncSession,
                id_number: str,
                declaration: Declaration,
                *,
                on: date | None = None,
                clause: str = "",
                screening: str = "",
            ) -> list[VerificationFinding]:
                return [
                    VerificationFinding(
                        self.name, "REG-ID", VerificationOutcome.CONFIRMED, id_number, str(on)
                    ),
                    VerificationFinding(self.name, "REG-UNEMPLOYED", VerificationOutcome.CONFIRMED, "", ""),
                ]

        report = await verify_declaration(
            session, f" {PERSON.lower()} ", DECLARED, on=ON, sources=[RemoteSource()], clause=GANSU)
        assert report.confirmed
        assert report.findings[0].detail == PERSON and report.findings[0].detail_zh == ON.isoformat()


class TestReplaceReferenceData:
    async def test_replaces_only_that_source(self, session: AsyncSession) -> None:
        await load(
            session,
            SourceName.IDENTITY,
            f"{PERSON},resident_identity,active,,",
            f"{OTHER},resident_identity,active,,",
        )
        await load(session, SourceName.CIVIL_AFFAIRS, f"{OTHER},death,active,,")
        await load(session, SourceName.IDENTITY, f"{OTHER},social_security_card,active,,")
        rows = (
            await session.execute(
                select(ReferenceRecord.source, ReferenceRecord.id_number, ReferenceRecord.kind)
            )
        ).all()
        assert sorted(tuple(r) for r in rows) == [
            ("civil_affairs", OTHER, "death"),
            ("identity", OTHER, "social_security_card"),
        ]

    async def test_a_bad_file_changes_nothing(self, session: AsyncSession) -> None:
        await load(session, SourceName.IDENTITY, f"{PERSON},resident_identity,active,,")
        with pytest.raises(DomainError) as error:
            await load(
                session,
                SourceName.IDENTITY,
                f"{OTHER},resident_identity,active,,",
                "bad,resident_identity,active,,",
            )
        assert error.value.status == 422 and error.value.code == "reference_data.invalid_rows"
        assert [v.field for v in error.value.violations] == ["line 3.id_number"]
        ids = (await session.scalars(select(ReferenceRecord.id_number))).all()
        assert ids == [PERSON]

    async def test_problem_list_is_capped(self, session: AsyncSession) -> None:
        with pytest.raises(DomainError) as error:
            await load(
                session, SourceName.IDENTITY, *[f"x{i},resident_identity,active,," for i in range(150)]
            )
        assert len(error.value.violations) == 100
        assert "150 problem(s)" in error.value.detail and "前100个" in error.value.detail_zh


class TestHomeVisitTask:
    async def test_creates_one_open_task_per_registration(self, session: AsyncSession) -> None:
        registration_id, person_id = uuid.uuid4(), uuid.uuid4()
        first = await create_home_visit_task(session, registration_id, person_id, "440203", ON, "reason")
        again = await create_home_visit_task(session, registration_id, person_id, "440203", ON, "other")
        other = await create_home_visit_task(session, uuid.uuid4(), person_id, "440203", ON, "reason")
        assert first == again != other
        task = await session.get(HomeVisitTask, first)
        assert task is not None and (task.status, task.reason, task.due_on) == ("open", "reason", ON)


# ---------------------------------------------------------------------------------------------
# HTTP API



ADMIN = bearer("admin", "44", "admin-1")
CSV = {"Content-Type": "text/csv; charset=utf-8"}


async def audit_actions(database: Database, record_type: str) -> list[tuple[str, str | None, Any]]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(platform.audit_log.c.action, platform.audit_log.c.record_id, platform.audit_log.c.details)
            .where(platform.audit_log.c.record_type == record_type)
            .order_by(platform.audit_log.c.id)
        )
        return [tuple(r) for r in rows]


class TestReferenceDataApi:
    async def test_replace_and_summary(self, client: AsyncClient, database: Database) -> None:
        empty = await client.get("/api/v1/reference-data/social_insurance", headers=ADMIN)
        assert empty.status_code == 200 and empty.json()["loaded"] is False and empty.json()["row_count"] == 0
        content = csv_of(
            f"{PERSON},employment_contribution,active,2024-01-01,",
            f"{OTHER},employment_contribution,ended,2020-01-01,2021-01-01",
            f"{OTHER},pension,active,2021-01-02,",
        )
        put = await client.put(
            "/api/v1/reference-data/social_insurance", content=content, headers={**ADMIN, **CSV}
        )
        assert put.status_code == 200, put.text
        body = put.json()
        assert body["loaded"] is True and body["row_count"] == 3 and body["loaded_by"] == "admin-1"
        assert body["loaded_at"].endswith("+08:00")
        assert body["kinds"] == [
            {"kind": "employment_contribution", "status": "active", "count": 1},
            {"kind": "employment_contribution", "status": "ended", "count": 1},
            {"kind": "pension", "status": "active", "count": 1},
        ]
        got = await client.get("/api/v1/reference-data/social_insurance", headers=ADMIN)
        assert got.json() == body
        [(action, record_id, details)] = await audit_actions(database, "reference_data")
        assert (action, record_id, details["rows"]) == ("reference_data.replace", "social_insurance", 3)

    async def test_bad_rows_are_listed_and_nothing_is_replaced(self, client: AsyncClient) -> None:
        good = await client.put(
            "/api/v1/reference-data/identity",
            headers={**ADMIN, **CSV},
            content=csv_of(f"{PERSON},resident_identity,active,,"),
        )
        assert good.status_code == 200
        bad = await client.put(
            "/api/v1/reference-data/identity",
            headers={**ADMIN, **CSV},
            content=csv_of(
                f"{OTHER},resident_identity,active,,",
                f"{OTHER},death,active,,",
                f"{OTHER},resident_identity,maybe,,",
            ),
        )
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        problem = bad.json()
        assert problem["code"] == "reference_data.invalid_rows"
        assert [(v["rule"], v["field"]) for v in problem["violations"]] == [
            ("SCHEMA-CSV", "line 3.kind"),
            ("SCHEMA-CSV", "line 4.status"),
        ]
        assert "第3行" in problem["violations"][0]["message_zh"]
        after = await client.get("/api/v1/reference-data/identity", headers=ADMIN)
        assert after.json()["row_count"] == 1 and after.json()["batch_id"] == good.json()["batch_id"]

    async def test_unreadable_file_is_400(self, client: AsyncClient) -> None:
        response = await client.put(
            "/api/v1/reference-data/identity", headers={**ADMIN, **CSV}, content=b"name,phone\n"
        )
        assert response.status_code == 400 and response.json()["code"] == "reference_data.malformed"
        assert "id_number" in response.json()["detail"] and response.json()["detail_zh"]

    async def test_wrong_media_type_is_415(self, client: AsyncClient) -> None:
        response = await client.put(
            "/api/v1/reference-data/identity", headers=ADMIN, json={"id_number": PERSON}
        )
        assert response.status_code == 415 and response.json()["code"] == "request.unsupported_media_type"

    async def test_unknown_source_is_404(self, client: AsyncClient) -> None:
        response = await client.put(
            "/api/v1/reference-data/tax",
            headers={**ADMIN, **CSV},
            content=csv_of(f"{PERSON},resident_identity,active,,"),
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["caseworker", "reviewer", "citizen"])
    async def test_only_admin_and_system(self, client: AsyncClient, role: str) -> None:
        headers = {**bearer(role, "44"), **CSV}
        put = await client.put(
            "/api/v1/reference-data/identity",
            headers=headers,
            content=csv_of(f"{PERSON},resident_identity,active,,"),
        )
        assert put.status_code == 403
        assert (await client.get("/api/v1/reference-data/identity", headers=headers)).status_code == 403

    async def test_system_may_load_and_no_token_is_401(self, client: AsyncClient) -> None:
        ok = await client.put(
            "/api/v1/reference-data/civil_affairs",
            headers={**bearer("system", "44"), **CSV},
            content=csv_of(f"{PERSON},death,active,2026-01-01,"),
        )
        assert ok.status_code == 200
        assert (await client.get("/api/v1/reference-data/identity")).status_code == 401


async def make_task(database: Database, region: str, due_on: date = ON) -> uuid.UUID:
    async with database.transaction() as session:
        return await create_home_visit_task(
            session, uuid.uuid4(), uuid.uuid4(), region, due_on, "unconfirmed declaration / 无法核实"
        )


COMPLETION = {"outcome": "confirmed", "visited_on": "2026-11-20", "note": "在家，确认无业"}


class TestHomeVisitApi:
    async def test_caseworker_lists_open_tasks_of_their_region(
        self, client: AsyncClient, database: Database
    ) -> None:
        mine = [await make_task(database, "440203"), await make_task(database, "440203001")]
        await make_task(database, "440303")
        caseworker = bearer("caseworker", "440203", "cw-1")
        listed = await client.get("/api/v1/home-visit-tasks", headers=caseworker)
        assert listed.status_code == 200
        assert [item["id"] for item in listed.json()["items"]] == [str(t) for t in mine]
        assert listed.json()["next_cursor"] is None
        item = listed.json()["items"][0]
        assert item["status"] == "open" and item["overdue"] is True and item["created_at"].endswith("+08:00")

    async def test_pagination(self, client: AsyncClient, database: Database) -> None:
        tasks = [await make_task(database, "440204") for _ in range(3)]
        headers = bearer("caseworker", "440204")
        first = (await client.get("/api/v1/home-visit-tasks?limit=2", headers=headers)).json()
        second = (
            await client.get(
                f"/api/v1/home-visit-tasks?limit=2&cursor={first['next_cursor']}", headers=headers
            )
        ).json()
        assert [i["id"] for i in first["items"] + second["items"]] == [str(t) for t in tasks]
        assert second["next_cursor"] is None

    async def test_region_filter_must_be_inside_scope(self, client: AsyncClient, database: Database) -> None:
        await make_task(database, "440203")
        reviewer = bearer("reviewer", "44")
        narrowed = await client.get("/api/v1/home-visit-tasks?region=440203", headers=reviewer)
        assert narrowed.status_code == 200 and len(narrowed.json()["items"]) == 1
        assert (await client.get("/api/v1/home-visit-tasks?region=440303", headers=reviewer)).json()[
            "items"
        ] == []
        caseworker = bearer("caseworker", "440203")
        assert (
            await client.get("/api/v1/home-visit-tasks?region=440303", headers=caseworker)
        ).status_code == 403
        # 4403 is a city (T-REGION) outside the caller's county; five digits name no level at all.
        wider = await client.get("/api/v1/home-visit-tasks?region=4403", headers=caseworker)
        assert wider.status_code == 403 and wider.json()["code"] == "auth.region_out_of_scope"
        assert (
            await client.get("/api/v1/home-visit-tasks?region=44030", headers=caseworker)
        ).status_code == 422

    async def test_missing_and_out_of_scope_tasks_look_the_same(
        self, client: AsyncClient, database: Database
    ) -> None:
        other = await make_task(database, "440303")
        headers = bearer("caseworker", "440203")
        hidden = await client.get(f"/api/v1/home-visit-tasks/{other}", headers=headers)
        missing = await client.get(f"/api/v1/home-visit-tasks/{uuid.uuid4()}", headers=headers)
        assert hidden.status_code == missing.status_code == 403
        assert hidden.json()["detail"] == missing.json()["detail"]
        done = await client.post(
            f"/api/v1/home-visit-tasks/{other}/completion", json=COMPLETION, headers=headers
        )
        assert done.status_code == 403

    async def test_complete_once_audited(self, client: AsyncClient, database: Database) -> None:
        task = await make_task(database, "440203")
        headers = bearer("caseworker", "440203", "cw-7")
        body = {
            "outcome": "contradicted",
            "visited_on": "2026-11-20",
            "rules": ["REG-UNEMPLOYED"],
            "note": "已在工厂上班",
        }
        done = await client.post(f"/api/v1/home-visit-tasks/{task}/completion", json=body, headers=headers)
        assert done.status_code == 200, done.text
        result = done.json()
        assert (result["status"], result["outcome"], result["outcome_rules"], result["completed_by"]) == (
            "done",
            "contradicted",
            ["REG-UNEMPLOYED"],
            "cw-7",
        )
        assert result["overdue"] is False
        again = await client.post(
            f"/api/v1/home-visit-tasks/{task}/completion", json=COMPLETION, headers=headers
        )
        assert again.status_code == 409 and again.json()["code"] == "home_visit.already_done"
        assert [a[:2] for a in await audit_actions(database, "home_visit_task")] == [
            ("home_visit.complete", str(task))
        ]
        listed = await client.get("/api/v1/home-visit-tasks", headers=headers)
        assert listed.json()["items"] == []
        done_list = await client.get("/api/v1/home-visit-tasks?status=done", headers=headers)
        assert [i["id"] for i in done_list.json()["items"]] == [str(task)]

    async def test_idempotent_retry_replays(self, client: AsyncClient, database: Database) -> None:
        task = await make_task(database, "440203")
        headers = {**bearer("caseworker", "440203", "cw-8"), "Idempotency-Key": "visit-1"}
        first = await client.post(
            f"/api/v1/home-visit-tasks/{task}/completion", json=COMPLETION, headers=headers
        )
        second = await client.post(
            f"/api/v1/home-visit-tasks/{task}/completion", json=COMPLETION, headers=headers
        )
        assert first.status_code == second.status_code == 200
        assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"

    @pytest.mark.parametrize(
        "body",
        [
            {**COMPLETION, "outcome": "contradicted"},
            {**COMPLETION, "rules": ["REG-ABLE"]},
            {**COMPLETION, "visited_on": "2999-01-01"},
            {**COMPLETION, "note": ""},
            {**COMPLETION, "outcome": "maybe"},
            {**COMPLETION, "outcome": "contradicted", "rules": ["REG-AGE"]},
        ],
    )
    async def test_invalid_completion_is_422(
        self, client: AsyncClient, database: Database, body: dict[str, Any]
    ) -> None:
        task = await make_task(database, "440203")
        response = await client.post(
            f"/api/v1/home-visit-tasks/{task}/completion", json=body, headers=bearer("caseworker", "440203")
        )
        assert response.status_code == 422 and response.json()["violations"]

    @pytest.mark.parametrize("role", ["citizen", "system"])
    async def test_only_staff_complete(self, client: AsyncClient, database: Database, role: str) -> None:
        task = await make_task(database, "440203")
        response = await client.post(
            f"/api/v1/home-visit-tasks/{task}/completion", json=COMPLETION, headers=bearer(role, "440203")
        )
        assert response.status_code == 403
