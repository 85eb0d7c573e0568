"""The GUI thread's stall probe the GUI benchmarks share: a 10 ms precise timer on the GUI
thread; each gap between two ticks is how long the window did not answer."""
from __future__ import annotations

from typing import Any


class GapProbe:
    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.at: list[float] = []  # when each gap ended, ms since start()
        self._last = 0.0
        self.timer: Any = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.now_ms()
        self.gaps.append(now - self._last)
        self.at.append(now)
        self._last = now

    def now_ms(self) -> float:
        return self.clock.nsecsElapsed() / 1e6

    def start(self) -> None:
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def clear(self) -> None:
        """Forget the gaps so far (a phase measured apart, e.g. the machine's idle noise)."""
        self.gaps.clear()
        self.at.clear()

    def measured(self) -> list[float]:
        """The gaps after the first (which counts from start() to the first tick)."""
        return self.gaps[1:] or [0.0]


def p99(gaps: list[float]) -> float:
    return sorted(gaps)[int(0.99 * (len(gaps) - 1))]
