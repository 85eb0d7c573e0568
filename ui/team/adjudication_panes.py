"""The adjudication window's panes: double-coded articles | the versions and their fields |
the article with both coders' evidence. Widgets only; the window connects them."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QSplitter, QTableView,
    QVBoxLayout, QWidget,
)

from ui.team.adjudication_model import VersionFieldsModel
from ui.team.evidence_text import EvidenceText
from ui.team.gold_editor import GoldDelegate

KEYS_HINT = ("Up/Down or J/K field · Left or [ take A · Right or ] take B · Enter type the gold value · "
             "Ctrl+Return save the gold event and go on · Delete drop the event · PgUp/PgDn event · Ctrl+Z undo")


@dataclass
class Panes:
    article_list: QListWidget
    pair: QComboBox
    version_list: QListWidget
    model: VersionFieldsModel
    table: QTableView
    show_all: QCheckBox
    message: QLabel
    evidence: EvidenceText
    legend: QLabel


def _title(owner: QWidget, text: str) -> QLabel:
    label = QLabel(text, owner)
    label.setObjectName("panelTitle")
    return label


def _column(owner: QWidget, *items: QWidget | QHBoxLayout | tuple[QWidget, int]) -> QWidget:
    box = QWidget(owner)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        if isinstance(item, tuple):
            layout.addWidget(item[0], item[1])
        elif isinstance(item, QHBoxLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return box


def _fields_table(owner: QWidget, model: VersionFieldsModel) -> QTableView:
    table = QTableView(owner)
    table.setObjectName("versionFields")
    table.setModel(model)
    table.setItemDelegateForColumn(VersionFieldsModel.GOLD, GoldDelegate(model, table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)  # Enter: the window's filter
    table.verticalHeader().setVisible(False)
    # ACLED values are long ("Explosions/Remote violence"): rows grow to show them whole.
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(VersionFieldsModel.FIELD, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(VersionFieldsModel.FROM, QHeaderView.ResizeMode.ResizeToContents)
    return table


def build_panes(owner: QWidget) -> Panes:
    article_list = QListWidget(owner)
    article_list.setObjectName("doubleCodedArticles")
    article_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    article_list.setTextElideMode(Qt.TextElideMode.ElideRight)
    pair = QComboBox(owner)
    pair.setObjectName("coderPair")
    version_list = QListWidget(owner)
    version_list.setObjectName("versions")
    version_list.setMaximumHeight(100)
    model = VersionFieldsModel(owner)
    table = _fields_table(owner, model)
    show_all = QCheckBox("Show empty fields too", owner)
    message = QLabel("", owner)
    message.setObjectName("adjudicationMessage")
    message.setWordWrap(True)
    hint = QLabel(KEYS_HINT, owner)
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    evidence = EvidenceText(owner)
    legend = QLabel(owner)
    legend.setObjectName("evidenceLegend")

    fields_title = QHBoxLayout()
    fields_title.addWidget(_title(owner, "Fields (≠ the coders differ)"))
    fields_title.addStretch(1)
    fields_title.addWidget(show_all)
    left = _column(owner, _title(owner, "Double-coded articles"), (article_list, 1),
                   QLabel("Coders compared:", owner), pair)
    middle = _column(owner, _title(owner, "Events: the two versions, paired"), version_list, fields_title,
                     (table, 1), message, hint)
    right = _column(owner, _title(owner, "Article and evidence"), legend, (evidence, 1))
    split = QSplitter(owner)
    split.setChildrenCollapsible(False)
    for widget, width in ((left, 220), (middle, 640), (right, 380)):
        widget.setMinimumWidth(width // 2)
        split.addWidget(widget)
    split.setSizes([220, 640, 380])
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.addWidget(split)
    return Panes(article_list, pair, version_list, model, table, show_all, message, evidence, legend)


__all__ = ["KEYS_HINT", "Panes", "build_panes"]
