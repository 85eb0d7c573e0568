"""Other tools' files in: each reader on small files written to the tool's documented format,
with CRLF, astral characters (emoji), overlapping spans, and offsets counted the tool's way."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.formats import import_files
from storage.formats import detect_format

# An emoji (astral: 2 UTF-16 units, 4 UTF-8 bytes) and a CRLF before the names.
TEXT = "Drones 🛩️ hit Kharkiv\r\nand Kyiv; police in Kharkiv Oblast said."


def at(name: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return start, start + len(name)


def utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def utf8(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def article_with_text(repo, text: str):  # type: ignore[no-untyped-def]
    """The id of the article whose text is exactly `text`, or None."""
    return next((aid for aid in repo.article_ids() if repo.get_article(aid).text == text), None)


def spans_of(repo, text: str = TEXT) -> set[tuple[int, int, str, str, str, str]]:  # type: ignore[no-untyped-def]
    aid = article_with_text(repo, text)
    assert aid is not None
    return {(s.start, s.end, s.label, text[s.start:s.end], s.state, s.origin) for s in repo.spans(aid)}


EXPECTED = {
    (*at("Kharkiv"), "GPE", "Kharkiv", "accepted", "coder"),
    (*at("Kyiv"), "GPE", "Kyiv", "accepted", "coder"),
    (*at("Kharkiv Oblast"), "LOC", "Kharkiv Oblast", "accepted", "coder"),
    (*at("Kharkiv", 1), "GPE", "Kharkiv", "accepted", "coder"),  # inside the LOC: overlapping
}


def test_doccano_label_lists_in_utf16_units(repo, tmp_path: Path) -> None:
    labels = [[utf16(TEXT, s), utf16(TEXT, e), label] for s, e, label, *_ in EXPECTED]
    path = tmp_path / "admin.jsonl"
    path.write_text(json.dumps({"id": 7, "text": TEXT, "label": labels, "Comments": []}) + "\n", encoding="utf-8")
    assert detect_format(path) == "doccano"
    report = import_files(repo, [path])
    assert report.imported == 1 and not report.failures
    assert spans_of(repo) == EXPECTED


def test_doccano_entities_and_relations_reported(repo, tmp_path: Path) -> None:
    s, e = at("Kyiv")
    line = {"text": TEXT, "entities": [{"id": 1, "label": "GPE", "start_offset": utf16(TEXT, s),
                                        "end_offset": utf16(TEXT, e)}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 1, "type": "self"}]}
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = import_files(repo, [path])
    assert report.imported == 1
    assert spans_of(repo) == {(s, e, "GPE", "Kyiv", "accepted", "coder")}
    assert any("1 relations not imported" in n for n in report.notes)


def test_prodigy_spans_and_rejected_answers(repo, tmp_path: Path) -> None:
    spans = [{"start": s, "end": e, "label": label, "text": t} for s, e, label, t, *_ in EXPECTED]
    lines = [{"text": TEXT, "spans": spans, "answer": "accept", "_input_hash": 1, "_task_hash": 2},
             {"text": "Rejected text about Lviv.", "spans": [{"start": 20, "end": 24, "label": "GPE"}],
              "answer": "reject", "_input_hash": 3, "_task_hash": 4},
             {"text": "Ignored text.", "spans": [], "answer": "ignore", "_input_hash": 5, "_task_hash": 6}]
    path = tmp_path / "ner.jsonl"
    path.write_text("\r\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\r\n", encoding="utf-8")
    assert detect_format(path) == "prodigy"
    report = import_files(repo, [path])
    assert report.imported == 1 and not report.failures
    assert spans_of(repo) == EXPECTED
    assert any("2 rejected or ignored answers skipped" in n for n in report.notes)


def _ls_result(s: int, e: int, label: str, text: str) -> dict:  # type: ignore[type-arg]
    return {"id": f"r{s}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text, "labels": [label]}}


@pytest.mark.parametrize("units", ["code points", "utf-16"])
def test_labelstudio_export_either_unit(repo, tmp_path: Path, units: str) -> None:
    conv = (lambda i: i) if units == "code points" else (lambda i: utf16(TEXT, i))
    result = [_ls_result(conv(s), conv(e), label, t) for s, e, label, t, *_ in EXPECTED]
    result.append({"id": "rel", "type": "relation", "from_id": "a", "to_id": "b", "direction": "right"})
    s, e = at("police")
    tasks = [{"id": 1, "data": {"text": TEXT},
              "annotations": [{"id": 1, "completed_by": {"email": "ana@example.org"}, "result": result,
                               "was_cancelled": False}],
              "predictions": [{"model_version": "v1", "result": [_ls_result(conv(s), conv(e), "ORG", "police")]}]}]
    path = tmp_path / "project.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    assert detect_format(path) == "labelstudio"
    report = import_files(repo, [path])
    assert report.imported == 1 and not report.failures
    assert spans_of(repo) == EXPECTED | {(s, e, "ORG", "police", "suggested", "model")}
    aid = article_with_text(repo, TEXT)
    assert {sp.coder for sp in repo.spans(aid) if sp.state == "accepted"} == {"ana@example.org"}
    assert any("not labelled text spans" in n for n in report.notes)


def _brat_folder(tmp_path: Path, unit: str = "chars") -> Path:
    folder = tmp_path / "brat"
    folder.mkdir()
    conv = {"chars": lambda i: i, "bytes": lambda i: utf8(TEXT, i)}[unit]
    (folder / "doc1.txt").write_bytes(TEXT.encode("utf-8"))
    lines = []
    for n, (s, e, label, t, *_) in enumerate(sorted(EXPECTED), 1):
        lines.append(f"T{n}\t{label} {conv(s)} {conv(e)}\t{t}")
    # Discontinuous: 'Drones' + 'Kyiv'; and one broken at the CRLF as brat writes it.
    d1, d2 = at("Drones"), at("Kyiv")
    lines.append(f"T8\tEVENT {conv(d1[0])} {conv(d1[1])};{conv(d2[0])} {conv(d2[1])}\tDrones Kyiv")
    k, a = at("Kharkiv"), at("and")
    lines.append(f"T9\tLOC {conv(k[0])} {conv(k[1])};{conv(a[0])} {conv(a[1])}\tKharkiv and")
    lines += ["R1\tLocated Arg1:T1 Arg2:T2", "E1\tAttack:T8", "A1\tNegated E1", "#1\tAnnotatorNotes T1\tchecked"]
    (folder / "doc1.ann").write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    (folder / "annotation.conf").write_text("[entities]\nGPE\nLOC\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("unit", ["chars", "bytes"])
def test_brat_folder(repo, tmp_path: Path, unit: str) -> None:
    folder = _brat_folder(tmp_path, unit)
    report = import_files(repo, [folder], from_format="brat" if unit == "bytes" else None)
    assert report.imported == 1 and not report.failures, report.failures
    got = spans_of(repo)
    k, a = at("Kharkiv"), at("and")
    assert got == EXPECTED | {
        (*at("Drones"), "EVENT", "Drones", "accepted", "coder"),
        (*at("Kyiv"), "EVENT", "Kyiv", "accepted", "coder"),
        (k[0], a[1], "LOC", "Kharkiv\r\nand", "accepted", "coder"),  # joined across the line end
    }
    notes = " | ".join(report.notes)
    assert "T8 is discontinuous: kept as 2 separate spans" in notes
    assert "T9" not in notes
    for kind in ("1 relations", "1 events", "1 attributes", "1 notes"):
        assert f"{kind} not imported" in notes


def test_brat_ann_without_text_and_bad_offsets(repo, tmp_path: Path) -> None:
    (tmp_path / "lonely.ann").write_text("T1\tGPE 0 4\tKyiv\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Kyiv is here.", encoding="utf-8")
    (tmp_path / "bad.ann").write_text("T1\tGPE 0 4\tLviv\n", encoding="utf-8")
    report = import_files(repo, [tmp_path / "lonely.ann", tmp_path / "bad.ann"])
    assert report.imported == 0
    reasons = {Path(f.path).name: f.reason for f in report.failures}
    assert "no lonely.txt beside it" in reasons["lonely.ann"]
    assert "do not cover 'Lviv'" in reasons["bad.ann"]
    assert repo.count_articles() == 0  # nothing half-imported


def test_malformed_files_are_one_line_and_import_nothing(repo, tmp_path: Path) -> None:
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "Kyiv.", "label": [[0, 4, "GPE"]]}) + "\n{not json\n", encoding="utf-8")
    outside = tmp_path / "o.jsonl"
    outside.write_text(json.dumps({"text": "Kyiv.", "label": [[0, 40, "GPE"]]}) + "\n", encoding="utf-8")
    ls = tmp_path / "ls.json"
    ls.write_text('[{"data": {"text": "Kyiv"}, "annotations": [', encoding="utf-8")
    report = import_files(repo, [doccano, outside, ls])
    assert report.imported == 0 and len(report.failures) == 3
    reasons = {Path(f.path).name: f.reason for f in report.failures}
    assert reasons["d.jsonl"].startswith("doccano: line 2: not valid JSON")
    assert "does not fit the text" in reasons["o.jsonl"]
    assert reasons["ls.json"].startswith("labelstudio: not valid JSON")
    assert all("\n" not in r for r in reasons.values())


def test_duplicates_reported_by_text(repo, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": []}) + "\n" + json.dumps({"text": TEXT, "label": []}) + "\n",
                    encoding="utf-8")
    report = import_files(repo, [path])
    assert (report.imported, report.duplicates) == (1, 1)
    assert import_files(repo, [path]).duplicates == 2


def test_xmi_from_inception(repo, tmp_path: Path) -> None:
    """A CAS as INCEpTION writes it: UTF-16 offsets in the XMI, the type system beside it."""
    from cassis import Cas

    from storage.formats.xmi import _typesystem

    ts = _typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = TEXT
    ne = ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity")
    for s, e, label, *_ in EXPECTED:
        cas.add(ne(begin=s, end=e, value=label))
    cas.to_xmi(tmp_path / "doc.xmi")
    (tmp_path / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
    raw = (tmp_path / "doc.xmi").read_text(encoding="utf-8")
    s, e = at("Kyiv")
    assert f'begin="{utf16(TEXT, s)}" end="{utf16(TEXT, e)}"' in raw  # the file counts UTF-16
    report = import_files(repo, [tmp_path])
    assert report.imported == 1 and not report.failures, report.failures
    assert spans_of(repo) == EXPECTED


def test_xmi_without_typesystem(repo, tmp_path: Path) -> None:
    (tmp_path / "doc.xmi").write_text("<xmi:XMI/>", encoding="utf-8")
    report = import_files(repo, [tmp_path / "doc.xmi"])
    assert report.imported == 0 and "no TypeSystem.xml beside it" in report.failures[0].reason


def test_spacy_docbin(repo, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp.make_doc(TEXT)
    spans = [doc.char_span(s, e, label=label) for s, e, label, *_ in EXPECTED]
    assert all(spans)
    doc.ents = [sp for sp in spans if sp.label_ == "GPE"]
    doc.spans["sc"] = spans
    path = tmp_path / "train.spacy"
    DocBin(docs=[doc]).to_disk(path)
    report = import_files(repo, [path])
    assert report.imported == 1 and not report.failures
    assert spans_of(repo) == EXPECTED


def test_spacy_damaged(repo, tmp_path: Path) -> None:
    path = tmp_path / "bad.spacy"
    path.write_bytes(b"not zlib at all")
    report = import_files(repo, [path])
    assert report.imported == 0 and report.failures[0].reason.startswith("spacy: not a spaCy DocBin")


def test_own_jsonl_still_ours(tmp_path: Path) -> None:
    path = tmp_path / "ours.jsonl"
    path.write_text(json.dumps({"text": "Kyiv.", "spans": [{"start": 0, "end": 4, "label": "GPE",
                                                            "state": "accepted"}]}) + "\n", encoding="utf-8")
    assert detect_format(path) is None


def test_xmi_entities_are_not_expanded(repo, tmp_path: Path) -> None:
    """An XMI is untrusted: no external entity read, no entity expansion bomb."""
    from storage.formats.xmi import _typesystem

    (tmp_path / "TypeSystem.xml").write_text(_typesystem().to_xml(), encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    head = '<xmi:XMI xmlns:xmi="http://www.omg.org/XMI" xmlns:cas="http:///uima/cas.ecore" xmi:version="2.0">'
    tail = '"/><cas:View sofa="1" members=""/></xmi:XMI>'
    sofa = '<cas:NULL xmi:id="0"/><cas:Sofa xmi:id="1" sofaNum="1" sofaID="_InitialView" sofaString="'
    xxe = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{(tmp_path / "secret.txt").as_uri()}">]>'
    (tmp_path / "xxe.xmi").write_text(xxe + head + sofa + "a &e; b" + tail, encoding="utf-8")
    entities = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10))
    (tmp_path / "bomb.xmi").write_text(f"<!DOCTYPE x [{entities}]>" + head + sofa + "&a9;" + tail, encoding="utf-8")
    report = import_files(repo, [tmp_path / "xxe.xmi", tmp_path / "bomb.xmi"])
    assert report.imported == 0 and len(report.failures) == 2
    assert all(f.reason.startswith("xmi: not a UIMA CAS XMI file") for f in report.failures)


def test_doccano_offset_inside_an_emoji(repo, tmp_path: Path) -> None:
    s = utf16(TEXT, TEXT.index("🛩"))
    path = tmp_path / "mid.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": [[s + 1, s + 4, "X"]]}) + "\n", encoding="utf-8")
    report = import_files(repo, [path])
    assert report.imported == 0 and "does not fit the text (offsets are UTF-16 code units)" in report.failures[0].reason


def test_brat_text_alone_is_an_article(repo, tmp_path: Path) -> None:
    folder = _brat_folder(tmp_path)
    report = import_files(repo, [folder / "doc1.txt"])
    assert report.imported == 1 and not report.failures
    assert not repo.spans(article_with_text(repo, TEXT))
