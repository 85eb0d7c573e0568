"""several coders at once: row versions, who edited last, presence, change notices

Edited rows (articles' status, spans, events) get a version bumped by every edit, so an edit
made from a stale read is refused instead of overwriting someone else's; `updated_by` names who
made the last edit. `presence` holds one heartbeat row per open client ("who else is working").
On PostgreSQL, statement triggers NOTIFY each committed write, so other windows reload within
seconds (SQLite's clients watch PRAGMA data_version instead).

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-30 22:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("article", "entityspan", "event")
# Tables whose writes other windows must see (presence and the place cache are not shown).
NOTIFYING = ("article", "entityspan", "event", "evidence", "actor", "codebook", "coder", "learnedpattern")
CHANNEL = "chronicler_changes"


def upgrade() -> None:
    for table in VERSIONED:
        # Plain ADD COLUMN with a constant default: no table rebuild on either engine.
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        op.add_column(table, sa.Column("updated_by", sa.String(), nullable=True))
    op.create_table(
        "presence",
        sa.Column("client", sa.String(), nullable=False),
        sa.Column("coder", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client"),
    )
    op.create_index("ix_presence_seen_at", "presence", ["seen_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # The payload is the writer's application_name, so a window can ignore its own writes.
        op.execute(f"""
            CREATE OR REPLACE FUNCTION chronicler_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{CHANNEL}', current_setting('application_name'));
                RETURN NULL;
            END $$""")
        for table in NOTIFYING:
            op.execute(f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION chronicler_notify()")
        # B-tree entries are limited to ~2.7 kB on PostgreSQL: a long title in the list index
        # would refuse the article. The server sorts and filters without the covering columns.
        op.drop_index("ix_article_list", table_name="article")
        op.create_index("ix_article_list", "article", ["published", "id"], unique=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NOTIFYING:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute("DROP FUNCTION IF EXISTS chronicler_notify()")
        op.drop_index("ix_article_list", table_name="article")
        op.create_index("ix_article_list", "article", ["published", "id", "status", "source", "title"])
    op.drop_index("ix_presence_seen_at", table_name="presence")
    op.drop_table("presence")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("updated_by")
            batch_op.drop_column("version")
