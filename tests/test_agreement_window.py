"""Team > Agreement report: computed off the GUI thread, it shows the figures services.agreement
gives on a hand-built workspace, per coder pair and overall; a disagreement opens adjudication."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from services.agreement import agreement_report, pair_disagreements
from storage.repository import ArticleIn
from ui.team.report_models import FieldScoresModel, judgement

CLASH = "Clashes near Goma on Monday killed four soldiers; protesters marched in Bunia."
DAY = dt.date(2024, 8, 19)


def team_workspace(repo: Any) -> dict[str, int]:
    """Four articles ana and ben both coded (the first cai too): they agree on some events and
    fields and not on others; one event only ben found, one only ana."""
    texts = {"clash": CLASH, "riot": "Youths rioted in Bunia on Monday; nobody died.",
             "beni": "Two killed near Beni on Monday in an attack.", "butembo": "Three civilians killed in Butembo."}
    ids = dict(zip(texts, repo.add_articles([ArticleIn(text=t, title=f"{k.title()} report", published=DAY)
                                             for k, t in texts.items()]).added_ids))
    repo.assign([(i, c) for i in ids.values() for c in ("ana", "ben")] + [(ids["clash"], "cai")])

    def event(article: str, coder: str, kind: str, place: str, deaths: int) -> Any:
        return repo.add_event(ids[article], {"event_date": DAY, "event_type": kind, "location": place,
                                             "fatalities": deaths}, coder=coder)

    ana = event("clash", "ana", "Battles", "Goma", 4)
    ben = event("clash", "ben", "Battles", "goma", 5)
    event("clash", "ben", "Protests", "Bunia", 0)
    event("clash", "cai", "Battles", "Goma", 4)
    event("riot", "ana", "Riots", "Bunia", 0)
    event("riot", "ben", "Protests", "Bunia", 0)
    event("beni", "ana", "Battles", "Beni", 2)
    event("beni", "ben", "Battles", "Beni", 2)
    event("butembo", "ana", "Violence against civilians", "Butembo", 3)
    four, goma = CLASH.index("four"), CLASH.index("Goma")
    repo.set_evidence(ana.id, "fatalities", four, four + 4)
    repo.set_evidence(ana.id, "location", goma, goma + 4)
    repo.set_evidence(ben.id, "location", goma, goma + 4)
    repo.set_evidence(ben.id, "event_type", 0, len("Clashes"))
    return ids


def _shown(window: Any, qtbot: Any) -> Any:
    report = window.team.show_report()
    qtbot.waitUntil(lambda: report.view is not None and report.save_button.isEnabled(), timeout=15000)
    return report


def _rows(model: FieldScoresModel) -> dict[str, tuple[str, int, str]]:
    def cell(row: int, column: int) -> Any:
        return model.data(model.index(row, column))

    return {cell(r, 0): (cell(r, FieldScoresModel.ALPHA), cell(r, FieldScoresModel.N), cell(r, FieldScoresModel.READING))
            for r in range(model.rowCount())}


def _expected(scores: dict[str, Any]) -> dict[str, tuple[str, int, str]]:
    return {name: ("—" if s.alpha is None else f"{s.alpha:.3f}", s.n, judgement(s)) for name, s in scores.items()}


def test_report_window_shows_the_services_figures(window, qtbot, qtmodeltester) -> None:
    ids = team_workspace(window.repo)
    expected = agreement_report(window.repo)
    report = _shown(window, qtbot)
    qtmodeltester.check(report.fields_model)
    qtmodeltester.check(report.disagreements_model)

    # Overall: every pair pooled (three coders, three pairs).
    assert [report.pair.itemText(i) for i in range(report.pair.count())] == \
        ["All pairs (ana, ben, cai)", *[f"{a} and {b}" for a, b in (p.coders for p in expected.pairs)]]
    assert _rows(report.fields_model) == _expected(expected.fields)
    text = report.summary.text()
    assert f"matched {expected.matched}" in text and f"<b>F1</b> {expected.f1:.3f}" in text
    assert all(f"only {c} {n}" in text for c, n in expected.only.items())

    # One pair: its own figures, its own disagreements.
    report.pair.setCurrentIndex(report.pair.findText("ana and ben"))
    pair = next(p for p in expected.pairs if p.coders == ("ana", "ben"))
    assert _rows(report.fields_model) == _expected(pair.fields)
    assert f"matched {len(pair.matched)}, only ana 1, only ben 1" in report.summary.text()
    listed = [report.disagreements_model.row(r) for r in range(report.disagreements_model.rowCount())]
    assert [(d.article_id, d.field, d.a, d.b) for d in listed] == \
        [(d.article_id, d.field, d.a, d.b) for d in pair_disagreements(expected, pair)]
    # The clash: fatalities 4 against 5 (the place's case is no difference); the riot's type;
    # the protest only ben found, the Butembo killing only ana.
    assert {(d.article_id, d.field, d.a, d.b) for d in listed if d.field} == {
        (ids["clash"], "fatalities", 4, 5), (ids["riot"], "event_type", "Riots", "Protests")}
    assert sorted((d.article_id, d.a is None) for d in listed if not d.field) == \
        sorted([(ids["clash"], True), (ids["butembo"], False)])
    # Few pairs: alpha is not judged, and the window says so.
    assert _rows(report.fields_model)["fatalities"][2] == "too few pairs to judge (n < 10)"

    # Double-clicking a disagreement opens the adjudication view on its article and pair.
    row = next(r for r, d in enumerate(listed) if d.field == "fatalities")
    index = report.disagreements_model.index(row, 0)
    report.disagreements_table.doubleClicked.emit(index)
    view = window.team.adjudication
    assert view is not None and view.isVisible()
    assert view.article_id == ids["clash"] and view.coders == ("ana", "ben")


def test_low_alpha_is_marked_and_the_workbook_is_saved(window, qtbot, tmp_path: Path) -> None:
    repo = window.repo
    (aid,) = repo.add_articles([ArticleIn(text="Many events.", title="Many", published=DAY)]).added_ids
    repo.assign([(aid, "ana"), (aid, "ben")])
    kinds = ["Battles", "Riots", "Protests"]
    for i in range(12):  # twelve matched pairs, event types mostly crossed: alpha well below 0.667
        day = DAY - dt.timedelta(days=3 * i)
        repo.add_event(aid, {"event_date": day, "location": f"Town {i}", "event_type": kinds[i % 3]}, coder="ana")
        repo.add_event(aid, {"event_date": day, "location": f"Town {i}", "event_type": kinds[(i + i // 4) % 3]},
                       coder="ben")
    report = _shown(window, qtbot)
    rows = _rows(report.fields_model)
    alpha, n, reading = rows["event_type"]
    assert n == 12 and float(alpha) < 0.667 and reading.startswith("below 0.667")
    at = next(r for r in range(report.fields_model.rowCount())
              if report.fields_model.data(report.fields_model.index(r, 0)) == "event_type")
    shade = report.fields_model.data(report.fields_model.index(at, FieldScoresModel.ALPHA), Qt.ItemDataRole.BackgroundRole)
    assert shade is not None and shade.color().name() == "#f8cbad"

    out = tmp_path / "agreement.xlsx"
    job = report.save_workbook(out)
    with qtbot.waitSignal(job.done, timeout=15000):
        pass
    book = load_workbook(out, read_only=True)
    assert {"Summary", "Fields", "Pairs"} <= set(book.sheetnames)


def test_report_without_double_coding_says_so(window, qtbot) -> None:
    report = window.team.show_report()
    qtbot.waitUntil(lambda: report.view is not None, timeout=15000)
    assert "nothing to compare" in report.summary.text()
    assert report.fields_model.rowCount() == 0 and not report.save_button.isEnabled()


def test_blind_mode_keeps_the_other_coders_values_out_of_a_coders_report(window, qtbot, settings) -> None:
    """A coder still coding blind sees the figures (they name no value) but not the other
    coder's values on the articles they code, nor the workbook that lists them side by side."""
    from services.agreement import agreement_view
    from ui.window.main_window import MainWindow

    repo = window.repo
    ids = team_workspace(repo)
    everything = agreement_view(repo)
    rows = sum(len(r) for r in everything.disagreements.values())
    assert rows and not everything.blind
    assert agreement_view(repo, viewer="ana").hidden == 0  # blind mode off: nothing held back

    repo.set_blind_mode(True)
    ana = agreement_view(repo, viewer="ana")
    assert ana.blind and ana.hidden == rows and not any(ana.disagreements.values())
    assert ana.report.pairs == everything.report.pairs  # the figures are the same
    lead = agreement_view(repo, viewer="lead")  # not coding any of them: sees everything
    assert not lead.blind and sum(len(r) for r in lead.disagreements.values()) == rows
    repo.mark_adjudicated(ids["riot"], "lead")  # adjudicated: no longer blind there
    assert agreement_view(repo, viewer="ana").hidden < rows

    coder = MainWindow(repo, "ana", settings, start_jobs=False)
    coder.jobs.show_dialogs = False
    qtbot.addWidget(coder)
    coder.show()
    qtbot.waitUntil(coder.is_attached, timeout=15000)
    report = coder.team.show_report()
    qtbot.waitUntil(lambda: report.view is not None and not report.job.is_running(), timeout=15000)
    assert report.view.blind and "hidden: blind mode" in report.disagreements_title.text()
    assert not report.save_button.isEnabled() and report.save_workbook() is None
