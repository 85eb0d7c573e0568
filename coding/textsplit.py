"""Cutting very long texts into pieces the pipeline can take, at paragraph or sentence ends."""
from __future__ import annotations

import re

# spaCy's parser and NER cost grows with doc length and its limit is nlp.max_length (1M
# characters); pieces of ~100k characters keep memory flat and batches balanced.
PIECE_CHARS = 100_000
_BREAKS = (re.compile(r"\n[ \t]*\r?\n"), re.compile(r"\n"), re.compile(r"[.!?。]\s+"), re.compile(r"\s+"))


def split_text(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs covering `text` exactly: ''.join(pieces) == text and each piece
    starts at its offset. Cuts fall after a paragraph break if one is in the second half of
    the window, else after a line, a sentence end, a space, or (last resort) anywhere."""
    if len(text) <= limit:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        if n - pos <= limit:
            pieces.append((pos, text[pos:]))
            break
        window = text[pos: pos + limit]
        cut = 0
        for pattern in _BREAKS:
            last = None
            for m in pattern.finditer(window, limit // 2):
                last = m
            if last is not None:
                cut = last.end()
                break
        if cut <= 0:
            cut = limit
        pieces.append((pos, text[pos: pos + cut]))
        pos += cut
    return pieces
