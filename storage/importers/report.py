"""What an import did: per file, what was imported, skipped as a duplicate, or failed and why."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportFailure:
    path: str
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    failures: list[ImportFailure] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    files: int = 0
    cancelled: bool = False
    # Events changed by importing an edited export workbook (.xlsx).
    events_created: int = 0
    events_updated: int = 0
    # What other tools' files held that was not imported or was changed (storage.formats).
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"imported {self.imported}, skipped {self.duplicates} duplicates, failed {len(self.failures)}"
        if self.events_created or self.events_updated:
            text += f"; events from workbooks: {self.events_created} new, {self.events_updated} updated"
        return text + (" (cancelled)" if self.cancelled else "")
