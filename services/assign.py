"""Spreading a workspace's unassigned articles over coders, a share of them to two coders."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence


@dataclass
class AssignResult:
    """What one assign run did: articles given to each coder, how many went to two."""

    coders: dict[str, int] = field(default_factory=dict)
    double: int = 0
    articles: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"coders": dict(self.coders), "double": self.double}

    def describe(self) -> str:
        if not self.articles:
            return "no unassigned articles: nothing assigned"
        each = ", ".join(f"{c} {n}" for c, n in self.coders.items())
        return f"assigned {self.articles} articles ({each}); {self.double} to two coders"


def check_coders(coders: Sequence[str], overlap: float) -> list[str]:
    """The coder names, stripped; ValueError in plain words for a list that cannot be used."""
    names = [c.strip() for c in coders]
    if not names or any(not c for c in names):
        raise ValueError("--coders needs names separated by commas, e.g. --coders ana,ben")
    if len(set(names)) != len(names):
        raise ValueError(f"--coders names a coder twice: {','.join(names)}")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"--overlap {overlap} is not a share between 0 and 1")
    if overlap > 0 and len(names) < 2:
        raise ValueError("--overlap needs at least two coders (a double-coded article goes to two)")
    return names


def plan(article_ids: Sequence[int], coders: Sequence[str], overlap: float,
         seed: Optional[int]) -> list[tuple[int, str]]:
    """(article, coder) pairs: round(overlap x n) articles to two coders, the rest to one,
    each article to the coders with the fewest so far (ties drawn at random from `seed`),
    so loads differ by one at most and the same seed gives the same plan."""
    rng = random.Random(seed)
    ids = sorted(article_ids)
    rng.shuffle(ids)
    n_double = round(overlap * len(ids))
    load = {c: 0 for c in coders}
    pairs: list[tuple[int, str]] = []
    for k, article_id in enumerate(ids):
        want = 2 if k < n_double else 1
        ranked = sorted(coders, key=lambda c: (load[c], rng.random()))
        for coder in ranked[:want]:
            load[coder] += 1
            pairs.append((article_id, coder))
    return pairs


def assign_articles(repo: Any, coders: Sequence[str], overlap: float = 0.0,
                    seed: Optional[int] = None, only_unassigned: bool = True, **_job: Any) -> AssignResult:
    """Assign every article that has no coder yet; returns the counts. `only_unassigned`
    False: articles assigned but not started by any of their coders (AssignFacts.unstarted)
    are spread again too, their old assignments replaced; work begun stays with its coder.
    (`_job`: the GUI's job runner passes progress and cancel, not needed for one transaction.)"""
    names = check_coders(coders, overlap)
    ids = repo.unassigned_article_ids()
    if not only_unassigned:
        again = repo.unstarted_article_ids()
        repo.clear_assignments(again)
        ids = sorted(set(ids) | set(again))
    pairs = plan(ids, names, overlap, seed)
    for name in names:
        repo.ensure_coder(name)
    repo.assign(pairs)
    result = AssignResult(coders={c: 0 for c in names}, articles=len(ids))
    per_article: dict[int, int] = {}
    for article_id, coder in pairs:
        result.coders[coder] += 1
        per_article[article_id] = per_article.get(article_id, 0) + 1
    result.double = sum(1 for n in per_article.values() if n >= 2)
    return result


@dataclass
class AssignFacts:
    """What the lead's assignment dialog shows before assigning: who is known, who has how
    many articles, and how many articles an assignment would spread."""

    coders: list[str] = field(default_factory=list)  # known: coder list, events, assignments
    counts: dict[str, int] = field(default_factory=dict)  # coder -> articles assigned now
    kept: dict[str, int] = field(default_factory=dict)  # coder -> begun: kept when spreading again
    articles: int = 0
    unassigned: int = 0
    unstarted: int = 0  # assigned, but no coder of theirs started them
    double: int = 0  # articles assigned to two coders or more

    def pool(self, only_unassigned: bool) -> int:
        return self.unassigned if only_unassigned else self.unassigned + self.unstarted


def assign_facts(repo: Any, **_job: Any) -> AssignFacts:
    counts = repo.assignment_counts()
    return AssignFacts(coders=sorted(set(repo.coders()) | set(counts)), counts=counts, kept=repo.started_counts(),
                       articles=repo.count_articles(), unassigned=len(repo.unassigned_article_ids()),
                       unstarted=len(repo.unstarted_article_ids()), double=len(repo.double_coded_ids()))


def preview(n_articles: int, coders: Sequence[str], overlap: float) -> tuple[dict[str, tuple[int, int]], int]:
    """What `plan` will give without drawing it: each coder's (fewest, most) new articles
    (loads differ by one at most; the seed decides who gets one more) and the number of
    articles going to two coders."""
    if not coders:
        return {}, 0
    n_double = round(overlap * n_articles) if len(coders) >= 2 else 0
    slots = n_articles + n_double
    low, extra = divmod(slots, len(coders))
    return {c: (low, low + (1 if extra else 0)) for c in coders}, n_double
