"""Notifications to a person with neither a phone nor an address are kept for the agency's window (channel
'window') instead of not being stored at all.

Revision ID: registration_0013
Revises: registration_0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "registration_0013"
down_revision: str | None = "registration_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "registration"


def upgrade() -> None:
    op.execute(f'ALTER TABLE "{SCHEMA}".notification DROP CONSTRAINT ck_notification_channel')
    op.execute(f'ALTER TABLE "{SCHEMA}".notification ADD CONSTRAINT ck_notification_channel '
               "CHECK (channel IN ('sms', 'wechat', 'letter', 'window'))")


def downgrade() -> None:
    op.execute(f"DELETE FROM \"{SCHEMA}\".notification WHERE channel = 'window'")
    op.execute(f'ALTER TABLE "{SCHEMA}".notification DROP CONSTRAINT ck_notification_channel')
    op.execute(f'ALTER TABLE "{SCHEMA}".notification ADD CONSTRAINT ck_notification_channel '
               "CHECK (channel IN ('sms', 'wechat', 'letter'))")
