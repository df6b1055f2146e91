"""Counselor review: centres, staff accounts, sessions, submissions, versions, comments.

Revision ID: 0004_review
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_review"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def _submission_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["submission_id"],
        ["review_submissions.id"],
        name=f"fk_{table}_submission_id_review_submissions",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "review_centres",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_centres"),
        sa.UniqueConstraint("code", name="uq_review_centres_code"),
    )
    op.create_table(
        "review_staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", WHEN, nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["review_centres.id"], name="fk_review_staff_centre_id_review_centres"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_staff"),
        sa.UniqueConstraint("login", name="uq_review_staff_login"),
    )
    op.create_table(
        "review_web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["review_staff.id"],
            name="fk_review_web_sessions_staff_id_review_staff",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_review_web_sessions"),
    )
    op.create_index(
        "ix_review_web_sessions_expires_at", "review_web_sessions", ["expires_at"]
    )
    op.create_table(
        "review_submissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("approved_version", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_review_submissions_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["review_centres.id"],
            name="fk_review_submissions_centre_id_review_centres",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_submissions"),
        sa.UniqueConstraint("public_id", name="uq_review_submissions_public_id"),
    )
    op.create_index(
        "ix_review_submissions_centre_state", "review_submissions", ["centre_id", "state"]
    )
    op.create_index("ix_review_submissions_person_id", "review_submissions", ["person_id"])
    op.create_table(
        "review_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("card", JSON, nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _submission_fk("review_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_review_versions"),
        sa.UniqueConstraint(
            "submission_id", "number", name="uq_review_versions_submission_id"
        ),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _submission_fk("review_comments"),
        sa.ForeignKeyConstraint(
            ["author_id"], ["review_staff.id"], name="fk_review_comments_author_id_review_staff"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_comments"),
    )
    op.create_index(
        "ix_review_comments_submission_id", "review_comments", ["submission_id"]
    )
    op.create_table(
        "review_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(30), nullable=False),
        sa.Column("to_state", sa.String(30), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _submission_fk("review_transitions"),
        sa.PrimaryKeyConstraint("id", name="pk_review_transitions"),
    )
    op.create_index(
        "ix_review_transitions_submission_id", "review_transitions", ["submission_id"]
    )
    op.create_table(
        "review_consultant_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("staff_name", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _submission_fk("review_consultant_entries"),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["review_staff.id"],
            name="fk_review_consultant_entries_staff_id_review_staff",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_consultant_entries"),
    )
    op.create_index(
        "ix_review_consultant_entries_submission_id",
        "review_consultant_entries",
        ["submission_id"],
    )


def downgrade() -> None:
    op.drop_table("review_consultant_entries")
    op.drop_table("review_transitions")
    op.drop_table("review_comments")
    op.drop_table("review_versions")
    op.drop_table("review_submissions")
    op.drop_table("review_web_sessions")
    op.drop_table("review_staff")
    op.drop_table("review_centres")
