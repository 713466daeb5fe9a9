"""Skill-subsidy catalogue as data (versions by effective date), claims and objections, startup loans and their
interest-subsidy periods, payment batches and items (PAY-ONCE as unique partial indexes).

The DDL is literal, so later model edits cannot rewrite this revision. The catalogue's first version is the
six-occupation sample that shipped as subsidy_svc/skill_subsidy/catalogue.toml, copied here as rows; the
province's admin replaces it from the published xlsx (PUT /api/v1/skill-subsidy/catalogue/versions/{date}).

Revision ID: subsidy_0003
Revises: subsidy_0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "subsidy_0003"
down_revision: str | None = "subsidy_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "subsidy"

SAMPLE_EFFECTIVE_FROM = "2024-01-01"
SAMPLE_NAME = "职业技能提升培训补贴目录（示例） / Skills-upgrade training subsidy catalogue (sample)"
SAMPLE_SOURCE = "001 §三(一); rules.md Skills-upgrade training subsidy (levels 5->1: 1000/1500/2000/2500/3000 yuan)"
# (occupation_code, level, occupation_name, occupation_name_zh, amount_fen, source)
SAMPLE_ENTRIES: tuple[tuple[str, int, str, str, int, str], ...] = (
    ('4-03-02-01', 1, 'Chinese cuisine cook', '中式烹调师', 300000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-01', 2, 'Chinese cuisine cook', '中式烹调师', 250000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-01', 3, 'Chinese cuisine cook', '中式烹调师', 200000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-01', 4, 'Chinese cuisine cook', '中式烹调师', 150000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-01', 5, 'Chinese cuisine cook', '中式烹调师', 100000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-02', 1, 'Chinese pastry cook', '中式面点师', 300000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-02', 2, 'Chinese pastry cook', '中式面点师', 250000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-02', 3, 'Chinese pastry cook', '中式面点师', 200000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-02', 4, 'Chinese pastry cook', '中式面点师', 150000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-03-02-02', 5, 'Chinese pastry cook', '中式面点师', 100000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-05', 1, 'Elderly care worker', '养老护理员', 300000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-05', 2, 'Elderly care worker', '养老护理员', 250000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-05', 3, 'Elderly care worker', '养老护理员', 200000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-05', 4, 'Elderly care worker', '养老护理员', 150000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-05', 5, 'Elderly care worker', '养老护理员', 100000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('4-10-01-02', 3, 'Infant care worker', '育婴员', 200000, 'sample entry (verify against the provincial catalogue); levels 5-3 only; amounts: rules.md defaults'),
    ('4-10-01-02', 4, 'Infant care worker', '育婴员', 150000, 'sample entry (verify against the provincial catalogue); levels 5-3 only; amounts: rules.md defaults'),
    ('4-10-01-02', 5, 'Infant care worker', '育婴员', 100000, 'sample entry (verify against the provincial catalogue); levels 5-3 only; amounts: rules.md defaults'),
    ('6-31-01-03', 1, 'Electrician', '电工', 300000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-31-01-03', 2, 'Electrician', '电工', 250000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-31-01-03', 3, 'Electrician', '电工', 200000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-31-01-03', 4, 'Electrician', '电工', 150000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-31-01-03', 5, 'Electrician', '电工', 100000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-18-02-04', 1, 'Welder', '焊工', 300000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-18-02-04', 2, 'Welder', '焊工', 250000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-18-02-04', 3, 'Welder', '焊工', 200000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-18-02-04', 4, 'Welder', '焊工', 150000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
    ('6-18-02-04', 5, 'Welder', '焊工', 100000, 'sample entry (verify against the provincial catalogue); amounts: rules.md defaults'),
)


def upgrade() -> None:
    op.execute('CREATE TABLE subsidy.catalogue_version (\n\teffective_from DATE NOT NULL, \n\tname TEXT NOT NULL, \n\tsource TEXT NOT NULL, \n\tloaded_by VARCHAR(128) NOT NULL, \n\tloaded_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, \n\tCONSTRAINT pk_catalogue_version PRIMARY KEY (effective_from)\n)')
    op.execute('CREATE TABLE subsidy.catalogue_entry (\n\teffective_from DATE NOT NULL, \n\toccupation_code VARCHAR(16) NOT NULL, \n\tlevel SMALLINT NOT NULL, \n\toccupation_name TEXT NOT NULL, \n\toccupation_name_zh TEXT NOT NULL, \n\tamount_fen INTEGER NOT NULL, \n\tsource TEXT NOT NULL, \n\tCONSTRAINT pk_catalogue_entry PRIMARY KEY (effective_from, occupation_code, level), \n\tCONSTRAINT ck_catalogue_entry_level CHECK (level BETWEEN 1 AND 5), \n\tCONSTRAINT ck_catalogue_entry_amount_positive CHECK (amount_fen > 0), \n\tCONSTRAINT fk_catalogue_entry_effective_from_catalogue_version FOREIGN KEY(effective_from) REFERENCES subsidy.catalogue_version (effective_from) ON DELETE CASCADE\n)')
    op.execute("CREATE TABLE subsidy.skill_claim (\n\tid UUID NOT NULL, \n\tperson_id UUID NOT NULL, \n\tid_type VARCHAR(32) NOT NULL, \n\tid_number VARCHAR(32) NOT NULL, \n\tapplicant_name VARCHAR(100) NOT NULL, \n\tphone VARCHAR(32), \n\tcertificate_number VARCHAR(64) NOT NULL, \n\toccupation_code VARCHAR(16) NOT NULL, \n\tlevel SMALLINT NOT NULL, \n\tissued_on DATE NOT NULL, \n\tapplied_on DATE NOT NULL, \n\tplace_basis VARCHAR(16) NOT NULL, \n\tagency_region_code VARCHAR(9) NOT NULL, \n\tbank_name VARCHAR(100) NOT NULL, \n\taccount_number VARCHAR(40) NOT NULL, \n\taccount_name VARCHAR(100) NOT NULL, \n\tcatalogue_effective_from DATE NOT NULL, \n\tsubsidy_fen INTEGER NOT NULL, \n\tliving_allowance_requested BOOLEAN NOT NULL, \n\tliving_allowance_group VARCHAR(32), \n\tliving_allowance_granted BOOLEAN NOT NULL, \n\tliving_allowance_fen INTEGER NOT NULL, \n\tliving_allowance_rule VARCHAR(32) NOT NULL, \n\tliving_allowance_reason TEXT NOT NULL, \n\tliving_allowance_reason_zh TEXT NOT NULL, \n\tallowance_year SMALLINT NOT NULL, \n\tstatus VARCHAR(20) NOT NULL, \n\treview_due DATE NOT NULL, \n\treviewed_on DATE, \n\treview_decision VARCHAR(8), \n\treview_reason TEXT, \n\treviewed_by VARCHAR(128), \n\tnotice_start DATE, \n\tnotice_end DATE, \n\tpayment_due DATE, \n\tpaid_on DATE, \n\treview_overdue_flagged_on DATE, \n\tpayment_overdue_flagged_on DATE, \n\tfiled_by VARCHAR(128) NOT NULL, \n\tcreated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, \n\tCONSTRAINT pk_skill_claim PRIMARY KEY (id), \n\tCONSTRAINT ck_skill_claim_status CHECK (status IN ('received', 'in_public_notice', 'rejected', 'payable', 'paid')), \n\tCONSTRAINT ck_skill_claim_level CHECK (level BETWEEN 1 AND 5), \n\tCONSTRAINT ck_skill_claim_amounts CHECK (subsidy_fen > 0 AND living_allowance_fen >= 0), \n\tCONSTRAINT ck_skill_claim_allowance_amount CHECK (living_allowance_granted = (living_allowance_fen > 0)), \n\tCONSTRAINT ck_skill_claim_reviewed_before_notice CHECK ((status IN ('received', 'rejected')) OR (reviewed_on IS NOT NULL AND notice_end IS NOT NULL))\n)")
    op.execute('CREATE INDEX ix_skill_claim_created ON subsidy.skill_claim (created_at, id)')
    op.execute('CREATE INDEX ix_skill_claim_region_status ON subsidy.skill_claim (agency_region_code, status)')
    op.execute("CREATE UNIQUE INDEX uq_skill_claim_allowance_year ON subsidy.skill_claim (person_id, allowance_year) WHERE living_allowance_granted AND status <> 'rejected'")
    op.execute("CREATE UNIQUE INDEX uq_skill_claim_certificate_live ON subsidy.skill_claim (certificate_number) WHERE status <> 'rejected'")
    op.execute("CREATE TABLE subsidy.claim_objection (\n\tid UUID NOT NULL, \n\tclaim_id UUID NOT NULL, \n\treceived_on DATE NOT NULL, \n\tcontent TEXT NOT NULL, \n\tstatus VARCHAR(16) NOT NULL, \n\tdecided_on DATE, \n\tdecision_reason TEXT, \n\trecorded_by VARCHAR(128) NOT NULL, \n\tcreated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, \n\tCONSTRAINT pk_claim_objection PRIMARY KEY (id), \n\tCONSTRAINT ck_claim_objection_status CHECK (status IN ('pending', 'upheld', 'dismissed')), \n\tCONSTRAINT ck_claim_objection_decided CHECK ((status = 'pending') = (decided_on IS NULL)), \n\tCONSTRAINT fk_claim_objection_claim_id_skill_claim FOREIGN KEY(claim_id) REFERENCES subsidy.skill_claim (id) ON DELETE CASCADE\n)")
    op.execute('CREATE INDEX ix_subsidy_claim_objection_claim_id ON subsidy.claim_objection (claim_id)')
    op.execute("CREATE TABLE subsidy.startup_loan (\n\tid UUID NOT NULL, \n\tborrower_type VARCHAR(16) NOT NULL, \n\tperson_id UUID, \n\tcredit_code VARCHAR(18), \n\tborrower JSONB NOT NULL, \n\tlender_name VARCHAR(100) NOT NULL, \n\tlender_account VARCHAR(40) NOT NULL, \n\tcontract_number VARCHAR(64) NOT NULL, \n\tagency_region_code VARCHAR(9) NOT NULL, \n\tprincipal_fen BIGINT NOT NULL, \n\tannual_rate_bp INTEGER NOT NULL, \n\tlpr_bp INTEGER NOT NULL, \n\tstart_date DATE NOT NULL, \n\tterm_months SMALLINT NOT NULL, \n\tsubsidy_period VARCHAR(16) NOT NULL, \n\trounding TEXT NOT NULL, \n\tpolicy_pack VARCHAR(64) NOT NULL, \n\trepaid_on DATE, \n\tcreated_by VARCHAR(128) NOT NULL, \n\tcreated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, \n\tCONSTRAINT pk_startup_loan PRIMARY KEY (id), \n\tCONSTRAINT ck_startup_loan_borrower_type CHECK (borrower_type IN ('individual', 'enterprise')), \n\tCONSTRAINT ck_startup_loan_subsidy_period CHECK (subsidy_period IN ('monthly', 'quarterly')), \n\tCONSTRAINT ck_startup_loan_borrower_id CHECK ((borrower_type = 'individual') = (person_id IS NOT NULL AND credit_code IS NULL)), \n\tCONSTRAINT ck_startup_loan_terms CHECK (principal_fen > 0 AND term_months > 0 AND annual_rate_bp >= 0), \n\tCONSTRAINT uq_startup_loan_contract_number UNIQUE (contract_number)\n)")
    op.execute('CREATE INDEX ix_startup_loan_created ON subsidy.startup_loan (created_at, id)')
    op.execute("CREATE TABLE subsidy.loan_subsidy_period (\n\tid UUID NOT NULL, \n\tloan_id UUID NOT NULL, \n\tnumber SMALLINT NOT NULL, \n\tagency_region_code VARCHAR(9) NOT NULL, \n\tperiod_start DATE NOT NULL, \n\tdue_on DATE NOT NULL, \n\tdays SMALLINT NOT NULL, \n\tprincipal_outstanding_fen BIGINT NOT NULL, \n\tinterest_fen BIGINT NOT NULL, \n\tsubsidy_fen BIGINT NOT NULL, \n\tstatus VARCHAR(16) NOT NULL, \n\tCONSTRAINT pk_loan_subsidy_period PRIMARY KEY (id), \n\tCONSTRAINT ck_loan_subsidy_period_status CHECK (status IN ('scheduled', 'paid', 'cancelled')), \n\tCONSTRAINT ck_loan_subsidy_period_amounts CHECK (interest_fen >= 0 AND subsidy_fen >= 0 AND subsidy_fen <= interest_fen), \n\tCONSTRAINT uq_loan_subsidy_period_loan_id_number UNIQUE (loan_id, number), \n\tCONSTRAINT fk_loan_subsidy_period_loan_id_startup_loan FOREIGN KEY(loan_id) REFERENCES subsidy.startup_loan (id) ON DELETE CASCADE\n)")
    op.execute('CREATE INDEX ix_loan_subsidy_period_region_due ON subsidy.loan_subsidy_period (agency_region_code, due_on)')
    op.execute("CREATE TABLE subsidy.payment_batch (\n\tid UUID NOT NULL, \n\tkind VARCHAR(32) NOT NULL, \n\tregion VARCHAR(9) NOT NULL, \n\tas_of DATE NOT NULL, \n\titem_count INTEGER NOT NULL, \n\ttotal_fen BIGINT NOT NULL, \n\tcreated_by VARCHAR(128) NOT NULL, \n\tcreated_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL, \n\tCONSTRAINT pk_payment_batch PRIMARY KEY (id), \n\tCONSTRAINT ck_payment_batch_kind CHECK (kind IN ('skill_subsidy', 'loan_interest_subsidy')), \n\tCONSTRAINT ck_payment_batch_totals CHECK (total_fen >= 0 AND item_count >= 0)\n)")
    op.execute('CREATE INDEX ix_payment_batch_created ON subsidy.payment_batch (created_at, id)')
    op.execute("CREATE TABLE subsidy.payment_item (\n\tid UUID NOT NULL, \n\tbatch_id UUID NOT NULL, \n\tseq INTEGER NOT NULL, \n\tclaim_id UUID, \n\tperiod_id UUID, \n\tregion VARCHAR(9) NOT NULL, \n\tamount_fen BIGINT NOT NULL, \n\tpayee_name VARCHAR(100) NOT NULL, \n\tpayee_account VARCHAR(40) NOT NULL, \n\tpayee_bank VARCHAR(100) NOT NULL, \n\tstatus VARCHAR(8) NOT NULL, \n\tpaid_on DATE, \n\tbank_reference VARCHAR(64), \n\tfailure_reason TEXT, \n\tresult_at TIMESTAMP WITH TIME ZONE, \n\tCONSTRAINT pk_payment_item PRIMARY KEY (id), \n\tCONSTRAINT ck_payment_item_status CHECK (status IN ('sent', 'paid', 'failed')), \n\tCONSTRAINT ck_payment_item_one_target CHECK ((claim_id IS NULL) <> (period_id IS NULL)), \n\tCONSTRAINT ck_payment_item_amount_positive CHECK (amount_fen > 0), \n\tCONSTRAINT ck_payment_item_paid_has_date CHECK ((status = 'paid') = (paid_on IS NOT NULL)), \n\tCONSTRAINT fk_payment_item_batch_id_payment_batch FOREIGN KEY(batch_id) REFERENCES subsidy.payment_batch (id), \n\tCONSTRAINT fk_payment_item_claim_id_skill_claim FOREIGN KEY(claim_id) REFERENCES subsidy.skill_claim (id), \n\tCONSTRAINT fk_payment_item_period_id_loan_subsidy_period FOREIGN KEY(period_id) REFERENCES subsidy.loan_subsidy_period (id)\n)")
    op.execute('CREATE INDEX ix_payment_item_batch ON subsidy.payment_item (batch_id, seq)')
    op.execute("CREATE UNIQUE INDEX uq_payment_item_claim_live ON subsidy.payment_item (claim_id) WHERE claim_id IS NOT NULL AND status <> 'failed'")
    op.execute("CREATE UNIQUE INDEX uq_payment_item_period_live ON subsidy.payment_item (period_id) WHERE period_id IS NOT NULL AND status <> 'failed'")
    op.execute(
        sa.text(
            "INSERT INTO subsidy.catalogue_version (effective_from, name, source, loaded_by) "
            "VALUES (CAST(:effective_from AS DATE), :name, :source, 'migration subsidy_0003')"
        ).bindparams(effective_from=SAMPLE_EFFECTIVE_FROM, name=SAMPLE_NAME, source=SAMPLE_SOURCE)
    )
    for code, level, name, name_zh, amount_fen, source in SAMPLE_ENTRIES:
        op.execute(
            sa.text(
                "INSERT INTO subsidy.catalogue_entry (effective_from, occupation_code, level, occupation_name, "
                "occupation_name_zh, amount_fen, source) VALUES (CAST(:effective_from AS DATE), :code, :level, "
                ":name, :name_zh, :amount_fen, :source)"
            ).bindparams(effective_from=SAMPLE_EFFECTIVE_FROM, code=code, level=level, name=name,
                         name_zh=name_zh, amount_fen=amount_fen, source=source)
        )


def downgrade() -> None:
    for name in ("payment_item", "payment_batch", "loan_subsidy_period", "startup_loan", "claim_objection",
                 "skill_claim", "catalogue_entry", "catalogue_version"):
        op.execute(f'DROP TABLE IF EXISTS "{SCHEMA}".{name} CASCADE')
