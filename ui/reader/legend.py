"""Entity labels as the reader shows them: stable colours by role, human names, number keys,
and the legend strip of label chips (click a chip to hide or show that label)."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Iterable, Optional

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QSizePolicy, QToolButton, QWidget

from coding.schema import DEFAULT_ROLES

# The labels every article offers, in number-key order (1..9): the same keys in every article.
STANDARD_LABELS: tuple[str, ...] = ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL")

HUMAN_NAMES: dict[str, str] = {
    "GPE": "Place", "LOC": "Location", "FAC": "Facility",
    "PERSON": "Person", "ORG": "Organization", "NORP": "Group",
    "DATE": "Date", "TIME": "Time",
    "CARDINAL": "Number", "QUANTITY": "Quantity", "MONEY": "Money", "PERCENT": "Percent",
    "ORDINAL": "Ordinal", "EVENT": "Event", "LAW": "Law", "PRODUCT": "Product",
    "WORK_OF_ART": "Work of art", "LANGUAGE": "Language",
}

# The colour family says which fields a highlight can fill: the roles of coding's default table.
ROLE_OF_LABEL: dict[str, str] = {label: role for role, labels in DEFAULT_ROLES.items() for label in labels}

# Okabe-Ito hues (safe for the common colour-vision deficiencies), a family per role with
# shades told apart by lightness, so "which role" reads from the hue and "which label" from
# the shade.
ROLE_SHADES: dict[str, tuple[str, ...]] = {
    "place": ("#0072B2", "#56B4E9", "#1F3F8F"),
    "actor": ("#D55E00", "#E69F00", "#8C3B00"),
    "date": ("#009E73", "#66C2A5"),
    "count": ("#CC79A7", "#8E4585", "#E7A9CF", "#B05F8F", "#F2C6E0"),
    "other": ("#BBA800", "#7F7F7F", "#A6761D", "#5E5E5E", "#D4C95A"),
}
_FIXED_SHADE: dict[str, int] = {
    "GPE": 0, "LOC": 1, "FAC": 2, "PERSON": 0, "ORG": 1, "NORP": 2, "DATE": 0, "TIME": 1,
    "CARDINAL": 0, "QUANTITY": 1, "MONEY": 2, "PERCENT": 3, "ORDINAL": 4,
}


@dataclass(frozen=True)
class LabelStyle:
    label: str
    role: str
    name: str  # "Place (GPE)"
    color: QColor


def role_of(label: str) -> str:
    return ROLE_OF_LABEL.get(label.upper(), "other")


def human_name(label: str) -> str:
    name = HUMAN_NAMES.get(label.upper())
    return f"{name} ({label})" if name else label


def label_color(label: str) -> QColor:
    """The same colour for a label in every article and every run (no Python hash salt)."""
    role = role_of(label)
    shades = ROLE_SHADES[role]
    index = _FIXED_SHADE.get(label.upper())
    if index is None:
        index = zlib.crc32(label.encode("utf-8")) % len(shades)
    return QColor(shades[index % len(shades)])


def label_style(label: str) -> LabelStyle:
    return LabelStyle(label, role_of(label), human_name(label), label_color(label))


def ordered_labels(present: Iterable[str]) -> list[str]:
    """The standard labels first (their number keys never move), then the others seen, sorted."""
    extra = sorted(set(present) - set(STANDARD_LABELS))
    return list(STANDARD_LABELS) + extra


def number_key(labels: list[str], label: str) -> Optional[int]:
    """1..9 for the first nine labels of `labels`, else None."""
    i = labels.index(label) if label in labels else -1
    return i + 1 if 0 <= i < 9 else None


INK, PAPER = QColor("#1d232b"), QColor("#ffffff")
MIN_CONTRAST = 4.5  # WCAG AA for normal text


def _blend(color: QColor, base: QColor, amount: float) -> QColor:
    """`amount` of color over base, opaque (so its luminance is known)."""
    return QColor(round(base.red() + (color.red() - base.red()) * amount),
                  round(base.green() + (color.green() - base.green()) * amount),
                  round(base.blue() + (color.blue() - base.blue()) * amount))


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text(background: QColor, muted: bool = False) -> QColor:
    """Dark ink or white, whichever reads better on `background`; `muted` fades it toward the
    background as far as it stays readable (for chips with nothing to show)."""
    ink = INK if contrast(INK, background) >= contrast(PAPER, background) else PAPER
    if muted:
        for fade in (0.45, 0.35, 0.25, 0.15):
            soft = _blend(background, ink, fade)
            if contrast(soft, background) >= MIN_CONTRAST:
                return soft
    return ink


@dataclass(frozen=True)
class ChipColours:
    background: QColor
    text: QColor
    border: QColor


def chip_colours(label: str, count: int, shown: bool, base: QColor) -> ChipColours:
    """A chip's colours on a legend painted in `base`: a wash of the label colour (faint when
    the label has no highlights here), text chosen from the wash's luminance so it stays
    readable on dark shades and dark themes alike."""
    c = label_color(label)
    if not shown:
        return ChipColours(base, readable_text(base, muted=True), _blend(QColor("#8a8a8a"), base, 0.9))
    if count == 0:
        bg = _blend(c, base, 0.12)
        return ChipColours(bg, readable_text(bg, muted=True), _blend(c, base, 0.6))
    bg = _blend(c, base, 0.38)
    return ChipColours(bg, readable_text(bg), c.darker(115))


class FlowLayout(QLayout):
    """Lays widgets left to right and wraps to a new row when the width runs out."""

    def __init__(self, parent: Optional[QWidget] = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 2, 0, 2)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> Optional[QLayoutItem]:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> Optional[QLayoutItem]:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()


class _Chip(QToolButton):
    """One label: swatch colour, number key, name and count; checked = shown."""

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.label = label
        self.setCheckable(True)
        self.setChecked(True)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the reader keeps the keyboard
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._shown_as: Optional[tuple[Optional[int], int, bool]] = None

    def show_state(self, key: Optional[int], count: int) -> None:
        shown = self.isChecked()
        if self._shown_as == (key, count, shown):
            return  # style sheets are slow to apply: only when something changed
        self._shown_as = (key, count, shown)
        style = label_style(self.label)
        key_text = f"{key} " if key else ""
        self.setText(f"{key_text}{style.name}  {count}")
        parent = self.parentWidget()
        base = (parent or self).palette().color(QPalette.ColorRole.Window)
        self.colours = chip_colours(self.label, count, shown, base)
        # Hidden: dashed and struck through; none here: faint, but the key stays readable.
        line = "dashed" if not shown else "solid"
        extra = "text-decoration: line-through;" if not shown else ""
        self.setStyleSheet(
            f"QToolButton {{ border: 1px {line} {self.colours.border.name()}; border-radius: 8px;"
            f" padding: 0px 6px; margin: 0px; background: {self.colours.background.name()};"
            f" color: {self.colours.text.name()}; {extra} }}"
            f" QToolButton:hover, QToolButton:checked:hover {{ border-width: 2px; }}"
            f" QToolButton:checked {{ background: {self.colours.background.name()}; }}"
        )
        state = "shown" if shown else "hidden"
        self.setToolTip(f"{style.name}: {count} in this article, {state}. Click to "
                        f"{'hide' if shown else 'show'}." + (f" Key {key} adds a span of this label "
                                                             "from the selection." if key else ""))


class LegendBar(QWidget):
    """A wrapping row of label chips. Emits visibilityChanged(label, shown) on a click."""

    visibilityChanged = Signal(str, bool)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self)
        self._chips: dict[str, _Chip] = {}
        self._hidden: set[str] = set()
        self._labels: list[str] = []
        self._counts: dict[str, int] = {}
        self._tail = QLabel("", self)
        self._layout.addWidget(self._tail)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    @property
    def labels(self) -> list[str]:
        """All labels in key order (1..9 = the first nine)."""
        return list(self._labels)

    def hidden_labels(self) -> set[str]:
        return set(self._hidden)

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show the chips for the standard labels and any other label in `counts`."""
        self._counts = dict(counts)
        labels = ordered_labels(l for l, n in counts.items() if n)
        if labels != self._labels:
            while self._layout.count():
                self._layout.takeAt(0)
            for chip in self._chips.values():
                chip.deleteLater()
            self._chips = {}
            for label in labels:
                chip = _Chip(label, self)
                chip.setChecked(label not in self._hidden)
                chip.toggled.connect(lambda on, l=label: self._toggled(l, on))
                self._layout.addWidget(chip)
                self._chips[label] = chip
            self._layout.addWidget(self._tail)
            self._labels = labels
        self._refresh()

    def _set_hidden(self, label: str, hidden: bool) -> None:
        if hidden:
            self._hidden.add(label)
        else:
            self._hidden.discard(label)

    def _toggled(self, label: str, on: bool) -> None:
        self._set_hidden(label, not on)
        self._refresh()
        self.visibilityChanged.emit(label, on)

    def _refresh(self) -> None:
        for label, chip in self._chips.items():
            chip.show_state(number_key(self._labels, label), self._counts.get(label, 0))
        hidden = len(self._hidden & set(self._labels))
        self._tail.setText(f"{hidden} hidden" if hidden else "")
        self._tail.setVisible(bool(hidden))
        self._layout.invalidate()


__all__ = [
    "HUMAN_NAMES", "ChipColours", "LabelStyle", "chip_colours", "contrast", "readable_text", "LegendBar", "ROLE_SHADES", "STANDARD_LABELS", "human_name",
    "label_color", "label_style", "number_key", "ordered_labels", "role_of",
]
