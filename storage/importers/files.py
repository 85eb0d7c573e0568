"""The files an import reads: folders walked, links and special files refused, the workspace's
own files left out."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Union

from storage.importers.report import ImportFailure
from storage.repository import Repository


def collect_files(paths: Iterable[Union[str, Path]]) -> tuple[list[Path], list[ImportFailure]]:
    """Files to import, in order: files as given, folders walked recursively in sorted order
    skipping hidden files and folders (symlinked folders are not followed)."""
    files: list[Path] = []
    failures: list[ImportFailure] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        try:
            mode = p.stat().st_mode
        except OSError:
            reason = "a link to a missing file" if p.is_symlink() else "file not found"
            failures.append(ImportFailure(str(p), reason))
            return
        if not stat.S_ISREG(mode):
            # A FIFO would block the import for ever on open(); sockets and devices are no articles.
            failures.append(ImportFailure(str(p), "not a regular file (a pipe, socket or device)"))
            return
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            root = path.resolve()
            for folder, dirs, names in os.walk(path, onerror=lambda e: failures.append(
                    ImportFailure(str(e.filename), f"cannot read folder ({e.strerror})"))):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith("."):
                        continue
                    p = Path(folder) / name
                    # A link inside an imported folder may point anywhere (~/.ssh, /etc):
                    # only what lies inside the folder is the folder's content.
                    if p.is_symlink() and not p.resolve().is_relative_to(root):
                        failures.append(ImportFailure(str(p), "a link to a file outside the imported folder; "
                                                              "not followed (import that file by its own path)"))
                        continue
                    add(p)
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            failures.append(ImportFailure(str(path), "file not found"))
    return files, failures


def is_workspace_file(repo: Repository, path: Path) -> bool:
    """The workspace itself, its WAL files and backups, when they sit in an imported folder."""
    ws = repo.path
    if ws is None or path.resolve().parent != ws.parent:
        return False
    name = path.name
    return name == ws.name or name.startswith(ws.name + "-") or (
        name.startswith(ws.stem + ".") and name.endswith(".bak" + ws.suffix))
