"""One event coded per codebook (ACLED, UCDP GED, PLOVER) from the same article, the steps a
coder takes, and the rows each export must hold for it: shared by the editor and form tests."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from coding.codebook import CODEBOOK_DIR, load_codebook
from coding.dataset import event_hook
from storage.exporters import ExportOptions, export_dataset
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

TEXT = ("On Tuesday Russian forces and Wagner fighters shelled Kharkiv, killing at least twelve civilians, "
        "the Ukrainian army said.")
PUBLISHED = dt.date(2024, 8, 16)  # a Friday: "On Tuesday" is 2024-08-13
HIGHLIGHTS = (("On Tuesday", "DATE"), ("Russian forces", "ORG"), ("Wagner fighters", "ORG"), ("Kharkiv", "GPE"),
              ("at least twelve", "CARDINAL"), ("civilians", "NORP"), ("the Ukrainian army", "ORG"))


def span_of(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def add_article(repo: Repository) -> int:
    article_id = repo.add_article(ArticleIn(text=TEXT, title="Shelling of Kharkiv", source="Kyiv Post",
                                            url="https://example.org/kharkiv", published=PUBLISHED))
    assert article_id is not None
    for word, label in HIGHLIGHTS:
        start, end = span_of(word)
        repo.add_span(EntitySpan(article_id=article_id, start=start, end=end, label=label))
    return article_id


def codebook(name: str) -> Any:
    return load_codebook(CODEBOOK_DIR / f"{name}.json")


# A coder's steps: ("fill", field, highlighted words) uses a highlight for the field;
# ("set", field, value) is a value typed or chosen by hand.
STEPS: dict[str, list[tuple[str, str, Any]]] = {
    "acled": [
        ("fill", "event_date", "On Tuesday"),
        ("set", "event_type", "Explosions/Remote violence"),
        ("set", "sub_event_type", "Shelling/artillery/missile attack"),
        ("fill", "actor1", "Russian forces"),
        ("set", "inter1", 8),
        ("fill", "assoc_actor_1", "Wagner fighters"),
        ("fill", "actor2", "civilians"),
        ("set", "inter2", 7),
        ("set", "civilian_targeting", "Civilian targeting"),
        ("fill", "location", "Kharkiv"),
        ("fill", "fatalities", "at least twelve"),
        ("set", "notes", "Russian shelling of Kharkiv killed twelve civilians."),
    ],
    "ucdp_ged": [
        ("fill", "date_start", "On Tuesday"),
        ("set", "type_of_violence", 3),
        ("set", "conflict_name", "Government of Russia - Civilians"),
        ("fill", "side_a", "Russian forces"),
        ("set", "side_b", "Civilians"),
        ("set", "number_of_sources", 1),
        ("set", "source_office", "Kyiv Post"),
        ("set", "source_original", "Ukrainian army"),
        ("fill", "where_coordinates", "Kharkiv"),
        ("set", "where_description", "Kharkiv city"),
        ("set", "country_id", 369),
        ("set", "region", "Europe"),
        ("fill", "deaths_civilians", "at least twelve"),
        ("set", "deaths_a", 0),
        ("set", "high", 15),
        ("set", "low", 12),
    ],
    "plover": [
        ("fill", "event_date", "On Tuesday"),
        ("set", "event_type", "ASSAULT"),
        ("set", "mode", "heavy-weapons"),
        ("set", "context", ["military", "humanitarian"]),
        ("fill", "actor", "Russian forces"),
        ("fill", "actor", "Wagner fighters"),
        ("set", "actor_country", "RUS"),
        ("set", "actor_sector", ["MIL", "UAF"]),
        ("fill", "recipient", "civilians"),
        ("set", "recipient_country", "UKR"),
        ("set", "recipient_sector", ["CVL"]),
        ("fill", "placename", "Kharkiv"),
        ("fill", "dead", "at least twelve"),
    ],
}

# Evidence columns come in field order.
# What each export's Events sheet holds for the event, read as text by pandas (CSV), in the
# codebook's own column order. The meta columns follow; evidence columns name the filled fields.
KHARKIV = {"lat": "49.9818", "lon": "36.2548", "prio": "201313"}
EXPECTED: dict[str, dict[str, str]] = {
    "acled": {
        "event_id_cnty": "", "event_date": "2024-08-13", "year": "2024", "time_precision": "1",
        "disorder_type": "Political violence", "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack", "actor1": "Russian forces",
        "assoc_actor_1": "Wagner fighters", "inter1": "External/Other forces", "actor2": "civilians",
        "assoc_actor_2": "", "inter2": "Civilians", "interaction": "Civilians-External/Other forces",
        "civilian_targeting": "Civilian targeting", "iso": "804", "region": "Europe", "country": "Ukraine",
        "admin1": "Kharkiv", "admin2": "", "admin3": "", "location": "Kharkiv", "latitude": KHARKIV["lat"],
        "longitude": KHARKIV["lon"], "geo_precision": "1", "source": "Kyiv Post", "source_scale": "",
        "notes": "Russian shelling of Kharkiv killed twelve civilians.", "fatalities": "12", "tags": "",
        "timestamp": "",
    },
    "ucdp_ged": {
        "id": "", "year": "2024", "active_year": "1", "code_status": "Clear", "type_of_violence": "3",
        "conflict_name": "Government of Russia - Civilians", "dyad_name": "Russian forces - Civilians",
        "side_a": "Russian forces", "side_b": "Civilians", "number_of_sources": "1", "source_article": "",
        "source_office": "Kyiv Post", "source_date": "", "source_headline": "", "source_original": "Ukrainian army",
        "where_prec": "1", "where_coordinates": "Kharkiv", "where_description": "Kharkiv city", "adm_1": "Kharkiv",
        "adm_2": "", "latitude": KHARKIV["lat"], "longitude": KHARKIV["lon"],
        "geom_wkt": f"POINT ({KHARKIV['lon']} {KHARKIV['lat']})", "priogrid_gid": KHARKIV["prio"],
        "country": "Ukraine", "country_id": "369", "region": "Europe", "event_clarity": "1", "date_prec": "1",
        "date_start": "2024-08-13", "date_end": "2024-08-13", "deaths_a": "0", "deaths_b": "",
        "deaths_civilians": "12", "deaths_unknown": "", "best": "12", "high": "15", "low": "12",
    },
    "plover": {
        "event_id": "", "event_date": "2024-08-13", "date_precision": "day", "event_type": "ASSAULT",
        "mode": "heavy-weapons", "context": "military; humanitarian", "quad_class": "Material Conflict",
        "actor": "Russian forces; Wagner fighters", "actor_country": "RUS", "actor_sector": "MIL; UAF",
        "recipient": "civilians", "recipient_country": "UKR", "recipient_sector": "CVL", "placename": "Kharkiv",
        "state": "Kharkiv", "country": "Ukraine", "latitude": KHARKIV["lat"], "longitude": KHARKIV["lon"],
        "geonames_id": "706483", "location_precision": "1", "dead": "12", "injured": "", "size": "",
        "source": "Kyiv Post", "comment": "",
    },
}
EVIDENCE: dict[str, dict[str, str]] = {
    "acled": {"event_date": "On Tuesday", "actor1": "Russian forces", "assoc_actor_1": "Wagner fighters",
              "actor2": "civilians", "location": "Kharkiv", "fatalities": "at least twelve"},
    "ucdp_ged": {"side_a": "Russian forces", "where_coordinates": "Kharkiv", "date_start": "On Tuesday",
                 "deaths_civilians": "at least twelve"},
    "plover": {"event_date": "On Tuesday", "actor": "Wagner fighters", "recipient": "civilians",
               "placename": "Kharkiv", "dead": "at least twelve"},
}


def meta_row(name: str, uid: str, article_id: int) -> dict[str, str]:
    return {"event_uid": uid, "article_id": str(article_id), "article_title": "Shelling of Kharkiv",
            "article_url": "https://example.org/kharkiv", "coder": "ana", "gold": "FALSE", "sources": "",
            "codebook": f"{name}/1",
            "valid": "TRUE", "problems": ""}


def check_exports(repo: Repository, name: str, tmp_path: Path, uid: str, article_id: int) -> None:
    """Export the workspace as CSV and as a workbook and check the event's row, every column,
    against the hand-written expected row, and the codebook's column order."""
    expected = {**EXPECTED[name], **meta_row(name, uid, article_id),
                **{f"evidence_{k}": v for k, v in EVIDENCE[name].items()}}
    out = tmp_path / f"{name}.csv"
    summary = export_dataset(repo, out, "csv", ExportOptions(event_hook=event_hook(repo=repo)))
    assert summary.events == 1 and summary.invalid_events == 0, summary.describe()
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(df.columns) == list(expected), list(df.columns)
    assert df.iloc[0].to_dict() == expected

    book = codebook(name)
    xlsx = tmp_path / f"{name}.xlsx"
    export_dataset(repo, xlsx, "xlsx", ExportOptions(event_hook=event_hook(repo=repo)))
    sheet = pd.read_excel(xlsx, sheet_name="Events")
    assert list(sheet.columns)[:len(book.fields)] == book.field_names  # the project's own order
    row = sheet.iloc[0]
    for spec in book.fields:
        text = EXPECTED[name][spec.name]
        value = row[spec.name]
        if text == "":
            assert pd.isna(value), (spec.name, value)
        elif spec.type == "date":
            assert value == pd.Timestamp(text), spec.name
        elif spec.type == "number":
            assert float(value) == float(text), spec.name
        else:
            assert str(value) == text, (spec.name, value)
