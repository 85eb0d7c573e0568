"""a search index for titles and sources, and each article's stored text length

The list's search box looked at every title (a search matching almost nothing read a million
titles: up to a second). SQLite gets an FTS5 trigram table of titles and sources, filled here and
after each import batch (storage/search_index.py); PostgreSQL gets pg_trgm GIN indexes, when the
server has the extension (else its search stays a scan).

Opening a very large article asked for length(text), which reads all of it (100 MB: most of a
second). The length is now stored when the article is stored (text_length, in code points);
existing articles get theirs here. On SQLite a column after the text is reached only through
the text's overflow pages, so a small index (id, text_length) answers the length alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 03:00:00
"""
from alembic import op
import sqlalchemy as sa

from storage.search_index import CATCH_UP, CREATE_TABLE, TABLE

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRGM_INDEXES = {"ix_article_title_trgm": "title", "ix_article_source_trgm": "source"}


def upgrade() -> None:
    op.add_column("article", sa.Column("text_length", sa.Integer(), nullable=True))
    conn = op.get_bind()
    server = conn.dialect.name == "postgresql"
    op.execute(f"UPDATE article SET text_length = {'char_length' if server else 'length'}(text)")
    op.create_index("ix_article_text_length", "article", ["id", "text_length"], unique=False)
    if not server:
        op.execute(CREATE_TABLE)
        op.execute(CATCH_UP)
        return
    try:
        with conn.begin_nested():  # no extension on this server: its search stays a scan
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, column in TRGM_INDEXES.items():
                op.execute(f"CREATE INDEX {name} ON article USING gin ({column} gin_trgm_ops)")
    except sa.exc.DBAPIError:
        pass


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in TRGM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        op.execute(f"DROP TABLE IF EXISTS {TABLE}")
    op.drop_index("ix_article_text_length", table_name="article")
    with op.batch_alter_table("article") as batch_op:
        batch_op.drop_column("text_length")
