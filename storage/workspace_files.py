"""Files beside a workspace: a journal that is not its own, restored copies of a backup."""
from __future__ import annotations

import shutil
from pathlib import Path

WAL_MAGIC = (0x377F0682, 0x377F0683)


def foreign_wal(wal: Path, page_size: int) -> str | None:
    """A -wal file SQLite would fold into this database though it was written for another (a
    copied or restored file beside an old journal): its header must be a WAL's and name this
    database's page size. (A WAL of another database with the same page size cannot be told
    from the header alone.)"""
    try:
        with wal.open("rb") as fh:
            head = fh.read(32)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"its journal {wal.name} cannot be read ({exc.strerror or exc})"
    if not head:
        return None
    if len(head) < 32 or int.from_bytes(head[0:4], "big") not in WAL_MAGIC:
        return (f"the file {wal.name} beside it is not an SQLite journal; move it away (SQLite would "
                "read it as this workspace's latest edits)")
    wal_page = int.from_bytes(head[8:12], "big")
    if wal_page != page_size:
        return (f"the journal {wal.name} beside it belongs to another database (pages of {wal_page:,} "
                f"bytes, this one has {page_size:,}); move it away before opening")
    return None


def restored_copy(backup: Path, path: Path) -> Path:
    """Copy a backup beside the workspace as NAME.restored.sqlite, or NAME.restored-2.sqlite
    and so on: a copy restored earlier (and maybe edited since) is never overwritten."""
    for n in range(1, 10_000):
        suffix = "" if n == 1 else f"-{n}"
        target = path.with_name(f"{path.stem}.restored{suffix}{path.suffix}")
        try:
            # "x": created here or not at all, even when another window restores at once.
            with backup.open("rb") as src, target.open("xb") as dst:
                shutil.copyfileobj(src, dst)
        except FileExistsError:
            continue
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        shutil.copystat(backup, target)
        return target
    from storage.db import WorkspaceError

    raise WorkspaceError(f"{path}: too many restored copies beside it; remove some", path=path)
