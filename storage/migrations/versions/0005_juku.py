"""Juku: いきいきキャリアプラン塾 cohorts, their four sessions, and memberships.

Revision ID: 0005_juku
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_juku"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "juku_cohorts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("season", sa.String(10), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "season IN ('spring', 'summer', 'autumn', 'winter')", name="ck_juku_cohorts_season"
        ),
        sa.CheckConstraint("mode IN ('in_person', 'online')", name="ck_juku_cohorts_mode"),
        sa.PrimaryKeyConstraint("id", name="pk_juku_cohorts"),
        sa.UniqueConstraint("code", name="uq_juku_cohorts_code"),
    )
    op.create_table(
        "juku_sessions",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("theme", sa.String(100), nullable=True),
        sa.CheckConstraint("number BETWEEN 1 AND 4", name="ck_juku_sessions_number"),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["juku_cohorts.id"],
            name="fk_juku_sessions_cohort_id_juku_cohorts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", "number", name="pk_juku_sessions"),
    )
    op.create_table(
        "juku_memberships",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(40), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_juku_memberships_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["juku_cohorts.id"],
            name="fk_juku_memberships_cohort_id_juku_cohorts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_juku_memberships"),
        sa.UniqueConstraint("person_id", name="uq_juku_memberships_person_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_juku_memberships_cohort_id", "juku_memberships", ["cohort_id"])


def downgrade() -> None:
    op.drop_index("ix_juku_memberships_cohort_id", table_name="juku_memberships")
    op.drop_table("juku_memberships")
    op.drop_table("juku_sessions")
    op.drop_table("juku_cohorts")
