"""Reading article files as text: size cap, binary detection, encoding detection, BOMs."""
from __future__ import annotations

import codecs
import io
import re
from pathlib import Path
from typing import IO

# A single article beyond this is not an article; refuse it rather than exhaust memory.
MAX_FILE_BYTES = 200 * 1024 * 1024
# How much of a streamed file (CSV/JSONL) is looked at to pick its encoding.
SNIFF_BYTES = 256 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class FileProblem(Exception):
    """Why a whole file cannot be imported, in words for the user (no traceback)."""


def _bom(head: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte (for mostly-Latin text)."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(head: bytes, complete: bool) -> tuple[str, int]:
    """The encoding of bytes that start a file, and how many BOM bytes to skip.
    `complete` says whether `head` is the whole file (so a cut multibyte char is an error)."""
    found = _bom(head)
    if found:
        return found
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16:
            return utf16, 0
        raise FileProblem("binary file, not text")
    # Strict UTF-8 first: the common case, and charset detection on UTF-8 can only lose.
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=complete)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    if mostly_utf8(head):
        # UTF-8 with a stray byte: decoding it all as a code page would garble every line;
        # the readers report the line with the bad byte instead.
        return "utf-8", 0
    encoding = guess_encoding(head)
    if encoding is None:
        raise FileProblem("binary file, not text")
    return encoding, 0


_STRAY = re.compile("[\udc80-\udcff]")


def mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bytes that are not: more valid multibyte characters than bad bytes.
    A legacy code page's accented letters are (almost) never valid UTF-8 sequences, so a file
    in one has no valid multibyte character, while a UTF-8 file keeps all of its own."""
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY.findall(text))
    multibyte = sum(1 for ch in text if ord(ch) > 127) - stray
    return 0 < stray < multibyte


def stray_bytes(text: str) -> int:
    """How many undecodable bytes (surrogate escapes) a decoded text holds."""
    return len(_STRAY.findall(text))


def without_stray_bytes(text: str) -> str:
    return _STRAY.sub("\ufffd", text)


def file_name(path: Path) -> str:
    """A file's name as text every format can hold: bytes of a name that is not UTF-8 (which
    Python keeps as lone surrogates) become U+FFFD."""
    return without_stray_bytes(path.name)


# Code pages rarely met in news files today; on a few lines charset-normalizer often ranks them
# first (Russian as mac_cyrillic), so an equally clean common one is taken instead.
_RARE_PREFIXES = ("mac_", "cp4", "cp7", "cp8", "hp_", "ptcp", "kz", "cp10", "cp2", "cp3")
# Exact ties among the common ones (Portuguese reads the same in cp1250 and cp1252 to it):
# the Western and Cyrillic Windows code pages are the likeliest.
_PREFERRED = ("cp1252", "latin_1", "cp1251", "cp1250", "iso8859_15")


def guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's pick, corrected for its known biases on short texts."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    clean = [m for m in results if m.chaos <= best.chaos + 1e-6 and not m.encoding.startswith(_RARE_PREFIXES)]
    if not clean:
        return best.encoding
    top = max(m.coherence for m in clean)
    tied = [m for m in clean if m.coherence >= top - 1e-6]
    for name in _PREFERRED:
        for match in tied:
            if name == match.encoding or name in match.could_be_from_charset:
                return name
    return tied[0].encoding


def _looks_binary(text: str) -> bool:
    """Decoded text full of control characters was not text to begin with."""
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls > 0.02 * len(sample)


def read_text(path: Path) -> str:
    """A whole file as text exactly as decoded (line endings kept; only a BOM is dropped)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileProblem("file not found") from None
    except OSError as exc:
        raise FileProblem(f"cannot read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise FileProblem(f"too large ({size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise FileProblem("empty file")
    encoding, skip = detect_encoding(data if len(data) <= SNIFF_BYTES * 4 else data[: SNIFF_BYTES * 4],
                                     complete=len(data) <= SNIFF_BYTES * 4)
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8" or not mostly_utf8(data):
            text = _fallback(data, skip)
        else:
            # One bad byte costs one character (U+FFFD), not the meaning of the whole file.
            text = data[skip:].decode("utf-8", errors="replace")
    except LookupError:
        text = _fallback(data, skip)
    del data
    if not text.strip():
        raise FileProblem("empty file")
    if _looks_binary(text):
        raise FileProblem("binary file, not text")
    return text


def _fallback(data: bytes, skip: int) -> str:
    """Only the head was sniffed; a large file may change its mind further on."""
    fallback = guess_encoding(data) if not skip else None
    if fallback is None:
        raise FileProblem("binary file, not text")
    try:
        return data.decode(fallback)
    except UnicodeDecodeError:
        raise FileProblem("binary file, not text") from None


def open_text(path: Path) -> tuple[IO[str], str]:
    """A file opened for streaming as text (newlines untranslated), with its encoding name.
    The encoding is picked from the first SNIFF_BYTES; a BOM is skipped."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise FileProblem("file not found") from None
    except OSError as exc:
        raise FileProblem(f"cannot read ({exc.strerror or exc})") from None
    try:
        head = fh.read(SNIFF_BYTES)
        if not head.strip():
            raise FileProblem("empty file")
        complete = len(head) < SNIFF_BYTES
        encoding, skip = detect_encoding(head, complete=complete)
        fh.seek(skip)
        # UTF-8 bytes that are not UTF-8 come through as surrogate escapes, so the reader can
        # report the one line that holds them and go on (see stray_bytes).
        errors = "surrogateescape" if encoding == "utf-8" else "strict"
        stream = io.TextIOWrapper(fh, encoding=encoding, errors=errors, newline="")
    except BaseException:
        fh.close()
        raise
    return stream, encoding


def count_lines(path: Path) -> int:
    """Physical lines in a file, counted in binary (cheap: used as a progress total)."""
    n = 0
    last = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk
    return n + (1 if last and not last.endswith(b"\n") else 0)
