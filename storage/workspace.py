"""Where workspaces live, and the default one that starts with the project's sample articles."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from storage.dburl import is_url
from storage.repository import Repository

SAMPLES_FILE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "samples.jsonl"


def data_dir() -> Path:
    """The user's data folder for Chronicler; CHRONICLER_HOME overrides it (tests, portable use)."""
    override = os.environ.get("CHRONICLER_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path("Chronicler", appauthor=False)


def cache_dir() -> Path:
    """Rebuildable files (the gazetteer index). CHRONICLER_CACHE, then CHRONICLER_HOME, override it."""
    override = os.environ.get("CHRONICLER_CACHE")
    if override:
        return Path(override).expanduser()
    override = os.environ.get("CHRONICLER_HOME")
    if override:
        return Path(override).expanduser() / "cache"
    import platformdirs

    return platformdirs.user_cache_path("Chronicler", appauthor=False)


def default_workspace_path() -> Path:
    return data_dir() / "workspace.sqlite"


def open_workspace(path: Optional[str | Path] = None, create: bool = True,
                   model: Optional[str] = None) -> Repository:
    """Open (creating if needed) a workspace: a file path, or a postgresql:// URL (never taken
    for a path; the database must exist, its tables are created). The default one is filled
    with the sample articles the first time it is created, so a new user has something to code,
    with their shipped suggestions when `model` (None: the default pipeline) made them at the
    version installed here (storage.sample_suggestions); else the suggester does them.

    Only the default workspace is created with its folder: a path given whose folder does not
    exist is a typing mistake, and so is a missing file when `create` is False (commands that
    only read must not answer about a new empty workspace)."""
    if is_url(path):
        return Repository(str(path))
    target = Path(path).expanduser() if path else default_workspace_path()
    is_default = path is None
    if not is_default:
        from storage.db import WorkspaceError

        if not target.parent.is_dir():
            raise WorkspaceError(f"{target}: the folder {target.parent} does not exist", path=target,
                                 problem="the folder does not exist")
        if not create and not target.exists():
            raise WorkspaceError(f"{target}: no workspace there (check the path; this command does not "
                                 "create one)", path=target, problem="no workspace there")
    fresh = not target.exists() or target.stat().st_size == 0
    repo = Repository(target)
    if is_default and fresh and SAMPLES_FILE.is_file():
        from storage.importers import import_paths

        from storage.sample_suggestions import load_shipped_suggestions

        import_paths(repo, [SAMPLES_FILE])
        load_shipped_suggestions(repo, model or None)
    return repo
