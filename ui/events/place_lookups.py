"""The event panel's place lookups off the GUI thread: each runs on a TaskRunner thread, its
result applied only if the coder is still on the same article, event and field and asked
nothing newer there; on a first start the gazetteer index is built first, with its progress."""
from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Signal

from ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class PlaceLookups(QObject):
    """`where()` names what a result is for (article id, event id); a result for another
    article or event, or overtaken by a newer lookup of the same field, is dropped (and said)."""

    statusMessage = Signal(str, int)  # text, milliseconds (0: until replaced)

    def __init__(self, where: Callable[[], tuple[Any, ...]], parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        from coding.gazetteer import never_build_on_this_thread

        never_build_on_this_thread()  # a stray lookup here would freeze the window for seconds
        self.destroyed.connect(lambda *_: never_build_on_this_thread(False))
        self._where = where
        self._runner = TaskRunner(self)
        self._runner.message.connect(lambda text: self.statusMessage.emit(text, 0))
        self._latest: dict[tuple[Any, ...], int] = {}
        self.idle = self._runner.idle

    def run(self, name: str, job: Callable[[], Any], apply: Callable[[Any], None], what: str) -> None:
        """`job()` on the worker; `apply(result)` on the GUI thread if still wanted."""
        key = (*self._where(), name)
        ticket = 0

        def done(result: Any) -> None:
            if (*self._where(), name) != key or self._latest.get(key) != ticket:
                self.statusMessage.emit(f"Place lookup of {what} dropped: another article, event or lookup "
                                        "came since", 5000)
                return
            self._latest.pop(key, None)
            apply(result)

        def failed(error: BaseException) -> None:
            self._latest.pop(key, None)
            log.error("place lookup of %s failed", what, exc_info=error)
            self.statusMessage.emit(f"Place lookup of {what} failed: {error}", 8000)

        if not index_ready():
            self.statusMessage.emit(f"Looking {what} up once the place index is built (first use)\u2026", 0)
        ticket = self._latest[key] = self._runner.run(job, done, failed)

    def pending(self) -> int:
        return self._runner.pending()

    def build_index_if_missing(self) -> None:
        """First start on this machine: the gazetteer index (a child process, 10-15 s) is built
        now, in the background with its progress in the status bar, so the first place the
        coder uses is ready or nearly; the form works meanwhile."""
        from coding.gazetteer import ensure_index

        if index_ready():
            return
        runner = self._runner

        def progress(done: int, total: int, what: str) -> None:
            if done < total:
                runner.say(f"Building the place index (first use): {what}, step {done + 1} of {total}\u2026")

        def built(path: Any) -> None:
            if path is not None:
                self.statusMessage.emit("Place index built: places are looked up at once now.", 4000)

        def failed(error: BaseException) -> None:
            log.error("building the place index failed", exc_info=error)
            self.statusMessage.emit(f"The place index could not be built ({error}): places are not looked up.", 0)

        runner.say("Building the place index (first use)\u2026")
        runner.run(lambda: ensure_index(progress, runner.stopping), built, failed)

    def shutdown(self) -> None:
        self._runner.shutdown()


def index_ready() -> bool:
    from coding.gazetteer import index_ready as ready

    return ready()


__all__ = ["PlaceLookups"]
