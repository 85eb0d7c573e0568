"""Where pipelines trained on a workspace live (the user data folder's `models/`), by name, so
suggesting can load them like installed spaCy pipelines."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from storage.workspace import data_dir

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def models_dir() -> Path:
    return data_dir() / "models"


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name


def trained_path(name: str) -> Optional[Path]:
    """The folder of the trained pipeline `name`, None when there is none by that name."""
    if not valid_name(name):
        return None
    path = models_dir() / name
    return path if (path / "meta.json").is_file() else None


def trained_names() -> list[str]:
    folder = models_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if valid_name(p.name) and (p / "meta.json").is_file())
