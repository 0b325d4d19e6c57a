"""Imports from Excel: the uploaded workbooks and each user's remembered column mapping per kind; projects get
their name folded as Persian is typed (name_key, indexed), so that a duplicate name is found by an index lookup
rather than a scan of every project per row of a file.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 01:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

# The same folding the projects service applies (a pure function of the name); used once, to fill name_key.
from tracker.core.persian import normalize_search

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), server_default="",
                                      nullable=False))
    projects = sa.table("projects", sa.column("id", sa.Integer), sa.column("name", sa.String),
                        sa.column("name_key", sa.String))
    connection = op.get_bind()
    for project_id, name in connection.execute(sa.select(projects.c.id, projects.c.name)).all():
        connection.execute(projects.update().where(projects.c.id == project_id)
                           .values(name_key=normalize_search(name)[:200]))
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_name_key"), ["name_key"], unique=False)
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("projects", "budget", name="importkind", native_enum=False, length=32),
                  nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("sheet", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=True),
        sa.Column("state", sa.Enum("uploaded", "mapped", "imported", name="importstate", native_enum=False,
                                   length=32), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_user_id"), ["user_id"], unique=False)
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("projects", "budget", name="importkind", native_enum=False, length=32),
                  nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("import_mappings")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imports_user_id"))
    op.drop_table("imports")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_name_key"))
        batch_op.drop_column("name_key")
