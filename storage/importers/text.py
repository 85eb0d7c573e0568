"""Plain text and markdown files: the whole file is the article text, its first line the title."""
from __future__ import annotations

from pathlib import Path

from storage.importers.decode import file_name, read_text
from storage.importers.records import ArticleRecord, first_line_title

MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_text_article(path: Path) -> ArticleRecord:
    """The text is the file exactly as decoded (title line included, CRLF kept), so offsets
    match what the coder sees in the file; the title is the first non-empty line."""
    text = read_text(path)
    title = first_line_title(text, markdown=path.suffix.lower() in MARKDOWN_SUFFIXES)
    return ArticleRecord(text=text, title=title, meta={"file": file_name(path)})
