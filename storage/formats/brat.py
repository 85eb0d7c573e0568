"""brat standoff: a `.txt` file and beside it a `.ann` file whose text-bound lines read
`T1<TAB>LABEL START END[;START END...]<TAB>covered text`. brat counts characters (code points
in Python 3); files written by other tools are also read in UTF-16 units or UTF-8 bytes when
only that reading covers the text the line quotes. A span brat broke at line ends is one span;
other discontinuous spans are kept as separate spans, with a note."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional

from storage.formats.common import ArticleOut, FormatProblem, ToolRead, article_record, check_size, imported_span
from storage.formats.offsets import CODE_POINTS, UTF8, UTF16, OffsetMap, locate_span
from storage.importers.decode import FileProblem, read_text
from storage.importers.records import SpanRecord

UNITS = (CODE_POINTS, UTF16, UTF8)
CONF_FILES = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")
_FRAGMENT = re.compile(r"^(\d+) (\d+)$")
# What brat's other annotation lines are, for the report.
_KINDS = {"R": "relations", "E": "events", "*": "equivalences", "A": "attributes", "M": "attributes",
          "N": "normalizations", "#": "notes"}


def text_file(ann: Path) -> Optional[Path]:
    for suffix in (".txt", ".TXT"):
        candidate = ann.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def _fragments(spec: str, where: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(";"):
        m = _FRAGMENT.match(part.strip())
        if not m:
            raise FormatProblem(f"{where}: offsets '{spec}' are not 'start end[;start end]'")
        out.append((int(m.group(1)), int(m.group(2))))
    return out


def _merge_line_breaks(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """brat writes a span that crosses a line end as fragments around it: join those back."""
    merged = [frags[0]]
    for start, end in frags[1:]:
        gap = text[merged[-1][1]:start]
        if start >= merged[-1][1] and not gap.strip() and ("\n" in gap or "\r" in gap):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _text_bound(text: str, ident: str, rest: str, where: str, maps: dict[str, OffsetMap],
                notes: list[str]) -> list[SpanRecord]:
    type_and_offsets, _, covered = rest.partition("\t")
    label, _, spec = type_and_offsets.partition(" ")
    frags = _fragments(spec, where)
    for unit in UNITS:
        located = [locate_span(text, s, e, None, (unit,), maps) for s, e in frags]
        if any(f is None for f in located):
            continue
        pieces = " ".join(text[s:e] for s, e in located)  # type: ignore[misc]
        if not covered or " ".join(pieces.split()) == " ".join(covered.split()):
            break
    else:
        raise FormatProblem(f"{where}: {ident} offsets {spec} do not cover '{covered[:40]}' in the text")
    parts = _merge_line_breaks(text, located)  # type: ignore[arg-type]
    if len(parts) > 1:
        notes.append(f"{ident} is discontinuous: kept as {len(parts)} separate spans")
    return [imported_span(s, e, label) for s, e in parts]


def read(ann: Path) -> ToolRead:
    """The article of one .ann file and the .txt beside it."""
    txt = text_file(ann)
    if txt is None:
        raise FormatProblem(f"no {ann.stem}.txt beside it (brat keeps the text in a .txt of the same name)")
    check_size(ann)
    try:
        text = read_text(txt)
        lines = read_text(ann).splitlines() if ann.stat().st_size else []
    except FileProblem as exc:
        raise FormatProblem(str(exc)) from None
    spans: list[SpanRecord] = []
    notes: list[str] = []
    skipped: dict[str, int] = {}
    maps: dict[str, OffsetMap] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        where = f"line {number}"
        if ident.startswith("T"):
            spans.extend(_text_bound(text, ident, rest, where, maps, notes))
        elif ident[:1] in _KINDS:
            kind = _KINDS[ident[:1]]
            skipped[kind] = skipped.get(kind, 0) + 1
        else:
            raise FormatProblem(f"{where}: '{line[:40]}' is not a brat annotation line")
    for kind, count in sorted(skipped.items()):
        notes.append(f"{count} {kind} not imported (Chronicler keeps entity spans only)")
    record = article_record(text, "brat", ann.name, spans, meta={"file": txt.name})
    return ToolRead([record], [f"{ann.name}: {n}" for n in notes])


def _ann_lines(art: ArticleOut) -> list[str]:
    lines = []
    for i, span in enumerate(art.spans, 1):
        label = "_".join(span.label.split()) or "ENTITY"
        # brat's lines cannot hold a line break: a span across one is written in fragments.
        frags = []
        for m in re.finditer(r"[^\r\n]+", art.text[span.start:span.end]):
            frags.append((span.start + m.start(), span.start + m.end()))
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        covered = " ".join(art.text[s:e] for s, e in frags)
        lines.append(f"T{i}\t{label} {offsets}\t{covered}")
    return lines


def write(articles: Iterable[ArticleOut], folder: Path) -> None:
    """One `article-ID.txt` (the text exactly, UTF-8) and `article-ID.ann` per article."""
    labels: set[str] = set()
    for art in articles:
        stem = folder / f"article-{art.id}"
        stem.with_suffix(".txt").write_text(art.text, encoding="utf-8", newline="")
        lines = _ann_lines(art)
        stem.with_suffix(".ann").write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")
        labels.update("_".join(s.label.split()) or "ENTITY" for s in art.spans)
    # brat needs the labels declared to show them.
    conf = ["[entities]", *sorted(labels), "", "[relations]", "", "[events]", "", "[attributes]", ""]
    (folder / "annotation.conf").write_text("\n".join(conf), encoding="utf-8")
