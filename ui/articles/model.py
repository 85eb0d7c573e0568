"""A lazy table model of the articles: ids up front, rows fetched in pages into a cache."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from storage.article_pages import ListKey, id_page, list_key, rows_up_to
from storage.models import STATUS_LABELS, ArticleStatus
from storage.repository import ArticleFilter, ArticleRow, Repository

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Date", "Source", "Status", "Events")
N_COLUMNS = len(COLUMNS)
TITLE, DATE, SOURCE, STATUS, EVENTS = range(N_COLUMNS)
# Rows are read in pages around the one asked for: one short query per screenful.
PAGE_SIZE = 200
# A refresh off the GUI thread reads the rows on screen and this many above and below.
PREFETCH_ABOVE, PREFETCH_BELOW = 10, 40
# Ids are read this many at a time as the list scrolls (Qt's fetchMore): a list of a million
# articles opens and filters by reading its first ids only.
ID_CHUNK = 2000

# Muted colours that stay readable on the light list background (contrast >= 4.5:1).
STATUS_COLOURS = {
    ArticleStatus.NEW.value: "#1f4e9c",
    ArticleStatus.IN_PROGRESS.value: "#8a5300",
    ArticleStatus.CODED.value: "#23692f",
    ArticleStatus.SKIPPED.value: "#5f6368",
    ArticleStatus.FLAGGED.value: "#a8201a",
}
UNCODED = (ArticleStatus.NEW.value, ArticleStatus.IN_PROGRESS.value)
ArticleIdRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2


def format_date(value: Optional[dt.date]) -> str:
    return value.isoformat() if value else ""


def _read_rows(repo: Repository, coder: str, ids: Sequence[int]) -> list[ArticleRow]:
    """A coder's own list shows their own status and their own events (team coding)."""
    if coder:
        return repo.coder_article_rows(coder, ids)
    return repo.article_rows(ids)


@dataclass(frozen=True)
class RowsRefresh:
    """The list re-read for a filter off the GUI thread (ArticleTableModel.refresh_reader)."""

    filter: ArticleFilter
    n_read: int  # how many ids the list had read when this was read
    keys: list[ListKey]
    more: bool  # ids past keys
    rows: list[ArticleRow]  # the details of the rows around those on screen


class ArticleTableModel(QAbstractTableModel):
    """Rows are the ids of `repo.article_ids(filter)`; a row's details are read when shown."""

    def __init__(self, repo: Repository, parent: Any = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.filter = ArticleFilter()
        self._ids: list[int] = []
        self._last: Optional[ListKey] = None  # the last id's place in list order
        self._more = False  # ids past _last not read yet
        self._n_rows = 0
        self._row_of: Optional[dict[int, int]] = None
        self._cache: dict[int, ArticleRow] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._colours = {k: QColor(v) for k, v in STATUS_COLOURS.items()}

    # ---- loading --------------------------------------------------------------------------
    def set_filter(self, flt: Optional[ArticleFilter] = None) -> None:
        """Reload the ids for this filter (None: keep the current one) and drop the cache."""
        if flt is not None:
            self.filter = flt
        self.beginResetModel()
        self._ids, self._last, self._more = [], None, True
        self._row_of = None
        self._cache.clear()
        self._read_ids(ID_CHUNK)
        self.endResetModel()

    reload = set_filter

    def _read_ids(self, n: int) -> int:
        """Read up to n more ids in list order (no model signals: the callers send them)."""
        if not self._more:
            return 0
        page = id_page(self.repo, self.filter, self._last, n + 1)
        self._more = len(page) > n
        return self._take(page[:n])

    def _take(self, page: list[ListKey]) -> int:
        if page:
            self._last = page[-1]
            first = len(self._ids)
            self._ids.extend(k.id for k in page)
            if self._row_of is not None:
                self._row_of.update((k.id, first + i) for i, k in enumerate(page))
        self._n_rows = len(self._ids)
        return len(page)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: N802 - Qt override
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: N802 - Qt override
        if not parent.isValid():
            self._grow(lambda: self._read_ids(ID_CHUNK))

    def _grow(self, read: Any) -> None:
        """Read more ids off the model (read() returns the new ids' count), then announce them."""
        ids, last, more, n_rows = list(self._ids), self._last, self._more, self._n_rows
        read()
        added = self._ids[len(ids):]
        if not added:
            return
        # Announce the rows as Qt wants: before they exist (the state is put back meanwhile).
        new_state = (self._ids, self._last, self._more, self._n_rows)
        self._ids, self._last, self._more, self._n_rows = ids, last, more, n_rows
        self.beginInsertRows(QModelIndex(), len(ids), len(ids) + len(added) - 1)
        self._ids, self._last, self._more, self._n_rows = new_state
        self.endInsertRows()

    def load_all(self) -> None:
        """Read every id of the filter (the callers that need the whole list)."""
        if self._more:
            self._grow(lambda: [self._read_ids(50_000) for _ in iter(lambda: self._more, False)])

    def is_complete(self) -> bool:
        """Every id of the filter has been read (rowCount is then the filter's count)."""
        return not self._more

    def refresh_rows(self) -> bool:
        """Re-read the ids read so far and drop the cached rows; the model is reset only when
        they changed (True), else the rows just repaint, so selection and scrolling stay."""
        return self.apply_refresh(self.refresh_reader()())

    def refresh_reader(self, top_row: int = 0, rows_shown: int = PAGE_SIZE) -> Callable[[], RowsRefresh]:
        """refresh_rows's reads as a function for another thread: the ids read so far (a
        chunk's, as set_filter reads, when they changed) and the rows from `top_row` to past
        what the view shows, so applying them reads nothing. Every read holds the interpreter
        lock in turns with the GUI thread: no more is read than the screen needs."""
        repo, flt, n, known, more = self.repo, self.filter, len(self._ids), list(self._ids), self._more
        wanted = max(n, ID_CHUNK)

        def read() -> RowsRefresh:
            page = id_page(repo, flt, None, n + 1)
            if [k.id for k in page[:n]] == known and (len(page) > n) == more:
                keys, beyond = page[:n], more
            else:  # changed: the list is read again as set_filter would
                page = id_page(repo, flt, None, wanted + 1)
                keys, beyond = page[:wanted], len(page) > wanted
            start = max(0, min(top_row, len(keys) - 1) - PREFETCH_ABOVE)
            shown = [k.id for k in keys[start: start + PREFETCH_ABOVE + rows_shown + PREFETCH_BELOW]]
            rows = _read_rows(repo, flt.coder, shown) if shown else []
            return RowsRefresh(flt, n, keys, beyond, rows)
        return read

    def apply_refresh(self, fresh: RowsRefresh) -> bool:
        """Show a refresh_reader reading: reset only when the ids changed (True), else repaint."""
        if fresh.filter != self.filter:
            return False  # the filter changed since: the list was read for the new one
        n = len(self._ids)
        if n != fresh.n_read:  # rows read further meanwhile (scrolling): read again, here
            fresh = self.refresh_reader()()
        same = [k.id for k in fresh.keys[:n]] == self._ids and (len(fresh.keys) > n or fresh.more) == self._more
        if not same:
            self.beginResetModel()
            self._ids, self._last, self._more = [], None, fresh.more
            self._row_of = None
            self._cache.clear()
            self._take(fresh.keys)
            self._cache.update((r.id, r) for r in fresh.rows)
            self.endResetModel()
            return True
        self._cache.clear()
        self._cache.update((r.id, r) for r in fresh.rows if r.id in self._loaded_rows())
        if self._n_rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._n_rows - 1, N_COLUMNS - 1))
        return False

    def ids(self) -> Sequence[int]:
        """Every id of the filter, in list order (read to the end first)."""
        self.load_all()
        return self._ids

    def loaded_ids(self) -> Sequence[int]:
        """The ids read so far (the top of the list): cheap."""
        return self._ids

    def article_id(self, row: int) -> Optional[int]:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article_id: int) -> Optional[int]:
        """The article's row, reading the list down to it when it is further than read so far;
        None when the filter leaves it out."""
        if self._row_of is None:
            self._row_of = {aid: i for i, aid in enumerate(self._ids)}
        row = self._row_of.get(article_id)
        if row is not None or not self._more:
            return row
        key = list_key(self.repo, self.filter, article_id)
        if key is None:
            return None
        self._grow(lambda: self._take(rows_up_to(self.repo, self.filter, self._last, key)))
        return self._row_of.get(article_id) if self._row_of is not None else None

    def article_row(self, row: int) -> Optional[ArticleRow]:
        """The cached details of a row, reading its page when needed."""
        aid = self.article_id(row)
        if aid is None:
            return None
        cached = self._cache.get(aid)
        if cached is None:
            self._fetch_page(row)
            cached = self._cache.get(aid)
        return cached

    def _fetch_page(self, row: int) -> None:
        start = max(0, row - PAGE_SIZE // 4)
        page = [i for i in self._ids[start: start + PAGE_SIZE] if i not in self._cache]
        for r in self._rows(page):
            self._cache[r.id] = r
        # A deleted article keeps a blank placeholder so it is not asked for again and again.
        for aid in page:
            if aid not in self._cache:
                self._cache[aid] = ArticleRow(aid, "(deleted)", None, "", "", 0)

    def _rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        return _read_rows(self.repo, self.filter.coder, ids)

    def row_reader(self, article_id: int) -> Optional[Callable[[], list[ArticleRow]]]:
        """refresh_article's read of a row read so far, as a function for another thread (None
        for a row the list has not read: nothing on screen to refresh)."""
        if article_id not in self._loaded_rows():
            return None
        repo, coder = self.repo, self.filter.coder
        if coder:
            return lambda: repo.coder_article_rows(coder, [article_id])
        return lambda: repo.article_rows([article_id])

    def _loaded_rows(self) -> dict[int, int]:
        if self._row_of is None:
            self._row_of = {aid: i for i, aid in enumerate(self._ids)}
        return self._row_of

    def refresh_article(self, article_id: int, fresh: Optional[list[ArticleRow]] = None) -> None:
        """Re-read one article (its status or events changed) and repaint its row only; `fresh`:
        its row read already (row_reader, off the GUI thread). A row the list has not read yet
        is left for when it is."""
        row = self._loaded_rows().get(article_id)
        if row is None:
            return
        if fresh is None:
            fresh = self._rows([article_id])
        if fresh:
            self._cache[article_id] = fresh[0]
        else:
            self._cache.pop(article_id, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, N_COLUMNS - 1))

    # ---- Qt model -------------------------------------------------------------------------
    # rowCount/columnCount run millions of times (every index() asks both): kept minimal.
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._n_rows

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else N_COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == EVENTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        col = index.column()
        if role == ArticleIdRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, StatusRole):
            return None
        r = self.article_row(index.row())
        if r is None:
            return None
        if role == StatusRole:
            return r.status
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == TITLE:
                return r.title or "(untitled)"
            if col == EVENTS:
                return f"{r.n_events} event{'s' if r.n_events != 1 else ''} coded"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS:
            return self._colours.get(r.status)
        if role == Qt.ItemDataRole.FontRole and col == TITLE and r.status == ArticleStatus.NEW.value:
            return self._bold  # unread articles stand out, as in a mail client
        if role == Qt.ItemDataRole.TextAlignmentRole and col == EVENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(r: ArticleRow, col: int) -> str:
        if col == TITLE:
            return r.title or "(untitled)"
        if col == DATE:
            return format_date(r.published)
        if col == SOURCE:
            return r.source
        if col == STATUS:
            return STATUS_LABELS.get(r.status, r.status)
        if col == EVENTS:
            return str(r.n_events) if r.n_events else ""
        return ""


__all__ = ["ArticleTableModel", "RowsRefresh", "COLUMNS", "UNCODED", "ArticleIdRole", "StatusRole"]
