"""Alembic operations shared by the services' first revisions; frozen once released (add a v2, never edit)."""

from __future__ import annotations

from alembic import op
from sqlalchemy import MetaData

from shared.platform_tables import define_platform_tables


def create_platform_tables_v1(schema: str) -> None:
    """Creates the platform tables in a schema and makes the audit log append-only."""
    metadata = MetaData(schema=schema)
    tables = define_platform_tables(metadata)
    bind = op.get_bind()
    for table in (tables.outbox, tables.processed_event, tables.audit_log, tables.idempotency_key,
                  tables.calendar_year):
        table.create(bind)
    op.execute(
        f"""
        CREATE FUNCTION "{schema}".audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only';
        END $$;
        """
    )
    op.execute(
        f'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "{schema}".audit_log '
        f'FOR EACH ROW EXECUTE FUNCTION "{schema}".audit_log_append_only()'
    )


def drop_platform_tables_v1(schema: str) -> None:
    """Drops what create_platform_tables_v1 created."""
    for name in ("calendar_year", "idempotency_key", "audit_log", "processed_event", "outbox_event"):
        op.execute(f'DROP TABLE IF EXISTS "{schema}".{name} CASCADE')
    op.execute(f'DROP FUNCTION IF EXISTS "{schema}".audit_log_append_only()')
