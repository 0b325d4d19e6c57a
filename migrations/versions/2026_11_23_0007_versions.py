"""Versions: projects, partners, milestones, visits, meetings and decisions count their changes, so that a save
from a stale form is refused instead of overwriting someone else's change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 20:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ("projects", "partners", "milestones", "visits", "meetings", "decisions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
