"""`train`: a short run on tiny data gives a loadable pipeline that predicts differently from
the stock one, scored before/after on held-out articles; too little data is refused politely."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository

TEMPLATES = [
    "Shahed drones hit {place} overnight, officials said.",
    "Air defences downed a Shahed over {place} on Monday.",
    "Residents of {place} heard a Shahed before the blast.",
    "A Shahed struck a depot near {place}, the governor said.",
    "Two Shahed drones fell in {place} fields.",
    "Police said a Shahed crashed in {place} at dawn.",
    "The army tracked a Shahed flying toward {place}.",
]
PLACES = ["Kharkiv", "Odesa", "Sumy", "Poltava", "Dnipro", "Kherson", "Lviv"]


def _fill(repo: Repository, n: int) -> list[str]:
    texts = []
    for template, place in list(zip(TEMPLATES, PLACES))[:n]:
        text = template.format(place=place)
        aid = repo.add_article(ArticleIn(text=text, title=text[:20]))
        s, p = text.index("Shahed"), text.index(place)
        spans = [EntitySpan(article_id=aid, start=s, end=s + 6, label="WEAPON", state="accepted", origin="coder"),
                 EntitySpan(article_id=aid, start=p, end=p + len(place), label="GPE", state="accepted", origin="model")]
        if "Police" in text or "army" in text:  # a rejected suggestion: negative evidence
            w = text.index("Police") if "Police" in text else text.index("army")
            spans.append(EntitySpan(article_id=aid, start=w, end=w + 4, label="ORG", state="rejected", origin="model"))
        repo.add_spans(spans)
        texts.append(text)
    return texts


def test_rejected_tokens_are_O_and_the_rest_missing() -> None:
    import spacy

    from coding.ner_train import CodedArticle, make_examples

    nlp = spacy.blank("en")
    text = "Police said a Shahed crashed in Sumy."
    art = CodedArticle(1, text, accepted=[(14, 20, "WEAPON"), (14, 27, "EVENT")], rejected=[(0, 6, "ORG")])
    (example,) = make_examples(nlp, [art])
    tags = example.get_aligned_ner()
    assert tags[0] == "O"  # Police: rejected
    assert tags[3:5] == ["B-EVENT", "L-EVENT"]  # overlapping spans: the longest is kept
    assert set(tags[1:3] + tags[5:]) == {None}  # missing: neither entity nor not-entity


def test_split_is_fixed_by_the_seed() -> None:
    from coding.ner_train import CodedArticle, split_articles

    arts = [CodedArticle(i, f"text {i}") for i in range(10)]
    train, held = split_articles(arts, 13, 0.2)
    again = split_articles(list(reversed(arts)), 13, 0.2)
    assert [a.id for a in held] == [a.id for a in again[1]] and len(held) == 2 and len(train) == 8


def test_too_few_coded_articles_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ws.sqlite"
    repo = Repository(db)
    _fill(repo, 3)
    repo.close()
    code = main.main(["train", "--db", str(db)])
    _, err = capsys.readouterr()
    assert code != 0 and err.count("\n") == 1
    assert "too few coded articles to learn from: 3 have accepted spans, training needs at least 5" in err


def test_short_training_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import spacy

    from coding.suggest import DEFAULT_MODEL, SuggestionService, installed_pipelines
    from coding.trained import trained_path

    db = tmp_path / "ws.sqlite"
    repo = Repository(db)
    texts = _fill(repo, 7)
    repo.close()
    code = main.main(["train", "--db", str(db), "--name", "tiny", "--max-minutes", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["name"] == "tiny" and result["labels"] == ["GPE", "WEAPON"]
    assert result["train_articles"] + result["held_out_articles"] == 7 and result["held_out_articles"] >= 1
    assert result["before"]["WEAPON"]["f1"] == 0.0  # the stock pipeline has no such label
    assert set(result["after"]) == {"GPE", "WEAPON", "all"}
    assert {"precision", "recall", "f1", "gold"} <= set(result["after"]["all"])

    path = trained_path("tiny")
    assert path is not None and Path(result["path"]) == path
    assert "tiny" in installed_pipelines()
    trained, stock = spacy.load(path), spacy.load(DEFAULT_MODEL)
    ents = lambda nlp: [[(e.start_char, e.end_char, e.label_) for e in nlp(t).ents] for t in texts]  # noqa: E731
    assert ents(trained) != ents(stock)
    assert any(label == "WEAPON" for doc in ents(trained) for _s, _e, label in doc)

    # Selectable by name for suggesting, with the learned stage after it (the gazetteer is
    # left out only to spare building its index here).
    service = SuggestionService("tiny", places=False, keep_all_labels=True)
    assert "ner" in service.nlp.pipe_names and service.model_version
    assert len(service.suggest_texts([texts[0]])[0]) >= 1


def test_cancelled_saves_nothing(repo: Repository) -> None:
    from coding.trained import trained_path
    from services.train import train_workspace

    _fill(repo, 7)
    calls: list[tuple[int, int, str]] = []
    result = train_workspace(repo, name="never", epochs=5, progress=lambda d, n, m: calls.append((d, n, m)),
                             cancelled=lambda: any("epoch 2/5" in m for _d, _n, m in calls))
    assert result.cancelled and result.path is None and trained_path("never") is None
    assert result.epochs < 5 and any("epoch 1/5, loss" in m for _d, _n, m in calls)
    assert "nothing saved" in result.describe()


def test_bad_name_and_base(repo: Repository) -> None:
    from services.train import TrainRefused, train_workspace

    _fill(repo, 6)
    with pytest.raises(TrainRefused, match="cannot name a pipeline"):
        train_workspace(repo, name="../escape")
    with pytest.raises(TrainRefused, match="not installed"):
        train_workspace(repo, base="no_such_pipeline_xyz", name="x")
