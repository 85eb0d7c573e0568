"""index for the article list

The article list reads the ids of all articles matching its filters in list order (newest
publication first, then id). This covering index holds the order and the filter columns, so
listing or filtering 100,000 articles reads the index alone instead of the table plus a sort.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:20:00
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Kept in step with Article.__table_args__ in storage/models.py.
COLUMNS = ["published", "id", "status", "source", "title"]


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): adding an index never needs a table rebuild.
    op.create_index("ix_article_list", "article", COLUMNS, unique=False, if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_article_list", table_name="article", if_exists=True)
