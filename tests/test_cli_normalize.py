"""`python main.py normalize`: JSON lines in, one JSON line out per line, in order (DESIGN 5)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import main

REQUESTS = [
    {"kind": "date", "text": "on Tuesday", "published": "2024-08-16"},
    {"kind": "place", "text": "Tripoli", "countries": ["LB"]},
    {"kind": "actor", "text": "Russian forces", "country": "UA"},
    {"kind": "date", "text": "mardi dernier", "published": "2024-03-14", "language": "fr"},
    {"kind": "place", "text": "Nowhereville-sur-Rien"},
]
PLACE_KEYS = {"location", "country", "iso2", "iso", "region", "admin1", "admin2", "latitude", "longitude",
              "geo_precision", "ambiguous", "candidates", "note"}


def _run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main.main(["normalize", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_in_and_out_in_order(tmp_path: Path, capsys, monkeypatch) -> None:
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in REQUESTS) + "\n\n"
    code, out, err = _run(capsys, monkeypatch, lines, "--db", str(tmp_path / "ws.sqlite"))
    assert code == 0, err
    answers = [json.loads(line) for line in out.splitlines()]
    assert len(answers) == len(REQUESTS)
    assert answers[0] == {"date": "2024-08-13", "precision": 1, "note": ""}
    assert set(answers[1]) == PLACE_KEYS
    assert (answers[1]["iso2"], answers[1]["admin1"], answers[1]["geo_precision"]) == ("LB", "North", 1)
    assert answers[2]["inter"] == 8 and answers[2]["name"] == "Russian forces" and "Guessed" in answers[2]["note"]
    assert answers[3]["date"] == "2024-03-12"
    assert answers[4]["location"] is None and answers[4]["admin1"] is None and answers[4]["note"]


def test_a_file_argument_and_dash(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(REQUESTS[0]) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, monkeypatch, "", str(path), "--db", str(tmp_path / "ws.sqlite"))
    assert code == 0 and json.loads(out)["date"] == "2024-08-13"
    code, out, _ = _run(capsys, monkeypatch, json.dumps(REQUESTS[2]), "-", "--db", str(tmp_path / "ws.sqlite"))
    assert code == 0 and json.loads(out)["inter"] == 8


@pytest.mark.parametrize("stdin, reason", [
    ('{"kind": "date", "text": "today", "published": "2024-08-16"}\n{oops\n', "line 2: not JSON"),
    ('["a list"]\n', "line 1: expected a JSON object"),
    ('{"kind": "weather", "text": "rain"}\n', "line 1: unknown kind"),
    ('{"kind": "date", "text": 5}\n', "line 1: 'text' must be a string"),
])
def test_a_bad_line_is_one_line_naming_it(tmp_path: Path, capsys, monkeypatch, stdin: str, reason: str) -> None:
    code, out, err = _run(capsys, monkeypatch, stdin, "--db", str(tmp_path / "ws.sqlite"))
    assert code != 0
    assert err.startswith("chronicler: stdin: ") and reason in err and len(err.strip().splitlines()) == 1
    if "line 2" in reason:  # the good line before it was answered
        assert json.loads(out.splitlines()[0])["date"] == "2024-08-16"


def test_a_missing_file_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    code, _, err = _run(capsys, monkeypatch, "", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "ws.sqlite"))
    assert code != 0 and "nope.jsonl" in err and len(err.strip().splitlines()) == 1
