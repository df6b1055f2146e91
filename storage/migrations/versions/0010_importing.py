"""Import drafts: entries read from a 職務経歴書 / 履歴書, kept until the person confirms them.

Revision ID: 0010_importing
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_importing"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "import_drafts",
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("proposals", JSON, nullable=False),
        sa.Column("work", JSON, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_import_drafts_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_import_drafts"),
    )


def downgrade() -> None:
    op.drop_table("import_drafts")
