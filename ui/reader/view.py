"""The article text, read-only and always plain text, with entity highlights drawn over it."""
from __future__ import annotations

import re
from bisect import bisect_right
from html import escape
from typing import NamedTuple, Optional, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen,
                           QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument,
                           QTextFormat)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from storage.models import EntitySpan, SpanState
from ui.reader.legend import human_name, label_color
from ui.offsets import OffsetMap, display_text

EVIDENCE_COLOR = QColor("#FFD84D")
EVIDENCE_FLASH_MS = 1800


class _Placed(NamedTuple):
    """A span with its document positions (a tuple: hundreds are made per article shown)."""

    span: EntitySpan
    qt_start: int
    qt_end: int


def span_fields(span: EntitySpan) -> tuple[int, int, Optional[int], str, str]:
    """(start, end, id, label, state) of a span, read from the instance's own dict: an ORM
    attribute read costs ten times a dict read, and the reader reads every span of the article
    at each switch."""
    d = span.__dict__
    try:
        return d["start"], d["end"], d["id"], d["label"], d["state"]
    except KeyError:  # an attribute not loaded: the ORM reads it
        return span.start, span.end, span.id, span.label, span.state


# What QTextDocument.setPlainText starts a new block after ("\r\n" is one break). U+2028 is a
# line break inside a block; Qt's frame markers never reach the document (display_text).
_BLOCK_BREAK = re.compile("\r\n|[\r\n\u2029]")


def block_starts(text: str, offsets: OffsetMap) -> list[int]:
    """The Qt position where each block of the document of `text` starts, in order."""
    to_qt = offsets.to_qt
    return [0, *(to_qt(m.end()) for m in _BLOCK_BREAK.finditer(text))]


def _blend(color: QColor, base: QColor, amount: float) -> QColor:
    """`amount` of color over base, opaque (cheaper to paint than alpha, same look)."""
    return QColor(
        round(base.red() + (color.red() - base.red()) * amount),
        round(base.green() + (color.green() - base.green()) * amount),
        round(base.blue() + (color.blue() - base.blue()) * amount),
    )


class SpanHighlighter(QSyntaxHighlighter):
    """Paints span formats block by block. Qt asks only for the blocks it lays out, so a long
    article with hundreds of highlights costs what its visible part costs (extra selections
    would lay out the whole document to measure every highlight)."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        # block number -> (start in block, length, format), longest spans first so a span
        # nested inside another is drawn over it.
        self._by_block: dict[int, list[tuple[int, int, QTextCharFormat]]] = {}

    def set_ranges(self, ranges: Sequence[tuple[int, int, QTextCharFormat]], starts: Sequence[int],
                   qt_length: int, rehighlight: bool = True) -> bool:
        """Highlight Qt ranges. `starts`: where each block starts (block_starts), `qt_length`:
        the document's length, so the ranges are cut into blocks without asking Qt.
        rehighlight=False: the blocks are about to be highlighted anyway (new text).
        Whether any block's highlights changed."""
        by_block: dict[int, list[tuple[int, int, QTextCharFormat]]] = {}
        last = len(starts) - 1
        for a, b, fmt in sorted(ranges, key=lambda r: r[0] - r[1]):
            n = bisect_right(starts, a) - 1
            while n <= last and starts[n] < b:
                start = starts[n]
                # The block's text ends before the separator that starts the next one.
                s, e = max(a, start), min(b, starts[n + 1] - 1 if n < last else qt_length)
                if e > s:
                    by_block.setdefault(n, []).append((s - start, e - s, fmt))
                n += 1
        old, self._by_block = self._by_block, by_block
        changed = [n for n in set(old) | set(by_block) if old.get(n) != by_block.get(n)]
        if rehighlight and len(changed) * 2 > len(starts):
            self.rehighlight()  # most blocks (the suggestions arrived): one pass, one relayout
        elif rehighlight:
            # Only the blocks whose highlights changed: accepting one span repaints one block.
            doc = self.document()
            for number in changed:
                self.rehighlightBlock(doc.findBlockByNumber(number))
        return bool(changed)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        for start, length, fmt in self._by_block.get(self.currentBlock().blockNumber(), ()):
            self.setFormat(start, length, fmt)


class ReaderView(QPlainTextEdit):
    """Shows one article. Offsets in and out are code points; Qt positions stay inside."""

    spanClicked = Signal(object)  # EntitySpan

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(14)
        self.setMouseTracking(True)
        self._map = OffsetMap.build("")
        self._starts: list[int] = [0]  # Qt position of each block (block_starts)
        self._text = ""
        self._placed: list[_Placed] = []
        self._current: Optional[_Placed] = None
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
        self._highlighter = SpanHighlighter(self.document())
        self._evidence: list[QTextEdit.ExtraSelection] = []
        self._evidence_timer = QTimer(self)
        self._evidence_timer.setSingleShot(True)
        self._evidence_timer.timeout.connect(self.clear_evidence)
        self._press_pos: Optional[QPoint] = None

    # ---- content -------------------------------------------------------------------------
    @property
    def offsets(self) -> OffsetMap:
        return self._map

    def set_text(self, text: str) -> None:
        """Show an article's text, literally (never as HTML, whatever it holds)."""
        self.show_article(text, ())

    def show_article(self, text: str, spans: Sequence[EntitySpan], hidden: set[str] = frozenset(),  # type: ignore[assignment]
                     current_id: Optional[int] = None) -> None:
        """Show a new text with its highlights. The highlights are known before the text goes
        in, so Qt formats each block once while it builds the document; highlighting after
        would format every block again and re-lay the document out once per block."""
        self._text = text
        self._map = OffsetMap.build(text)
        self._starts = block_starts(text, self._map)
        self._evidence = []
        self._place(spans, hidden, current_id, rehighlight=False)
        self.setExtraSelections([])
        self.setPlainText(display_text(text))

    def set_spans(self, spans: Sequence[EntitySpan], hidden: set[str] = frozenset(),  # type: ignore[assignment]
                  current_id: Optional[int] = None) -> None:
        """Draw the highlights of the spans whose label is not hidden (the text stays). The
        same highlights again (a re-read that found nothing new) repaint nothing."""
        before = self._current.span.id if self._current is not None else None
        if self._place(spans, hidden, current_id, rehighlight=True) or current_id != before:
            self.viewport().update()

    def _place(self, spans: Sequence[EntitySpan], hidden: set[str], current_id: Optional[int],
               rehighlight: bool) -> bool:
        """Place the spans and hand their ranges to the highlighter; whether any changed."""
        to_qt, fmt_of = self._map.to_qt, self._format
        placed, ranges = [], []
        current = None
        for s in spans:
            start, end, span_id, label, state = span_fields(s)
            if label not in hidden and end > start:
                p = _Placed(s, to_qt(start), to_qt(end))
                placed.append(p)
                ranges.append((p.qt_start, p.qt_end, fmt_of(label, state)))
                if current_id is not None and span_id == current_id:
                    current = p
        self._placed, self._current = placed, current
        return self._highlighter.set_ranges(ranges, self._starts, self._map.qt_length, rehighlight)

    def _format(self, label: str, state: str) -> QTextCharFormat:
        key = (label, state)
        fmt = self._formats.get(key)
        if fmt is None:
            color = label_color(label)
            base = self.palette().base().color()
            fmt = QTextCharFormat()
            if state == SpanState.ACCEPTED.value:
                fmt.setBackground(_blend(color, base, 0.45))
            elif state == SpanState.REJECTED.value:
                # Faded and struck through, but still there to be restored.
                fmt.setForeground(_blend(self.palette().text().color(), base, 0.45))
                fmt.setFontStrikeOut(True)
            else:  # suggested: a light wash and a dashed underline in the label colour
                fmt.setBackground(_blend(color, base, 0.18))
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(color.darker(115))
            fmt.setProperty(QTextFormat.Property.UserProperty, label)
            self._formats[key] = fmt
        return fmt

    def _apply_selections(self) -> None:
        self.setExtraSelections(self._evidence)
        self.viewport().update()

    # ---- current highlight ---------------------------------------------------------------
    def set_current(self, span_id: Optional[int], reveal: bool = True) -> None:
        self._current = next((p for p in self._placed if p.span.id == span_id), None)
        if self._current is not None and reveal:
            self._reveal(self._current.qt_start, self._current.qt_end)
        self.viewport().update()

    def current_id(self) -> Optional[int]:
        return self._current.span.id if self._current else None

    def _reveal(self, qt_start: int, qt_end: int) -> None:
        """Scroll so the range is in view; the caret goes to its start (a keyboard selection
        can grow from there with Shift+arrows)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(qt_end)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        cursor.setPosition(qt_start)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ---- evidence ------------------------------------------------------------------------
    def show_range(self, start: int, end: int, flash_ms: int = EVIDENCE_FLASH_MS) -> None:
        """Mark code points start..end (a field's evidence) for a moment and scroll to it."""
        a, b = self._map.range_to_qt(start, end)
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(EVIDENCE_COLOR)
        fmt.setFontUnderline(True)
        sel.format = fmt
        self._evidence = [sel]
        self._apply_selections()
        self._reveal(a, b)
        if flash_ms > 0:
            self._evidence_timer.start(flash_ms)

    def clear_evidence(self) -> None:
        if self._evidence:
            self._evidence = []
            self._apply_selections()

    def evidence_text(self) -> str:
        """The text currently marked as evidence, as the document holds it (for tests)."""
        return self._evidence[0].cursor.selectedText() if self._evidence else ""

    # ---- selection -----------------------------------------------------------------------
    def selected_range(self) -> Optional[tuple[int, int]]:
        """The selection as code points, widened to whole characters and trimmed of white
        space at both ends; None when nothing (but white space) is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = self._map.range_to_cp(cursor.selectionStart(), cursor.selectionEnd())
        while start < end and self._text[start].isspace():
            start += 1
        while end > start and self._text[end - 1].isspace():
            end -= 1
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        a, b = self._map.range_to_qt(start, end)
        cursor = QTextCursor(self.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def highlight_text(self, span_id: int) -> str:
        """What the document shows under a drawn highlight (reads Qt back, for tests)."""
        p = next((p for p in self._placed if p.span.id == span_id), None)
        if p is None:
            return ""
        cursor = QTextCursor(self.document())
        cursor.setPosition(p.qt_start)
        cursor.setPosition(p.qt_end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    # ---- geometry and hit testing --------------------------------------------------------
    def range_rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """One rectangle per laid-out line the range covers, in viewport coordinates."""
        rects: list[QRectF] = []
        doc = self.document()
        block = doc.findBlock(qt_start)
        offset = self.contentOffset()
        while block.isValid() and block.position() <= qt_end:
            layout = block.layout()
            top_left = self.blockBoundingGeometry(block).translated(offset).topLeft()
            bpos = block.position()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                ls = bpos + line.textStart()
                le = ls + line.textLength()
                s, e = max(qt_start, ls), min(qt_end, le)
                if s >= e:
                    continue
                x1 = _cursor_x(line, s - bpos)
                x2 = _cursor_x(line, e - bpos)
                rects.append(QRectF(top_left.x() + min(x1, x2), top_left.y() + line.y(),
                                    abs(x2 - x1), line.height()))
            if bpos + block.length() > qt_end:
                break
            block = block.next()
        return rects

    def span_at_point(self, point: QPoint) -> Optional[EntitySpan]:
        """The innermost visible highlight under a viewport point."""
        pos = self.cursorForPosition(point).position()
        hits = [p for p in self._placed if p.qt_start <= pos <= p.qt_end]
        hits.sort(key=lambda p: p.qt_end - p.qt_start)
        pt = QPointF(point)
        for p in hits:
            if any(r.contains(pt) for r in self.range_rects(p.qt_start, p.qt_end)):
                return p.span
        return None

    # ---- events --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._current is None:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(label_color(self._current.span.label).darker(140))
        pen.setWidthF(2.0)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for r in self.range_rects(self._current.qt_start, self._current.qt_end):
            painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        was_click = self._press_pos is not None and (point - self._press_pos).manhattanLength() < 4
        self._press_pos = None
        if event.button() == Qt.MouseButton.LeftButton and was_click and not self.textCursor().hasSelection():
            span = self.span_at_point(point)
            if span is not None:
                self.set_current(span.id, reveal=False)
                self.spanClicked.emit(span)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            over = self.span_at_point(event.position().toPoint()) is not None
            shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor
            if self.viewport().cursor().shape() != shape:
                self.viewport().setCursor(shape)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            span = self.span_at_point(help_event.pos())
            if span is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(help_event.globalPos(), span_tooltip(span, self._text), self.viewport())
            return True
        return super().viewportEvent(event)


def _cursor_x(line, pos: int) -> float:  # type: ignore[no-untyped-def]
    result = line.cursorToX(pos)
    return float(result[0] if isinstance(result, tuple) else result)


def span_tooltip(span: EntitySpan, text: str) -> str:
    """Tooltip: what the span says, its label, state and origin. Built as escaped HTML: a
    tooltip that merely looks like markup ("<b>...") would otherwise render as rich text."""
    snippet = " ".join(text[span.start:span.end].split())
    if len(snippet) > 60:
        snippet = snippet[:57] + "..."
    origin = f"from {span.origin}"
    if span.model_name:
        origin += f" ({span.model_name}{' ' + span.model_version if span.model_version else ''})"
    lines = [f"<b>{escape(human_name(span.label))}</b>: \u201c{escape(snippet)}\u201d",
             f"{escape(span.state)} \u00b7 {escape(origin)}"]
    if span.coder:
        lines.append(f"coder: {escape(span.coder)}")
    return "<p style='white-space:pre'>" + "<br>".join(lines) + "</p>"


__all__ = ["ReaderView", "span_tooltip"]
