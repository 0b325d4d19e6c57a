"""Budgets: funding sources (with the default six), budget lines and their append-only ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:09:03.371004
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

DEFAULT_SOURCES = [
    ("national", "اعتبارات ملی", "National credits"),
    ("provincial", "اعتبارات استانی", "Provincial credits"),
    ("mp", "اعتبار جذب‌شده توسط نماینده", "Credit secured by the MP"),
    ("directorate", "منابع داخلی اداره‌کل", "Directorate's own resources"),
    ("cooperative", "آورده تعاونی", "Cooperative contribution"),
    ("other", "سایر منابع", "Other"),
]


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    sources = op.create_table('funding_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name_fa', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name_fa')
    )
    op.bulk_insert(sources, [
        {"code": code, "name_fa": fa, "name_en": en, "position": position, "active": True}
        for position, (code, fa, en) in enumerate(DEFAULT_SOURCES)
    ])
    op.create_table('budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('approved', sa.BigInteger(), nullable=False),
    sa.Column('notified', sa.BigInteger(), nullable=False),
    sa.Column('allocated', sa.BigInteger(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['funding_sources.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'fiscal_year', 'source_id')
    )
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_lines_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_lines_source_id'), ['source_id'], unique=False)

    op.create_table('budget_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('figure', sa.Enum('approved', 'notified', 'allocated', 'spent', name='figure', native_enum=False, length=32), nullable=False),
    sa.Column('from_amount', sa.BigInteger(), nullable=False),
    sa.Column('to_amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('letter_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('letter_date', sa.Date(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['line_id'], ['budget_lines.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('line_id', 'version')
    )
    # The ledger is append-only: the database itself refuses to change or remove an entry.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION budget_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'budget entries are append-only'; END $$
        """)
        op.execute("""
            CREATE TRIGGER budget_entries_append_only BEFORE UPDATE OR DELETE ON budget_entries
            FOR EACH ROW EXECUTE FUNCTION budget_entries_append_only()
        """)
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER budget_entries_no_{event.lower()} BEFORE {event} ON budget_entries
                BEGIN SELECT RAISE(ABORT, 'budget entries are append-only'); END
            """)


def downgrade() -> None:
    op.drop_table('budget_entries')  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION budget_entries_append_only()")
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_lines_source_id'))
        batch_op.drop_index(batch_op.f('ix_budget_lines_fiscal_year'))

    op.drop_table('budget_lines')
    op.drop_table('funding_sources')
