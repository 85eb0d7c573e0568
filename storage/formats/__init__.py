"""Other annotation tools' formats in and out (brat, doccano, Label Studio, Prodigy, INCEpTION's
XMI; spaCy's DocBin reader and writer come from coding through services): detection from a
file's name and content, reading a file whole, and writing a workspace's accepted spans."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Collection, Mapping, Optional

from storage.formats.common import FormatProblem, ToolRead

FORMATS = ("brat", "doccano", "labelstudio", "prodigy", "spacy", "xmi")
# A file that belongs to another one's import (a brat .txt beside its .ann, brat's .conf files,
# INCEpTION's TypeSystem.xml): passed over without a word.
SKIP = "skip"
# Which files each format reads, when --from names it.
SUFFIXES = {"brat": (".ann",), "doccano": (".jsonl", ".json", ".ndjson"), "labelstudio": (".json",),
            "prodigy": (".jsonl", ".json", ".ndjson"), "spacy": (".spacy",), "xmi": (".xmi",)}
Reader = Callable[[Path], ToolRead]


def detect_format(path: Path, named: Optional[str] = None, batch: Optional[Collection[Path]] = None) -> Optional[str]:
    """The tool format of a file (or SKIP), from --from when it names one for this kind of
    file, else from its name and content; None for Chronicler's own files. A companion file
    (a brat .txt, .conf, a TypeSystem.xml) is skipped only when what it belongs to is in the
    same import (`batch`, when given): alone it is imported as what it is."""
    suffix = path.suffix.lower()
    if named and suffix in SUFFIXES.get(named, ()):
        return named
    if suffix in (".ann", ".spacy", ".xmi"):
        return {".ann": "brat", ".spacy": "spacy", ".xmi": "xmi"}[suffix]
    def belongs(owners: list[Path]) -> bool:
        return any(o.is_file() and (batch is None or o in batch) for o in owners)

    if suffix == ".txt" and belongs([path.with_suffix(".ann")]):
        return SKIP
    if suffix == ".conf" and belongs(list(path.parent.glob("*.ann"))):
        return SKIP
    if path.name.lower() == "typesystem.xml" and belongs(list(path.parent.glob("*.xmi"))):
        return SKIP
    if suffix in (".jsonl", ".ndjson"):
        return _sniff_lines(path)
    if suffix == ".json":
        return _sniff_json(path)
    return None


def _sniff_lines(path: Path) -> Optional[str]:
    from storage.formats import doccano, prodigy
    from storage.formats.common import first_json_line

    obj = first_json_line(path)
    if obj is None:
        return None
    if prodigy.looks_like(obj):
        return "prodigy"
    if doccano.looks_like(obj):
        return "doccano"
    return None


def _sniff_json(path: Path) -> Optional[str]:
    from storage.formats import labelstudio
    from storage.formats.common import load_json

    try:
        data = load_json(path)
    except FormatProblem:
        return "labelstudio"  # the only JSON (not JSON lines) format: its reader names the problem
    if labelstudio.looks_like(data):
        return "labelstudio"
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return _sniff_list(data[0])
    return "labelstudio"


def _sniff_list(first: dict) -> str:  # type: ignore[type-arg]
    from storage.formats import doccano, prodigy

    if prodigy.looks_like(first):
        return "prodigy"
    return "doccano" if doccano.looks_like(first) else "labelstudio"


def read_tool_file(path: Path, fmt: str, readers: Optional[Mapping[str, Reader]] = None) -> ToolRead:
    """The whole file's articles, or FormatProblem: a file is imported whole or not at all."""
    if readers and fmt in readers:
        return readers[fmt](path)
    if fmt == "spacy":
        raise FormatProblem("a spaCy DocBin needs spaCy to be read: import it with `python main.py import`")
    from storage.formats import brat, doccano, labelstudio, prodigy, xmi

    if fmt in ("doccano", "prodigy") and path.suffix.lower() == ".json":
        return _json_list(path, fmt)
    reader: Reader = {"brat": brat.read, "doccano": doccano.read, "labelstudio": labelstudio.read,
                      "prodigy": prodigy.read, "xmi": xmi.read}[fmt]
    return reader(path)


def _json_list(path: Path, fmt: str) -> ToolRead:
    """doccano and Prodigy also export a JSON list of the same records."""
    from storage.formats import doccano, prodigy
    from storage.formats.common import load_json

    data = load_json(path)
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise FormatProblem(f"not a JSON list of {fmt} records")
    return (doccano.read_records if fmt == "doccano" else prodigy.read_records)(enumerate(data, 1))


__all__ = ["FORMATS", "SKIP", "FormatProblem", "ToolRead", "detect_format", "read_tool_file"]
