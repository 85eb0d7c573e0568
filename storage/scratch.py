"""Where an export is written before it replaces its target: a private folder beside it.

The folder is made with mkdtemp (owner-only, a name nobody can guess, never an existing path
or a symlink planted there), so a planted link cannot redirect the write. Its name carries the
process id: an export killed with -9 leaves it behind, and the next export to the same
target removes the folders of processes that are gone, so no article text lingers.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_OPENPYXL_LOCK = threading.Lock()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or no way to tell: leave it
    return True


def remove_stale(out: Path) -> None:
    """Folders left by killed exports to `out`."""
    prefix = f".{out.name}."
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".export")):
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def scratch_folder(out: Path) -> Iterator[Path]:
    """A private folder beside `out`, removed (with whatever is left in it) on the way out."""
    remove_stale(out)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}.", suffix=".export", dir=out.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def openpyxl_temp_files_in(folder: Path) -> Iterator[None]:
    """openpyxl's write-only sheets spill rows to temporary files in the system temp folder,
    which a killed export would leave there with the article text: put them in `folder`."""
    import openpyxl.worksheet._writer as writer

    def create_temporary_file(suffix: str = "") -> str:
        fobj = tempfile.NamedTemporaryFile(mode="w+", suffix=suffix, prefix="openpyxl.", dir=folder, delete=False)
        fobj.close()
        writer.ALL_TEMP_FILES.append(fobj.name)
        return fobj.name

    with _OPENPYXL_LOCK:  # one export at a time patches the module
        original = writer.create_temporary_file
        writer.create_temporary_file = create_temporary_file  # type: ignore[assignment]
        try:
            yield
        finally:
            writer.create_temporary_file = original
