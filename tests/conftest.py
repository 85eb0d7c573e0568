"""Shared fixtures: a fresh workspace per test, the seed article, the data folder kept apart, and
the main-window tests' settings, small workspace and window."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PySide6 is pinned to 6.11.3: 6.12.0 on Python 3.11 drops a reference to None on every
# void method call and aborts the process after a few thousand Qt calls (none_dealloc).

SEEDS_DIR = ROOT.parent / "shared" / "seeds"
DATA_DIR = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's real data folder: CHRONICLER_HOME points into a temp dir.
    The gazetteer cache is shared by the whole session so it is built once."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CHRONICLER_HOME", str(home))
    shared_cache = tmp_path_factory.getbasetemp() / "shared-cache"
    shared_cache.mkdir(exist_ok=True)
    monkeypatch.setenv("CHRONICLER_CACHE", str(shared_cache))
    return home


@pytest.fixture(scope="session")
def gazetteer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gazetteer index built once in the session's shared cache, before a window or event
    panel opens: else each one would start building it in the background (and stop when closed)."""
    from coding.gazetteer import ensure_index

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHRONICLER_CACHE", str(tmp_path_factory.getbasetemp() / "shared-cache"))
        path = ensure_index()
    assert path is not None
    return path


@pytest.fixture
def repo(tmp_path: Path):
    from storage.repository import Repository

    r = Repository(tmp_path / "ws.sqlite")
    yield r
    r.close()


@pytest.fixture
def seed_text() -> str:
    """The real article of the kind users code (kept outside the project)."""
    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        pytest.skip("no seed article beside the project")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def suggest_service(tmp_path_factory: pytest.TempPathFactory):
    """The default spaCy pipeline with the gazetteer and learned stages, loaded once per test
    session; the gazetteer index goes to the session's shared cache."""
    from coding.suggest import DEFAULT_MODEL, SuggestionService

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHRONICLER_CACHE", str(tmp_path_factory.getbasetemp() / "shared-cache"))
        service = SuggestionService(DEFAULT_MODEL)
        service.set_patterns([])
        service.suggest_texts(["Warm up in Kyiv."])  # builds or opens the gazetteer index
        yield service


# ---- PostgreSQL: one throwaway server per test process, a fresh database per test ----------
TEMPLATE_DB = "chronicler_template"
_db_counter = iter(range(1, 10**9))


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server started for this test process (each xdist worker has its own) with
    a migrated template database. If it cannot start, the tests that need it fail, naming why."""
    from tests.pg_server import ServerUnavailable, start_server

    try:
        server = start_server()
    except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    try:
        import psycopg

        from storage.db import dispose_engine, get_engine

        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE_DB}")
        url = server.url(TEMPLATE_DB)
        get_engine(url)  # migrates it once; every test database is a copy
        dispose_engine(url)
        yield server
    finally:
        server.stop()


def new_pg_database(server) -> str:  # type: ignore[no-untyped-def]
    """A fresh, migrated database (a copy of the template): its URL."""
    import psycopg

    name = f"ws_{os.getpid()}_{next(_db_counter)}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A new workspace on each engine: a file path, or a postgresql:// URL of a fresh database."""
    if request.param == "sqlite":
        yield str(tmp_path / "ws.sqlite")
        return
    url = new_pg_database(request.getfixturevalue("pg_server"))
    yield url
    from storage.db import dispose_engine

    dispose_engine(url)


# ---- the main window -----------------------------------------------------------------------
def _add_articles(repo: Any, n: int, two_sources: bool = True) -> Any:
    from storage.repository import ArticleIn

    repo.add_articles([
        ArticleIn(text=f"Article body number {i}. Police clashed with protesters in Kyiv.",
                  title=f"Title {i}", source=("Wire" if i % 2 else "Daily") if two_sources else "Wire",
                  published=dt.date(2024, 1, 1) + dt.timedelta(days=i))
        for i in range(n)
    ])
    return repo


@pytest.fixture
def make_articles() -> Callable[..., Any]:
    """add(repo, n, two_sources=True): n dated articles from one or two sources; returns repo."""
    return _add_articles


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    """QSettings in a file of the test's own, never the user's."""
    from PySide6.QtCore import QSettings

    from ui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def small_repo(repo):  # type: ignore[no-untyped-def]
    """The workspace with six articles from two sources (a test module may ask for another)."""
    return _add_articles(repo, 6)


@pytest.fixture
def window(qtbot, small_repo, settings, gazetteer_index):  # type: ignore[no-untyped-def]
    """The main window on `small_repo`, shown, with background jobs and dialogs off."""
    from ui.window.main_window import MainWindow

    w = MainWindow(small_repo, "tester", settings, start_jobs=False)
    w.jobs.show_dialogs = False
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def status_text() -> Callable[[Any, int], str]:
    """status_text(window, article_id): the status the article list shows for an article."""
    from ui.articles.model import STATUS

    def shown(window: Any, article_id: int) -> str:
        model = window.list_panel.model
        return model.data(model.index(model.row_of(article_id), STATUS))

    return shown
