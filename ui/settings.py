"""The coder's preferences kept between sessions (QSettings): name, model, font size, codebook."""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "Chronicler"
APPLICATION = "Chronicler"
DEFAULT_FONT_SIZE = 11
MIN_FONT_SIZE, MAX_FONT_SIZE = 8, 24


class Settings:
    """Typed access to QSettings; pass a QSettings (e.g. an ini file) to keep tests apart."""

    def __init__(self, qsettings: Optional[QSettings] = None) -> None:
        self.q = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    def _str(self, key: str, default: str = "") -> str:
        value = self.q.value(key, default)
        return str(value) if value is not None else default

    def _set(self, key: str, value: Any) -> None:
        self.q.setValue(key, value)
        self.q.sync()  # written at once: a killed process keeps the preference

    # ---- preferences ----------------------------------------------------------------------
    @property
    def coder_name(self) -> str:
        return self._str("coder/name").strip()

    @coder_name.setter
    def coder_name(self, name: str) -> None:
        self._set("coder/name", name.strip())

    @property
    def model_name(self) -> str:
        """The spaCy pipeline for suggestions; empty means the suggester's default."""
        return self._str("suggest/model").strip()

    @model_name.setter
    def model_name(self, name: str) -> None:
        self._set("suggest/model", name.strip())

    @property
    def codebook_name(self) -> str:
        return self._str("coding/codebook", "acled").strip() or "acled"

    @codebook_name.setter
    def codebook_name(self, name: str) -> None:
        self._set("coding/codebook", name.strip())

    @property
    def font_size(self) -> int:
        try:
            size = int(self.q.value("view/font_size", DEFAULT_FONT_SIZE))
        except (TypeError, ValueError):
            size = DEFAULT_FONT_SIZE
        return max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))

    @font_size.setter
    def font_size(self, size: int) -> None:
        self._set("view/font_size", max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, int(size))))

    @property
    def last_folder(self) -> str:
        """Where the last import/export dialog was, so the next one starts there."""
        return self._str("files/last_folder")

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self._set("files/last_folder", folder)

    @property
    def recent_workspaces(self) -> list[str]:
        """Workspaces opened with File > Open workspace, newest first (URLs without passwords)."""
        value = self.q.value("files/recent_workspaces", [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def remember_workspace(self, target: str) -> None:
        self._set("files/recent_workspaces", [target, *[w for w in self.recent_workspaces if w != target]][:8])

    @property
    def last_export_folder(self) -> str:
        """Where the last export went: kept apart from the import folder, so the Import dialog
        never opens on an export's folder (a failed one included)."""
        return self._str("files/last_export_folder") or self.last_folder

    @last_export_folder.setter
    def last_export_folder(self, folder: str) -> None:
        self._set("files/last_export_folder", folder)

    # ---- window layout --------------------------------------------------------------------
    def layout(self, key: str) -> Optional[QByteArray]:
        value = self.q.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout(self, key: str, state: QByteArray) -> None:
        self.q.setValue(f"layout/{key}", state)

    def sync(self) -> None:
        self.q.sync()


__all__ = ["Settings", "ORGANIZATION", "APPLICATION", "DEFAULT_FONT_SIZE"]
