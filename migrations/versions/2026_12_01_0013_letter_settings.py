"""Briefs as letters: each directorate's letter settings («بسمه‌تعالی», its name, copies) and each user's post for
the signature.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 04:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("invocation", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("directorate", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("copies", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["province_id"], ["provinces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("province_id"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post", sqlmodel.sql.sqltypes.AutoString(length=160), server_default="",
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("post")
    op.drop_table("letter_settings")
