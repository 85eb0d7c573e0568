"""teams: assignments with per-coder status, adjudication, gold events, workspace settings

Team coding (DESIGN section 10): who codes which article and their own status for it, which
articles were adjudicated, gold events with the uids of their source events, and workspace
settings such as blind mode, and the event versions merges brought in. Only additions: an older workspace keeps every row (the file is
backed up by storage.db.migrate before this runs).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 22:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("coder", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "coder"),
    )
    op.create_index("ix_assignment_coder", "assignment", ["coder", "status"], unique=False)
    op.create_table(
        "adjudication",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("adjudicator", sa.String(), nullable=True),
        sa.Column("adjudicated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "mergedevent",
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uid"),
    )
    # Plain ADD COLUMN (no batch mode): a NOT NULL column with a constant default needs no
    # table rebuild, so a workspace of 100,000 events migrates at once.
    op.add_column("event", sa.Column("gold", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("event", sa.Column("sources", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("sources")
        batch_op.drop_column("gold")
    op.drop_table("mergedevent")
    op.drop_table("setting")
    op.drop_table("adjudication")
    op.drop_index("ix_assignment_coder", table_name="assignment")
    op.drop_table("assignment")
