"""Bookings: one booking number across reschedules, and who marked a consultation, when, why.

Revision ID: 0008_booking_marks
Revises: 0003_booking
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_booking_marks"
down_revision = "0003_booking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("marked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("marked_by", sa.String(80), nullable=True))
        batch.add_column(sa.Column("mark_reason", sa.Text(), nullable=True))
    op.create_index("ix_bookings_number", "bookings", ["number"])
    # Existing bookings keep the number people were told: their id, or their chain's first.
    bookings = sa.table(
        "bookings",
        sa.column("id", sa.Integer()),
        sa.column("number", sa.Integer()),
        sa.column("rescheduled_from", sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(bookings.c.id, bookings.c.rescheduled_from)).all()
    parent = {row.id: row.rescheduled_from for row in rows}
    for booking_id in sorted(parent):
        first = booking_id
        while parent.get(first) is not None:
            first = parent[first]
        connection.execute(
            bookings.update().where(bookings.c.id == booking_id).values(number=first)
        )


def downgrade() -> None:
    op.drop_index("ix_bookings_number", table_name="bookings")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("mark_reason")
        batch.drop_column("marked_by")
        batch.drop_column("marked_at")
        batch.drop_column("number")
