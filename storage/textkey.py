"""The duplicate key of a text (sha256 of " ".join(text.split()) as UTF-8) computed with
whole-buffer bytes operations instead of a list of every word: the import's hot path."""
from __future__ import annotations

import hashlib
import re
from typing import Any, Optional

# Every character str.split() / str.isspace() treats as white space (Unicode 14, Python 3.11);
# tests/test_import_fast_path.py checks this list against all of Unicode, so a Python with newer Unicode
# data fails the test rather than hashing differently.
ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
WIDE_SPACES = ("\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u2028\u2029\u202f\u205f\u3000")
# Longer texts take the chunked path of normalized_sha256 (memory).
FAST_MAX_CHARS = 1 << 20

_TO_SPACE = bytes.maketrans(ASCII_SPACES.encode("ascii"), b" " * len(ASCII_SPACES))
_WIDE_UTF8 = [c.encode("utf-8") for c in WIDE_SPACES]
# Deleting every byte that cannot be part of a wide space's UTF-8 form leaves a short string
# (a few bytes per dash or quote) to search; a wide space's bytes stay side by side in it.
_NOT_IN_WIDE = bytes(sorted(set(range(256)) - {b for e in _WIDE_UTF8 for b in e}))
# Dashes and curly quotes (U+2010-U+201F) leave only "\xe2\x80" each, and a string made of
# those pairs alone cannot hold a wide space: the common case skips the regex.
_PUNCTUATION_LEAD = b"\xe2\x80"


def _byte_class(values: list[int]) -> bytes:
    if len(values) == 1:
        return re.escape(bytes(values))
    return b"[" + b"".join(re.escape(bytes([v])) for v in values) + b"]"


# One alternative per lead sequence with a class of last bytes (\xe2\x80[\x80-\x8a...]).
_LAST_BYTES: dict[bytes, list[int]] = {}
for _e in _WIDE_UTF8:
    _LAST_BYTES.setdefault(_e[:-1], []).append(_e[-1])
_WIDE_RE = re.compile(b"|".join(re.escape(lead) + _byte_class(last) for lead, last in _LAST_BYTES.items()))


def normalized_sha256(text_: str, chunk: int = 1 << 20) -> str:
    """Duplicate key: the sha256 of the text with runs of white space folded to one space,
    i.e. of " ".join(text_.split()). Hashed a chunk at a time: splitting a 50 MB article at
    once made a list of millions of words (~10x the text in memory)."""
    if len(text_) <= chunk:
        # The common case folded with bytes operations, exactly the same.
        folded = folded_utf8(text_)
        if folded is not None:
            return hashlib.sha256(folded).hexdigest()
    digest = hashlib.sha256()
    carry, first = "", True
    for i in range(0, len(text_), chunk):
        piece = carry + text_[i:i + chunk]
        words = piece.split()
        carry = ""
        if words and not piece[-1].isspace() and i + chunk < len(text_):
            carry = words.pop()  # the last word may go on in the next chunk
        if words:
            digest.update(((" " if not first else "") + " ".join(words)).encode("utf-8"))
            first = False
    if carry:
        digest.update(((" " if not first else "") + carry).encode("utf-8"))
    return digest.hexdigest()


def key_and_value(text: str) -> tuple[str, Any]:
    """The duplicate key of a text and the value to bind for it in a UTF-8 database: an ASCII
    str as it is (bound without a copy), any other as the UTF-8 its key was computed from."""
    fast = fast_key(text)
    if fast is None:
        return normalized_sha256(text), text
    return fast[0], text if text.isascii() else fast[1]


def folded_utf8(text: str) -> Optional[bytes]:
    """" ".join(text.split()).encode("utf-8"), or None when the text holds white space outside
    ASCII or cannot be encoded (a lone surrogate): the caller then folds it with str.split()."""
    pair = _encode_and_fold(text)
    return None if pair is None else pair[1]


def fast_key(text: str) -> Optional[tuple[str, bytes]]:
    """(the duplicate key, the text as UTF-8), or None for a text the general path must fold
    (white space outside ASCII, a lone surrogate, longer than FAST_MAX_CHARS)."""
    if len(text) > FAST_MAX_CHARS:
        return None
    pair = _encode_and_fold(text)
    if pair is None:
        return None
    return hashlib.sha256(pair[1]).hexdigest(), pair[0]


def _encode_and_fold(text: str) -> Optional[tuple[bytes, bytes]]:
    """Exact because ASCII bytes never occur inside a multi-byte UTF-8 sequence: mapping the
    ASCII white space bytes to a space, collapsing runs of spaces and stripping the ends is the
    same fold once no other white space is present."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if not text.isascii():
        rest = data.translate(None, _NOT_IN_WIDE)
        if rest and rest.replace(_PUNCTUATION_LEAD, b"") and _WIDE_RE.search(rest) is not None:
            return None
    folded = data.translate(_TO_SPACE)
    # Each pass halves every run of spaces. The test first: a search stops at the first pair
    # (most texts have none), where a replace always copies the whole text.
    while b"  " in folded:
        folded = folded.replace(b"  ", b" ")
    return data, folded.strip(b" ")
