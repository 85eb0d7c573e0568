"""The main window on a server workspace: it opens, names the database (password masked), and
reloads when another client commits (LISTEN/NOTIFY through the change poller)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from storage.repository import Repository
from tests.conftest import new_pg_database

ROOT = Path(__file__).resolve().parent.parent


def test_window_on_a_server_sees_another_clients_commit(pg_server, qtbot, settings, make_articles) -> None:  # type: ignore[no-untyped-def]
    from ui.window.main_window import MainWindow

    url = new_pg_database(pg_server)
    repo = make_articles(Repository(url), 3)
    window = MainWindow(repo, "tester", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    assert repo.location in window.windowTitle()
    reloads: list[int] = []
    window.changes._reload = lambda: reloads.append(1)  # type: ignore[method-assign]
    assert window.changes.poll() is False  # nothing from anyone else yet
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from storage.repository import Repository, ArticleIn;"
            "Repository(sys.argv[1]).add_article(ArticleIn(text='Added by another coder.'))")
    subprocess.run([sys.executable, "-c", code, url, str(ROOT)], check=True, timeout=120)
    deadline = time.monotonic() + 5
    while not window.changes.poll():
        assert time.monotonic() < deadline, "the window did not notice another client's commit"
        qtbot.wait(50)
    assert reloads == [1]
    window.close()


def test_the_status_bar_names_who_else_works_on_the_server_workspace(pg_server, qtbot, settings, make_articles) -> None:  # type: ignore[no-untyped-def]
    from ui.window.main_window import MainWindow

    url = new_pg_database(pg_server)
    repo = make_articles(Repository(url), 2)
    window = MainWindow(repo, "ana", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    other = Repository(url)
    other.heartbeat("ben")  # another coder's window on the same database
    window.beat()
    assert window.status.colleagues.text() == "also working here: ben"
    window.close()
    assert "ana" not in [c.coder for c in other.who_else()]  # closing says goodbye at once


def test_a_child_process_gets_the_password_in_its_environment_not_on_its_command_line() -> None:
    from types import SimpleNamespace

    from ui.jobs.controller import JobController

    fake = SimpleNamespace(repo=SimpleNamespace(target="postgresql://ana:s3cr%40t@127.0.0.1:5433/team"))
    target, env = JobController._worker_target(fake)  # type: ignore[arg-type]
    assert "s3cr" not in target and target == "postgresql://ana@127.0.0.1:5433/team"
    assert env == {"PGPASSWORD": "s3cr@t"}
    files = SimpleNamespace(repo=SimpleNamespace(target="/data/ws.sqlite"))
    assert JobController._worker_target(files) == ("/data/ws.sqlite", {})  # type: ignore[arg-type]


def test_open_workspace_takes_a_file_or_a_url_and_never_keeps_the_password(qtbot, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    from ui.window.open_dialog import OpenWorkspaceDialog, check_target, launch_for

    ws = tmp_path / "team.sqlite"
    Repository(ws).close()
    assert check_target(str(ws)) == (str(ws), "")
    assert check_target(str(tmp_path / "typo.sqlite"))[0] is None
    target, problem = check_target("postgresql://ana:s3cret@db.example:5432/team")
    assert (target, problem) == ("postgresql://ana@db.example:5432/team", "")
    assert check_target("postgresql://ana@db.example:5432/")[0] is None  # no database name
    launch = launch_for(target, "s3cret")
    assert launch.args[-2:] == ["--db", target] and all("s3cret" not in a for a in launch.args)
    assert launch.env == {"PGPASSWORD": "s3cret"}
    dialog = OpenWorkspaceDialog(["postgresql://ana@db.example:5432/team"])
    qtbot.addWidget(dialog)
    dialog.where.setCurrentText("mysql://x@y/z")
    dialog.accept()
    assert dialog.result() == 0 and "unsupported" in dialog.problem.text()
    settings.remember_workspace(target)
    settings.remember_workspace(str(ws))
    assert settings.recent_workspaces == [str(ws), target]
