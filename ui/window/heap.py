"""The Python heap once the window is built: what is alive then lives as long as the process,
so the cycle collector stops walking it (one full collection used to stop the GUI thread)."""
from __future__ import annotations

import gc

_settled = False


def settle_heap() -> None:
    """gc.freeze() the objects alive now (modules, classes, SQLAlchemy's and Qt's wrappers, the
    window's), once per process. A full collection walked all of them: 140-220 ms on the GUI
    thread, whenever Python chose (an import's reload, an edit), longer than many frames. After
    this it walks only what was made since. Nothing is kept that would have been freed: frozen
    objects are still freed by reference counting, only cycles among them stay (there are none
    worth a collection at this point: no collect() first, it would cost the start that long)."""
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


__all__ = ["settle_heap"]
