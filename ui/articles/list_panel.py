"""The article list panel: the lazy table, status/source/text filters and "next uncoded"."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView,
    QVBoxLayout, QWidget,
)

from storage.article_pages import id_page, list_key
from storage.models import ArticleStatus
from storage.repository import ArticleFilter, Repository
from ui.actions import make_action
from ui.articles.delegate import ArticleCardDelegate, card_height
from ui.articles.model import DATE, EVENTS, SOURCE, STATUS, TITLE, UNCODED, ArticleTableModel, RowsRefresh

# (label, statuses): "To code" is the default view of a coder's day.
STATUS_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("To code", UNCODED),
    ("All statuses", ()),
    ("New", (ArticleStatus.NEW.value,)),
    ("In progress", (ArticleStatus.IN_PROGRESS.value,)),
    ("Coded", (ArticleStatus.CODED.value,)),
    ("Skipped", (ArticleStatus.SKIPPED.value,)),
    ("Flagged for review", (ArticleStatus.FLAGGED.value,)),
)
ALL_STATUSES = 1
# Team coding: a coder with articles assigned sees their own list (their own status); the lead
# (or the coder, to look around) can show every article.
MINE, EVERYONE = "mine", "all"
# Typing pauses this long before the list is filtered: fast enough to feel live, slow enough
# not to re-query on every key.
FILTER_DEBOUNCE_MS = 200


@dataclass(frozen=True)
class ListRefresh:
    """The list re-read off the GUI thread (ArticleListPanel.refresh_reader)."""

    sources: list[str]
    team: bool  # the coder has articles assigned
    rows: RowsRefresh


class ArticleListPanel(QWidget):
    """Emits `articleSelected(id)` when the coder moves to another article."""

    articleSelected = Signal(int)
    articleActivated = Signal(int)  # Return or double-click: the coder wants to read it

    def __init__(self, repo: Repository, parent: Optional[QWidget] = None, coder: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("articleList")
        self.repo = repo
        self.coder = coder
        self.model = ArticleTableModel(repo, self)
        self._current: Optional[int] = None

        self.search = QLineEdit(self)
        self.search.setObjectName("listSearch")
        self.search.setPlaceholderText("Filter by title or source  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusFilter")
        for label, statuses in STATUS_CHOICES:
            self.status_combo.addItem(label, statuses)
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("sourceFilter")
        self.source_combo.setMinimumContentsLength(10)
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.show_combo = QComboBox(self)
        self.show_combo.setObjectName("showFilter")
        self.show_combo.addItem("My articles", MINE)
        self.show_combo.addItem("All articles", EVERYONE)
        self.show_combo.setToolTip("Team coding: the articles assigned to you, with your own status, or every article")
        self.show_combo.hide()  # shown when this coder has articles assigned
        self.count_label = QLabel(self)
        self.count_label.setObjectName("listCount")

        self.view = QTableView(self)
        self.view.setObjectName("articleTable")
        self.view.setModel(self.model)
        self._setup_view()
        # Shown over the empty list: says why it is empty and what to do.
        self.empty_hint = QLabel(self.view.viewport())
        self.empty_hint.setObjectName("placeholder")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.hide()
        self.view.viewport().installEventFilter(self)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.status_combo, 1)
        filters.addWidget(self.source_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.setSpacing(6)
        self.header = QLabel("Articles", self)
        self.header.setObjectName("panelTitle")
        top = QHBoxLayout()
        top.addWidget(self.header)
        top.addWidget(self.show_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._search_entered)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.source_combo.currentIndexChanged.connect(self.apply_filter)
        self.show_combo.currentIndexChanged.connect(self.apply_filter)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.view.activated.connect(self._activated)

        self._actions = self._make_actions()
        self.reload_sources()
        self.update_team()
        self.apply_filter()

    def _setup_view(self) -> None:
        """One visible column painted as two-line cards (title; date · source · status · events):
        the model keeps its five columns for anything else that shows them."""
        v = self.view
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        v.setAlternatingRowColors(True)
        v.setShowGrid(False)
        v.setWordWrap(False)
        v.setSortingEnabled(False)  # the order is the workspace's: newest publication first
        v.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        v.setItemDelegateForColumn(TITLE, ArticleCardDelegate(v))
        for col in (DATE, SOURCE, STATUS, EVENTS):
            v.setColumnHidden(col, True)
        hh = v.horizontalHeader()
        hh.setVisible(False)
        hh.setStretchLastSection(True)
        vh = v.verticalHeader()
        vh.setVisible(False)
        # Fixed row heights: the view never measures 100,000 rows.
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.update_row_height()

    def update_row_height(self) -> None:
        """After a font size change: cards as tall as two lines of the new font."""
        self.view.verticalHeader().setDefaultSectionSize(card_height(self.view.font()))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # type: ignore[override]
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.empty_hint.setGeometry(self.view.viewport().rect().adjusted(16, 16, -16, -16))
        return super().eventFilter(obj, event)

    def _make_actions(self) -> list[QAction]:
        window = Qt.ShortcutContext.WindowShortcut
        self.next_uncoded_action = make_action(self, "Next uncoded article", "Ctrl+Shift+N", self.go_next_uncoded,
                                               "Open the next article that is new or in progress", window)
        self.filter_action = make_action(self, "Filter the article list", "Ctrl+F", self.focus_filter, context=window)
        self.clear_filter_action = make_action(self, "Show all articles", "", self.clear_filters)
        return [self.next_uncoded_action, self.filter_action, self.clear_filter_action]

    def actions(self) -> list[QAction]:  # type: ignore[override]
        return list(self._actions)

    # ---- filtering ------------------------------------------------------------------------
    def current_filter(self) -> ArticleFilter:
        source = self.source_combo.currentData() or ""
        return ArticleFilter(statuses=tuple(self.status_combo.currentData() or ()), source=source,
                             search=self.search.text().strip(), coder=self.own_list_coder())

    # ---- team coding ----------------------------------------------------------------------
    def own_list_coder(self) -> str:
        """The coder whose own list is shown ("" when the list shows every article)."""
        return self.coder if self.show_combo.isVisibleTo(self) and self.show_combo.currentData() == MINE else ""

    def update_team(self) -> None:
        """Offer "My articles" when this coder has articles assigned (their list by default);
        a coder with none, or a workspace without assignments, sees every article as before."""
        team = bool(self.coder) and self.repo.has_assignments(self.coder)
        if team == self.show_combo.isVisibleTo(self):
            return
        self.show_combo.blockSignals(True)
        self.show_combo.setCurrentIndex(0)  # newly assigned: their own list first
        self.show_combo.blockSignals(False)
        self.show_combo.setVisible(team)
        self.header.setVisible(not team)  # the toggle takes the title's place: the panel is narrow

    def set_coder(self, coder: str) -> None:
        """Another coder name: their own list (or every article when they have none)."""
        self.coder = coder
        self.show_combo.hide()
        self.header.show()
        self.update_team()
        self.apply_filter()

    def show_own_list(self, own: bool) -> None:
        """The "Show" toggle: the coder's own articles, or all (no effect without assignments)."""
        self.show_combo.setCurrentIndex(0 if own else 1)

    def apply_filter(self) -> None:
        """Reload the list for the filters shown, keeping the current article selected."""
        self._debounce.stop()
        keep = self._current
        self.model.set_filter(self.current_filter())
        self._update_count()
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self._select_row(row, emit=False)
        else:  # the open article is filtered out: the matches start at the top, not halfway down
            self.view.scrollToTop()

    def reload(self) -> None:
        """After an import or other bulk change (an assignment too): new sources, new rows."""
        self.reload_sources()
        self.update_team()
        self.apply_filter()

    def refresh_all(self) -> None:
        """Another program changed the workspace: new rows, statuses and sources, keeping the
        selected article and the rows in view (the top row stays on top when it still exists)."""
        self.apply_refresh(self.refresh_reader()())

    def refresh_reader(self) -> Callable[[], ListRefresh]:
        """refresh_all's reads as one function for another thread (the window's reload)."""
        repo, coder = self.repo, self.coder
        top = max(0, self.view.rowAt(0))
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        rows = self.model.refresh_reader(top, (bottom - top + 1) if bottom >= top else 50)

        def read() -> ListRefresh:
            return ListRefresh(repo.sources(), bool(coder) and repo.has_assignments(coder), rows())
        return read

    def apply_refresh(self, fresh: ListRefresh) -> None:
        """Show what refresh_reader read (on the GUI thread: no reads unless the coder's list changed)."""
        self._set_sources(fresh.sources)
        if self.show_combo.isVisibleTo(self) != fresh.team:
            self.reload()  # assigned (or unassigned) by another program: the coder's list changes
            return
        bar = self.view.verticalScrollBar()
        scrolled, top_row = bar.value(), self.view.rowAt(0)
        top_id = self.model.article_id(top_row) if top_row >= 0 else None
        if not self.model.apply_refresh(fresh.rows):
            return
        self._update_count()
        if self._current is not None:
            self._select_row(self.model.row_of(self._current), emit=False)
        row = self.model.row_of(top_id) if top_id is not None else None
        if row is not None:
            self.view.scrollTo(self.model.index(row, TITLE), QAbstractItemView.ScrollHint.PositionAtTop)
        else:
            bar.setValue(scrolled)

    def reload_sources(self) -> None:
        self._set_sources(self.repo.sources())

    def _set_sources(self, sources: list[str]) -> None:
        shown = [self.source_combo.itemData(i) for i in range(1, self.source_combo.count())]
        if shown == list(sources):
            return  # the same: the combo is not rebuilt
        current = self.source_combo.currentData() or ""
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem("All sources", "")
        for source in sources:
            self.source_combo.addItem(source, source)
        i = self.source_combo.findData(current)
        self.source_combo.setCurrentIndex(max(0, i))
        self.source_combo.blockSignals(False)

    def clear_filters(self) -> None:
        for w in (self.search, self.status_combo, self.source_combo):
            w.blockSignals(True)
        self.search.clear()
        self.status_combo.setCurrentIndex(ALL_STATUSES)
        self.source_combo.setCurrentIndex(0)
        for w in (self.search, self.status_combo, self.source_combo):
            w.blockSignals(False)
        self.apply_filter()

    def focus_filter(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_entered(self) -> None:
        self.apply_filter()
        if self.model.rowCount() and self._current is None:
            self._select_row(0)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        if self.model.is_complete():
            self.count_label.setText(f"{n:,} article{'s' if n != 1 else ''}")
        else:  # a long list is read as it scrolls: its count is not known yet
            self.count_label.setText(f"over {n:,} articles")
        if n:
            self.empty_hint.hide()
            return
        flt = self.current_filter()
        filtered = bool(flt.search or flt.source or flt.statuses or flt.coder)
        self.empty_hint.setText(
            "No article matches these filters.\n\nShow all articles: Edit › Show all articles."
            + ("\nArticles not assigned to you: Show › All articles." if flt.coder else "")
            if filtered and self.repo.count_articles() else
            "No articles yet.\n\nImport files or a folder with File › Import (Ctrl+I), or drop them "
            "on this window.")
        self.empty_hint.show()

    # ---- selection ------------------------------------------------------------------------
    def current_article_id(self) -> Optional[int]:
        return self._current

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        aid = self.model.article_id(current.row()) if current.isValid() else None
        if aid is not None and aid != self._current:
            self._current = aid
            self.articleSelected.emit(aid)

    def _activated(self, index: QModelIndex) -> None:
        aid = self.model.article_id(index.row())
        if aid is not None:
            self.articleActivated.emit(aid)

    def _select_row(self, row: Optional[int], emit: bool = True) -> None:
        if row is None:
            return
        index = self.model.index(row, TITLE)
        sm = self.view.selectionModel()
        if not emit:
            sm.blockSignals(True)
        sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                           | QItemSelectionModel.SelectionFlag.Rows)
        if not emit:
            sm.blockSignals(False)
            self.view.viewport().update()
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def select_article(self, article_id: int) -> bool:
        """Show and select an article; widens the filters when it is filtered out."""
        row = self.model.row_of(article_id)
        if row is None:
            self.clear_filters()
            row = self.model.row_of(article_id)
        if row is None and self.own_list_coder():  # not one of the coder's own articles
            self.show_own_list(False)
            row = self.model.row_of(article_id)
        if row is None:
            return False
        if article_id == self._current:
            self._select_row(row, emit=False)
            return True
        self._select_row(row)
        return True

    def refresh_article(self, article_id: int, fresh: Optional[list] = None) -> None:
        self.model.refresh_article(article_id, fresh)

    # ---- next uncoded ---------------------------------------------------------------------
    def next_uncoded_id(self) -> Optional[int]:
        """The next new/in-progress article after the current one in list order (wrapping),
        within the source and text filters shown; None when everything is done. In a coder's
        own list: the next by their own status (as TeamsMixin.next_for_coder), the filter's
        coder carried along. Two short queries of a page each, however long the list."""
        flt = self.current_filter()
        wanted = tuple(s for s in (flt.statuses or UNCODED) if s in UNCODED) or UNCODED
        todo = replace(flt, statuses=wanted)
        here = list_key(self.repo, None, self._current) if self._current is not None else None
        after = id_page(self.repo, todo, here, 1) if here is not None else []
        if after:
            return after[0].id
        top = [k.id for k in id_page(self.repo, todo, None, 2) if k.id != self._current]
        return top[0] if top else None

    def go_next_uncoded(self) -> Optional[int]:
        aid = self.next_uncoded_id()
        if aid is None:
            return None
        if self.model.row_of(aid) is None:
            # Filtered out by the status filter (e.g. "Coded"): go back to the coder's view.
            self.status_combo.setCurrentIndex(0)
        self.select_article(aid)
        return aid


__all__ = ["ArticleListPanel", "STATUS_CHOICES"]
