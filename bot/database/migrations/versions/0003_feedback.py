"""Keep answered turns (masked) with their ratings, and staff reviews of misread questions."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the turns and reviews tables."""
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("conversation", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("intent", sa.String(40), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("procedures", sa.String(400), nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("clarification", sa.Boolean, nullable=False),
        sa.Column("resolved", sa.Boolean),
        sa.Column("rateable", sa.Boolean, nullable=False),
        sa.Column("latency_ms", sa.Integer),
        sa.Column("rating", sa.String(16)),
        sa.Column("rating_reason", sa.String(16)),
        sa.Column("rated_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_turns_conversation", "turns", ["conversation"])
    op.create_index("ix_turns_at", "turns", ["at"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("wording_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("wording", sa.Text, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("procedure", sa.String(40)),
        sa.Column("aspect", sa.String(24)),
        sa.Column("intent", sa.String(40)),
        sa.Column("reviewed_by", sa.String(32), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained", sa.Boolean, nullable=False),
        sa.Column("not_trained_because", sa.String(120)),
        sa.Column("model_right", sa.Boolean),
        sa.Column("checked_model", sa.String(64)),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
    )

