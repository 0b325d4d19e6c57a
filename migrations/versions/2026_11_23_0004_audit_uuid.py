"""Audit events of records with client-made UUID ids (visits, decisions, photos): entity_uuid beside entity_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:44:41.441498
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entity_uuid', sa.Uuid(), nullable=True))
        batch_op.alter_column('entity_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_audit_events_entity_uuid'), ['entity_uuid'], unique=False)


def downgrade() -> None:
    # Events of UUID records have no whole-number id to keep; their tables go with the next downgrade.
    op.execute("DELETE FROM audit_events WHERE entity_id IS NULL")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_entity_uuid'))
        batch_op.alter_column('entity_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('entity_uuid')
