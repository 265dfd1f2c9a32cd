"""Keep ID numbers only as keyed hash and masked form; add sessions, failure counts, channel memory."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.rules.idnumber import mask_id

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Replace the plain ID number by its masked form and create the new tables."""
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("id_masked", sa.String(18), nullable=True))
    applications = sa.table("applications", sa.column("application_no", sa.String),
                            sa.column("id_number", sa.String), sa.column("id_masked", sa.String))
    connection = op.get_bind()
    for no, number in connection.execute(sa.select(applications.c.application_no, applications.c.id_number)).all():
        connection.execute(applications.update().where(applications.c.application_no == no)
                           .values(id_masked=mask_id(number)))
    with op.batch_alter_table("applications") as batch:
        batch.alter_column("id_masked", existing_type=sa.String(18), nullable=False)
        batch.drop_column("id_number")
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_sessions_username", "staff_sessions", ["username"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(160), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_failures_subject", "failures", ["purpose", "scope", "subject", "at"])
    op.create_table(
        "channel_replies",
        sa.Column("message_key", sa.String(160), primary_key=True),
        sa.Column("reply", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_channel_replies_received_at", "channel_replies", ["received_at"])
    op.create_table(
        "channel_options",
        sa.Column("user_key", sa.String(160), primary_key=True),
        sa.Column("payloads", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
