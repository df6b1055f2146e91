"""LINE: followers (an unfollow stops reminders there) and push counts per day.

Revision ID: 0009_line
Revises: 0002
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_line"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_contacts",
        sa.Column("identity_id", sa.String(200), nullable=False),
        sa.Column(
            "person_id",
            sa.String(200),
            sa.ForeignKey("people.id", name="fk_line_contacts_person_id_people", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("identity_id", name="pk_line_contacts"),
    )
    op.create_index("ix_line_contacts_person_id", "line_contacts", ["person_id"])
    op.create_table(
        "line_push_counts",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "purpose", name="pk_line_push_counts"),
    )


def downgrade() -> None:
    op.drop_table("line_push_counts")
    op.drop_table("line_contacts")
