"""The archive of issued status briefs: file, number, subject, who generated it, for whom, when, content hash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:45:25.189591
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('briefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('project', 'constituency', name='briefkind', native_enum=False, length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('constituency_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('for_whom', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('generated_by', sa.Integer(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_path', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.CheckConstraint('(project_id IS NULL) <> (constituency_id IS NULL)', name='brief_one_subject'),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], ),
    sa.ForeignKeyConstraint(['generated_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('province_id', 'year', 'sequence')
    )
    with op.batch_alter_table('briefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefs_constituency_id'), ['constituency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_briefs_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('briefs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefs_project_id'))
        batch_op.drop_index(batch_op.f('ix_briefs_constituency_id'))

    op.drop_table('briefs')
