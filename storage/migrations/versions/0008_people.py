"""People across channels and the web chat: identities, link codes, web messages, links.

Revision ID: 0008_people
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_people"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _person(table: str) -> sa.Column[str]:
    return sa.Column(
        "person_id",
        sa.String(200),
        sa.ForeignKey("people.id", name=f"fk_{table}_person_id_people", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "identities",
        sa.Column("id", sa.String(200), nullable=False),
        _person("identities"),
        sa.Column("linked_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identities"),
    )
    op.create_index("ix_identities_person_id", "identities", ["person_id"])
    op.create_table(
        "link_codes",
        sa.Column("code", sa.String(6), nullable=False),
        _person("link_codes"),
        sa.Column("identity_id", sa.String(200), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_link_codes"),
    )
    op.create_index("ix_link_codes_person_id", "link_codes", ["person_id"])
    op.create_table(
        "link_attempts",
        sa.Column("identity_id", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("identity_id", name="pk_link_attempts"),
    )
    op.create_table(
        "web_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("identity_id", sa.String(200), nullable=False),
        _person("web_messages"),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_messages"),
    )
    op.create_index("ix_web_messages_identity_id", "web_messages", ["identity_id"])
    op.create_index("ix_web_messages_person_id", "web_messages", ["person_id"])
    op.create_table(
        "web_resume_codes",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("identity_id", sa.String(200), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("code_hash", name="pk_web_resume_codes"),
    )
    op.create_index("ix_web_resume_codes_identity_id", "web_resume_codes", ["identity_id"])
    op.create_table(
        "document_links",
        sa.Column("id", sa.String(40), nullable=False),
        _person("document_links"),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("uses_left", sa.Integer(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_document_links"),
    )
    op.create_index("ix_document_links_person_id", "document_links", ["person_id"])


def downgrade() -> None:
    for table in (
        "document_links",
        "web_resume_codes",
        "web_messages",
        "link_attempts",
        "link_codes",
        "identities",
    ):
        op.drop_table(table)
