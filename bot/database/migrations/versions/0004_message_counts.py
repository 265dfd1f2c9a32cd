"""Count each sender's and client's messages per window, for the channels' rate limits."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the message counts."""
    op.create_table(
        "message_counts",
        sa.Column("subject", sa.String(160), primary_key=True),
        sa.Column("window", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )

