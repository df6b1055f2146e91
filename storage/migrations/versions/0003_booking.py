"""Bookings: consultations with a counselor (never two in one slot) and their surveys.

Revision ID: 0003_booking
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_booking"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
HOLDS_SLOT = "status IN ('booked', 'held', 'no_show')"


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("counselor_id", sa.String(40), nullable=False),
        sa.Column("location_id", sa.String(40), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("jobcard", JSON, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ical_uid", sa.String(80), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("rescheduled_from", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'rescheduled', 'held', 'no_show')",
            name="ck_bookings_status",
        ),
        sa.CheckConstraint("mode IN ('in_person', 'online')", name="ck_bookings_mode"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_bookings_person_id_people", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rescheduled_from"],
            ["bookings.id"],
            name="fk_bookings_rescheduled_from_bookings",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
    )
    op.create_index(
        "uq_bookings_counselor_slot",
        "bookings",
        ["counselor_id", "starts_at"],
        unique=True,
        sqlite_where=sa.text(HOLDS_SLOT),
        postgresql_where=sa.text(HOLDS_SLOT),
    )
    op.create_index("ix_bookings_starts_at", "bookings", ["starts_at"])
    op.create_index("ix_bookings_person_id", "bookings", ["person_id"])
    op.create_table(
        "booking_surveys",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=True),
        sa.Column("heard_from", sa.String(40), nullable=True),
        sa.Column("satisfaction", sa.String(40), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name="fk_booking_surveys_booking_id_bookings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name="pk_booking_surveys"),
    )


def downgrade() -> None:
    op.drop_table("booking_surveys")
    op.drop_index("ix_bookings_person_id", table_name="bookings")
    op.drop_index("ix_bookings_starts_at", table_name="bookings")
    op.drop_index("uq_bookings_counselor_slot", table_name="bookings")
    op.drop_table("bookings")
