"""The web chat's page: a row holds the messages written together (a JSON array).

Each stored message becomes a row of its own messages array: ``[body]``. A message's id is
now its row's id times 64 plus its place in the row, so a page open during the upgrade
gets its messages again on its next poll for a card (a reload draws it as before).

Revision ID: 0011_web_message_runs
Revises: 0008_people
Create Date: 2026-12-01
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0011_web_message_runs"
down_revision = "0008_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Each message in a row of its own, as a one-message array."""
    op.execute("UPDATE web_messages SET body = '[' || body || ']'")


def downgrade() -> None:
    """One row a message again, in the same order (a removed message is left out)."""
    connection = op.get_bind()
    table = sa.table(
        "web_messages",
        sa.column("id", sa.Integer()),
        sa.column("identity_id", sa.String()),
        sa.column("person_id", sa.String()),
        sa.column("body", sa.String()),
        sa.column("image", sa.LargeBinary()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    connection.execute(sa.delete(table))
    number = 0
    for row in rows:
        for message in json.loads(row.body):
            if message is None:
                continue
            number += 1
            connection.execute(
                sa.insert(table).values(
                    id=number,
                    identity_id=row.identity_id,
                    person_id=row.person_id,
                    body=json.dumps(message, ensure_ascii=False),
                    image=row.image,
                    created_at=row.created_at,
                )
            )
    if connection.dialect.name == "postgresql" and number:
        op.execute(f"SELECT setval(pg_get_serial_sequence('web_messages', 'id'), {number})")
