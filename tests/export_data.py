"""A small coded workspace for the export and re-import tests (not a test module)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from storage.models import EntitySpan
from storage.repository import ArticleIn

TEXT1 = "Police clashed with protesters in Kyiv on Monday.\r\nTwo people were hurt. Привіт 🙂."
LONG = "x" * 40_000


def base(**kw: Any) -> dict[str, Any]:
    values = {"event_date": dt.date(2024, 8, 12), "year": 2024, "time_precision": 1, "event_type": "Protests",
              "sub_event_type": "Peaceful protest", "actor1": "Protesters (Ukraine)", "inter1": 6,
              "country": "Ukraine", "location": "Kyiv", "latitude": 50.45, "longitude": 30.52,
              "geo_precision": 1, "source": "Kyiv Post", "fatalities": 0}
    values.update(kw)
    return values


def make_dataset(repo: Any) -> dict[str, Any]:
    """3 articles (coded, coded, in_progress), 4 events by 2 coders, evidence, spans, and the
    awkward values: formula-like text, an illegal character, a 40,000-character cell."""
    a1 = repo.add_article(ArticleIn(text=TEXT1, title="=HYPERLINK(\"http://x\")", url="http://a/1",
                                    published=dt.date(2024, 8, 16), status="coded"))
    a2 = repo.add_article(ArticleIn(text="A mob attacked a shop in Odesa.", title="Odesa",
                                    published=dt.date(2024, 9, 2), status="coded"))
    a3 = repo.add_article(ArticleIn(text="Students marched in Lviv.", title="Lviv", status="in_progress"))
    e1 = repo.add_event(a1, base(notes="=1+2", assoc_actor_1="-Students"), coder="ana")
    repo.set_evidence(e1.id, "location", 34, 38)
    repo.set_evidence(e1.id, "event_type", 20, 30)
    e2 = repo.add_event(a1, base(event_date=dt.date(2024, 8, 14), event_type="Battles", sub_event_type="Armed clash",
                                 inter1=1, fatalities=3, latitude=48.1, notes="bad\x01char\r\nline two", tags=LONG),
                        coder="bo")
    e3 = repo.add_event(a2, base(event_date=dt.date(2024, 9, 1), event_type="Riots", sub_event_type="Mob violence",
                                 inter1=5, fatalities=1, latitude=46.48, location="Odesa"), coder="ana")
    e4 = repo.add_event(a3, base(event_date=dt.date(2024, 10, 1), fatalities=2, latitude=49.84, location="Lviv"),
                        coder="bo")
    repo.add_spans([EntitySpan(article_id=a1, start=34, end=38, label="GPE", state="accepted"),
                    EntitySpan(article_id=a1, start=80, end=81, label="MISC")])
    return {"articles": [a1, a2, a3], "events": [e1, e2, e3, e4]}
