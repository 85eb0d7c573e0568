"""A damaged workspace (cut off, garbage, empty, read-only, disk full) gets a clear message naming
the file and the problem, is left exactly as it was, and the last migration's backup is offered."""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from storage.db import WorkspaceError, dispose_engine, explain_error, latest_backup
from storage.repository import ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent
V1 = Path(__file__).resolve().parent / "data" / "workspace_v1.sqlite"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_workspace(path: Path, n: int = 300) -> Path:
    """A closed workspace of a few hundred pages (closing folds the WAL back into the file)."""
    repo = Repository(path)
    repo.add_articles([ArticleIn(text=f"Article {i}: " + "words of a report " * 40, title=f"t{i}") for i in range(n)])
    repo.close()
    assert not Path(f"{path}-wal").exists()
    return path


def _open_fails(path: Path) -> WorkspaceError:
    """Open must fail with a WorkspaceError naming the file, and change nothing on disk."""
    digest = _digest(path) if path.exists() else None
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(WorkspaceError) as info:
        Repository(path)
    dispose_engine(path)
    err = info.value
    assert str(path) in str(err)
    assert digest is None or _digest(path) == digest, "a failed open changed the file"
    assert sorted(p.name for p in path.parent.iterdir()) == siblings, "a failed open left files behind"
    return err


def test_cut_off_file(tmp_path: Path) -> None:
    ws = _make_workspace(tmp_path / "ws.sqlite")
    size = ws.stat().st_size
    with ws.open("r+b") as fh:
        fh.truncate(size // 2)
    err = _open_fails(ws)
    assert "cut off" in str(err) and err.backup is None


def test_cut_off_inside_the_header(tmp_path: Path) -> None:
    ws = _make_workspace(tmp_path / "ws.sqlite", n=5)
    with ws.open("r+b") as fh:
        fh.truncate(60)
    assert "cut off" in str(_open_fails(ws))


def test_garbage_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    ws.write_bytes(os.urandom(64 * 1024))
    assert "not an SQLite database" in str(_open_fails(ws))


def test_text_file_with_a_workspace_name(tmp_path: Path) -> None:
    ws = tmp_path / "notes.sqlite"
    ws.write_text("my notes, not a workspace\n", encoding="utf-8")
    assert "not a Chronicler workspace" in str(_open_fails(ws))


def test_valid_header_damaged_schema_page(tmp_path: Path) -> None:
    """The header looks right but the first page (the schema) is garbage."""
    ws = _make_workspace(tmp_path / "ws.sqlite", n=20)
    with ws.open("r+b") as fh:
        fh.seek(100)
        fh.write(os.urandom(3996))
    err = _open_fails(ws)
    assert "damaged" in str(err) or "not a Chronicler workspace" in str(err)


def test_empty_file_is_a_new_workspace_unless_it_held_one(tmp_path: Path) -> None:
    fresh = tmp_path / "new.sqlite"
    fresh.touch()
    repo = Repository(fresh)
    assert repo.count_articles() == 0
    repo.close()

    # A migrated workspace (its backup lies beside it) later found at 0 bytes: refuse, offer the backup.
    ws = tmp_path / "ws.sqlite"
    shutil.copyfile(V1, ws)
    Repository(ws).close()
    backup = latest_backup(ws)
    assert backup is not None
    ws.write_bytes(b"")
    err = _open_fails(ws)
    assert "empty" in str(err) and err.backup == backup and str(backup) in str(err)


def test_damaged_file_offers_the_backup_of_the_last_migration(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    shutil.copyfile(V1, ws)
    repo = Repository(ws)
    repo.add_articles([ArticleIn(text=f"later article {i} " + "text " * 200) for i in range(100)])
    repo.close()
    backup = latest_backup(ws)
    assert backup is not None
    with ws.open("r+b") as fh:
        fh.truncate(ws.stat().st_size - 8192)
    err = _open_fails(ws)
    assert err.backup == backup
    assert f"backup made before the last upgrade is at {backup}" in str(err)
    # The offered backup opens (a copy of it: opening migrates).
    rescue = tmp_path / "rescue.sqlite"
    shutil.copyfile(backup, rescue)
    again = Repository(rescue)
    assert again.count_articles() == 3
    again.close()


def test_command_line_says_one_line_no_traceback(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    ws.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "stats", "--db", str(ws)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("chronicler: ") and str(ws) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_damage_inside_found_mid_command_is_one_line(tmp_path: Path) -> None:
    """The header is fine, so the file opens; pages in the middle are garbage. The command that
    reads them says so in one line naming the file (and offers the backup), no traceback."""
    ws = tmp_path / "ws.sqlite"
    shutil.copyfile(V1, ws)
    repo = Repository(ws)  # migrated: a backup lies beside it
    repo.add_articles([ArticleIn(text=f"later article {i} " + "text " * 200) for i in range(200)])
    repo.close()
    size = ws.stat().st_size
    with ws.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xff" * 4096 * 4)
    digest = _digest(ws)
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--db", str(ws), str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"chronicler: {ws}: ") and "damaged" in proc.stderr
    assert str(latest_backup(ws)) in proc.stderr
    assert _digest(ws) == digest


# ---- read-only and full: real file-system conditions ------------------------------------------
def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=30)


def _can_mount(tmp_path: Path) -> bool:
    if not IS_ROOT or not shutil.which("mount"):
        return False
    probe = tmp_path / f"probe-{uuid.uuid4().hex[:6]}"
    probe.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))
    except (subprocess.SubprocessError, OSError):
        return False
    _umount(probe)
    return True


@contextlib.contextmanager
def read_only(path: Path, tmp_path: Path) -> Iterator[None]:
    """Make a file or folder read-only for real: permission bits for a normal user; for root
    (who ignores them) a read-only bind mount, which refuses root's writes too (EROFS)."""
    if not IS_ROOT:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if not _can_mount(tmp_path):
        pytest.skip("running as root without mount: no way to make a file read-only for root")
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path), str(path))
        yield
    finally:
        _umount(path)


def test_read_only_file(tmp_path: Path) -> None:
    ws = _make_workspace(tmp_path / "ws.sqlite", n=10)
    with read_only(ws, tmp_path):
        err = _open_fails(ws)
    assert "read-only" in str(err)


def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    ws = _make_workspace(folder / "ws.sqlite", n=10)
    with read_only(folder, tmp_path):
        err = _open_fails(ws)
        assert "read-only" in str(err)
        # A new workspace cannot be created there either.
        with pytest.raises(WorkspaceError, match="not writable"):
            Repository(folder / "other.sqlite")
    assert not (folder / "other.sqlite").exists()


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "2m") -> Iterator[Path]:
    """A tiny tmpfs: the writes really fail with ENOSPC, as on a full disk."""
    if not _can_mount(tmp_path):
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root and mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk))
    try:
        yield disk
    finally:
        _umount(disk)


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill the file system to the last byte, then give back `leave` bytes."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in (1 << 16, 1 << 12, 1 << 9, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * chunk)
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def _content(path: Path) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in con.execute("SELECT id, title, text, status FROM article ORDER BY id")]
    finally:
        con.close()


def test_disk_full_while_saving_keeps_what_is_saved(tmp_path: Path) -> None:
    with small_disk(tmp_path) as disk:
        repo = Repository(disk / "ws.sqlite")
        saved = repo.add_articles([ArticleIn(text=f"saved article {i}") for i in range(20)]).added_ids
        repo.set_status(saved[0], "coded")
        filler = _fill(disk)
        with pytest.raises(Exception) as info:
            repo.add_articles([ArticleIn(text="a long one " + "y" * 600_000)])
        assert explain_error(info.value) == "the disk is full; free some space and try again"
        # Reading still works, nothing saved was lost, the failed batch left nothing behind.
        assert repo.count_articles() == 20
        assert repo.get_article(saved[0]).status == "coded"  # type: ignore[union-attr]
        filler.unlink()
        # With room again, saving works again.
        repo.add_articles([ArticleIn(text="a long one " + "y" * 600_000)])
        assert repo.count_articles() == 21
        repo.close()
        assert sqlite3.connect(disk / "ws.sqlite").execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_disk_full_during_import_is_reported_per_file(tmp_path: Path) -> None:
    from storage.importers import import_paths

    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_text("Big report\n" + "z" * 900_000, encoding="utf-8")
    with small_disk(tmp_path) as disk:
        repo = Repository(disk / "ws.sqlite")
        repo.add_articles([ArticleIn(text=f"saved article {i}") for i in range(5)])
        before = _content(disk / "ws.sqlite")
        _fill(disk, leave=64 * 1024)
        report = import_paths(repo, [src / "big.txt"])
        assert report.imported == 0
        (failure,) = report.failures
        assert failure.path.endswith("big.txt") and "full" in failure.reason
        assert _content(disk / "ws.sqlite") == before
        repo.close()


def test_disk_full_during_migration_leaves_the_old_file(tmp_path: Path) -> None:
    """The backup cannot be written: no migration, no half backup left, the data as it was."""
    with small_disk(tmp_path, "1m") as disk:
        ws = disk / "ws.sqlite"
        shutil.copyfile(V1, ws)
        before = _content(ws)
        _fill(disk, leave=48 * 1024)
        with pytest.raises(WorkspaceError) as info:
            Repository(ws)
        dispose_engine(ws)
        err = info.value
        assert str(ws) in str(err) and "disk is full" in str(err) and "backup" in str(err)
        assert latest_backup(ws) is None and not list(disk.glob("*.bak*"))
        assert _content(ws) == before
        con = sqlite3.connect(f"file:{ws}?mode=ro", uri=True)
        assert con.execute("PRAGMA user_version").fetchone() == (1,)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.close()
