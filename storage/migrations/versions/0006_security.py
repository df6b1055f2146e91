"""Dashboard security: password changes, two-factor login, recovery codes and the audit trail.

Revision ID: 0006_security
Revises: 0004_review
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_security"
down_revision = "0004_review"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)

# The audit trail is append-only: an UPDATE is refused by the database itself.
_SQLITE_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
"""
_POSTGRES_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
"""
_POSTGRES_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""


def upgrade() -> None:
    with op.batch_alter_table("review_staff") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch.add_column(sa.Column("password_changed_at", WHEN, nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("totp_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("review_web_sessions") as batch:
        batch.add_column(
            sa.Column("stage", sa.String(20), server_default="full", nullable=False)
        )
    op.create_table(
        "review_recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["review_staff.id"],
            name="fk_review_recovery_codes_staff_id_review_staff",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_recovery_codes"),
    )
    op.create_index(
        "ix_review_recovery_codes_staff_id", "review_recovery_codes", ["staff_id"]
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=True),
        sa.Column("object_type", sa.String(30), nullable=True),
        sa.Column("object_id", sa.String(100), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_person_id", "audit_log", ["person_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        op.execute(_POSTGRES_TRIGGER)
    else:
        op.execute(_SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_table("review_recovery_codes")
    with op.batch_alter_table("review_web_sessions") as batch:
        batch.drop_column("stage")
    with op.batch_alter_table("review_staff") as batch:
        for column in (
            "totp_last_step",
            "totp_enabled",
            "totp_secret",
            "password_changed_at",
            "must_change_password",
        ):
            batch.drop_column(column)
