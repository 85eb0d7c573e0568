"""bench/run.py --readme writes the README's table from a run's results."""
from __future__ import annotations

from pathlib import Path

from bench.run import BEGIN, END, Outcome, rewrite_readme

README = f"""# Title

Intro.

{BEGIN}
| benchmark | value | goal | result |
|---|---|---|---|
| import | 0.53x | >= 0.7x raw | FAIL |
| list | 66 ms | < 200 ms | pass |
{END}

After the table.
"""


def _outcomes() -> list[Outcome]:
    return [Outcome("bench_import", results=[{"bench": "import", "value": 0.81, "unit": "ratio", "goal": ">= 0.7x raw"}]),
            Outcome("bench_new", results=[{"bench": "first_highlights", "value": 2100, "unit": "ms", "goal": "< 5000 ms"}]),
            Outcome("bench_broken", error="timed out after 240 s")]


def _table(text: str) -> list[str]:
    return [line for line in text[text.index(BEGIN):text.index(END)].splitlines() if line.startswith("| ")]


def test_a_partial_run_rewrites_its_rows_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    assert rewrite_readme(_outcomes(), quick=True, keep_others=True, path=path) == 3
    text = path.read_text(encoding="utf-8")
    assert _table(text) == [
        "| benchmark | value | goal | result |",
        "| import | 0.81x | >= 0.7x raw | pass |",
        "| list | 66 ms | < 200 ms | pass |",
        "| first_highlights | 2100 ms | < 5000 ms | pass |",
        "| broken | - | - | error: timed out after 240 s |",
    ]
    assert text.startswith("# Title\n\nIntro.\n\n") and text.endswith(f"{END}\n\nAfter the table.\n")
    assert "bench/run.py --readme --quick" in text


def test_a_whole_run_writes_only_its_own_rows(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text(README, encoding="utf-8")
    rewrite_readme(_outcomes(), quick=False, keep_others=False, path=path)
    rows = _table(path.read_text(encoding="utf-8"))
    assert [r.split("|")[1].strip() for r in rows[1:]] == ["import", "first_highlights", "broken"]


def test_the_project_readme_has_the_markers() -> None:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert text.index(BEGIN) < text.index(END)
