"""--db: a mistyped path is one line and a non-zero exit, never a new empty workspace."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=tmp_path)


@pytest.mark.parametrize("command", [["stats"], ["export", "out.xlsx"], ["suggest"]])
def test_read_only_command_on_a_missing_file_is_an_error(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo.sqlite"
    proc = _run(tmp_path, *command, "--db", str(missing))
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chronicler: ") and "no workspace there" in lines[0]
    assert not missing.exists() and not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("command", [["stats"], ["import", "--no-suggest", "x.txt"]])
def test_a_folder_that_does_not_exist_is_an_error(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "x.txt").write_text("Protest in Kyiv.", encoding="utf-8")
    target = tmp_path / "no such folder" / "ws.sqlite"
    proc = _run(tmp_path, *command, "--db", str(target))
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0]
    assert not target.parent.exists()


def test_import_still_creates_a_workspace_in_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Protest in Kyiv.", encoding="utf-8")
    target = tmp_path / "new.sqlite"
    proc = _run(tmp_path, "import", "--no-suggest", "x.txt", "--db", str(target))
    assert proc.returncode == 0, proc.stderr
    assert target.exists()
    assert _run(tmp_path, "stats", "--db", str(target)).returncode == 0
