"""The File > Export dialog offers the same filters as the command line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from storage.repository import ArticleIn, Repository
from ui.jobs.dialogs import ExportDialog
from services.exporting import export


def test_dialog_filters_reach_the_export(qtbot, repo: Repository, tmp_path: Path) -> None:
    a = repo.add_article(ArticleIn(text="Clashes in Goma on Monday killed 4.", title="Goma"))
    repo.add_event(a, {"event_type": "Battles", "event_date": dt.date(2024, 3, 4)}, coder="ana")
    repo.add_event(a, {"event_type": "Riots", "event_date": dt.date(2024, 5, 1)}, coder="ben")

    dialog = ExportDialog(str(tmp_path), None, coders=["ana", "ben"], codebooks=["acled"])
    qtbot.addWidget(dialog)
    assert dialog.filters() == {}  # nothing chosen: everything goes out
    dialog.coder.setCurrentIndex(dialog.coder.findData("ben"))
    dialog.date_from.setText("2024-04-01")
    assert dialog.filters() == {"coders": ("ben",), "date_from": "2024-04-01"}

    out = tmp_path / "ben.xlsx"
    summary = export(repo, out, "xlsx", dialog.statuses(), **dialog.filters())
    sheet = load_workbook(out, read_only=True)["Events"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 2 and rows[1][header.index("event_type")] == "Riots"
    assert "1 event" in summary.describe()


def test_dialog_offers_gold_events_only(qtbot, repo: Repository, tmp_path: Path) -> None:
    a = repo.add_article(ArticleIn(text="Clashes in Goma on Monday killed 4.", title="Goma"))
    ana = repo.add_event(a, {"event_type": "Battles", "event_date": dt.date(2024, 3, 4)}, coder="ana")
    repo.create_gold_event(a, {"event_type": "Battles", "event_date": dt.date(2024, 3, 4), "fatalities": 4},
                           [ana.uid], adjudicator="lead")

    dialog = ExportDialog(str(tmp_path), None, coders=["ana"], codebooks=["acled"])
    qtbot.addWidget(dialog)
    dialog.gold_only.setChecked(True)
    assert dialog.filters() == {"gold_only": True}
    out = tmp_path / "gold.xlsx"
    export(repo, out, "xlsx", dialog.statuses(), **dialog.filters())
    rows = list(load_workbook(out, read_only=True)["Events"].iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 2 and rows[1][header.index("gold")] in (True, 1, "yes", "TRUE")
    assert rows[1][header.index("sources")] == ana.uid
