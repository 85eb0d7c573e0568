"""indexes for the export filters and the span counts

The export dialog and `chronicler export` filter events by coder and by date, and the status
bar and `stats` count spans by state; without these indexes each of those scans the whole
table, which is noticeable from ~100,000 events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:05:00
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (index name, table, columns): kept in step with __table_args__ in storage/models.py.
INDEXES = (
    ("ix_event_coder", "event", ["coder"]),
    ("ix_event_event_date", "event", ["event_date"]),
    ("ix_entityspan_state", "entityspan", ["state"]),
)


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): adding an index never needs a table rebuild.
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False, if_not_exists=True)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table, if_exists=True)
