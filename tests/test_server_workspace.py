"""A workspace on a PostgreSQL server: URLs, the command line on both engines, identical
exports, clear one-line errors, migrations once, conflicts, change notices, presence, reconnects."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event

import main
from storage.concurrency import Conflict
from storage.db import HEAD_REVISION, SCHEMA_VERSION, WorkspaceError, dispose_engine, open_change_watch, schema_version
from storage.dburl import BadWorkspaceURL, is_url, mask_url, parse_server_url, url_without_password
from storage.repository import ArticleIn, Repository
from tests.conftest import new_pg_database
from tests.pg_server import PASSWORD, PASSWORD_USER

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples" / "samples.jsonl"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- URLs, no server needed ---------------------------------------------------------------
def test_urls_are_told_from_paths_and_masked() -> None:
    assert is_url("postgresql://ana@db.example:5432/team") and not is_url("ws/postgresql.sqlite")
    assert mask_url("postgresql://ana:hunter2@db:5432/team") == "postgresql://ana:***@db:5432/team"
    assert url_without_password("postgresql://ana:hunter2@db:5432/team") == "postgresql://ana@db:5432/team"
    loc = parse_server_url("postgres://ana:pw@db.example/team")
    assert (loc.user, loc.host, loc.port, loc.dbname) == ("ana", "db.example", 5432, "team")
    assert "pw" not in loc.display
    for bad, why in [("mysql://a@b/c", "unsupported"), ("postgresql://a@b:5432/", "no database name"),
                     ("postgresql://a:pw@:5432/x", "no server host"), ("postgresql://a@b:99999/x", "not a valid URL")]:
        with pytest.raises(BadWorkspaceURL, match=why) as info:
            parse_server_url(bad)
        assert "pw" not in str(info.value)


def test_a_url_is_never_taken_for_a_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "import", str(SAMPLES), "--db", "mysql://ana:pw@localhost/x", "--no-suggest")
    assert code != 0 and err.startswith("chronicler: ") and err.count("\n") == 1 and "pw" not in err
    assert list(tmp_path.iterdir()) == []  # no folder called "mysql:"


# ---- the command line on both engines ------------------------------------------------------
def test_import_stats_export_on_both_engines(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "import", str(SAMPLES), "--db", db_url, "--no-suggest")
    assert code == 0 and "imported 16, skipped 0 duplicates" in out
    code, out, _ = run(capsys, "import", str(SAMPLES), "--db", db_url, "--no-suggest")
    assert code == 0 and "imported 0, skipped 16 duplicates" in out
    code, out, _ = run(capsys, "stats", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["articles"]["total"] == 16
    for name in ("all.jsonl", "events.csv", "events.xlsx"):
        code, out, err = run(capsys, "export", str(tmp_path / name), "--db", db_url)
        assert code == 0 and (tmp_path / name).stat().st_size > 0, err
    assert not (tmp_path / "postgresql:").exists()


def test_jsonl_export_is_identical_from_both_engines(pg_server, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # The data: the samples with spans, events and evidence, exported once so that every
    # timestamp is fixed in the file both engines import.
    from tests.test_interchange import _fill

    source = Repository(tmp_path / "source.sqlite")
    _fill(source)
    data = tmp_path / "data.jsonl"
    assert run(capsys, "import", str(SAMPLES), "--db", str(source.path), "--no-suggest")[0] == 0
    assert run(capsys, "export", str(data), "--db", str(source.path))[0] == 0
    source.close()
    outputs = []
    for db in (str(tmp_path / "copy.sqlite"), new_pg_database(pg_server)):
        assert run(capsys, "import", str(data), "--db", db, "--no-suggest")[0] == 0
        out = tmp_path / f"out{len(outputs)}.jsonl"
        assert run(capsys, "export", str(out), "--db", db)[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[0].splitlines()]
    articles = [line for line in lines if "text" in line and "spans" in line]
    assert len(articles) == 18 and sum(len(a["events"]) for a in articles) == 2


def test_suggestions_on_both_engines(db_url: str, suggest_service) -> None:  # type: ignore[no-untyped-def]
    from coding.suggest import run_suggestions

    repo = Repository(db_url)
    repo.add_articles([ArticleIn(text="Russian forces shelled Kharkiv on Monday, officials in Kyiv said.")])
    result = run_suggestions(repo, service=suggest_service)
    assert result.articles == 1 and result.spans >= 2
    assert run_suggestions(repo, service=suggest_service).articles == 0  # none left without spans
    repo.close()


# ---- bad URLs: one clear line each, password never shown -----------------------------------
def _bad_urls(server) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    port = server.port
    return {
        "host": (f"postgresql://ana:{PASSWORD}@no-such-host.invalid:{port}/x", "unknown server host"),
        "port": (f"postgresql://ana:{PASSWORD}@127.0.0.1:1/x", "nothing answers at 127.0.0.1:1"),
        "password": (server.url("postgres", PASSWORD_USER, "wrong-" + PASSWORD), "refused the password"),
        "database": (server.url("no_such_db", PASSWORD_USER, PASSWORD), "no database 'no_such_db'"),
    }


@pytest.mark.parametrize("what", ["host", "port", "password", "database"])
def test_wrong_url_is_one_line(pg_server, what: str, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    url, expected = _bad_urls(pg_server)[what]
    code, out, err = run(capsys, "stats", "--db", url)
    assert code != 0 and out == ""
    assert err.startswith("chronicler: ") and err.count("\n") == 1 and expected in err, err
    assert PASSWORD not in err and "***" in err


def test_right_password_connects(pg_server, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    name = new_pg_database(pg_server).rsplit("/", 1)[1]
    url = pg_server.url(name, PASSWORD_USER, PASSWORD)
    code, out, _ = run(capsys, "stats", "--db", url)
    assert code == 0 and "articles: 0" in out and PASSWORD not in out
    dispose_engine(url)


# ---- migrations ----------------------------------------------------------------------------
def test_clients_starting_together_migrate_once(pg_server) -> None:  # type: ignore[no-untyped-def]
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE empty_together")
    url = pg_server.url("empty_together")
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from storage.repository import Repository;"
            "print(Repository(sys.argv[1]).count_articles())")
    procs = [subprocess.Popen([sys.executable, "-c", code, url, str(ROOT)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(rc == 0 and out.strip() == "0" for out, _err, rc in outcomes), outcomes
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
    repo = Repository(url)
    assert schema_version(repo.engine) == SCHEMA_VERSION
    repo.close()


def test_a_newer_server_schema_is_refused(pg_server) -> None:  # type: ignore[no-untyped-def]
    url = new_pg_database(pg_server)
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(WorkspaceError, match="newer Chronicler"):
        Repository(url)


# ---- several coders --------------------------------------------------------------------------
def test_a_stale_edit_is_refused_naming_who_changed_it(db_url: str) -> None:
    ana, ben = Repository(db_url), Repository(db_url)
    ana.coder, ben.coder = "ana", "ben"
    article_id = ana.add_article(ArticleIn(text="Clashes in Goma."))
    ev = ana.add_event(article_id, {"fatalities": 1}, coder="ana")
    read_by_ana = ana.get_event(ev.id).version
    ben.update_event(ev.id, {"fatalities": 2}, expected_version=ben.get_event(ev.id).version)
    with pytest.raises(Conflict, match="changed by ben") as info:
        ana.update_event(ev.id, {"fatalities": 3}, expected_version=read_by_ana)
    assert info.value.by == "ben" and info.value.current == read_by_ana + 1
    assert ana.get_event(ev.id).fatalities == 2  # ben's edit stands
    article = ana.get_article(article_id)
    ben.set_status(article_id, "coded", expected_version=article.version)
    with pytest.raises(Conflict):
        ana.set_status(article_id, "skipped", expected_version=article.version)
    from storage.models import EntitySpan

    span = ana.add_span(EntitySpan(article_id=article_id, start=12, end=16, label="GPE"))
    ben.update_span(span.id, expected_version=span.version, state="accepted")
    with pytest.raises(Conflict):
        ana.delete_span(span.id, expected_version=span.version)
    assert ana.get_bundle(article_id).spans[0].state == "accepted"


def test_other_clients_commits_are_noticed(db_url: str) -> None:
    mine = Repository(db_url)
    watch = open_change_watch(mine.target, mine.engine)
    theirs = ("import sys; sys.path.insert(0, sys.argv[2]); from storage.repository import Repository, ArticleIn;"
              "Repository(sys.argv[1]).add_article(ArticleIn(text='Their edit.'))")
    try:
        assert not watch.changed()
        mine.add_article(ArticleIn(text="My own edit."))
        assert not watch.changed()  # own commits are not someone else's
        subprocess.run([sys.executable, "-c", theirs, db_url, str(ROOT)], check=True, timeout=120)
        deadline = time.monotonic() + 5
        while not watch.changed():
            assert time.monotonic() < deadline, "another client's commit was not noticed"
            time.sleep(0.05)
        assert not watch.changed()
    finally:
        watch.close()


def test_who_else_is_working(db_url: str) -> None:
    ana, ben = Repository(db_url), Repository(db_url)
    ana.heartbeat("ana")
    ben.heartbeat("ben")
    assert [c.coder for c in ana.who_else()] == ["ben"]
    ben.leave()
    assert ana.who_else() == []


# ---- lost connections ------------------------------------------------------------------------
def _kill_own_backend_once(repo: Repository, statement_start: str) -> list[str]:
    """Terminate the connection running the first statement that starts with `statement_start`,
    as a server restart or a dropped network would, just before it runs."""
    killed: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if not killed and statement.lstrip().upper().startswith(statement_start):
            killed.append(statement)
            pid = conn.connection.driver_connection.info.backend_pid
            with psycopg.connect(str(repo.target), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    event.listen(repo.engine, "before_cursor_execute", before)
    return killed


def test_a_transaction_cut_before_commit_runs_again_once(pg_server) -> None:  # type: ignore[no-untyped-def]
    repo = Repository(new_pg_database(pg_server))
    article_id = repo.add_article(ArticleIn(text="Clashes in Goma."))
    ev = repo.add_event(article_id, {"fatalities": 1})
    retries: list[str] = []
    from storage.concurrency import on_retry, remove_retry_listener

    on_retry(retries.append)
    try:
        killed = _kill_own_backend_once(repo, "UPDATE EVENT")
        repo.update_event(ev.id, {"fatalities": 2}, expected_version=1)
    finally:
        remove_retry_listener(retries.append)
    assert killed and retries == ["connection lost: retrying"]
    again = repo.get_event(ev.id)
    assert again.fatalities == 2 and again.version == 2  # applied exactly once


def test_idle_connections_dropped_by_the_server_are_replaced(pg_server) -> None:  # type: ignore[no-untyped-def]
    url = new_pg_database(pg_server)
    repo = Repository(url)
    repo.add_article(ArticleIn(text="Before the restart."))
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (url.rsplit("/", 1)[1],))
    assert repo.count_articles() == 1
    repo.add_article(ArticleIn(text="After the restart."))
    assert repo.count_articles() == 2


def test_a_server_gone_for_good_is_one_clear_error(pg_server) -> None:  # type: ignore[no-untyped-def]
    from storage.concurrency import ConnectionLost

    repo = Repository(new_pg_database(pg_server))
    article_id = repo.add_article(ArticleIn(text="Clashes in Goma."))

    def cut_every_time(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE"):
            with psycopg.connect(str(repo.target), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (conn.connection.driver_connection.info.backend_pid,))

    event.listen(repo.engine, "before_cursor_execute", cut_every_time)
    with pytest.raises(ConnectionLost) as info:
        repo.set_status(article_id, "coded")
    message = str(info.value)
    assert "\n" not in message and "connection to the server was lost" in message and "try it again" in message
    event.remove(repo.engine, "before_cursor_execute", cut_every_time)
    assert repo.get_article(article_id).status == "new"  # nothing half-done


def test_no_postgresql_binaries_is_a_clear_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the pg_server fixture reports (as a test failure, never a skip) on a bare machine."""
    import tests.pg_server as pg

    monkeypatch.setattr(pg.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pg.shutil, "which", lambda name: None)
    with pytest.raises(pg.ServerUnavailable, match="PostgreSQL binaries not found.*make test"):
        pg.start_server()
