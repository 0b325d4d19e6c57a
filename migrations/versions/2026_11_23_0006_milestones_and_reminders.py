"""Milestones and reminders: milestones, the register of deadlines, reminders, notices, email deliveries,
the reminder settings (prefilled with the defaults) and public holidays (prefilled with the fixed solar ones);
users get an email opt-out and a calendar-feed token.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:46:40.890710
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import sqlmodel

# A copy, not an import: a migration must not change when the code it was written against does.
FIXED_SOLAR_HOLIDAYS = [
    (1, 1, "نوروز"), (1, 2, "نوروز"), (1, 3, "نوروز"), (1, 4, "نوروز"),
    (1, 12, "روز جمهوری اسلامی"), (1, 13, "روز طبیعت"),
    (3, 14, "رحلت امام خمینی"), (3, 15, "قیام ۱۵ خرداد"),
    (11, 22, "پیروزی انقلاب اسلامی"), (12, 29, "روز ملی شدن صنعت نفت"),
]


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    holidays = op.create_table('holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year', 'month', 'day')
    )
    settings = op.create_table('reminder_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('before_days', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('overdue_every', sa.Integer(), nullable=False),
    sa.Column('escalate_after', sa.Integer(), nullable=False),
    sa.Column('days_off', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('milestone', 'decision', 'commitment', name='deadlinekind', native_enum=False, length=32), nullable=False),
    sa.Column('item_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('responsible_agency_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('open', 'done', 'dropped', name='deadlinestate', native_enum=False, length=32), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('next_fire_on', sa.Date(), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.ForeignKeyConstraint(['responsible_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'item_id')
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadlines_next_fire_on'), ['next_fire_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadlines_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_deadlines_province_state_due', ['province_id', 'state', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadlines_responsible_user_id'), ['responsible_user_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('responsible_user_id', sa.Integer(), nullable=True),
    sa.Column('responsible_agency_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'met', 'dropped', name='milestonestate', native_enum=False, length=32), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=True),
    sa.Column('reminder_rule', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state <> 'met') OR (met_on IS NOT NULL)", name='milestone_met_has_date'),
    sa.CheckConstraint('(responsible_user_id IS NULL) OR (responsible_agency_id IS NULL)', name='milestone_one_responsible'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['responsible_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['responsible_user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_project_id'), ['project_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('occurs_on', sa.Date(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deadline_id', 'offset_days', 'occurs_on', name='uq_reminders_occurrence')
    )
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sending', 'sent', 'failed', name='deliverystate', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('transport', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id'),
    sa.UniqueConstraint('reminder_id', 'user_id', 'channel')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_state_next_attempt', ['state', 'next_attempt_at'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reminder_id', 'user_id')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('calendar_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_calendar_token'), ['calendar_token'], unique=True)

    op.bulk_insert(settings, [{"id": 1, "before_days": "14,7,1,0", "overdue_every": 7, "escalate_after": 7,
                               "days_off": "4", "updated_at": datetime.now(UTC)}])
    op.bulk_insert(holidays, [{"year": 0, "month": month, "day": day, "name": name}
                              for month, day, name in FIXED_SOLAR_HOLIDAYS])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_calendar_token'))
        batch_op.drop_column('calendar_token')
        batch_op.drop_column('email_opt_out')

    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_user_unread')

    op.drop_table('notices')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_state_next_attempt')

    op.drop_table('deliveries')
    op.drop_table('reminders')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_project_id'))

    op.drop_table('milestones')
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadlines_responsible_user_id'))
        batch_op.drop_index('ix_deadlines_province_state_due')
        batch_op.drop_index(batch_op.f('ix_deadlines_project_id'))
        batch_op.drop_index(batch_op.f('ix_deadlines_next_fire_on'))

    op.drop_table('deadlines')
    op.drop_table('reminder_settings')
    op.drop_table('holidays')
