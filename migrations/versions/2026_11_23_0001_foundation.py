"""Foundation: places, agencies, facilities, projects, partners, users, audit; the 31 provinces.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 17:39:00.849042
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

PROVINCES = [
    ("east-azerbaijan", "آذربایجان شرقی", "East Azerbaijan"),
    ("west-azerbaijan", "آذربایجان غربی", "West Azerbaijan"),
    ("ardabil", "اردبیل", "Ardabil"),
    ("isfahan", "اصفهان", "Isfahan"),
    ("alborz", "البرز", "Alborz"),
    ("ilam", "ایلام", "Ilam"),
    ("bushehr", "بوشهر", "Bushehr"),
    ("tehran", "تهران", "Tehran"),
    ("chaharmahal-bakhtiari", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari"),
    ("south-khorasan", "خراسان جنوبی", "South Khorasan"),
    ("razavi-khorasan", "خراسان رضوی", "Razavi Khorasan"),
    ("north-khorasan", "خراسان شمالی", "North Khorasan"),
    ("khuzestan", "خوزستان", "Khuzestan"),
    ("zanjan", "زنجان", "Zanjan"),
    ("semnan", "سمنان", "Semnan"),
    ("sistan-baluchestan", "سیستان و بلوچستان", "Sistan and Baluchestan"),
    ("fars", "فارس", "Fars"),
    ("qazvin", "قزوین", "Qazvin"),
    ("qom", "قم", "Qom"),
    ("kurdistan", "کردستان", "Kurdistan"),
    ("kerman", "کرمان", "Kerman"),
    ("kermanshah", "کرمانشاه", "Kermanshah"),
    ("kohgiluyeh-boyer-ahmad", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad"),
    ("golestan", "گلستان", "Golestan"),
    ("gilan", "گیلان", "Gilan"),
    ("lorestan", "لرستان", "Lorestan"),
    ("mazandaran", "مازندران", "Mazandaran"),
    ("markazi", "مرکزی", "Markazi"),
    ("hormozgan", "هرمزگان", "Hormozgan"),
    ("hamadan", "همدان", "Hamadan"),
    ("yazd", "یزد", "Yazd"),
]


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Persian alphabetical order (پ چ ژ گ in their places); SQLite registers the same name in Python.
        op.execute("CREATE COLLATION IF NOT EXISTS persian (provider = icu, locale = 'fa-IR')")
    provinces = op.create_table('provinces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name_fa', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name_en'),
    sa.UniqueConstraint('name_fa')
    )
    op.bulk_insert(provinces, [{"code": c, "name_fa": fa, "name_en": en} for c, fa, en in PROVINCES])
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.Enum('governorate', 'planning_organization', 'mp_office', 'directorate', 'county_office', 'cooperative', 'contractor', 'municipality', 'other', name='agencykind', native_enum=False, length=32), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agencies_province_id'), ['province_id'], unique=False)

    op.create_table('constituencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('mp_name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('constituencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_constituencies_province_id'), ['province_id'], unique=False)

    op.create_table('counties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=True),
    sa.Column('name_fa', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('province_id', 'name_fa')
    )
    with op.batch_alter_table('counties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counties_constituency_id'), ['constituency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counties_province_id'), ['province_id'], unique=False)

    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.Enum('pool', 'sports_complex', 'training_centre', 'guest_house', 'other', name='facilitykind', native_enum=False, length=32), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('county_id', 'name')
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilities_county_id'), ['county_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'director', 'budget_officer', 'staff', 'viewer', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_province_id'), ['province_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=220), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in_progress', 'suspended', 'completed', 'cancelled', name='projectstatus', native_enum=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('physical_progress', sa.Integer(), nullable=True),
    sa.Column('agreement', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('strategy', sa.Enum('culture', 'inter_agency', 'networks', 'incentives', 'markets', 'supervision', 'human_resources', name='strategy', native_enum=False, length=32), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('is_sample', sa.Boolean(), nullable=False),
    sa.Column('search_text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], ),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['provinces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_updated_at'), ['updated_at'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_project_id'), ['project_id'], unique=False)

    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('party_to_agreement', 'funder', 'executor', 'contractor', 'supervisor', 'other', name='partnerrole', native_enum=False, length=32), nullable=False),
    sa.Column('commitment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'kept', 'dropped', name='commitmentstate', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'agency_id', 'role')
    )
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partners_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partners_project_id'), ['project_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partners_project_id'))
        batch_op.drop_index(batch_op.f('ix_partners_agency_id'))

    op.drop_table('partners')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_project_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_updated_at'))
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_province_id'))
        batch_op.drop_index(batch_op.f('ix_projects_facility_id'))
        batch_op.drop_index(batch_op.f('ix_projects_county_id'))

    op.drop_table('projects')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_province_id'))

    op.drop_table('users')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilities_county_id'))

    op.drop_table('facilities')
    with op.batch_alter_table('counties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counties_province_id'))
        batch_op.drop_index(batch_op.f('ix_counties_constituency_id'))

    op.drop_table('counties')
    with op.batch_alter_table('constituencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_constituencies_province_id'))

    op.drop_table('constituencies')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_province_id'))

    op.drop_table('agencies')
    op.drop_table('provinces')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP COLLATION IF EXISTS persian")
