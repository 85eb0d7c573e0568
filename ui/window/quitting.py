"""Closing the window waits for the edits still on their way to the workspace, and says so."""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from ui.writer import DatabaseWriter

# How long closing waits for the workspace before asking the coder (a SQLite file locked by
# another program waits up to its 30 s busy timeout per write; a lost server retries for seconds).
QUIT_WAIT_S = 15.0
_STEP_S = 0.05


def wait_for_writes(window: QWidget, writer: DatabaseWriter, status: QStatusBar, location: str,
                    limit_s: float = QUIT_WAIT_S) -> bool:
    """True when every edit is written (or the coder chose to close without the rest); False
    when the coder chose to keep the window open and waiting."""
    while True:
        writer.deliver()
        if not writer.pending():
            return True
        status.showMessage(f"Saving {_edits(writer.pending())} before closing…")
        deadline = time.monotonic() + limit_s
        while writer.pending() and time.monotonic() < deadline:
            # Paint the message and take the writes' results; the coder's keys wait.
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            writer.wait_idle(_STEP_S)
        if not writer.pending():
            status.clearMessage()
            return True
        answer = QMessageBox.warning(
            window, "Edits not saved yet",
            f"{_edits(writer.pending()).capitalize()} could not be written to {location} in {limit_s:.0f} s "
            "(the workspace is locked by another program, or the server does not answer).\n\n"
            "Wait longer, or close now and lose them? Everything saved before them is kept.",
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry)
        if answer == QMessageBox.StandardButton.Discard:
            writer.stop(discard=True)  # those not started are dropped; one in flight ends whole or not at all
            return True
        if answer == QMessageBox.StandardButton.Cancel:
            status.showMessage(f"{_edits(writer.pending())} still waiting for the workspace", 8000)
            return False


def _edits(n: int) -> str:
    return f"{n} edit{'s' if n != 1 else ''}"


__all__ = ["QUIT_WAIT_S", "wait_for_writes"]
